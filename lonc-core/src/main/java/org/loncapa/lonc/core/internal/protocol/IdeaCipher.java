package org.loncapa.lonc.core.internal.protocol;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * IDEA in ECB mode, as Crypt::IDEA does on the Perl side (standard big-endian IDEA, bit for bit the
 * same cipher as Bouncy Castle's {@code IDEAEngine}, which the tests hold it against). One instance
 * belongs to one lond connection and is used only by the thread that owns that connection; it is not
 * thread-safe.
 *
 * <p>Why not Bouncy Castle's engine: IDEA is bound by latency, each round being a chain of dependent
 * multiplications modulo 2^16+1, and BC works one block at a time (about 76 ns a block here, which
 * made an {@code enc:} frame of a 100-byte request cost 1.3 µs). In ECB the blocks of a frame are
 * independent, and in IDEA every multiplication is by a subkey, the same for all blocks, so two
 * blocks share one 64-bit multiply: each 64-bit word carries the same 16-bit word of two blocks in
 * two 32-bit lanes (their products by a 16-bit subkey cannot overflow a lane), and additions, XORs
 * and the reduction modulo 2^16+1 work lane by lane. {@link #encryptBlocks} runs four blocks at a
 * time as two such pairs, so that the pairs' multiplication chains overlap, then a pair, then a
 * lone block in plain 16-bit arithmetic.
 *
 * <p>Lanes carry values in {@code [0, 2^16)}, 0 standing for 2^16 as IDEA defines. Between
 * multiplications a lane may carry bits above bit 15 (sums are not masked until a multiplication
 * needs its input exact); they never reach the next lane, since at most nine additions happen
 * between masks.
 */
public final class IdeaCipher {
    /** IDEA block size in bytes. */
    public static final int BLOCK = 8;

    private static final int ROUNDS = 8;
    private static final int MASK = 0xFFFF;
    /** The low 16 bits of each 32-bit lane. */
    private static final long M16 = 0x0000FFFF_0000FFFFL;
    /** 1 in each lane. */
    private static final long ONE = 0x00000001_00000001L;
    /** 2^16 in each lane. */
    private static final long B16 = 0x00010000_00010000L;
    /** 2^16 + 1 in each lane. */
    private static final long P = 0x00010001_00010001L;
    private static final VarHandle BIG_ENDIAN_LONG =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    /** Encryption subkeys, and for each {@code (1 - z) mod 2^16}, the product of 2^16 and z. */
    private final int[] ek = new int[52];
    private final int[] ekZero = new int[52];
    private final int[] dk = new int[52];
    private final int[] dkZero = new int[52];
    /** The subkeys in both lanes, for the additions. */
    private final long[] ekLanes = new long[52];
    private final long[] dkLanes = new long[52];

    /** @param key the 16-byte session key; only the expanded subkeys are kept */
    public IdeaCipher(byte[] key) {
        if (key.length != SessionKeys.KEY_BYTES) {
            throw new IllegalArgumentException("IDEA key must be 16 bytes, got " + key.length);
        }
        expand(key, ek);
        invert(ek, dk);
        for (int i = 0; i < 52; i++) {
            ekZero[i] = (1 - ek[i]) & MASK;
            dkZero[i] = (1 - dk[i]) & MASK;
            ekLanes[i] = ek[i] * ONE;
            dkLanes[i] = dk[i] * ONE;
        }
    }

    /** Encrypts one block from {@code in[inOff..inOff+8)} into {@code out[outOff..outOff+8)}. */
    public void encryptBlock(byte[] in, int inOff, byte[] out, int outOff) {
        encryptBlocks(in, inOff, out, outOff, 1);
    }

    /** Decrypts one block from {@code in[inOff..inOff+8)} into {@code out[outOff..outOff+8)}. */
    public void decryptBlock(byte[] in, int inOff, byte[] out, int outOff) {
        decryptBlocks(in, inOff, out, outOff, 1);
    }

    /**
     * Encrypts {@code blocks} consecutive blocks (ECB) from {@code in} into {@code out}; the two
     * ranges may be the same array and offset.
     */
    public void encryptBlocks(byte[] in, int inOff, byte[] out, int outOff, int blocks) {
        crypt(ek, ekZero, ekLanes, in, inOff, out, outOff, blocks);
    }

    /** Decrypts {@code blocks} consecutive blocks (ECB); the ranges may coincide. */
    public void decryptBlocks(byte[] in, int inOff, byte[] out, int outOff, int blocks) {
        crypt(dk, dkZero, dkLanes, in, inOff, out, outOff, blocks);
    }

    @Override
    public String toString() {
        return "IdeaCipher[key hidden]";
    }

    // ------------------------------------------------------------------ key schedule

    /** The 52 encryption subkeys: the key's eight words, then the key rotated left 25 bits at a time. */
    private static void expand(byte[] key, int[] k) {
        for (int i = 0; i < 8; i++) {
            k[i] = ((key[2 * i] & 0xFF) << 8) | (key[2 * i + 1] & 0xFF);
        }
        for (int i = 8; i < 52; i++) {
            int j = i & 7;
            int a = j < 7 ? k[i - 7] : k[i - 15];
            int b = j < 6 ? k[i - 6] : k[i - 14];
            k[i] = ((a & 127) << 9 | b >>> 7) & MASK;
        }
    }

    /** Decryption subkeys: the inverses, in reverse round order, additive pair swapped inside. */
    private static void invert(int[] e, int[] d) {
        for (int r = 0; r <= ROUNDS; r++) {
            int eo = 6 * (ROUNDS - r);
            int dOff = 6 * r;
            boolean outer = r == 0 || r == ROUNDS;
            d[dOff] = mulInverse(e[eo]);
            d[dOff + 1] = -e[eo + (outer ? 1 : 2)] & MASK;
            d[dOff + 2] = -e[eo + (outer ? 2 : 1)] & MASK;
            d[dOff + 3] = mulInverse(e[eo + 3]);
            if (r < ROUNDS) {
                d[dOff + 4] = e[eo - 2];
                d[dOff + 5] = e[eo - 1];
            }
        }
    }

    /** Inverse modulo 2^16+1, with 0 standing for 2^16 (its own inverse, as is 1). */
    static int mulInverse(int x) {
        if (x <= 1) {
            return x;
        }
        // extended Euclid on (65537, x), keeping only the coefficient of x
        int r0 = 0x10001;
        int r1 = x;
        int t0 = 0;
        int t1 = 1;
        while (r1 != 0) {
            int q = r0 / r1;
            int r = r0 - q * r1;
            r0 = r1;
            r1 = r;
            int t = t0 - q * t1;
            t0 = t1;
            t1 = t;
        }
        return (t0 < 0 ? t0 + 0x10001 : t0) & MASK;
    }

    // ------------------------------------------------------------------ blocks

    private static void crypt(int[] k, int[] kz, long[] kl, byte[] in, int inOff, byte[] out, int outOff,
            int blocks) {
        int b = 0;
        for (; b + 4 <= blocks; b += 4) {
            four(k, kz, kl, in, inOff + b * BLOCK, out, outOff + b * BLOCK);
        }
        if (b + 2 <= blocks) {
            two(k, kz, kl, in, inOff + b * BLOCK, out, outOff + b * BLOCK);
            b += 2;
        }
        if (b < blocks) {
            one(k, in, inOff + b * BLOCK, out, outOff + b * BLOCK);
        }
    }

    // A block is read as one big-endian long; its words w0..w3 are bits 63..48, 47..32, 31..16, 15..0.
    // Packing two blocks A and B: word i of A in lane 0 (bits 0..15), word i of B in lane 1 (32..47).

    private static final long LANE1 = 0x0000FFFF_00000000L;

    private static long w0(long a, long b) {
        return a >>> 48 | (b >>> 16) & LANE1;
    }

    private static long w1(long a, long b) {
        return (a >>> 32) & MASK | b & LANE1;
    }

    private static long w2(long a, long b) {
        return (a >>> 16) & MASK | (b << 16) & LANE1;
    }

    private static long w3(long a, long b) {
        return a & MASK | (b << 32) & LANE1;
    }

    /** Block A (lane 0) back from the four words; bits above 15 in a lane are ignored. */
    private static long blockA(long x0, long x1, long x2, long x3) {
        return (x0 & MASK) << 48 | (x1 & MASK) << 32 | (x2 & MASK) << 16 | x3 & MASK;
    }

    /** Block B (lane 1) back from the four words. */
    private static long blockB(long x0, long x1, long x2, long x3) {
        return (x0 & LANE1) << 16 | x1 & LANE1 | (x2 & LANE1) >>> 16 | (x3 & LANE1) >>> 32;
    }

    /** Two blocks, one per lane. */
    private static void two(int[] k, int[] kz, long[] kl, byte[] in, int i, byte[] out, int o) {
        long a = (long) BIG_ENDIAN_LONG.get(in, i);
        long b = (long) BIG_ENDIAN_LONG.get(in, i + BLOCK);
        long x0 = w0(a, b);
        long x1 = w1(a, b);
        long x2 = w2(a, b);
        long x3 = w3(a, b);
        for (int n = 0; n < 6 * ROUNDS; n += 6) {
            x0 = mul(x0, k[n], kz[n]);
            x1 += kl[n + 1];
            x2 += kl[n + 2];
            x3 = mul(x3 & M16, k[n + 3], kz[n + 3]);
            long t1 = mul((x0 ^ x2) & M16, k[n + 4], kz[n + 4]);
            long t2 = mul((t1 + (x1 ^ x3)) & M16, k[n + 5], kz[n + 5]);
            t1 += t2;
            x0 ^= t2;
            x3 ^= t1;
            long s = x1 ^ t1;
            x1 = x2 ^ t2;
            x2 = s;
        }
        long y0 = mul(x0, k[48], kz[48]);
        long y1 = x2 + kl[49];
        long y2 = x1 + kl[50];
        long y3 = mul(x3 & M16, k[51], kz[51]);
        BIG_ENDIAN_LONG.set(out, o, blockA(y0, y1, y2, y3));
        BIG_ENDIAN_LONG.set(out, o + BLOCK, blockB(y0, y1, y2, y3));
    }

    /** Four blocks: two pairs whose rounds are interleaved. */
    private static void four(int[] k, int[] kz, long[] kl, byte[] in, int i, byte[] out, int o) {
        long pa = (long) BIG_ENDIAN_LONG.get(in, i);
        long pb = (long) BIG_ENDIAN_LONG.get(in, i + BLOCK);
        long qa = (long) BIG_ENDIAN_LONG.get(in, i + 2 * BLOCK);
        long qb = (long) BIG_ENDIAN_LONG.get(in, i + 3 * BLOCK);
        long a0 = w0(pa, pb);
        long a1 = w1(pa, pb);
        long a2 = w2(pa, pb);
        long a3 = w3(pa, pb);
        long b0 = w0(qa, qb);
        long b1 = w1(qa, qb);
        long b2 = w2(qa, qb);
        long b3 = w3(qa, qb);
        for (int n = 0; n < 6 * ROUNDS; n += 6) {
            int z0 = k[n];
            int z3 = k[n + 3];
            int z4 = k[n + 4];
            int z5 = k[n + 5];
            a0 = mul(a0, z0, kz[n]);
            b0 = mul(b0, z0, kz[n]);
            long z1 = kl[n + 1];
            long z2 = kl[n + 2];
            a1 += z1;
            b1 += z1;
            a2 += z2;
            b2 += z2;
            a3 = mul(a3 & M16, z3, kz[n + 3]);
            b3 = mul(b3 & M16, z3, kz[n + 3]);
            long at1 = mul((a0 ^ a2) & M16, z4, kz[n + 4]);
            long bt1 = mul((b0 ^ b2) & M16, z4, kz[n + 4]);
            long at2 = mul((at1 + (a1 ^ a3)) & M16, z5, kz[n + 5]);
            long bt2 = mul((bt1 + (b1 ^ b3)) & M16, z5, kz[n + 5]);
            at1 += at2;
            bt1 += bt2;
            a0 ^= at2;
            b0 ^= bt2;
            a3 ^= at1;
            b3 ^= bt1;
            long as = a1 ^ at1;
            long bs = b1 ^ bt1;
            a1 = a2 ^ at2;
            b1 = b2 ^ bt2;
            a2 = as;
            b2 = bs;
        }
        long a0o = mul(a0, k[48], kz[48]);
        long b0o = mul(b0, k[48], kz[48]);
        long a1o = a2 + kl[49];
        long b1o = b2 + kl[49];
        long a2o = a1 + kl[50];
        long b2o = b1 + kl[50];
        long a3o = mul(a3 & M16, k[51], kz[51]);
        long b3o = mul(b3 & M16, k[51], kz[51]);
        BIG_ENDIAN_LONG.set(out, o, blockA(a0o, a1o, a2o, a3o));
        BIG_ENDIAN_LONG.set(out, o + BLOCK, blockB(a0o, a1o, a2o, a3o));
        BIG_ENDIAN_LONG.set(out, o + 2 * BLOCK, blockA(b0o, b1o, b2o, b3o));
        BIG_ENDIAN_LONG.set(out, o + 3 * BLOCK, blockB(b0o, b1o, b2o, b3o));
    }

    /** One block in plain 16-bit arithmetic (a lone block gains nothing from lanes). */
    private static void one(int[] k, byte[] in, int i, byte[] out, int o) {
        long a = (long) BIG_ENDIAN_LONG.get(in, i);
        int x0 = (int) (a >>> 48);
        int x1 = (int) (a >>> 32) & MASK;
        int x2 = (int) (a >>> 16) & MASK;
        int x3 = (int) a & MASK;
        for (int n = 0; n < 6 * ROUNDS; n += 6) {
            x0 = mul16(x0, k[n]);
            x1 = (x1 + k[n + 1]) & MASK;
            x2 = (x2 + k[n + 2]) & MASK;
            x3 = mul16(x3, k[n + 3]);
            int t1 = mul16(x0 ^ x2, k[n + 4]);
            int t2 = mul16((t1 + (x1 ^ x3)) & MASK, k[n + 5]);
            t1 = (t1 + t2) & MASK;
            x0 ^= t2;
            x3 ^= t1;
            int s = x1 ^ t1;
            x1 = x2 ^ t2;
            x2 = s;
        }
        long y0 = mul16(x0, k[48]);
        long y1 = (x2 + k[49]) & MASK;
        long y2 = (x1 + k[50]) & MASK;
        long y3 = mul16(x3, k[51]);
        BIG_ENDIAN_LONG.set(out, o, y0 << 48 | y1 << 32 | y2 << 16 | y3);
    }

    /**
     * {@code a * b} modulo 2^16+1 for single 16-bit words (0 standing for 2^16). The int product
     * holds the low 32 bits of a*b exactly and is 0 only when a or b is.
     */
    static int mul16(int a, int b) {
        int p = a * b;
        if (p != 0) {
            int lo = p & MASK;
            int hi = p >>> 16;
            int d = lo - hi;
            return (d + (d >>> 31)) & MASK;
        }
        return (1 - a - b) & MASK;
    }

    /**
     * Lane by lane, {@code a * z} modulo 2^16+1 (0 standing for 2^16 in both).
     *
     * @param a two lanes, each in {@code [0, 2^16)}
     * @param z a subkey in {@code [0, 2^16)}
     * @param zero {@code (1 - z) mod 2^16}: the answer where a lane of {@code a} is 0
     * @return two lanes, each in {@code [0, 2^16)}
     */
    static long mul(long a, int z, int zero) {
        if (z == 0) {
            // 2^16 is -1 modulo 2^16+1: the answer is 2^16+1 - a
            return (P - a) & M16;
        }
        long p = a * z;
        long lo = p & M16;
        long hi = (p >>> 16) & M16;
        // lo - hi, plus 1 where lo < hi (2^16+1 - 2^16), without borrowing from the next lane
        long d = lo + B16 - hi;
        long r = (d + (((d >>> 16) & ONE) ^ ONE)) & M16;
        long nonZero = (a + M16) & B16;
        if (nonZero != B16) {
            // a lane of a is 0, i.e. 2^16 = -1: that lane's answer is 1 - z; r is 0 there
            r |= (((nonZero >>> 16)) ^ ONE) * zero;
        }
        return r;
    }

}
