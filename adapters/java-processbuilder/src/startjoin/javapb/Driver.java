package startjoin.javapb;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.io.BufferedReader;
import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * startjoin's driver for java.lang.ProcessBuilder / java.lang.Process (protocol 1, profile
 * process). Requests arrive on fd 3 and replies leave on fd 4 (spec/protocol.md). Java has no
 * API over a descriptor number, so the driver opens them again through /proc/self/fd; the
 * children never see them, because the JDK closes every descriptor above 2 in the child before
 * it execs (childproc.c, closeDescriptors).
 */
public final class Driver {
    /** What ProcessBuilder can back: no close(), daemon flag or name; no fork() for orphan, no exec. */
    static final List<String> FEATURES = List.of("join_timeout", "terminate", "kill", "drop",
        "globals", "nest", "count_fds", "zombies", "join_threads", "getpid");

    /** The feature each op needs; "" for a base op. */
    private static final Map<String, String> OP_FEATURES = Map.ofEntries(
        Map.entry("create", ""), Map.entry("start", ""), Map.entry("join", ""),
        Map.entry("is_alive", ""), Map.entry("exitcode", ""), Map.entry("pid", ""),
        Map.entry("print", ""), Map.entry("trace", ""), Map.entry("shutdown", ""),
        Map.entry("terminate", "terminate"), Map.entry("kill", "kill"), Map.entry("close", "close"),
        Map.entry("drop", "drop"), Map.entry("set_daemon", "daemon"), Map.entry("daemon", "daemon"),
        Map.entry("name", "name"), Map.entry("join_threads", "join_threads"),
        Map.entry("set_global", "globals"), Map.entry("get_global", "globals"),
        Map.entry("count_fds", "count_fds"), Map.entry("getpid", "getpid"),
        Map.entry("zombies", "zombies"), Map.entry("case", "cases"));

    private final Map<String, Target> targets = new HashMap<>();
    private final Set<String> features = Set.copyOf(FEATURES);
    private final OutputStream replies;

    private Driver(OutputStream replies) {
        this.replies = replies;
    }

    public static void main(String[] argv) throws IOException {
        try (BufferedReader requests = new BufferedReader(new InputStreamReader(
                 new FileInputStream("/proc/self/fd/3"), StandardCharsets.UTF_8));
             OutputStream replies = new FileOutputStream("/proc/self/fd/4")) {
            Driver driver = new Driver(replies);
            driver.handshake();
            String line;
            while ((line = requests.readLine()) != null) {
                if (!driver.serve(line)) break;
            }
        }
        // main returns: the JVM ends as a Java program does. It does not wait for the children
        // (the JDK's process reaper threads are daemon threads).
    }

    private void handshake() throws IOException {
        JsonObject hello = new JsonObject();
        hello.addProperty("hello", "startjoin");
        hello.addProperty("protocol", 1);
        hello.addProperty("implementation", "java.lang.ProcessBuilder");
        hello.addProperty("version", Runtime.version().toString());
        hello.addProperty("profile", "process");
        JsonArray list = new JsonArray();
        FEATURES.forEach(list::add);
        hello.add("features", list);
        send(hello);
    }

    private void send(JsonObject message) throws IOException {
        replies.write((message + "\n").getBytes(StandardCharsets.UTF_8));
        replies.flush();
    }

    /** Answers one request line; false after shutdown. */
    private boolean serve(String line) throws IOException {
        JsonObject reply = new JsonObject();
        JsonElement id = JsonNull.INSTANCE;
        boolean more = true;
        try {
            JsonElement parsed;
            try {
                parsed = JsonParser.parseString(line);
            } catch (RuntimeException error) {
                throw new ProtocolError("bad_request", "request is not JSON: " + error.getMessage());
            }
            if (!parsed.isJsonObject()) throw new ProtocolError("bad_request", "request must be a JSON object");
            JsonObject request = parsed.getAsJsonObject();
            if (request.has("id")) id = request.get("id");
            String op = string(request, "op");
            more = !op.equals("shutdown");
            JsonElement value = handle(op, request);
            reply.add("id", id);
            reply.addProperty("ok", true);
            if (value != null) reply.add("value", value);
        } catch (ProtocolError error) {
            reply = failure(id, error.kind, error.getMessage());
        } catch (InterruptedException | RuntimeException error) {
            reply = failure(id, "internal", error.toString());
        }
        send(reply);
        return more;
    }

    private static JsonObject failure(JsonElement id, String kind, String message) {
        JsonObject error = new JsonObject();
        error.addProperty("kind", kind);
        error.addProperty("message", message);
        JsonObject reply = new JsonObject();
        reply.add("id", id);
        reply.addProperty("ok", false);
        reply.add("error", error);
        return reply;
    }

    private JsonElement handle(String op, JsonObject request) throws ProtocolError, InterruptedException {
        if (!OP_FEATURES.containsKey(op)) throw new ProtocolError("bad_request", "unknown op '" + op + "'");
        String feature = OP_FEATURES.get(op);
        if (!feature.isEmpty() && !features.contains(feature)) {
            throw new ProtocolError("unsupported", op + " needs feature '" + feature
                + "', which ProcessBuilder does not have");
        }
        switch (op) {
            case "create": create(request); return null;
            case "start": start(target(request)); return null;
            case "join": return join(target(request), request);
            case "is_alive": { Process p = target(request).process; return new JsonPrimitive(p != null && p.isAlive()); }
            case "exitcode": return exitcode(target(request).process);
            case "pid": { Process p = target(request).process; return p == null ? JsonNull.INSTANCE : new JsonPrimitive(p.pid()); }
            case "terminate": started(target(request), op).destroy(); return null;
            case "kill": started(target(request), op).destroyForcibly(); return null;
            case "drop": target(request); targets.remove(string(request, "process")); return null;
            case "join_threads": return joinThreads(target(request), request);
            case "set_global": Globals.set(string(request, "name"), field(request, "value")); return null;
            case "get_global": return Globals.get(string(request, "name"));
            case "count_fds": return new JsonPrimitive(countFds());
            case "getpid": return new JsonPrimitive(ProcessHandle.current().pid());
            case "zombies": return zombies();
            case "print": print(request); return null;
            case "trace": trace(request); return null;
            case "shutdown": return null;
            default: throw new ProtocolError("bad_request", "unknown op '" + op + "'");
        }
    }

    private void create(JsonObject request) throws ProtocolError {
        String handle = string(request, "process");
        if (!Script.NAME.matcher(handle).matches()) {
            throw new ProtocolError("bad_request", "'process' must match [A-Za-z0-9_.-]{1,64}");
        }
        if (targets.containsKey(handle)) throw new ProtocolError("bad_request", "process '" + handle + "' exists already");
        if (request.has("daemon")) throw new ProtocolError("unsupported", "create's 'daemon' needs feature 'daemon'");
        if (request.has("name")) throw new ProtocolError("unsupported", "create's 'name' needs feature 'name'");
        JsonElement script = field(request, "script");
        JsonElement args = field(request, "args");
        if (!args.isJsonArray()) throw new ProtocolError("bad_request", "'args' must be a JSON array");
        Script.validate(script, features, "");
        targets.put(handle, new Target(handle, script.getAsJsonArray(), args.getAsJsonArray()));
    }

    private static void start(Target target) throws ProtocolError {
        try {
            target.start();
        } catch (IOException error) {
            throw new ProtocolError("system", "ProcessBuilder.start(): " + error.getMessage());
        }
    }

    /**
     * Before start() a Java program has no Process to call waitFor(), destroy() or
     * destroyForcibly() on: the type system makes the mistake impossible. The driver says so.
     */
    private static Process started(Target target, String op) throws ProtocolError {
        if (target.process == null) {
            throw new ProtocolError("invalid_state", op + " before start(): a ProcessBuilder has no Process yet");
        }
        return target.process;
    }

    private static JsonElement join(Target target, JsonObject request) throws ProtocolError, InterruptedException {
        Process process = started(target, "join");
        if (!request.has("timeout")) {
            process.waitFor();
            return null;
        }
        JsonElement timeout = request.get("timeout");
        if (!(timeout.isJsonPrimitive() && timeout.getAsJsonPrimitive().isNumber())) {
            throw new ProtocolError("bad_request", "'timeout' must be a number of seconds");
        }
        // waitFor(long, TimeUnit) in nanoseconds; zero and negative timeouts poll once.
        double seconds = timeout.getAsDouble();
        long nanos = seconds >= Long.MAX_VALUE / 1e9 ? Long.MAX_VALUE : (long) Math.ceil(seconds * 1e9);
        return new JsonPrimitive(process.waitFor(nanos, TimeUnit.NANOSECONDS));
    }

    /**
     * Process.exitValue() as Java reports it: the exit status, and for a death by signal N,
     * 128 + N (the JDK's ProcessHandleImpl_unix.c / ProcessImpl). Java keeps no other record of
     * the wait status, so the driver cannot tell `exit(143)` from SIGTERM and does not try.
     */
    private static JsonElement exitcode(Process process) {
        if (process == null) return JsonNull.INSTANCE;
        try {
            return new JsonPrimitive(process.exitValue());
        } catch (IllegalThreadStateException running) {
            return JsonNull.INSTANCE;
        }
    }

    private static JsonElement joinThreads(Target target, JsonObject request) throws ProtocolError, InterruptedException {
        Process process = started(target, "join_threads");
        JsonElement count = field(request, "threads");
        if (!Script.isInteger(count) || count.getAsLong() < 1 || count.getAsLong() > 64) {
            throw new ProtocolError("bad_request", "'threads' must be an integer in 1..64");
        }
        int threads = count.getAsInt();
        CountDownLatch go = new CountDownLatch(1);
        JsonElement[] codes = new JsonElement[threads];
        Throwable[] errors = new Throwable[threads];
        List<Thread> joiners = new ArrayList<>();
        for (int index = 0; index < threads; index++) {
            final int slot = index;
            Thread joiner = new Thread(() -> {
                try {
                    go.await();
                    process.waitFor();
                    codes[slot] = exitcode(process);
                } catch (Throwable error) {
                    errors[slot] = error;
                }
            }, "join_threads-" + index);
            joiner.start();
            joiners.add(joiner);
        }
        go.countDown();
        for (Thread joiner : joiners) joiner.join();
        JsonArray result = new JsonArray();
        for (int index = 0; index < threads; index++) {
            if (errors[index] != null) throw new ProtocolError("internal", "thread " + index + ": " + errors[index]);
            result.add(codes[index]);
        }
        return result;
    }

    /** The entries of /proc/self/fd, less the descriptor that opendir(3) used to list them. */
    private static int countFds() throws ProtocolError {
        String[] entries = new File("/proc/self/fd").list();
        if (entries == null) throw new ProtocolError("system", "cannot list /proc/self/fd");
        return entries.length - 1;
    }

    /** Children of this JVM in state Z, ascending. */
    private static JsonElement zombies() throws ProtocolError {
        long self = ProcessHandle.current().pid();
        Set<Long> found = new TreeSet<>();
        String[] entries = new File("/proc").list();
        if (entries == null) throw new ProtocolError("system", "cannot list /proc");
        for (String entry : entries) {
            if (!entry.chars().allMatch(Character::isDigit)) continue;
            String stat;
            try {
                stat = Files.readString(Path.of("/proc", entry, "stat"));
            } catch (IOException gone) {
                continue;  // the process ended while we looked
            }
            // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
            String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            if (rest[0].equals("Z") && Long.parseLong(rest[1]) == self) found.add(Long.parseLong(entry));
        }
        JsonArray result = new JsonArray();
        found.forEach(result::add);
        return result;
    }

    private static void print(JsonObject request) throws ProtocolError {
        String text = string(request, "text");
        String stream = request.has("stream") ? string(request, "stream") : "stdout";
        switch (stream) {
            case "stdout" -> System.out.println(text);
            case "stderr" -> System.err.println(text);
            default -> throw new ProtocolError("bad_request", "'stream' must be \"stdout\" or \"stderr\"");
        }
    }

    private static void trace(JsonObject request) throws ProtocolError {
        try {
            Trace.write("parent", string(request, "event"), Map.of());
        } catch (IOException error) {
            throw new ProtocolError("system", "trace: " + error.getMessage());
        }
    }

    private Target target(JsonObject request) throws ProtocolError {
        String handle = string(request, "process");
        Target target = targets.get(handle);
        if (target == null) throw new ProtocolError("bad_request", "unknown process '" + handle + "'");
        return target;
    }

    private static JsonElement field(JsonObject request, String name) throws ProtocolError {
        if (!request.has(name)) throw new ProtocolError("bad_request", "request lacks '" + name + "'");
        return request.get(name);
    }

    private static String string(JsonObject request, String name) throws ProtocolError {
        JsonElement value = field(request, name);
        if (!Script.isString(value)) throw new ProtocolError("bad_request", "'" + name + "' must be a string");
        return value.getAsString();
    }
}
