package org.loncapa.lonc.bench.micro;

import java.util.concurrent.TimeUnit;
import org.loncapa.lonc.core.internal.protocol.EncFrame;
import org.loncapa.lonc.core.internal.protocol.IdeaCipher;
import org.loncapa.lonc.core.internal.protocol.SessionKeys;
import org.bouncycastle.crypto.engines.IDEAEngine;
import org.bouncycastle.crypto.params.KeyParameter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code enc:} framing (protocol.md §3): {@link EncFrame#encode} and {@link EncFrame#decode} of a
 * request of {@code plainBytes} bytes, and IDEA blocks for attribution (a 100-byte request is 13
 * blocks). Target: at least 2 million encodes of a 100-byte request per second per core.
 *
 * <p>{@code ideaBlocks13BouncyCastle} runs Bouncy Castle's {@code IDEAEngine}, which lonc used
 * before its own two-blocks-per-word IDEA, on the same 13 blocks, so the two can be compared in one
 * run.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
public class EncFrameBench {
    @Param({"100"})
    public int plainBytes;

    private IdeaCipher cipher;
    private String plain;
    private String frame;
    private final byte[] block = new byte[IdeaCipher.BLOCK];
    private final byte[] blockOut = new byte[IdeaCipher.BLOCK];
    private final byte[] blocks13 = new byte[13 * IdeaCipher.BLOCK];
    private final byte[] blocks13Out = new byte[13 * IdeaCipher.BLOCK];
    private IDEAEngine bouncyCastle;

    @Setup
    public void setUp() {
        byte[] key = SessionKeys.fromHex("0123456789abcdef0123456789abcdef");
        cipher = new IdeaCipher(key);
        bouncyCastle = new IDEAEngine();
        bouncyCastle.init(true, new KeyParameter(key));
        plain = Payloads.request(plainBytes);
        frame = EncFrame.encode(cipher, plain);
    }

    @Benchmark
    public String encode() {
        return EncFrame.encode(cipher, plain);
    }

    @Benchmark
    public String decode() throws EncFrame.MalformedFrameException {
        return EncFrame.decode(cipher, frame);
    }

    /** One IDEA block: a 100-byte request needs 13 of them. */
    @Benchmark
    public byte[] ideaBlock() {
        cipher.encryptBlock(block, 0, blockOut, 0);
        return blockOut;
    }

    /** 13 blocks in one call, as a 100-byte request's frame needs (reported per block). */
    @Benchmark
    @OperationsPerInvocation(13)
    public byte[] ideaBlocks13() {
        cipher.encryptBlocks(blocks13, 0, blocks13Out, 0, 13);
        return blocks13Out;
    }

    /** The same 13 blocks through Bouncy Castle's engine, one at a time (reported per block). */
    @Benchmark
    @OperationsPerInvocation(13)
    public byte[] ideaBlocks13BouncyCastle() {
        for (int b = 0; b < 13; b++) {
            bouncyCastle.processBlock(blocks13, b * 8, blocks13Out, b * 8);
        }
        return blocks13Out;
    }
}
