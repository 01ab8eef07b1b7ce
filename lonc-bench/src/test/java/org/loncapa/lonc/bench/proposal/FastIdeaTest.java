package org.loncapa.lonc.bench.proposal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.bouncycastle.crypto.engines.IDEAEngine;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;

/** {@link FastIdea} is Bouncy Castle's IDEA, block for block, in both directions. */
class FastIdeaTest {
    @Test
    void sameAsBouncyCastleOnRandomKeysAndBlocks() {
        Random rnd = new Random(42);
        for (int k = 0; k < 300; k++) {
            byte[] key = new byte[16];
            rnd.nextBytes(key);
            if (k % 10 == 0) {
                key[rnd.nextInt(16)] = 0; // zero subkeys exercise the 2^16 cases of mul
                key[rnd.nextInt(16)] = 0;
            }
            IDEAEngine enc = new IDEAEngine();
            enc.init(true, new KeyParameter(key));
            IDEAEngine dec = new IDEAEngine();
            dec.init(false, new KeyParameter(key));
            FastIdea fast = new FastIdea(key);
            int blocks = 1 + rnd.nextInt(20);
            byte[] plain = new byte[blocks * 8];
            rnd.nextBytes(plain);
            if (k % 7 == 0) {
                java.util.Arrays.fill(plain, 0, 8, (byte) 0); // zero words
            }
            byte[] expected = new byte[plain.length];
            for (int b = 0; b < blocks; b++) {
                enc.processBlock(plain, b * 8, expected, b * 8);
            }
            byte[] got = new byte[plain.length];
            fast.encrypt(plain, 0, got, 0, blocks);
            assertArrayEquals(expected, got, "encrypt, key " + k);
            byte[] back = new byte[plain.length];
            fast.decrypt(got, 0, back, 0, blocks);
            assertArrayEquals(plain, back, "decrypt, key " + k);
            byte[] bcBack = new byte[plain.length];
            for (int b = 0; b < blocks; b++) {
                dec.processBlock(expected, b * 8, bcBack, b * 8);
            }
            assertArrayEquals(plain, bcBack);
        }
    }

    @Test
    void mulIsMultiplicationModulo65537WithZeroFor65536() {
        Random rnd = new Random(1);
        for (int i = 0; i < 100_000; i++) {
            int a = i < 3 ? new int[] {0, 0, 1}[i] : rnd.nextInt(65536);
            int b = i < 3 ? new int[] {0, 5, 0}[i] : rnd.nextInt(65536);
            long aa = a == 0 ? 65536 : a;
            long bb = b == 0 ? 65536 : b;
            long p = aa * bb % 65537;
            assertEquals(p == 65536 ? 0 : p, FastIdea.mul(a, b), a + "*" + b);
        }
    }

    @Test
    void mulInvInverts() {
        for (int x = 0; x < 65536; x++) {
            assertEquals(1, FastIdea.mul(x, FastIdea.mulInv(x)) == 0 ? 65536 : FastIdea.mul(x, FastIdea.mulInv(x)),
                    "x=" + x);
        }
    }
}
