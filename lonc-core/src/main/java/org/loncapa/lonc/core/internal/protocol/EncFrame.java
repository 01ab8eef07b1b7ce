package org.loncapa.lonc.core.internal.protocol;

import org.loncapa.lonc.core.protocol.WireText;

import java.nio.charset.StandardCharsets;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The {@code enc:<L>:<hex>} framing of encrypted requests and replies (protocol.md §3).
 *
 * <p>Encrypting: the plain command (without {@code encrypt:} and without the newline) has byte length
 * L; it is padded with spaces and the blocks at offsets {@code 0, 8, ...} up to and including
 * {@code floor(L/8)*8} are IDEA-encrypted, so there are always {@code floor(L/8)+1} blocks and a whole
 * block of spaces is added when L is a multiple of 8. Each block is written as 16 lowercase hex
 * digits. Decrypting reverses this and cuts the plaintext to L bytes.
 */
public final class EncFrame {
    /** Prefix lonnet puts on requests that must travel encrypted. */
    public static final String ENCRYPT_PREFIX = "encrypt:";
    /** Prefix of an encrypted line on the wire. */
    public static final String ENC_PREFIX = "enc:";

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    /** Each byte value as its two lowercase hex digits, the first in the high byte. */
    private static final short[] HEX_PAIRS = new short[256];
    /** Value of each ASCII hex digit (either case), -1 for every other character below 128. */
    private static final byte[] HEX_VALUE = new byte[128];
    private static final VarHandle BIG_ENDIAN_SHORT =
            MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);

    static {
        for (int i = 0; i < 256; i++) {
            HEX_PAIRS[i] = (short) (HEX[i >> 4] << 8 | HEX[i & 0xF]);
        }
        Arrays.fill(HEX_VALUE, (byte) -1);
        for (int i = 0; i < 16; i++) {
            HEX_VALUE[HEX[i]] = (byte) i;
            HEX_VALUE[Character.toUpperCase(HEX[i])] = (byte) i;
        }
    }

    private EncFrame() {}

    /** Number of IDEA blocks used for a plaintext of {@code length} bytes. */
    public static int blocksFor(int length) {
        return length / IdeaCipher.BLOCK + 1;
    }

    /** Builds {@code enc:<L>:<hex>} for {@code plain} (no newline, no {@code encrypt:} prefix). */
    public static String encode(IdeaCipher cipher, String plain) {
        byte[] p = WireText.encode(plain);
        int len = p.length;
        int blocks = blocksFor(len);
        byte[] text = Arrays.copyOf(p, blocks * IdeaCipher.BLOCK);
        Arrays.fill(text, len, text.length, (byte) ' ');
        cipher.encryptBlocks(text, 0, text, 0, blocks);
        String lenText = Integer.toString(len);
        int headerLen = ENC_PREFIX.length() + lenText.length() + 1;
        byte[] out = new byte[headerLen + text.length * 2];
        int o = 0;
        for (int i = 0; i < ENC_PREFIX.length(); i++) {
            out[o++] = (byte) ENC_PREFIX.charAt(i);
        }
        for (int i = 0; i < lenText.length(); i++) {
            out[o++] = (byte) lenText.charAt(i);
        }
        out[o++] = ':';
        for (byte b : text) {
            BIG_ENDIAN_SHORT.set(out, o, HEX_PAIRS[b & 0xFF]);
            o += 2;
        }
        return new String(out, StandardCharsets.ISO_8859_1);
    }

    /**
     * Decrypts a line {@code enc:<L>:<hex>} (no newline) to its plaintext.
     *
     * <p>Plaintext bytes that are not UTF-8 come back as {@link WireText} escapes.
     *
     * @throws MalformedFrameException if the line is not a well-formed frame or the plaintext holds
     *     control bytes (which, decrypted, mostly mean a wrong key)
     */
    public static String decode(IdeaCipher cipher, String line) throws MalformedFrameException {
        if (!line.startsWith(ENC_PREFIX)) {
            throw new MalformedFrameException("does not start with enc:");
        }
        int colon = line.indexOf(':', ENC_PREFIX.length());
        if (colon < 0) {
            throw new MalformedFrameException("missing length field");
        }
        int len;
        try {
            len = Integer.parseInt(line.substring(ENC_PREFIX.length(), colon));
        } catch (NumberFormatException e) {
            throw new MalformedFrameException("length is not a number");
        }
        int hexStart = colon + 1;
        int hexLen = line.length() - hexStart;
        int blockHex = 2 * IdeaCipher.BLOCK;
        if (len < 0 || hexLen % blockHex != 0 || hexLen / 2 < len) {
            throw new MalformedFrameException(
                    "length " + len + " does not fit " + hexLen + " hex digits");
        }
        byte[] cipherText = new byte[hexLen / 2];
        for (int i = 0; i < cipherText.length; i++) {
            int hi = hexValue(line.charAt(hexStart + 2 * i));
            int lo = hexValue(line.charAt(hexStart + 2 * i + 1));
            if ((hi | lo) < 0) {
                throw new MalformedFrameException("not a hex digit at offset " + (hexStart + 2 * i));
            }
            cipherText[i] = (byte) ((hi << 4) | lo);
        }
        byte[] plain = cipherText;
        cipher.decryptBlocks(cipherText, 0, plain, 0, cipherText.length / IdeaCipher.BLOCK);
        for (int i = 0; i < len; i++) {
            int c = plain[i];
            if ((c >= 0 && c < 0x20 && c != '\t' && c != '\r') || c == 0x7f) {
                // a line may not hold control bytes; here they mostly mean a key that does not match
                throw new MalformedFrameException("decrypted text holds control bytes (wrong key?)");
            }
        }
        // bytes that are not UTF-8 pass as escapes, as Perl lonc passes them
        return WireText.decode(plain, 0, len);
    }

    /** 0..15 for an ASCII hex digit, -1 for anything else (other scripts' digits included). */
    private static int hexValue(char c) {
        return c < 128 ? HEX_VALUE[c] : -1;
    }

    /** A line that claims to be an {@code enc:} frame but is not well formed. */
    public static final class MalformedFrameException extends Exception {
        private static final long serialVersionUID = 1L;

        public MalformedFrameException(String message) {
            super(message);
        }
    }
}
