package org.loncapa.lonc.bench.proposal;

/**
 * IDEA (ECB), written for throughput: the 52 encryption and 52 decryption subkeys are expanded once
 * into {@code int} arrays, the multiplication modulo 2^16+1 is branch-light, and blocks are processed
 * two at a time. IDEA is latency-bound (each round is a chain of dependent multiplications); two
 * independent blocks interleaved let the CPU overlap the chains, which ECB, the mode of {@code enc:}
 * frames, allows (four at a time was measured too: no faster, the extra state spills).
 * Bit-for-bit the same cipher as Bouncy Castle's {@code IDEAEngine} (checked by
 * {@code FastIdeaTest}).
 *
 * <p>Proposed replacement for the engine behind {@code lonc-core}'s {@code IdeaCipher}. Not
 * thread-safe (like {@code IdeaCipher}: one per connection).
 */
public final class FastIdea {
    public static final int BLOCK = 8;
    private static final int ROUNDS = 8;
    private static final int MASK = 0xFFFF;

    private final int[] ek = new int[52];
    private final int[] dk = new int[52];

    public FastIdea(byte[] key) {
        if (key.length != 16) {
            throw new IllegalArgumentException("IDEA key must be 16 bytes");
        }
        for (int i = 0; i < 8; i++) {
            ek[i] = ((key[2 * i] & 0xFF) << 8) | (key[2 * i + 1] & 0xFF);
        }
        for (int i = 8; i < 52; i++) {
            // the 128-bit key rotated left by 25 bits per group of eight subkeys
            if ((i & 7) < 6) {
                ek[i] = ((ek[i - 7] & 127) << 9 | ek[i - 6] >> 7) & MASK;
            } else if ((i & 7) == 6) {
                ek[i] = ((ek[i - 7] & 127) << 9 | ek[i - 14] >> 7) & MASK;
            } else {
                ek[i] = ((ek[i - 15] & 127) << 9 | ek[i - 14] >> 7) & MASK;
            }
        }
        // decryption subkeys: inverses in reverse order; the additive pair is swapped in the middle rounds
        dk[0] = mulInv(ek[48]);
        dk[1] = neg(ek[49]);
        dk[2] = neg(ek[50]);
        dk[3] = mulInv(ek[51]);
        for (int r = 1; r < ROUNDS; r++) {
            int e = 48 - 6 * r;
            dk[6 * r - 2] = ek[e + 4];
            dk[6 * r - 1] = ek[e + 5];
            dk[6 * r] = mulInv(ek[e]);
            dk[6 * r + 1] = neg(ek[e + 2]);
            dk[6 * r + 2] = neg(ek[e + 1]);
            dk[6 * r + 3] = mulInv(ek[e + 3]);
        }
        dk[46] = ek[4];
        dk[47] = ek[5];
        dk[48] = mulInv(ek[0]);
        dk[49] = neg(ek[1]);
        dk[50] = neg(ek[2]);
        dk[51] = mulInv(ek[3]);
    }

    /** Encrypts {@code blocks} consecutive 8-byte blocks from {@code in} into {@code out}. */
    public void encrypt(byte[] in, int inOff, byte[] out, int outOff, int blocks) {
        crypt(ek, in, inOff, out, outOff, blocks);
    }

    /** Decrypts {@code blocks} consecutive 8-byte blocks from {@code in} into {@code out}. */
    public void decrypt(byte[] in, int inOff, byte[] out, int outOff, int blocks) {
        crypt(dk, in, inOff, out, outOff, blocks);
    }

    private static void crypt(int[] k, byte[] in, int inOff, byte[] out, int outOff, int blocks) {
        int b = 0;
        for (; b + 1 < blocks; b += 2) {
            two(k, in, inOff + b * BLOCK, out, outOff + b * BLOCK);
        }
        if (b < blocks) {
            one(k, in, inOff + b * BLOCK, out, outOff + b * BLOCK);
        }
    }

    private static void one(int[] k, byte[] in, int i, byte[] out, int o) {
        int x0 = word(in, i);
        int x1 = word(in, i + 2);
        int x2 = word(in, i + 4);
        int x3 = word(in, i + 6);
        int ko = 0;
        for (int r = 0; r < ROUNDS; r++, ko += 6) {
            x0 = mul(x0, k[ko]);
            x1 = (x1 + k[ko + 1]) & MASK;
            x2 = (x2 + k[ko + 2]) & MASK;
            x3 = mul(x3, k[ko + 3]);
            int t1 = mul(x0 ^ x2, k[ko + 4]);
            int t2 = mul((t1 + (x1 ^ x3)) & MASK, k[ko + 5]);
            t1 = (t1 + t2) & MASK;
            x0 ^= t2;
            x3 ^= t1;
            int s = x1 ^ t1;
            x1 = x2 ^ t2;
            x2 = s;
        }
        put(out, o, mul(x0, k[48]));
        put(out, o + 2, (x2 + k[49]) & MASK);
        put(out, o + 4, (x1 + k[50]) & MASK);
        put(out, o + 6, mul(x3, k[51]));
    }

    /** Two independent blocks, interleaved so that their multiplication chains overlap. */
    private static void two(int[] k, byte[] in, int i, byte[] out, int o) {
        int a0 = word(in, i);
        int a1 = word(in, i + 2);
        int a2 = word(in, i + 4);
        int a3 = word(in, i + 6);
        int b0 = word(in, i + 8);
        int b1 = word(in, i + 10);
        int b2 = word(in, i + 12);
        int b3 = word(in, i + 14);
        int ko = 0;
        for (int r = 0; r < ROUNDS; r++, ko += 6) {
            int z0 = k[ko];
            int z1 = k[ko + 1];
            int z2 = k[ko + 2];
            int z3 = k[ko + 3];
            int z4 = k[ko + 4];
            int z5 = k[ko + 5];
            a0 = mul(a0, z0);
            b0 = mul(b0, z0);
            a1 = (a1 + z1) & MASK;
            b1 = (b1 + z1) & MASK;
            a2 = (a2 + z2) & MASK;
            b2 = (b2 + z2) & MASK;
            a3 = mul(a3, z3);
            b3 = mul(b3, z3);
            int at1 = mul(a0 ^ a2, z4);
            int bt1 = mul(b0 ^ b2, z4);
            int at2 = mul((at1 + (a1 ^ a3)) & MASK, z5);
            int bt2 = mul((bt1 + (b1 ^ b3)) & MASK, z5);
            at1 = (at1 + at2) & MASK;
            bt1 = (bt1 + bt2) & MASK;
            a0 ^= at2;
            b0 ^= bt2;
            a3 ^= at1;
            b3 ^= bt1;
            int as = a1 ^ at1;
            int bs = b1 ^ bt1;
            a1 = a2 ^ at2;
            b1 = b2 ^ bt2;
            a2 = as;
            b2 = bs;
        }
        put(out, o, mul(a0, k[48]));
        put(out, o + 2, (a2 + k[49]) & MASK);
        put(out, o + 4, (a1 + k[50]) & MASK);
        put(out, o + 6, mul(a3, k[51]));
        put(out, o + 8, mul(b0, k[48]));
        put(out, o + 10, (b2 + k[49]) & MASK);
        put(out, o + 12, (b1 + k[50]) & MASK);
        put(out, o + 14, mul(b3, k[51]));
    }

    /**
     * Multiplication modulo 2^16 + 1, where 0 stands for 2^16. For a, b in [0, 2^16) the int product
     * holds the exact low 32 bits of a*b, and is 0 only if a or b is 0.
     */
    static int mul(int a, int b) {
        int p = a * b;
        if (p != 0) {
            int lo = p & MASK;
            int hi = p >>> 16;
            int d = lo - hi;
            return (d + (d >>> 31)) & MASK;
        }
        return (1 - a - b) & MASK;
    }

    /** Multiplicative inverse modulo 2^16 + 1 (0 stands for 2^16, its own inverse). */
    static int mulInv(int x) {
        if (x < 2) {
            return x;
        }
        // extended Euclid on 65537
        int t0 = 1;
        int t1 = 0x10001 / x;
        int y = 0x10001 % x;
        while (y != 1) {
            int q = x / y;
            x = x % y;
            t0 = (t0 + t1 * q) & MASK;
            if (x == 1) {
                return t0;
            }
            q = y / x;
            y = y % x;
            t1 = (t1 + t0 * q) & MASK;
        }
        return (1 - t1) & MASK;
    }

    private static int neg(int x) {
        return (0 - x) & MASK;
    }

    private static int word(byte[] b, int off) {
        return ((b[off] & 0xFF) << 8) | (b[off + 1] & 0xFF);
    }

    private static void put(byte[] b, int off, int w) {
        b[off] = (byte) (w >>> 8);
        b[off + 1] = (byte) w;
    }
}
