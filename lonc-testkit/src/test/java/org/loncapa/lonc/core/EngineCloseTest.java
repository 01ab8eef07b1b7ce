package org.loncapa.lonc.core;

import org.loncapa.lonc.core.internal.EngineInternals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.loncapa.lonc.testkit.Await;
import org.loncapa.lonc.testkit.FakeLond;
import org.loncapa.lonc.testkit.FakeTicker;
import org.loncapa.lonc.testkit.RecordedRequest;
import org.loncapa.lonc.testkit.Response;

/**
 * {@link LoncEngine#close(Duration)} ends as soon as nothing is left that could still be answered,
 * not at the drain timeout, when a connection fails during the drain. The drain timeout here is
 * far longer than the wait for the close, so a close that waits it out fails the test.
 */
class EngineCloseTest {
    private static final String HOST = "lond.test";
    private static final Duration LONG_DRAIN = Duration.ofSeconds(45);
    private final FakeTicker ticker = new FakeTicker();
    /** {@code cut} requests are answered by dropping the connection once the test says so. */
    private final CountDownLatch cut = new CountDownLatch(1);
    private FakeLond lond;
    private LoncEngine engine;

    @AfterEach
    void tearDown() {
        cut.countDown();
        if (engine != null) {
            engine.close(Duration.ofMillis(100));
        }
        if (lond != null) {
            lond.close();
        }
    }

    private Response answer(RecordedRequest r) {
        if (r.command().equals("cut")) {
            try {
                cut.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Response.disconnect();
        }
        return null;
    }

    private void start(Consumer<EngineConfig.Builder> engineSetup) throws Exception {
        lond = FakeLond.builder().lonIds("msul1").clientLonId("msua3").allowInsecure(true)
                .dispatcher(this::answer).build().start();
        EngineConfig.Builder eb = EngineConfig.builder("msua3")
                .host(new RemoteHost(HOST, List.of("msul1"), "127.0.0.1", lond.port(), false))
                .allowInsecure(true).ticker(ticker).tickInterval(Duration.ofHours(1));
        engineSetup.accept(eb);
        engine = LoncEngine.start(eb.build());
    }

    private HostStatus status() {
        return engine.status(HOST).orElseThrow();
    }

    private CompletableFuture<Void> closeInBackground() {
        CompletableFuture<Void> closed = CompletableFuture.runAsync(() -> engine.close(LONG_DRAIN));
        Await.until("engine closing", () -> EngineInternals.isClosing(engine));
        return closed;
    }

    @Test
    void failureThatMarksTheHostDeadEndsTheDrain() throws Exception {
        start(b -> b.retries(1));
        CompletableFuture<String> inFlight = engine.submit("msul1", "cut");
        Await.value("in flight", this::status, s -> s.active() == 1);
        CompletableFuture<Void> closed = closeInBackground();
        cut.countDown();
        assertEquals(ReplyTokens.CON_LOST, inFlight.get(20, TimeUnit.SECONDS));
        closed.get(20, TimeUnit.SECONDS);
    }

    @Test
    void queuedWorkThatNoConnectionIsLeftToCarryFailsAtOnceDuringTheDrain() throws Exception {
        start(b -> b.retries(5).maxConnectionsPerHost(1));
        CompletableFuture<String> inFlight = engine.submit("msul1", "cut");
        Await.value("in flight", this::status, s -> s.active() == 1);
        CompletableFuture<String> queued = engine.submit("msul1", "ping");
        Await.value("queued", this::status, s -> s.queued() == 1);
        CompletableFuture<Void> closed = closeInBackground();
        cut.countDown();
        assertEquals(ReplyTokens.CON_LOST, inFlight.get(20, TimeUnit.SECONDS));
        // no new connection is opened while closing, so the queued request cannot be sent
        assertEquals(ReplyTokens.CON_LOST, queued.get(20, TimeUnit.SECONDS));
        closed.get(20, TimeUnit.SECONDS);
    }
}
