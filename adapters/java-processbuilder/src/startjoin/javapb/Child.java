package startjoin.javapb;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.util.Map;
import sun.misc.Signal;

/**
 * The program every ProcessBuilder child runs (Launch describes its argv). It is an ordinary
 * Java program that interprets the target script and ends the way a Java program ends:
 *
 * <ul>
 *   <li>the script returns: main returns, the JVM exits with 0;
 *   <li>exit N: System.exit(N), Java's explicit exit;
 *   <li>raise: a RuntimeException that nothing catches: the default handler prints its stack
 *       trace on stderr and the launcher exits with 1.
 * </ul>
 */
public final class Child {
    /** The busy step's work: a volatile field, so the JIT cannot drop the loop. */
    private static volatile long spins;

    private Child() {}

    public static void main(String[] argv) throws Exception {
        if (argv.length < 3) {
            System.err.println("startjoin.javapb.Child: usage: HANDLE SCRIPT-JSON TYPES ARG...");
            System.exit(2);
        }
        String handle = argv[0];
        JsonArray script = JsonParser.parseString(argv[1]).getAsJsonArray();
        JsonArray args = Launch.decodeArguments(argv[2], argv, 3);
        // Deliberately no try/catch: an uncaught error ends the child as Java's do.
        run(handle, script, args);
    }

    static void run(String handle, JsonArray script, JsonArray args) throws Exception {
        for (JsonElement element : script) {
            JsonObject step = element.getAsJsonObject();
            switch (step.get("step").getAsString()) {
                case "print" -> System.out.println(step.get("text").getAsString());
                case "eprint" -> System.err.println(step.get("text").getAsString());
                case "trace" -> Trace.write(handle, step.get("event").getAsString(), Map.of());
                case "wait" -> Trace.waitGate(step.get("gate").getAsString());
                case "sleep" -> sleep(step.get("seconds").getAsDouble());
                case "exit" -> System.exit(step.get("code").getAsInt());
                case "raise" -> throw new RuntimeException(step.get("message").getAsString());
                case "signal" -> raise(step.get("signal").getAsInt());
                case "report_args" -> Trace.write(handle, "args", Map.of("args", args));
                case "report_pid" -> {
                    ProcessHandle self = ProcessHandle.current();
                    long ppid = self.parent().map(ProcessHandle::pid).orElse(0L);
                    Trace.write(handle, "pid", Map.of("pid", new JsonPrimitive(self.pid()),
                        "ppid", new JsonPrimitive(ppid)));
                }
                case "hang" -> hang();
                case "busy" -> busy();
                case "set_global" -> Globals.set(step.get("name").getAsString(), step.get("value"));
                case "report_global" -> {
                    String name = step.get("name").getAsString();
                    Trace.write(handle, "global", Map.of("name", new JsonPrimitive(name),
                        "value", Globals.get(name)));
                }
                case "nest" -> nest(step);
                default -> throw new IllegalStateException("step " + step + " was not validated");
            }
        }
    }

    /** Creates, starts and joins a grandchild the same way the driver does. */
    private static void nest(JsonObject step) throws IOException, InterruptedException {
        String nested = step.get("process").getAsString();
        JsonArray args = step.has("args") ? step.getAsJsonArray("args") : new JsonArray();
        Process process = Launch.builder(nested, step.getAsJsonArray("script"), args).start();
        int exitcode = process.waitFor();
        Trace.write(nested, "nested-exit", Map.of("process", new JsonPrimitive(nested),
            "exitcode", new JsonPrimitive(exitcode)));
    }

    private static void sleep(double seconds) throws InterruptedException {
        long nanos = Math.round(seconds * 1e9);
        Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
    }

    private static void hang() throws InterruptedException {
        while (true) {
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    private static void busy() {
        while (true) {
            spins = spins + 1;
        }
    }

    /**
     * Sends the child a signal: sun.misc.Signal.raise (jdk.unsupported, exported to every
     * module), Java's only way to signal its own process. It knows signals by name.
     */
    private static void raise(int number) {
        String name = SIGNAL_NAMES.get(number);
        if (name == null) throw new IllegalArgumentException("no name for signal " + number);
        Signal.raise(new Signal(name));
    }

    private static final Map<Integer, String> SIGNAL_NAMES = Map.ofEntries(
        Map.entry(1, "HUP"), Map.entry(2, "INT"), Map.entry(3, "QUIT"), Map.entry(4, "ILL"),
        Map.entry(5, "TRAP"), Map.entry(6, "ABRT"), Map.entry(7, "BUS"), Map.entry(8, "FPE"),
        Map.entry(9, "KILL"), Map.entry(10, "USR1"), Map.entry(11, "SEGV"), Map.entry(12, "USR2"),
        Map.entry(13, "PIPE"), Map.entry(14, "ALRM"), Map.entry(15, "TERM"), Map.entry(16, "STKFLT"),
        Map.entry(17, "CHLD"), Map.entry(18, "CONT"), Map.entry(19, "STOP"), Map.entry(20, "TSTP"),
        Map.entry(21, "TTIN"), Map.entry(22, "TTOU"), Map.entry(23, "URG"), Map.entry(24, "XCPU"),
        Map.entry(25, "XFSZ"), Map.entry(26, "VTALRM"), Map.entry(27, "PROF"), Map.entry(28, "WINCH"),
        Map.entry(29, "IO"), Map.entry(30, "PWR"), Map.entry(31, "SYS"));
}
