package org.loncapa.lonc.testkit;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * lond's side of the wire, written for the test kit from {@code shared/protocol.md} (§2 and §3) and
 * {@code docs/protocol-choices.md}, apart from the client's protocol classes, so that a wrong detail
 * in one of them is not repeated in the other: the fixed lines, the session keys, and the
 * {@code enc:} frame (with Bouncy Castle's IDEA, see {@link LondCipher}). Pure functions.
 */
final class LondWire {
    private LondWire() {}

    static final String OK = "ok";
    static final String OK_SSL = "ok:ssl";
    static final String OK_LOCAL = "ok:local";
    static final String REFUSED = "refused";
    static final String VERSION = "version";
    static final String EKEY = "ekey";
    static final String SETHOST = "sethost:";
    static final String ENC = "enc:";

    /**
     * protocol-choices.md: revisions above 321 take {@code sethost:<id>:<cmd>} in one line; an older
     * lond does not know the inline form.
     */
    static boolean knowsInlineSetHost(int revision) {
        return revision > 321;
    }

    /** A session key of local and ssl mode: 32 lowercase hex digits, each {@code int(rand 16)}. */
    static String randomHexKey(RandomGenerator random) {
        StringBuilder b = new StringBuilder(32);
        for (int i = 0; i < 32; i++) {
            b.append(Character.forDigit(random.nextInt(16), 16));
        }
        return b.toString();
    }

    /** Exactly 32 ASCII hex digits (what a local key file or the ssl key line must hold). */
    static boolean isHexKey(String s) {
        if (s.length() != 32) {
            return false;
        }
        for (int i = 0; i < 32; i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Perl's {@code pack("H32", s)}: two characters a byte, high nibble first. A letter gives
     * {@code (ord + 9) & 0xF}, anything else {@code ord & 0xF} (protocol.md §2.4); a short string is
     * padded with zero nibbles.
     */
    static byte[] packH32(String s) {
        byte[] key = new byte[16];
        for (int i = 0; i < 32 && i < s.length(); i++) {
            char c = s.charAt(i);
            boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
            int nibble = letter ? (c + 9) & 0xF : c & 0xF;
            key[i / 2] |= (byte) (i % 2 == 0 ? nibble << 4 : nibble);
        }
        return key;
    }

    /**
     * The 32 characters lond packs into the insecure session key: K = its current lonID followed by
     * the client's lonID, upper-cased, G-P and then Q-Z mapped to 0-9; the first 32 characters of
     * K.B.K.B.K.B, B being the buildkey it sent (protocol.md §2.4).
     */
    static String insecureKeyText(String londLonId, String clientLonId, String buildKey) {
        String k = (londLonId + clientLonId).toUpperCase(Locale.ROOT);
        StringBuilder mapped = new StringBuilder(k.length());
        for (int i = 0; i < k.length(); i++) {
            char c = k.charAt(i);
            if (c >= 'G' && c <= 'P') {
                c = (char) ('0' + (c - 'G'));
            } else if (c >= 'Q' && c <= 'Z') {
                c = (char) ('0' + (c - 'Q'));
            }
            mapped.append(c);
        }
        String kb = mapped + buildKey;
        String s = kb + kb + kb;
        return s.length() > 32 ? s.substring(0, 32) : s;
    }

    /** lond's challenge: its pid followed by {@code time()}. */
    static String challenge(long pid, long epochSeconds) {
        return Long.toString(pid) + epochSeconds;
    }

    /** lond strips {@code \W} from the echo and compares what is left with the challenge. */
    static boolean echoMatches(String challenge, String echo) {
        StringBuilder b = new StringBuilder(echo.length());
        for (int i = 0; i < echo.length(); i++) {
            char c = echo.charAt(i);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_') {
                b.append(c);
            }
        }
        return b.toString().equals(challenge);
    }

    /**
     * The buildkey answered to {@code ekey}: {@code B0 = time . pid . inside}; digits 1-6 of B0
     * become A-F; {@code B = prefix . B1 . suffix}. lond draws {@code inside}, then {@code prefix},
     * then {@code suffix}, each {@code int(rand 100000)}.
     */
    static String buildKey(long epochSeconds, long pid, int inside, int prefix, int suffix) {
        char[] b = (Long.toString(epochSeconds) + pid + inside).toCharArray();
        for (int i = 0; i < b.length; i++) {
            if (b[i] >= '1' && b[i] <= '6') {
                b[i] = (char) ('A' + (b[i] - '1'));
            }
        }
        return prefix + new String(b) + suffix;
    }

    /** Hex of bytes, lowercase, as Perl's {@code unpack "H*"}. */
    static String hex(byte[] b, int off, int n) {
        StringBuilder s = new StringBuilder(n * 2);
        for (int i = off; i < off + n; i++) {
            s.append(Character.forDigit((b[i] >> 4) & 0xF, 16)).append(Character.forDigit(b[i] & 0xF, 16));
        }
        return s.toString();
    }

    /** ASCII bytes of a line that is known to be ASCII (hex, digits, fixed words). */
    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
