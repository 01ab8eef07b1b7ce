package org.loncapa.lonc.bench.micro;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.loncapa.lonc.core.EngineConfig;
import org.loncapa.lonc.core.LoncEngine;
import org.loncapa.lonc.core.RemoteHost;
import org.loncapa.lonc.core.internal.reactor.EventLoop;
import org.loncapa.lonc.testkit.FakeLond;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Queue dispatch. Two layers:
 * <ul>
 *   <li>{@code loop*}: the hand-off every request makes from a caller thread to the engine thread
 *       ({@link EventLoop#execute}, selector wake-up, completing a future the caller waits on), one
 *       at a time (latency-bound) and 64 in flight (throughput-bound);</li>
 *   <li>{@code engine*}: {@link LoncEngine#submit} of {@code echo:} to a {@link FakeLond} in fast
 *       mode over 10 loopback connections, one at a time and 64 in flight. This includes FakeLond and
 *       TCP, so on a 2-core machine it is a small load test more than a micro-benchmark; the
 *       end-to-end figures come from the load tool.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
public class DispatchBench {
    private static final int IN_FLIGHT = 64;

    private EventLoop loop;
    private FakeLond lond;
    private LoncEngine engine;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        loop = new EventLoop("bench-loop", TimeUnit.SECONDS.toNanos(1), () -> { });
        loop.start();
        lond = FakeLond.builder().lonIds("msul1").clientLonId("msua3").allowInsecure(true)
                .recordRequests(false).build().start();
        engine = LoncEngine.start(EngineConfig.builder("msua3").allowInsecure(true)
                .host(new RemoteHost("lond.example", List.of("msul1"), "127.0.0.1", lond.port(), false))
                .maxConnectionsPerHost(10).build());
        // open the 10 connections before measuring
        for (int i = 0; i < 20; i++) {
            engineInFlight();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        engine.close();
        lond.close();
        loop.close();
    }

    @Benchmark
    public Object loopOneAtATime() {
        CompletableFuture<Object> f = new CompletableFuture<>();
        loop.execute(() -> f.complete(f));
        return f.join();
    }

    @Benchmark
    @OperationsPerInvocation(IN_FLIGHT)
    public Object loopInFlight() {
        @SuppressWarnings("unchecked")
        CompletableFuture<Object>[] fs = new CompletableFuture[IN_FLIGHT];
        for (int i = 0; i < IN_FLIGHT; i++) {
            CompletableFuture<Object> f = new CompletableFuture<>();
            fs[i] = f;
            loop.execute(() -> f.complete(f));
        }
        return CompletableFuture.allOf(fs).join();
    }

    @Benchmark
    public String engineOneAtATime() {
        return engine.submit("msul1", "echo:x").join();
    }

    @Benchmark
    @OperationsPerInvocation(IN_FLIGHT)
    public Object engineInFlight() {
        @SuppressWarnings("unchecked")
        CompletableFuture<String>[] fs = new CompletableFuture[IN_FLIGHT];
        for (int i = 0; i < IN_FLIGHT; i++) {
            fs[i] = engine.submit("msul1", "echo:x");
        }
        CompletableFuture.allOf(fs).join();
        for (CompletableFuture<String> f : fs) {
            if (!"x".equals(f.join())) {
                throw new IllegalStateException("unexpected reply " + f.join());
            }
        }
        return fs;
    }
}
