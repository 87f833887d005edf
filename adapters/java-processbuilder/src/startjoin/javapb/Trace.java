package startjoin.javapb;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** The runner's side channels (spec/protocol.md, "Trace events" and "Gates"). */
final class Trace {
    private Trace() {}

    /** Writes {"from": FROM, "event": EVENT, ...fields} as one line, with a single write(2). */
    static void write(String from, String event, Map<String, JsonElement> fields) throws IOException {
        JsonObject line = new JsonObject();
        line.addProperty("from", from);
        line.addProperty("event", event);
        fields.forEach(line::add);
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        String path = System.getenv("STARTJOIN_TRACE");
        if (path == null) throw new IOException("STARTJOIN_TRACE is not set");
        // FileOutputStream.write(byte[]) hands an array this small to one write(2) call, so the
        // line stays atomic on the FIFO (lines up to 4096 bytes).
        try (FileOutputStream fifo = new FileOutputStream(path)) {
            fifo.write(bytes);
        }
    }

    /** Blocks until the runner releases gate NAME: reads exactly one byte from its FIFO. */
    static void waitGate(String name) throws IOException {
        String directory = System.getenv("STARTJOIN_GATES");
        if (directory == null) throw new IOException("STARTJOIN_GATES is not set");
        try (FileInputStream gate = new FileInputStream(directory + "/" + name)) {
            if (gate.read() < 0) throw new IOException("gate " + name + " closed without a byte");
        }
    }
}
