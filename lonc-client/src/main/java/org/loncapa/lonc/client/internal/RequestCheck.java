package org.loncapa.lonc.client.internal;

import java.util.Objects;
import org.loncapa.lonc.core.protocol.ProtocolChoices;

/**
 * The checks a request passes before anything is sent: one line (no newline, no control
 * character that lonc's line reader would reject as binary) and not longer than the limit. A
 * newline in a command would let a caller smuggle a second request onto the connection, so it is
 * refused outright rather than escaped. Stateless; any thread.
 */
public final class RequestCheck {
    private RequestCheck() {}

    /**
     * @param lonId the target lonID
     * @param command the command
     * @param maxRequestBytes the longest request line, in UTF-8 bytes without the newline, counted
     *     as the daemon receives it: {@code sethost:<lonId>:<command>}
     * @throws IllegalArgumentException naming the problem
     * @throws NullPointerException for a null argument
     */
    public static void check(String lonId, String command, int maxRequestBytes) {
        Objects.requireNonNull(lonId, "lonId");
        Objects.requireNonNull(command, "command");
        controlCharacters("command", command);
        controlCharacters("lonID", lonId);
        long bytes = utf8Length(ProtocolChoices.SETHOST_PREFIX) + utf8Length(lonId) + 1
                + utf8Length(command);
        if (bytes > maxRequestBytes) {
            throw new IllegalArgumentException("request of " + bytes + " bytes is over the limit of "
                    + maxRequestBytes + " bytes");
        }
    }

    private static void controlCharacters(String what, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\n') {
                throw new IllegalArgumentException(what + " contains a newline at index " + i
                        + "; a request is one line");
            }
            if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7f) {
                throw new IllegalArgumentException(String.format(
                        "%s contains the control character 0x%02x at index %d", what, (int) c, i));
            }
        }
    }

    /** UTF-8 length of {@code s} (an unpaired surrogate counts as the one byte '?' it becomes). */
    static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length()
                    && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                n++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    /** The bytes of {@code line + "\n"} as sent on a UNIX socket. */
    static byte[] wireBytes(String line) {
        return org.loncapa.lonc.core.protocol.WireText.encodeLine(line);
    }
}
