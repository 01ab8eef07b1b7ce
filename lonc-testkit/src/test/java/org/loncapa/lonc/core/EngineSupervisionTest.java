package org.loncapa.lonc.core;

import org.loncapa.lonc.core.internal.EngineInternals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.loncapa.lonc.core.internal.pool.Transaction;
import org.loncapa.lonc.testkit.FakeLond;
import org.loncapa.lonc.testkit.FakeTicker;
import org.loncapa.lonc.testkit.RecordedRequest;
import org.loncapa.lonc.testkit.Response;

/**
 * An engine whose thread died fails its callers at once instead of leaving them waiting; requests
 * abandoned by their callers are dropped without costing a connection.
 */
class EngineSupervisionTest {
    private static final String HOST = "lond.test";
    private final EngineTest.Holds holds = new EngineTest.Holds();
    private FakeLond lond;
    private LoncEngine engine;

    @AfterEach
    void tearDown() {
        holds.latches.values().forEach(CountDownLatch::countDown);
        if (engine != null) {
            engine.close(Duration.ofMillis(100));
        }
        if (lond != null) {
            lond.close();
        }
    }

    private void start() throws Exception {
        lond = FakeLond.builder().lonIds("msul1").clientLonId("msua3").allowInsecure(true)
                .dispatcher(holds::answer).build().start();
        engine = LoncEngine.start(EngineConfig.builder("msua3")
                .host(new RemoteHost(HOST, List.of("msul1"), "127.0.0.1", lond.port(), false))
                .allowInsecure(true).ticker(new FakeTicker()).tickInterval(Duration.ofHours(1))
                .maxConnectionsPerHost(1).build());
    }

    private void awaitCommand(String command) throws InterruptedException {
        RecordedRequest r;
        do {
            r = lond.takeRequest(Duration.ofSeconds(10));
        } while (r != null && !r.command().equals(command));
        assertTrue(r != null, command + " reached lond");
    }

    private static String get(CompletableFuture<String> f) throws Exception {
        return f.get(20, TimeUnit.SECONDS);
    }

    @Test
    void anEngineWhoseThreadDiedFailsPendingAndNewCallsAtOnce() throws Exception {
        start();
        CompletableFuture<String> inFlight = engine.submit("msul1", "hold:a");
        CompletableFuture<String> queued = engine.submit("msul1", "hold:b");
        awaitCommand("hold:a");
        Error boom = new Error("deliberate failure (test hook)");
        EngineInternals.injectFailure(engine, boom);
        // without the fix these waited for lond (held for 30 s) and the queued one for ever
        assertEquals(ReplyTokens.CON_LOST, inFlight.get(5, TimeUnit.SECONDS));
        assertEquals(ReplyTokens.CON_LOST, queued.get(5, TimeUnit.SECONDS));
        assertSame(boom, engine.failure().orElseThrow());
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> engine.submit("msul1", "ping").get(5, TimeUnit.SECONDS));
        assertInstanceOf(LoncEngine.EngineDiedException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains("deliberate failure"), e.getCause().getMessage());
    }

    @Test
    void anAbandonedRequestIsDroppedIfQueuedAndItsReplyDiscardedIfSent() throws Exception {
        start();
        CompletableFuture<String> sent = engine.submit("msul1", "hold:a");
        CompletableFuture<String> queued = engine.submit("msul1", "hold:b");
        awaitCommand("hold:a");
        Transaction.abandon(queued);
        Transaction.abandon(sent);
        assertEquals(ReplyTokens.CON_LOST, get(queued), "withdrawn from the queue");
        holds.release("a");
        holds.release("b");
        assertEquals("done:a", get(sent), "the reply still ends the future; nobody reads it");
        assertEquals("msul1", get(engine.submit("msul1", "ping")));
        List<String> commands = new java.util.ArrayList<>();
        RecordedRequest r;
        while ((r = lond.takeRequest(Duration.ofMillis(1))) != null) {
            commands.add(r.command());
        }
        assertFalse(commands.contains("hold:b"), "the withdrawn request never reached lond: " + commands);
        assertEquals(1, lond.connectionCount(), "the connection that carried it was kept");
    }
}
