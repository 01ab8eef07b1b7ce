package org.loncapa.lonc.bench.proposal;

import java.nio.charset.StandardCharsets;

/**
 * {@code enc:<L>:<hex>} (protocol.md §3) over {@link FastIdea}, producing exactly what
 * {@code lonc-core}'s {@code EncFrame.encode} produces: the plaintext padded with spaces to
 * {@code floor(L/8)+1} blocks, encrypted, written as lowercase hex. All blocks are encrypted in one
 * call (two at a time) and the scratch buffers belong to the instance (one per connection, like the
 * cipher). Proposed for {@code EncFrame.encode}; see {@code FastEncFrameTest}.
 */
public final class FastEncFrame {
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private final FastIdea cipher;
    private byte[] plain = new byte[256];
    private byte[] crypt = new byte[256];

    public FastEncFrame(FastIdea cipher) {
        this.cipher = cipher;
    }

    public String encode(String text) {
        int len = text.length();
        byte[] p;
        boolean ascii = true;
        for (int i = 0; i < len; i++) {
            if (text.charAt(i) >= 0x80) {
                ascii = false;
                break;
            }
        }
        int blocks;
        if (ascii) {
            blocks = len / FastIdea.BLOCK + 1;
            p = scratch(blocks * FastIdea.BLOCK);
            for (int i = 0; i < len; i++) {
                p[i] = (byte) text.charAt(i);
            }
        } else {
            byte[] u = text.getBytes(StandardCharsets.UTF_8);
            len = u.length;
            blocks = len / FastIdea.BLOCK + 1;
            p = scratch(blocks * FastIdea.BLOCK);
            System.arraycopy(u, 0, p, 0, len);
        }
        int padded = blocks * FastIdea.BLOCK;
        for (int i = len; i < padded; i++) {
            p[i] = ' ';
        }
        if (crypt.length < padded) {
            crypt = new byte[padded];
        }
        cipher.encrypt(p, 0, crypt, 0, blocks);
        int digits = len < 10 ? 1 : len < 100 ? 2 : len < 1000 ? 3 : Integer.toString(len).length();
        byte[] out = new byte[4 + digits + 1 + 2 * padded];
        out[0] = 'e';
        out[1] = 'n';
        out[2] = 'c';
        out[3] = ':';
        for (int i = 4 + digits - 1, v = len; i >= 4; i--, v /= 10) {
            out[i] = (byte) ('0' + v % 10);
        }
        int o = 4 + digits;
        out[o++] = ':';
        for (int i = 0; i < padded; i++) {
            int b = crypt[i];
            out[o++] = HEX[(b >> 4) & 0xF];
            out[o++] = HEX[b & 0xF];
        }
        return new String(out, StandardCharsets.ISO_8859_1);
    }

    private byte[] scratch(int n) {
        if (plain.length < n) {
            plain = new byte[n];
        }
        return plain;
    }
}
