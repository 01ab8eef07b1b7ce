package org.loncapa.lonc.client;

import java.util.Objects;
import org.loncapa.lonc.core.protocol.WireText;

/**
 * The bytes of a request or reply line and the String {@link LoncClient} carries them in. lond's
 * lines are bytes, mostly UTF-8, sometimes not (old Latin-1 data); lonc carries them unchanged.
 * Where a line is valid UTF-8 it is an ordinary String; each byte that is not part of valid UTF-8
 * becomes the lone surrogate {@code U+DC00 + byte} (a character valid UTF-8 never decodes to), so
 * {@code encode(decode(bytes))} is always {@code bytes}. A tool that must send or print exact bytes
 * (the {@code lonc} command does) converts with these two methods.
 *
 * <p>Stateless; any thread.
 */
public final class WireBytes {
    private WireBytes() {}

    /** The String for {@code n} bytes of a line (no newline) starting at {@code off}, losslessly. */
    public static String decode(byte[] b, int off, int n) {
        Objects.checkFromIndexSize(off, n, b.length);
        return WireText.decode(b, off, n);
    }

    /** The bytes of a line: UTF-8, with each escaped byte given back as itself (no newline added). */
    public static byte[] encode(String line) {
        return WireText.encode(Objects.requireNonNull(line, "line"));
    }
}
