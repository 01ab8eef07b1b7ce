package org.loncapa.lonc.core.internal.protocol;

/**
 * Perl's {@code pack("H*", ...)} semantics, which LON-CAPA uses to turn a 32-character string into
 * the 16-byte IDEA key. Perl does not reject characters that are not hex digits: for an ASCII letter
 * the nibble is {@code (ord + 9) & 0xF} (so {@code A}/{@code a} give 10 and {@code G} gives 0), and
 * for any other character it is {@code ord & 0xF} (so {@code '-'} gives 0xD, {@code '\n'} 0xA).
 * Verified against perl 5.36 (see protocol.md §2.4).
 */
public final class PerlPack {
    private PerlPack() {}

    /** The nibble Perl's {@code pack "H"} gives for one character. */
    public static int nibble(char c) {
        boolean letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
        return letter ? (c + 9) & 0xF : c & 0xF;
    }

    /**
     * {@code pack("H<2*bytes>", s)}: high nibble first. A string shorter than {@code 2*bytes} is
     * padded with zero nibbles, as Perl does.
     */
    public static byte[] packHex(CharSequence s, int bytes) {
        byte[] out = new byte[bytes];
        int n = Math.min(s.length(), bytes * 2);
        for (int i = 0; i < n; i++) {
            int v = nibble(s.charAt(i));
            out[i >> 1] |= (byte) ((i & 1) == 0 ? v << 4 : v);
        }
        return out;
    }
}
