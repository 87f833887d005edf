package startjoin.javapb;

import com.google.gson.JsonArray;

/**
 * A protocol process object. Java splits it in two: a ProcessBuilder (the recipe: command and
 * redirects) and the Process that each start() returns. Before start() there is no Process, so
 * there is nothing to wait for, ask or signal.
 */
final class Target {
    final ProcessBuilder builder;
    Process process;  // the last start()'s; null before start()

    Target(String handle, JsonArray script, JsonArray args) {
        this.builder = Launch.builder(handle, script, args);
    }

    /**
     * ProcessBuilder.start() may be called again on the same builder: its Javadoc says it "can be
     * invoked repeatedly from the same instance to create new subprocesses". The driver keeps the
     * newest Process, as `process = builder.start()` does; the older one runs on unreferenced.
     */
    void start() throws java.io.IOException {
        process = builder.start();
    }
}
