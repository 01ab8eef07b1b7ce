package org.loncapa.lonc.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.loncapa.lonc.testkit.Await;
import org.loncapa.lonc.testkit.FakeLond;
import org.loncapa.lonc.testkit.FakeTicker;
import org.loncapa.lonc.testkit.Fault;
import org.loncapa.lonc.testkit.Response;

/**
 * A lond that stalls one handshake and then recovers, a flood of requests over the queue bound,
 * and the engine's status after close; real loopback TCP, time from a fake ticker only.
 */
@Timeout(60)
class EngineStallAndOverloadTest {
    private static final String HOST = "lond.test";
    private final FakeTicker ticker = new FakeTicker();
    private final CountDownLatch release = new CountDownLatch(1);
    private FakeLond lond;
    private LoncEngine engine;

    @AfterEach
    void tearDown() {
        release.countDown();
        if (engine != null) {
            engine.close(Duration.ofMillis(100));
        }
        if (lond != null) {
            lond.close();
        }
    }

    private void start(Consumer<EngineConfig.Builder> engineSetup) throws Exception {
        lond = FakeLond.builder().lonIds("msul1").clientLonId("msua3").allowInsecure(true)
                .dispatcher(r -> {
                    if (r.command().equals("hold")) {
                        try {
                            release.await(30, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return Response.reply("held");
                    }
                    return null;
                }).build().start();
        EngineConfig.Builder eb = EngineConfig.builder("msua3")
                .host(new RemoteHost(HOST, List.of("msul1"), "127.0.0.1", lond.port(), false))
                .allowInsecure(true).ticker(ticker).tickInterval(Duration.ofHours(1));
        engineSetup.accept(eb);
        engine = LoncEngine.start(eb.build());
    }

    private void tick(Duration advance) throws Exception {
        ticker.advance(advance);
        engine.tickNow().get(10, TimeUnit.SECONDS);
    }

    private HostStatus status() {
        return engine.status(HOST).orElseThrow();
    }

    /** Sends one request into a handshake that lond never answers, and waits until it hangs. */
    private CompletableFuture<String> stalledCall(Duration deadline) throws Exception {
        lond.fault(Fault.STALL_HANDSHAKE);
        CompletableFuture<String> f = engine.submit("msul1", "ping", deadline);
        Await.until("the hailing line reaches lond", () -> lond.connectionCount() == 1
                && lond.connection(0).hailingLine() != null);
        lond.fault(Fault.NONE); // the next connection is served
        return f;
    }

    // ------------------------------------------------------------------ stalled handshake

    @Test
    void afterAStalledHandshakeTheNextCallIsAnsweredWithinTheStallTimeout() throws Exception {
        start(b -> {});
        // the sequence: a call with a 1 s deadline into the hung handshake, then one with 45 s
        CompletableFuture<String> first = stalledCall(Duration.ofSeconds(1));
        tick(Duration.ofSeconds(1));
        assertEquals(ReplyTokens.CON_LOST, first.get(10, TimeUnit.SECONDS));
        CompletableFuture<String> f = engine.submit("msul1", "ping", Duration.ofSeconds(45));
        tick(Duration.ofSeconds(3));
        assertFalse(f.isDone(), "4 s without progress is not a stall yet");
        assertEquals(1, lond.connectionCount());
        tick(Duration.ofSeconds(1)); // the default handshakeStallTimeout: 5 s
        assertEquals("msul1", f.get(10, TimeUnit.SECONDS), "answered by the recovered lond");
        HostStatus s = status();
        assertEquals(HostState.UP, s.state());
        assertEquals(1, s.failures(), "the abandoned handshake counts as one failure");
        assertEquals(2, lond.connectionCount());
        Await.until("the stalled connection is closed", () -> !lond.connection(0).open());
    }

    @Test
    void workWithoutTimeLeftStillFailsAtOnceWhenAHandshakeStalls() throws Exception {
        start(b -> {});
        CompletableFuture<String> shortCall = stalledCall(Duration.ofSeconds(3));
        // the daemon's path: no deadline of its own, so lonnet gets con_lost and can defer
        CompletableFuture<String> daemonCall = engine.submitLine(HOST, "ping");
        tick(Duration.ofSeconds(3));
        assertEquals(ReplyTokens.CON_LOST, shortCall.get(10, TimeUnit.SECONDS), "its deadline");
        tick(Duration.ofSeconds(2));
        assertEquals(ReplyTokens.CON_LOST, daemonCall.get(10, TimeUnit.SECONDS));
        assertEquals("msul1", engine.submit("msul1", "ping", Duration.ofSeconds(30)).get(10, TimeUnit.SECONDS));
    }

    @Test
    void aHandshakeStepTimeoutKeepsWorkWithTimeLeftForAFreshConnection() throws Exception {
        // stall detection off (Perl's behaviour): the step timeout ends the hung handshake
        start(b -> b.handshakeStallTimeout(Duration.ZERO));
        CompletableFuture<String> f = stalledCall(Duration.ofSeconds(45));
        tick(Duration.ofSeconds(10));
        assertFalse(f.isDone(), "off: no stall detection");
        tick(Duration.ofSeconds(20)); // handshakeStepTimeout, 30 s
        assertEquals("msul1", f.get(10, TimeUnit.SECONDS),
                "15 s were left: a fresh connection, not con_lost");
        assertEquals(1, status().failures());
    }

    // ------------------------------------------------------------------ overload

    @Test
    void aFloodOfConBusyWritesABoundedNumberOfLogLines() throws Exception {
        start(b -> b.maxConnectionsPerHost(1).maxQueuedPerHost(1));
        CompletableFuture<String> held = engine.submit("msul1", "hold");
        Await.until("the held request reaches lond", () -> lond.requestCount() == 1);
        CompletableFuture<String> queued = engine.submit("msul1", "ping");
        List<String> lines = captureStderr(() -> {
            List<CompletableFuture<String>> busy = new ArrayList<>();
            for (int i = 0; i < 5_000; i++) {
                busy.add(engine.submit("msul1", "ping"));
            }
            for (CompletableFuture<String> b : busy) {
                assertEquals(ReplyTokens.CON_BUSY, b.get(10, TimeUnit.SECONDS));
            }
            engine.tickNow().get(10, TimeUnit.SECONDS);
            tick(Duration.ofSeconds(10)); // the interval is over: one summary line
        });
        List<String> busyLines = lines.stream().filter(l -> l.contains("queue full")).toList();
        assertEquals(2, busyLines.size(), String.join("\n", busyLines));
        assertTrue(busyLines.get(1).contains("4999 more in the last 10 s"), busyLines.get(1));
        assertEquals(5_000, status().busy());
        release.countDown();
        assertEquals("held", held.get(10, TimeUnit.SECONDS));
        assertEquals("msul1", queued.get(10, TimeUnit.SECONDS));
    }

    // ------------------------------------------------------------------ close

    @Test
    void statusAfterCloseFailsAtOnce() throws Exception {
        start(b -> {});
        engine.close(Duration.ofMillis(100));
        CompletableFuture<List<HostStatus>> f = engine.statusAsync();
        assertTrue(f.isCompletedExceptionally(), "statusAsync after close must not hang");
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, f::get);
        assertTrue(e.getCause().getMessage().contains("closed"), e.getCause().getMessage());
    }

    interface Body {
        void run() throws Exception;
    }

    /** Runs {@code body} with System.err (where slf4j-simple writes) copied to a buffer. */
    private static List<String> captureStderr(Body body) throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream tee = new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                buf.write(b);
                original.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                buf.write(b, off, len);
                original.write(b, off, len);
            }
        }, true, StandardCharsets.UTF_8);
        System.setErr(tee);
        try {
            body.run();
        } finally {
            System.setErr(original);
        }
        return Arrays.asList(buf.toString(StandardCharsets.UTF_8).split("\n"));
    }
}
