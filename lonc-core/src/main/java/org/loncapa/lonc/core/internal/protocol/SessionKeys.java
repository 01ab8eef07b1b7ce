package org.loncapa.lonc.core.internal.protocol;

import org.loncapa.lonc.core.protocol.ProtocolChoices;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;

/**
 * How the 16-byte IDEA session key is obtained in each key mode (protocol.md §2.4).
 *
 * <ul>
 *   <li>local and ssl: 32 hex digits (lowercase), the key is {@code pack("H32", digits)};</li>
 *   <li>insecure: derived from the two lonIDs and lond's buildkey line.</li>
 * </ul>
 */
public final class SessionKeys {
    /** Key length in bytes (IDEA uses 128-bit keys). */
    public static final int KEY_BYTES = 16;
    /** Length of the textual key in hex digits. */
    public static final int KEY_HEX_DIGITS = 2 * KEY_BYTES;

    private SessionKeys() {}

    /**
     * The insecure-mode key. Mirrors lond exactly: {@code K = remoteLonId . myLonId}, upper-cased,
     * {@code G-P -> 0-9}, then {@code Q-Z -> 0-9}; {@code S = substr(K.B.K.B.K.B, 0, 32)};
     * key = {@code pack("H32", S)}.
     *
     * @param remoteLonId the lonID lond answers for (the one named in {@code sethost})
     * @param myLonId this host's {@code lonHostID}
     * @param buildKey the line lond sent in reply to {@code ekey}; a trailing newline is removed
     *     ({@link ProtocolChoices#STRIP_BUILDKEY_NEWLINE})
     */
    public static byte[] insecureKey(String remoteLonId, String myLonId, String buildKey) {
        String b = buildKey;
        if (ProtocolChoices.STRIP_BUILDKEY_NEWLINE) {
            while (b.endsWith("\n") || b.endsWith("\r")) {
                b = b.substring(0, b.length() - 1);
            }
        }
        String k = translateHostKey(remoteLonId + myLonId);
        StringBuilder s = new StringBuilder(KEY_HEX_DIGITS + k.length() + b.length());
        for (int i = 0; i < 3 && s.length() < KEY_HEX_DIGITS; i++) {
            s.append(k).append(b);
        }
        if (s.length() > KEY_HEX_DIGITS) {
            s.setLength(KEY_HEX_DIGITS);
        }
        return PerlPack.packHex(s, KEY_BYTES);
    }

    /** lond's {@code uc}, then {@code tr/G-P/0-9/}, then {@code tr/Q-Z/0-9/}. */
    static String translateHostKey(String k) {
        char[] c = k.toUpperCase(Locale.ROOT).toCharArray();
        for (int i = 0; i < c.length; i++) {
            if (c[i] >= 'G' && c[i] <= 'P') {
                c[i] = (char) ('0' + (c[i] - 'G'));
            } else if (c[i] >= 'Q' && c[i] <= 'Z') {
                c[i] = (char) ('0' + (c[i] - 'Q'));
            }
        }
        return new String(c);
    }

    /** A fresh random key as 32 lowercase hex digits (local mode; what lond does for ssl). */
    public static String randomHexKey(SecureRandom random) {
        byte[] b = new byte[KEY_BYTES];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** True if {@code s} is exactly 32 hex digits. */
    public static boolean isHexKey(String s) {
        if (s.length() != KEY_HEX_DIGITS) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!HexFormat.isHexDigit(s.charAt(i))) { // ASCII only: other scripts' digits are not hex
                return false;
            }
        }
        return true;
    }

    /** The key bytes of a 32-hex-digit key line. */
    public static byte[] fromHex(String hexKey) {
        return PerlPack.packHex(hexKey, KEY_BYTES);
    }
}
