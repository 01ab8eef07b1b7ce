package org.loncapa.lonc.core.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Lines on the wire are bytes; lonc carries them as Strings, and must give back the same bytes.
 *
 * <p>Perl lonc passes whatever bytes lond and lonnet send, UTF-8 or not (old data can be Latin-1).
 * So a line is decoded as UTF-8 where it is valid, and every byte that is not part of valid UTF-8
 * becomes the lone low surrogate {@code U+DC00 + byte} (U+DC80..U+DCFF; the "surrogate escape" of
 * Python): a character no valid UTF-8 decodes to, since UTF-8 cannot carry surrogates. {@link
 * #encode} turns such a character back into its byte, so {@code encode(decode(bytes))} is always
 * {@code bytes}, and text that is valid UTF-8 is an ordinary String both ways.
 *
 * <p>Stateless; any thread.
 */
public final class WireText {
    private static final char ESCAPE_FIRST = '\uDC80';
    private static final char ESCAPE_LAST = '\uDCFF';

    private WireText() {}

    /** The String for {@code n} bytes of a line (no newline), losslessly. */
    public static String decode(byte[] b, int off, int n) {
        boolean ascii = true;
        for (int i = off; i < off + n; i++) {
            if (b[i] < 0) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            return new String(b, off, n, StandardCharsets.ISO_8859_1);
        }
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(b, off, n);
        // each byte gives at most one char, a 4-byte sequence two
        CharBuffer out = CharBuffer.allocate(n);
        while (true) {
            CoderResult r = d.decode(in, out, true);
            if (r.isUnderflow()) {
                d.flush(out);
                break;
            }
            if (r.isError()) {
                for (int i = r.length(); i > 0; i--) {
                    out.put((char) (0xDC00 | (in.get() & 0xFF)));
                }
            } else {
                throw new IllegalStateException("decoder overflow: " + r);
            }
        }
        out.flip();
        return out.toString();
    }

    /** Whether {@code s} holds an escaped byte (then it did not come from valid UTF-8). */
    public static boolean hasEscapes(String s) {
        return firstEscape(s) >= 0;
    }

    /** The bytes of {@code s}: UTF-8, with each escaped byte given back as itself. */
    public static byte[] encode(String s) {
        int first = firstEscape(s);
        if (first < 0) {
            return s.getBytes(StandardCharsets.UTF_8);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length() + 8);
        int start = 0;
        for (int i = first; i < s.length(); i++) {
            if (isEscapeAt(s, i)) {
                out.writeBytes(s.substring(start, i).getBytes(StandardCharsets.UTF_8));
                out.write(s.charAt(i) & 0xFF);
                start = i + 1;
            }
        }
        out.writeBytes(s.substring(start).getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    /** {@link #encode} of {@code s} followed by a newline, in one array (ASCII: one pass, one copy). */
    public static byte[] encodeLine(String s) {
        int n = s.length();
        byte[] out = new byte[n + 1];
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                byte[] b = encode(s);
                byte[] line = java.util.Arrays.copyOf(b, b.length + 1);
                line[b.length] = '\n';
                return line;
            }
            out[i] = (byte) c;
        }
        out[n] = '\n';
        return out;
    }

    private static int firstEscape(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= ESCAPE_FIRST && c <= ESCAPE_LAST && isEscapeAt(s, i)) {
                return i;
            }
        }
        return -1;
    }

    /** A char in U+DC80..U+DCFF that is not the second half of a surrogate pair. */
    private static boolean isEscapeAt(String s, int i) {
        char c = s.charAt(i);
        return c >= ESCAPE_FIRST && c <= ESCAPE_LAST
                && (i == 0 || !Character.isHighSurrogate(s.charAt(i - 1)));
    }
}
