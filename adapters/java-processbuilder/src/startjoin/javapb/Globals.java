package startjoin.javapb;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The driver's global variables: a static map, Java's process-wide state. Each JVM (the driver,
 * every child) has its own, which is what the globals clauses check.
 */
final class Globals {
    private static final ConcurrentHashMap<String, JsonElement> VALUES = new ConcurrentHashMap<>();

    private Globals() {}

    static void set(String name, JsonElement value) {
        VALUES.put(name, value);
    }

    static JsonElement get(String name) {
        return VALUES.getOrDefault(name, JsonNull.INSTANCE);
    }
}
