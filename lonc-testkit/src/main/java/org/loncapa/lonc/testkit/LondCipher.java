package org.loncapa.lonc.testkit;

import java.util.Arrays;
import org.bouncycastle.crypto.engines.IDEAEngine;
import org.bouncycastle.crypto.params.KeyParameter;
import org.loncapa.lonc.core.protocol.WireText;

/**
 * lond's {@code enc:} frames with one session key (protocol.md §3), on Bouncy Castle's
 * {@link IDEAEngine} in ECB, one 8-byte block at a time: {@code enc:<L>:<hex>} where L is the byte
 * length of the plaintext, which is padded with spaces (at least one, up to the end of the block at
 * offset {@code floor(L/8)*8}). Used by one connection thread at a time.
 */
final class LondCipher {
    private static final int BLOCK = 8;

    private final IDEAEngine encrypt = new IDEAEngine();
    private final IDEAEngine decrypt = new IDEAEngine();
    /** How the key came about, for messages; never the key itself. */
    private final String origin;

    /**
     * @param key the 16-byte IDEA key
     * @param origin how this key was made (e.g. "derived from lonIDs msul1 + msua3 and the buildkey"),
     *     said when a frame does not decrypt
     */
    LondCipher(byte[] key, String origin) {
        if (key.length != 16) {
            throw new IllegalArgumentException("an IDEA key has 16 bytes, not " + key.length);
        }
        encrypt.init(true, new KeyParameter(key));
        decrypt.init(false, new KeyParameter(key));
        this.origin = origin;
    }

    String origin() {
        return origin;
    }

    /** The frame for a plaintext line (without its newline). */
    String encode(String plaintext) {
        byte[] plain = WireText.encode(plaintext);
        int n = plain.length;
        byte[] padded = Arrays.copyOf(plain, (n / BLOCK + 1) * BLOCK);
        Arrays.fill(padded, n, padded.length, (byte) ' ');
        byte[] out = new byte[padded.length];
        for (int off = 0; off < padded.length; off += BLOCK) {
            encrypt.processBlock(padded, off, out, off);
        }
        return LondWire.ENC + n + ":" + LondWire.hex(out, 0, out.length);
    }

    /** Thrown for a frame that does not decrypt to a line with this key; the message says why. */
    static final class NotDecryptable extends Exception {
        private static final long serialVersionUID = 1L;

        NotDecryptable(String message) {
            super(message);
        }
    }

    /**
     * The plaintext of an {@code enc:} frame. lond itself would decrypt any frame to something and
     * then not know the command; the test kit also checks what lond does not, so that a wrong key
     * is named as such: the padding after L must be spaces and the plaintext a line of text.
     */
    String decode(String frame) throws NotDecryptable {
        if (!frame.startsWith(LondWire.ENC)) {
            throw new NotDecryptable("not an enc: frame");
        }
        int colon = frame.indexOf(':', LondWire.ENC.length());
        if (colon < 0) {
            throw new NotDecryptable("no ':' after the length");
        }
        int length;
        try {
            length = Integer.parseInt(frame.substring(LondWire.ENC.length(), colon));
        } catch (NumberFormatException e) {
            throw new NotDecryptable("the length is not a number");
        }
        String hex = frame.substring(colon + 1);
        if (hex.isEmpty() || hex.length() % (2 * BLOCK) != 0) {
            throw new NotDecryptable("the hex part is not a whole number of 8-byte blocks ("
                    + hex.length() + " hex digits)");
        }
        byte[] cipher = new byte[hex.length() / 2];
        for (int i = 0; i < cipher.length; i++) {
            int hi = Character.digit(hex.charAt(2 * i), 16);
            int lo = Character.digit(hex.charAt(2 * i + 1), 16);
            if (hi < 0 || lo < 0) {
                throw new NotDecryptable("the hex part holds a character that is not a hex digit");
            }
            cipher[i] = (byte) (hi << 4 | lo);
        }
        if (length < 0 || length >= cipher.length) {
            throw new NotDecryptable("length " + length + " does not fit " + cipher.length / BLOCK
                    + " blocks (the client pads with at least one space)");
        }
        byte[] plain = new byte[cipher.length];
        for (int off = 0; off < cipher.length; off += BLOCK) {
            decrypt.processBlock(cipher, off, plain, off);
        }
        for (int i = length; i < plain.length; i++) {
            if (plain[i] != ' ') {
                throw new NotDecryptable("the padding did not decrypt to spaces");
            }
        }
        for (int i = 0; i < length; i++) {
            int b = plain[i] & 0xFF;
            if ((b < 0x20 && b != '\t' && b != '\r') || b == 0x7F) {
                throw new NotDecryptable("the plaintext holds control byte 0x"
                        + Integer.toHexString(b) + " at " + i);
            }
        }
        return WireText.decode(plain, 0, length);
    }
}
