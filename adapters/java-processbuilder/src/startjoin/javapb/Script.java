package startjoin.javapb;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.math.BigDecimal;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validates a target script at create (spec/protocol.md, "Target scripts"), nested scripts
 * included, so a malformed step is refused before anything runs. The messages follow the other
 * drivers: "step 2 (nest) > step 0 (exit): 'code' must be an integer in 0..255".
 */
final class Script {
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    /** The feature each step needs; "" for a base step. */
    private static final Map<String, String> STEP_FEATURES = Map.ofEntries(
        Map.entry("print", ""), Map.entry("eprint", ""), Map.entry("trace", ""),
        Map.entry("wait", ""), Map.entry("sleep", ""), Map.entry("exit", ""),
        Map.entry("raise", ""), Map.entry("signal", ""), Map.entry("report_args", ""),
        Map.entry("report_pid", ""), Map.entry("hang", ""), Map.entry("busy", ""),
        Map.entry("set_global", "globals"), Map.entry("report_global", "globals"),
        Map.entry("nest", "nest"), Map.entry("orphan", "orphan"), Map.entry("exec", "exec"));

    private Script() {}

    static void validate(JsonElement script, Set<String> features, String path) throws ProtocolError {
        if (!script.isJsonArray()) {
            throw new ProtocolError("bad_request", path + "script must be a JSON array of steps, got " + script);
        }
        JsonArray steps = script.getAsJsonArray();
        for (int index = 0; index < steps.size(); index++) {
            validateStep(steps.get(index), index, features, path);
        }
    }

    private static void validateStep(JsonElement element, int index, Set<String> features, String path)
            throws ProtocolError {
        String position = path + "step " + index;
        if (!element.isJsonObject() || !isString(element.getAsJsonObject().get("step"))) {
            throw new ProtocolError("bad_request",
                position + ": must be an object with a string 'step', got " + element);
        }
        JsonObject step = element.getAsJsonObject();
        String kind = step.get("step").getAsString();
        if (!STEP_FEATURES.containsKey(kind)) {
            throw new ProtocolError("unsupported", position + ": unknown step '" + kind + "'");
        }
        Fields fields = new Fields(step, position + " (" + kind + ")");
        switch (kind) {
            case "print", "eprint" -> fields.text("text");
            case "trace" -> fields.text("event");
            case "wait", "orphan" -> fields.name("gate");
            case "sleep" -> fields.nonNegativeNumber("seconds");
            case "exit" -> fields.integer("code", 0, 255);
            case "raise" -> fields.text("message");
            case "signal" -> fields.integer("signal", 1, 64);
            case "set_global" -> { fields.text("name"); fields.require("value"); }
            case "report_global" -> fields.text("name");
            case "exec" -> fields.text("command");
            case "nest" -> {
                fields.name("process");
                if (!fields.require("script").isJsonArray()) fields.fail("script", "must be a JSON array of steps");
                if (step.has("args") && !step.get("args").isJsonArray()) fields.fail("args", "must be a JSON array");
                validate(step.get("script"), features, fields.where + " > ");
            }
            default -> { }
        }
        String feature = STEP_FEATURES.get(kind);
        if (!feature.isEmpty() && !features.contains(feature)) {
            throw new ProtocolError("unsupported", fields.where + " needs feature '" + feature
                + "', which this driver does not support");
        }
    }

    static boolean isString(JsonElement value) {
        return value != null && value.isJsonPrimitive() && value.getAsJsonPrimitive().isString();
    }

    /** An integer in JSON's sense: a number without fraction (1.0 is not one, as in Python). */
    static boolean isInteger(JsonElement value) {
        if (value == null || !value.isJsonPrimitive() || !value.getAsJsonPrimitive().isNumber()) return false;
        String text = value.getAsString();
        return !text.contains(".") && !text.contains("e") && !text.contains("E");
    }

    private static final class Fields {
        final JsonObject step;
        final String where;

        Fields(JsonObject step, String where) {
            this.step = step;
            this.where = where;
        }

        void fail(String field, String problem) throws ProtocolError {
            throw new ProtocolError("bad_request", where + ": '" + field + "' " + problem);
        }

        JsonElement require(String field) throws ProtocolError {
            if (!step.has(field)) fail(field, "is missing");
            return step.get(field);
        }

        void text(String field) throws ProtocolError {
            if (!isString(require(field))) fail(field, "must be a string");
        }

        void name(String field) throws ProtocolError {
            text(field);
            if (!NAME.matcher(step.get(field).getAsString()).matches()) {
                fail(field, "must match [A-Za-z0-9_.-]{1,64}");
            }
        }

        void integer(String field, long low, long high) throws ProtocolError {
            JsonElement value = require(field);
            boolean ok = isInteger(value);
            if (ok) {
                BigDecimal number = new BigDecimal(value.getAsString());
                ok = number.compareTo(BigDecimal.valueOf(low)) >= 0 && number.compareTo(BigDecimal.valueOf(high)) <= 0;
            }
            if (!ok) fail(field, "must be an integer in " + low + ".." + high);
        }

        void nonNegativeNumber(String field) throws ProtocolError {
            JsonElement value = require(field);
            if (!(value.isJsonPrimitive() && ((JsonPrimitive) value).isNumber()) || value.getAsDouble() < 0) {
                fail(field, "must be a number >= 0");
            }
        }
    }
}
