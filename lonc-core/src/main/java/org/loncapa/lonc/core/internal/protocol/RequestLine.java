package org.loncapa.lonc.core.internal.protocol;

import org.loncapa.lonc.core.protocol.ProtocolChoices;

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

    /**
     * True if {@code command} is a sethost with an empty lonID ({@code sethost:} or
     * {@code sethost::<cmd>}). Such a line names no host: lonc answers it {@code no_such_host}
     * rather than let lond guess which lonID was meant.
     */
    public static boolean namesEmptyLonId(String command) {
        return command.startsWith(ProtocolChoices.SETHOST_PREFIX)
                && (command.length() == ProtocolChoices.SETHOST_PREFIX.length()
                        || command.charAt(ProtocolChoices.SETHOST_PREFIX.length()) == ':');
    }

    /** True if the command must travel encrypted. */
    public boolean encrypted() {
        return command.startsWith(EncFrame.ENCRYPT_PREFIX);
    }
}
