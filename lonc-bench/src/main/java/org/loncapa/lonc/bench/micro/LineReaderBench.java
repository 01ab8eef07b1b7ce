package org.loncapa.lonc.bench.micro;

import java.util.concurrent.TimeUnit;
import org.loncapa.lonc.core.internal.protocol.LineReader;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Line framing: {@link LineReader} splitting a byte stream into lines, as on both sides of lonc
 * (lond replies and UNIX-socket client requests). Two shapes: one whole line per read (the usual
 * request/reply case), and a read that carries 32 lines at once. Throughput is lines per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
public class LineReaderBench {
    private static final int BATCH = 32;

    @Param({"100"})
    public int lineBytes;

    private LineReader reader;
    private byte[] oneLine;
    private byte[] manyLines;

    @Setup
    public void setUp() {
        reader = new LineReader(LineReader.DEFAULT_MAX_LINE_BYTES);
        oneLine = Payloads.line(Payloads.request(lineBytes));
        manyLines = new byte[oneLine.length * BATCH];
        for (int i = 0; i < BATCH; i++) {
            System.arraycopy(oneLine, 0, manyLines, i * oneLine.length, oneLine.length);
        }
    }

    /** One read holding exactly one line. */
    @Benchmark
    public String oneLinePerRead() throws LineReader.LineException {
        reader.feed(oneLine, 0, oneLine.length);
        return reader.nextLine();
    }

    /** One read holding 32 lines (a busy connection); reported per line. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void manyLinesPerRead(Blackhole bh) throws LineReader.LineException {
        reader.feed(manyLines, 0, manyLines.length);
        String line;
        while ((line = reader.nextLine()) != null) {
            bh.consume(line);
        }
    }
}
