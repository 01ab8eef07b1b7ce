package org.loncapa.lonc.core.internal.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.bouncycastle.crypto.engines.IDEAEngine;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;

/**
 * lonc's IDEA (two blocks per 64-bit word, four at a time) against Bouncy Castle's
 * {@link IDEAEngine}, block by block, for random and for awkward keys and data: zero subkeys and
 * zero data words (both stand for 2^16 and take their own paths), 0xFFFF, and every block count
 * from 1 to 17 so that the four-, two- and one-block paths all run.
 */
class IdeaCipherTest {
    private static byte[] bouncyCastle(byte[] key, boolean encrypt, byte[] in) {
        IDEAEngine e = new IDEAEngine();
        e.init(encrypt, new KeyParameter(key));
        byte[] out = new byte[in.length];
        for (int off = 0; off < in.length; off += 8) {
            e.processBlock(in, off, out, off);
        }
        return out;
    }

    private static byte[][] keys() {
        SplittableRandom rnd = new SplittableRandom(20261129);
        byte[][] keys = new byte[40][];
        keys[0] = new byte[16]; // every subkey 0
        keys[1] = new byte[16];
        Arrays.fill(keys[1], (byte) 0xFF);
        keys[2] = SessionKeys.fromHex("00010002000300040005000600070008");
        keys[3] = SessionKeys.fromHex("0000000000000000000000000000ffff");
        keys[4] = SessionKeys.fromHex("00000001000000010000000100000001");
        for (int i = 5; i < keys.length; i++) {
            keys[i] = new byte[16];
            rnd.nextBytes(keys[i]);
            if (i % 3 == 0) {
                // a few zero words, so that some subkeys are 0
                int w = rnd.nextInt(8);
                keys[i][2 * w] = 0;
                keys[i][2 * w + 1] = 0;
            }
        }
        return keys;
    }

    private static byte[] data(SplittableRandom rnd, int blocks) {
        byte[] d = new byte[blocks * 8];
        rnd.nextBytes(d);
        for (int w = 0; w < d.length / 2; w++) {
            int pick = rnd.nextInt(8);
            if (pick == 0) {
                d[2 * w] = 0;
                d[2 * w + 1] = 0;
            } else if (pick == 1) {
                d[2 * w] = (byte) 0xFF;
                d[2 * w + 1] = (byte) 0xFF;
            }
        }
        return d;
    }

    @Test
    void sameAsBouncyCastleForEveryBlockCount() {
        SplittableRandom rnd = new SplittableRandom(7);
        int checked = 0;
        for (byte[] key : keys()) {
            IdeaCipher c = new IdeaCipher(key);
            for (int blocks = 1; blocks <= 17; blocks++) {
                for (int rep = 0; rep < 4; rep++) {
                    byte[] plain = data(rnd, blocks);
                    byte[] expected = bouncyCastle(key, true, plain);
                    byte[] got = new byte[plain.length];
                    c.encryptBlocks(plain, 0, got, 0, blocks);
                    assertArrayEquals(expected, got, "encrypt, " + blocks + " blocks");
                    byte[] back = new byte[plain.length];
                    c.decryptBlocks(got, 0, back, 0, blocks);
                    assertArrayEquals(plain, back, "decrypt, " + blocks + " blocks");
                    assertArrayEquals(bouncyCastle(key, false, plain), decrypt(c, plain),
                            "decrypting arbitrary data, " + blocks + " blocks");
                    checked += blocks;
                }
            }
        }
        assertEquals(40 * 4 * (17 * 18 / 2), checked);
    }

    private static byte[] decrypt(IdeaCipher c, byte[] in) {
        byte[] out = new byte[in.length];
        c.decryptBlocks(in, 0, out, 0, in.length / 8);
        return out;
    }

    @Test
    void inPlaceAndAtOffsets() {
        byte[] key = SessionKeys.fromHex("000102030405060708090a0b0c0d0e0f");
        IdeaCipher c = new IdeaCipher(key);
        SplittableRandom rnd = new SplittableRandom(11);
        byte[] plain = data(rnd, 9);
        byte[] expected = bouncyCastle(key, true, plain);
        byte[] buf = new byte[3 + plain.length + 5];
        System.arraycopy(plain, 0, buf, 3, plain.length);
        c.encryptBlocks(buf, 3, buf, 3, 9);
        assertArrayEquals(expected, Arrays.copyOfRange(buf, 3, 3 + plain.length));
        assertEquals(0, buf[0]);
        assertEquals(0, buf[buf.length - 1]);
        byte[] one = new byte[8];
        c.encryptBlock(plain, 16, one, 0);
        assertArrayEquals(Arrays.copyOfRange(expected, 16, 24), one);
        c.decryptBlock(one, 0, one, 0);
        assertArrayEquals(Arrays.copyOfRange(plain, 16, 24), one);
    }

    @Test
    void everyMultiplicationAgreesWithTheDefinition() {
        // lane by lane against (a * z) mod 65537 with 0 standing for 65536, zero lanes included
        SplittableRandom rnd = new SplittableRandom(3);
        int[] special = {0, 1, 2, 0x7FFF, 0x8000, 0xFFFE, 0xFFFF};
        for (int i = 0; i < 200_000; i++) {
            int a0 = i < 49 ? special[i % 7] : rnd.nextInt(0x10000);
            int a1 = i < 49 ? special[i / 7] : rnd.nextInt(0x10000);
            int z = i % 5 == 0 ? special[rnd.nextInt(special.length)] : rnd.nextInt(0x10000);
            long r = IdeaCipher.mul(a0 | (long) a1 << 32, z, (1 - z) & 0xFFFF);
            assertEquals(reference(a0, z), (int) (r & 0xFFFF), "a=" + a0 + " z=" + z);
            assertEquals(reference(a1, z), (int) (r >>> 32), "a=" + a1 + " z=" + z);
            assertEquals(0, r & 0xFFFF0000L, "lane 0 stays within 16 bits");
        }
    }

    @Test
    void inverseIsTheInverse() {
        for (int x = 0; x < 0x10000; x++) {
            assertEquals(1, reference(IdeaCipher.mulInverse(x), x),
                    "x=" + x);
        }
    }

    private static int reference(int a, int z) {
        long aa = a == 0 ? 0x10000 : a;
        long zz = z == 0 ? 0x10000 : z;
        long r = aa * zz % 0x10001;
        return (int) (r & 0xFFFF);
    }
}
