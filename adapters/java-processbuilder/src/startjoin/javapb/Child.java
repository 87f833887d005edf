package startjoin.javapb;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.util.Map;

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
                case "nest" -> nest(handle, step);
                default -> throw new IllegalStateException("step " + step + " was not validated");
            }
        }
    }

    /** Creates, starts and joins a grandchild the same way the driver does. */
    private static void nest(String handle, JsonObject step) throws IOException, InterruptedException {
        String nested = step.get("process").getAsString();
        JsonArray args = step.has("args") ? step.getAsJsonArray("args") : new JsonArray();
        Process process = Launch.builder(nested, step.getAsJsonArray("script"), args).start();
        int exitcode = process.waitFor();
        Trace.write(handle, "nested-exit", Map.of("process", new JsonPrimitive(nested),
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
     * Sends the child a signal. Java has no kill(2): ProcessHandle.destroy() refuses the current
     * process, and sun.misc.Signal.raise() refuses every signal the JVM has no handler for
     * ("Unhandled signal: SIGKILL"). A Java program that must signal itself runs kill(1), as
     * here. The JVM then acts on the signal in its own threads (for HUP, INT and TERM its
     * signal dispatcher runs the shutdown sequence and exits with 128+N), so the step waits for
     * that, as raise(3) returns only once the handler has run: the rest of the script never
     * races the signal. A signal the JVM survives leaves the child waiting here.
     */
    private static void raise(int number) throws IOException, InterruptedException {
        long self = ProcessHandle.current().pid();
        Process kill = new ProcessBuilder("kill", "-" + number, Long.toString(self)).inheritIO().start();
        if (kill.waitFor() != 0) throw new IOException("kill -" + number + " " + self + " failed");
        hang();
    }
}
