package org.loncapa.lonc.core.protocol;

/**
 * A client request split into its target lonID (from a leading {@code sethost:<id>:}, or null when
 * the request names none and goes to the connection's default lonID) and the command itself.
 */
public record RequestLine(String lonId, String command) {

    /** Splits off a leading {@code sethost:<id>:}; {@code line} has no newline. */
    public static RequestLine parse(String line) {
        if (line.startsWith(ProtocolChoices.SETHOST_PREFIX)) {
            int idStart = ProtocolChoices.SETHOST_PREFIX.length();
            int colon = line.indexOf(':', idStart);
            if (colon > idStart) {
                return new RequestLine(line.substring(idStart, colon), line.substring(colon + 1));
            }
        }
        return new RequestLine(null, line);
    }

    /** True if the command must travel encrypted. */
    public boolean encrypted() {
        return command.startsWith(EncFrame.ENCRYPT_PREFIX);
    }
}
