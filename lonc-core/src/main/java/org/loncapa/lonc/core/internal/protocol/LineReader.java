package org.loncapa.lonc.core.internal.protocol;

import org.loncapa.lonc.core.protocol.WireText;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Splits a byte stream into newline-terminated lines, with a hard limit on line length; a line must
 * not contain NUL or other C0 control bytes (except tab and carriage return) or DEL. Bytes that are
 * not valid UTF-8 pass, losslessly, as {@link WireText} escapes, as Perl lonc passes them. Used on
 * both sides of lonc (lond TCP connections and UNIX-socket clients).
 *
 * <p>Not thread-safe: one instance belongs to one connection and its owning thread.
 */
public final class LineReader {
    /** Default maximum line length in bytes, newline excluded (1 MiB). */
    public static final int DEFAULT_MAX_LINE_BYTES = 1 << 20;

    /** Buffer size kept between lines; a larger buffer is given back after a long line. */
    static final int RETAINED_BYTES = 64 * 1024;

    private final int maxLineBytes;
    private byte[] buf = new byte[256];
    private int len;
    /** How far {@link #buf} has been searched for a newline. */
    private int scanned;

    /** @param maxLineBytes the longest accepted line in bytes, not counting the newline */
    public LineReader(int maxLineBytes) {
        if (maxLineBytes < 1) {
            throw new IllegalArgumentException("maxLineBytes must be positive");
        }
        this.maxLineBytes = maxLineBytes;
    }

    /** Current buffer capacity in bytes (for tests and memory accounting). */
    int capacity() {
        return buf.length;
    }

    /** Bytes held that do not yet form a whole line. */
    public int pending() {
        return len;
    }

    /** Forgets any partial line. */
    public void clear() {
        len = 0;
        scanned = 0;
    }

    /**
     * Appends the remaining bytes of {@code in} (consuming them all).
     *
     * @throws LineException when the partial line already exceeds the limit
     */
    public void feed(ByteBuffer in) throws LineException {
        int n = in.remaining();
        ensure(len + n);
        in.get(buf, len, n);
        len += n;
        checkLength();
    }

    /** Appends {@code b[off..off+n)}. */
    public void feed(byte[] b, int off, int n) throws LineException {
        ensure(len + n);
        System.arraycopy(b, off, buf, len, n);
        len += n;
        checkLength();
    }

    /**
     * The next complete line without its {@code \n}, or {@code null} if no whole line is held yet.
     *
     * @throws LineException if the line is too long or binary; the reader should then be
     *     discarded together with its connection
     */
    public String nextLine() throws LineException {
        int nl = -1;
        for (int i = scanned; i < len; i++) {
            if (buf[i] == '\n') {
                nl = i;
                break;
            }
        }
        if (nl < 0) {
            scanned = len;
            checkLength();
            return null;
        }
        if (nl > maxLineBytes) {
            throw new LineException(LineException.Kind.TOO_LONG,
                    "line of " + nl + " bytes is over the limit of " + maxLineBytes);
        }
        String line = decode(buf, 0, nl);
        int rest = len - nl - 1;
        System.arraycopy(buf, nl + 1, buf, 0, rest);
        len = rest;
        scanned = 0;
        if (buf.length > RETAINED_BYTES && len <= RETAINED_BYTES / 2) {
            // one large reply must not pin a large buffer for the connection's lifetime
            buf = Arrays.copyOf(buf, RETAINED_BYTES);
        }
        return line;
    }

    /** A newline must appear at an index of at most maxLineBytes; otherwise the line is too long. */
    private void checkLength() throws LineException {
        if (len <= maxLineBytes) {
            return;
        }
        for (int i = scanned; i <= maxLineBytes; i++) {
            if (buf[i] == '\n') {
                return;
            }
        }
        throw new LineException(LineException.Kind.TOO_LONG,
                "line is over the limit of " + maxLineBytes + " bytes");
    }

    private String decode(byte[] b, int off, int n) throws LineException {
        boolean ascii = true;
        for (int i = off; i < off + n; i++) {
            int c = b[i];
            if (c < 0) {
                ascii = false;
            } else if (c < 0x20 && c != '\t' && c != '\r') {
                throw new LineException(LineException.Kind.BINARY,
                        String.format("control byte 0x%02x at offset %d", c, i - off));
            } else if (c == 0x7f) {
                throw new LineException(LineException.Kind.BINARY,
                        "control byte 0x7f at offset " + (i - off));
            }
        }
        if (ascii) {
            return new String(b, off, n, StandardCharsets.ISO_8859_1);
        }
        return WireText.decode(b, off, n);
    }

    private void ensure(int capacity) {
        if (capacity > buf.length) {
            int cap = Math.max(capacity, Math.min(buf.length * 2, maxLineBytes + 2));
            buf = Arrays.copyOf(buf, Math.max(cap, capacity));
        }
    }

    /** Why a line was rejected. */
    public static final class LineException extends Exception {
        private static final long serialVersionUID = 1L;

        /** The kind of bad input. */
        public enum Kind {
            /** Longer than the configured limit. */
            TOO_LONG,
            /** Contains NUL or another control byte. */
            BINARY
        }

        private final Kind kind;

        public LineException(Kind kind, String message) {
            super(message);
            this.kind = kind;
        }

        public Kind kind() {
            return kind;
        }
    }
}
