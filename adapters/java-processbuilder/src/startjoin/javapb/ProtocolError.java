package startjoin.javapb;

/** A request the driver answers with {"ok": false, "error": {"kind": KIND, ...}}. */
final class ProtocolError extends Exception {
    private static final long serialVersionUID = 1L;
    final String kind;

    ProtocolError(String kind, String message) {
        super(message);
        this.kind = kind;
    }
}
