package startjoin.javapb;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How a target reaches its child. ProcessBuilder launches programs, not functions, so every
 * child is a new JVM running {@link Child}, and the target travels in its argv:
 *
 * <pre>java FLAGS -cp CLASSPATH startjoin.javapb.Child HANDLE SCRIPT-JSON TYPES ARG...</pre>
 *
 * Each argument takes one argv entry: a JSON string as its raw text (so "", "a b" and quotes
 * travel as they are), any other value as JSON text; TYPES has one letter per argument
 * (s or j). argv cannot carry a NUL byte: that limit is the model's, and nothing hides it.
 */
final class Launch {
    /**
     * JVM flags that only make start-up cheaper: class data sharing, the C1 compiler alone and
     * the serial collector. None changes what a program observes of its process. And a crash
     * report (hs_err) goes to stderr, where the runner captures it, not into the working
     * directory.
     */
    static final List<String> JVM_FLAGS = List.of("-Xshare:auto", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
        "-XX:+ErrorFileToStderr");

    private Launch() {}

    /**
     * The ProcessBuilder a Java user writes for this child: the command, and inheritIO(), so the
     * child's output goes where the parent's goes (spec [output.*]) instead of into pipes
     * nobody reads.
     */
    static ProcessBuilder builder(String handle, JsonArray script, JsonArray args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_FLAGS);
        // The child's class data sharing archive (train-cds.sh), when the driver was given one.
        String archive = System.getProperty("startjoin.javapb.childArchive");
        if (archive != null) command.add("-XX:SharedArchiveFile=" + archive);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Child.class.getName());
        command.add(handle);
        command.add(script.toString());
        StringBuilder types = new StringBuilder();
        List<String> values = new ArrayList<>();
        for (JsonElement arg : args) {
            boolean string = Script.isString(arg);
            types.append(string ? 's' : 'j');
            values.add(string ? arg.getAsString() : arg.toString());
        }
        command.add(types.toString());
        command.addAll(values);
        return new ProcessBuilder(command).inheritIO();
    }

    /** The inverse of {@link #builder}'s argv, in the child: the arguments as JSON values. */
    static JsonArray decodeArguments(String types, String[] argv, int first) {
        if (types.length() != argv.length - first) {
            throw new IllegalArgumentException("TYPES has " + types.length() + " letters for "
                + (argv.length - first) + " arguments");
        }
        JsonArray args = new JsonArray();
        for (int index = 0; index < types.length(); index++) {
            String value = argv[first + index];
            switch (types.charAt(index)) {
                case 's' -> args.add(value);
                case 'j' -> args.add(JsonParser.parseString(value));
                default -> throw new IllegalArgumentException("bad TYPES letter " + types.charAt(index));
            }
        }
        return args;
    }
}
