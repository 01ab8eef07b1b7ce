package org.loncapa.lonc.bench.micro;

import java.util.concurrent.TimeUnit;
import org.loncapa.lonc.bench.proposal.FastEncFrame;
import org.loncapa.lonc.bench.proposal.FastIdea;
import org.loncapa.lonc.core.protocol.EncFrame;
import org.loncapa.lonc.core.protocol.IdeaCipher;
import org.loncapa.lonc.core.protocol.SessionKeys;
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
 * <p>The {@code *Proposed} methods measure the prototype in {@code bench.proposal} (an IDEA that
 * works on two blocks at a time) side by side with the current code.
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
    private FastIdea fastIdea;
    private FastEncFrame fastFrame;

    @Setup
    public void setUp() {
        byte[] key = SessionKeys.fromHex("0123456789abcdef0123456789abcdef");
        cipher = new IdeaCipher(key);
        fastIdea = new FastIdea(key);
        fastFrame = new FastEncFrame(fastIdea);
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

    /** 13 blocks one after the other (reported per block). */
    @Benchmark
    @OperationsPerInvocation(13)
    public byte[] ideaBlocks13() {
        for (int b = 0; b < 13; b++) {
            cipher.encryptBlock(blocks13, b * 8, blocks13Out, b * 8);
        }
        return blocks13Out;
    }

    /** 13 blocks by the proposed IDEA, two at a time (reported per block). */
    @Benchmark
    @OperationsPerInvocation(13)
    public byte[] ideaBlocks13Proposed() {
        fastIdea.encrypt(blocks13, 0, blocks13Out, 0, 13);
        return blocks13Out;
    }

    @Benchmark
    public String encodeProposed() {
        return fastFrame.encode(plain);
    }
}
