package org.loncapa.lonc.core;

import org.loncapa.lonc.core.internal.EngineInternals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.loncapa.lonc.testkit.Await;
import org.loncapa.lonc.testkit.FakeLond;
import org.loncapa.lonc.testkit.FakeTicker;
import org.loncapa.lonc.testkit.Fault;
import org.loncapa.lonc.testkit.RecordedRequest;
import org.loncapa.lonc.testkit.Response;

/**
 * The engine over real loopback TCP against FakeLond, with a fake ticker driving every timer: the
 * engine's own real-time tick is set to an hour, so only {@code tickNow()} moves time-based logic.
 */
class EngineTest {
    private static final String HOST = "lond.test";
    private final FakeTicker ticker = new FakeTicker();
    private final Holds holds = new Holds();
    private FakeLond lond;
    private LoncEngine engine;

    /** Requests {@code hold:<name>} are answered {@code done:<name>} once the test releases them. */
    static final class Holds {
        final Map<String, CountDownLatch> latches = new ConcurrentHashMap<>();

        CountDownLatch latch(String name) {
            return latches.computeIfAbsent(name, k -> new CountDownLatch(1));
        }

        void release(String name) {
            latch(name).countDown();
        }

        Response answer(RecordedRequest r) {
            if (r.command().startsWith("hold:")) {
                String name = r.command().substring(5);
                try {
                    if (!latch(name).await(30, TimeUnit.SECONDS)) {
                        return Response.stall();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return Response.stall();
                }
                return Response.reply("done:" + name);
            }
            return null;
        }
    }

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

    private void start(Consumer<FakeLond.Builder> londSetup, Consumer<EngineConfig.Builder> engineSetup)
            throws Exception {
        FakeLond.Builder lb = FakeLond.builder().lonIds("msul1", "msul2").clientLonId("msua3")
                .allowInsecure(true).dispatcher(holds::answer);
        londSetup.accept(lb);
        lond = lb.build().start();
        EngineConfig.Builder eb = EngineConfig.builder("msua3")
                .host(new RemoteHost(HOST, List.of("msul1", "msul2"), "127.0.0.1", lond.port(), false))
                .allowInsecure(true).ticker(ticker).tickInterval(Duration.ofHours(1));
        engineSetup.accept(eb);
        engine = LoncEngine.start(eb.build());
    }

    private void start(Consumer<EngineConfig.Builder> engineSetup) throws Exception {
        start(b -> {}, engineSetup);
    }

    private static String get(CompletableFuture<String> f) throws Exception {
        return f.get(20, TimeUnit.SECONDS);
    }

    private HostStatus status() {
        return engine.status(HOST).orElseThrow();
    }

    private HostStatus awaitStatus(String what, java.util.function.Predicate<HostStatus> p) {
        return Await.value(what, this::status, p);
    }

    private void tick(Duration advance) throws Exception {
        ticker.advance(advance);
        engine.tickNow().get(10, TimeUnit.SECONDS);
    }

    // ------------------------------------------------------------------ basics

    @Test
    void sethostWithAnEmptyLonIdIsNoSuchHostAndNotSent() throws Exception {
        start(b -> {});
        assertEquals(ReplyTokens.NO_SUCH_HOST, get(engine.submit("msul1", "sethost::ping")));
        assertEquals(ReplyTokens.NO_SUCH_HOST, get(engine.submitLine(HOST, "sethost::ping")));
        assertEquals(ReplyTokens.NO_SUCH_HOST, get(engine.submitLine(HOST, "sethost:")));
        assertEquals("msul1", get(engine.submitLine(HOST, "ping")));
        assertEquals(1, lond.requestCount());
    }

    @Test
    void pingAndEncryptedRoundTrip() throws Exception {
        start(b -> {});
        assertEquals("msul1", get(engine.submit("msul1", "ping")));
        assertEquals("secret-reply", get(engine.submit("msul1", "encrypt:echo:secret-reply")));
        lond.takeRequest(Duration.ofSeconds(5));
        RecordedRequest enc = lond.takeRequest(Duration.ofSeconds(5));
        assertTrue(enc.encrypted(), "sent as enc: frame");
        assertEquals("echo:secret-reply", enc.command());
        assertFalse(enc.rawLine().contains("secret"), "the secret never travels in clear");
        HostStatus s = status();
        assertEquals(HostState.UP, s.state());
        assertEquals("insecure", s.keyMode());
        assertEquals(2, s.replies());
    }

    @Test
    void unknownLonIdIsAnsweredWithoutTheNetwork() throws Exception {
        start(b -> {});
        assertEquals(ReplyTokens.NO_SUCH_HOST, get(engine.submit("nosuch", "ping")));
        assertEquals(ReplyTokens.NO_SUCH_HOST, get(engine.submitLine("other.host", "ping")));
        assertEquals(0, lond.connectionCount());
    }

    @Test
    void aSethostForAnotherHostsLonIdIsRoutedToThatHost() throws Exception {
        try (FakeLond other = FakeLond.builder().lonIds("msul9").clientLonId("msua3").allowInsecure(true)
                .build().start()) {
            start(b -> b.host(new RemoteHost("other.host", List.of("msul9"), "127.0.0.1", other.port(), false)));
            // lonnet wrote to HOST's socket, but the lonID lives on other.host
            assertEquals("msul9", get(engine.submitLine(HOST, "sethost:msul9:ping")));
            assertEquals(ReplyTokens.NO_SUCH_HOST, get(engine.submitLine(HOST, "sethost:nosuch:ping")));
            assertEquals(1, other.requestCount());
            assertEquals(0, lond.requestCount());
        }
    }

    @Test
    void sethostSwitchingInlineTowardNewLond() throws Exception {
        start(b -> {});
        assertEquals("msul2", get(engine.submit("msul2", "ping")));
        assertEquals("msul2", get(engine.submitLine(HOST, "sethost:msul2:ping")));
        assertEquals("msul1", get(engine.submitLine(HOST, "ping")));
        List<RecordedRequest> r = List.of(lond.takeRequest(Duration.ofSeconds(5)),
                lond.takeRequest(Duration.ofSeconds(5)), lond.takeRequest(Duration.ofSeconds(5)));
        assertEquals("sethost:msul2:ping", r.get(0).rawLine());
        assertEquals("ping", r.get(1).rawLine(), "no prefix while the lonID is unchanged");
        assertEquals("sethost:msul1:ping", r.get(2).rawLine());
        assertEquals("msul1", r.get(2).lonId());
    }

    @Test
    void sethostAsSeparateLineTowardOldLond() throws Exception {
        start(b -> b.revision(321), b -> {});
        assertEquals("msul2", get(engine.submit("msul2", "ping")));
        RecordedRequest r = lond.takeRequest(Duration.ofSeconds(5));
        assertEquals("ping", r.rawLine());
        assertEquals("msul2", r.lonId());
    }

    // ------------------------------------------------------------------ pool shape

    @Test
    void growsLazilyToTheMaximumAndNoFurther() throws Exception {
        start(b -> b.maxConnectionsPerHost(3).maxHandshakesPerHost(1));
        assertEquals(0, lond.connectionCount(), "nothing opened before the first request");
        List<CompletableFuture<String>> f = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            f.add(engine.submit("msul1", "hold:h" + i));
        }
        HostStatus s = awaitStatus("3 busy connections", x -> x.active() == 3);
        assertEquals(7, s.queued());
        assertEquals(3, lond.openConnections());
        for (int i = 0; i < 10; i++) {
            holds.release("h" + i);
        }
        for (int i = 0; i < 10; i++) {
            assertEquals("done:h" + i, get(f.get(i)));
        }
        assertEquals(3, lond.connectionCount(), "never more than the maximum");
        assertEquals(3, status().idle());
    }

    @Test
    void idleConnectionsAreReusedLifoAndWorkIsDispatchedFifo() throws Exception {
        start(b -> b.maxConnectionsPerHost(3));
        CompletableFuture<String> a = engine.submit("msul1", "hold:a");
        awaitStatus("a on the wire", x -> x.active() == 1);
        CompletableFuture<String> b = engine.submit("msul1", "hold:b");
        awaitStatus("b on the wire", x -> x.active() == 2);
        CompletableFuture<String> c = engine.submit("msul1", "hold:c");
        awaitStatus("c on the wire", x -> x.active() == 3);
        int connA = lond.takeRequest(Duration.ofSeconds(5)).connectionIndex();
        int connB = lond.takeRequest(Duration.ofSeconds(5)).connectionIndex();
        int connC = lond.takeRequest(Duration.ofSeconds(5)).connectionIndex();
        holds.release("c");
        get(c);
        holds.release("a");
        get(a);
        holds.release("b");
        get(b);
        // idle stack top is b's connection, then a's, then c's
        get(engine.submit("msul1", "ping"));
        assertEquals(connB, lond.takeRequest(Duration.ofSeconds(5)).connectionIndex());
        // FIFO: with all three busy, queued work goes out in submission order
        List<CompletableFuture<String>> held = new ArrayList<>();
        for (String h : List.of("x", "y", "z")) {
            held.add(engine.submit("msul1", "hold:" + h));
        }
        awaitStatus("3 held", x -> x.active() == 3);
        List<CompletableFuture<String>> queued = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            queued.add(engine.submit("msul1", "echo:q" + i));
        }
        awaitStatus("5 queued", x -> x.queued() == 5);
        for (int i = 0; i < 3; i++) {
            lond.takeRequest(Duration.ofSeconds(5));
        }
        holds.release("y");
        for (int i = 0; i < 5; i++) {
            assertEquals("q" + i, get(queued.get(i)));
            assertEquals("echo:q" + i, lond.takeRequest(Duration.ofSeconds(5)).command());
        }
        holds.release("x");
        holds.release("z");
        for (CompletableFuture<String> h : held) {
            get(h);
        }
        assertNotEquals(connA, connC);
    }

    @Test
    void idleConnectionsArePrunedOnePerIdlePeriod() throws Exception {
        start(b -> b.maxConnectionsPerHost(2).idleTimeout(Duration.ofSeconds(300))
                .idleCheckAfter(Duration.ZERO));
        CompletableFuture<String> a = engine.submit("msul1", "hold:a");
        CompletableFuture<String> b = engine.submit("msul1", "hold:b");
        awaitStatus("2 busy", x -> x.active() == 2);
        holds.release("a");
        holds.release("b");
        get(a);
        get(b);
        tick(Duration.ofSeconds(299));
        assertEquals(2, status().idle());
        tick(Duration.ofSeconds(2));
        assertEquals(1, awaitStatus("one pruned", x -> x.idle() == 1).idle());
        Await.until("lond sees one connection closed", () -> lond.openConnections() == 1);
        tick(Duration.ofSeconds(10));
        assertEquals(1, status().idle(), "only one per period");
        tick(Duration.ofSeconds(300));
        awaitStatus("both pruned", x -> x.connections() == 0);
        Await.until("lond sees all closed", () -> lond.openConnections() == 0);
        assertEquals(HostState.UP, status().state(), "pruning is not a failure");
        assertEquals(5, status().retriesLeft());
    }

    @Test
    void longIdleConnectionsAreCheckedWithPing() throws Exception {
        start(b -> b.idleCheckAfter(Duration.ofSeconds(120)));
        get(engine.submit("msul1", "echo:x"));
        lond.takeRequest(Duration.ofSeconds(5));
        tick(Duration.ofSeconds(121));
        RecordedRequest check = lond.takeRequest(Duration.ofSeconds(5));
        assertEquals("ping", check.command());
        awaitStatus("back to idle", x -> x.idle() == 1);
        assertEquals(1, status().replies(), "health checks are not counted as replies");
    }

    // ------------------------------------------------------------------ failures

    @Test
    void transactionTimeoutFailsWithConLostAndLateReplyIsNeverMisdelivered() throws Exception {
        start(b -> b.transactionTimeout(Duration.ofSeconds(30)));
        CompletableFuture<String> slow = engine.submit("msul1", "hold:slow");
        awaitStatus("slow on the wire", x -> x.active() == 1);
        tick(Duration.ofSeconds(29));
        assertFalse(slow.isDone());
        tick(Duration.ofSeconds(2));
        assertEquals(ReplyTokens.CON_LOST, get(slow));
        holds.release("slow"); // lond now writes "done:slow" to a connection lonc has closed
        assertEquals("fresh", get(engine.submit("msul1", "echo:fresh")));
        HostStatus s = status();
        assertEquals(1, s.timeouts());
        assertEquals(1, s.failures(), "a timeout counts against the retries");
        assertEquals(5, s.retriesLeft(), "the next successful handshake restored them");
    }

    @Test
    void eachFailureKindCountsDownTheRetries() throws Exception {
        start(b -> b.retries(10));
        lond.enqueue(Response.disconnect());
        assertEquals(ReplyTokens.CON_LOST, get(engine.submit("msul1", "a")));
        assertEquals(9, awaitStatus("after EOF", x -> x.retriesLeft() == 9 || x.retriesLeft() == 10).retriesLeft());
        lond.enqueue(Response.midReply("partial-rep"));
        assertEquals(ReplyTokens.CON_LOST, get(engine.submit("msul1", "b")));
        lond.enqueue(Response.garbage());
        assertEquals(ReplyTokens.CON_LOST, get(engine.submit("msul1", "c")));
        // handshake failures: refused, garbage; the queued request fails with con_lost
        lond.fault(Fault.REFUSE);
        assertEquals(ReplyTokens.CON_LOST, get(engine.submit("msul1", "d")));
        lond.fault(Fault.GARBAGE_HANDSHAKE);
        assertEquals(ReplyTokens.CON_LOST, get(engine.submit("msul1", "e")));
        lond.fault(Fault.NONE);
        HostStatus s = status();
        assertEquals(5, s.failures(), s.toString());
        // a successful handshake restores the full budget
        assertEquals("msul1", get(engine.submit("msul1", "ping")));
        assertEquals(10, status().retriesLeft());
    }

    @Test
    void connectRefusedMarksTheHostDeadAndDeadFailsAtOnce() throws Exception {
        start(b -> b.retries(2));
        lond.shutdown();
        assertEquals(ReplyTokens.CON_LOST, get(engine.submit("msul1", "ping")));
        assertEquals(ReplyTokens.CON_LOST, get(engine.submit("msul1", "ping")));
        HostStatus s = awaitStatus("dead", x -> x.state() == HostState.DEAD);
        assertEquals(0, s.retriesLeft());
        assertTrue(s.nextProbeMillis() >= 0, "a probe is scheduled");
        long failures = s.failures();
        assertEquals(ReplyTokens.CON_LOST, get(engine.submit("msul1", "ping")));
        assertEquals(failures, status().failures(), "a dead host is not tried for each request");
        assertEquals(0, status().connecting());
    }

    @Test
    void deadHostIsProbedAndRevivesByItself() throws Exception {
        start(b -> b.retries(1).probeInitialDelay(Duration.ofSeconds(10)).probeMaxDelay(Duration.ofSeconds(40)));
        lond.shutdown();
        assertEquals(ReplyTokens.CON_LOST, get(engine.submit("msul1", "ping")));
        awaitStatus("dead", x -> x.state() == HostState.DEAD);
        // first probe within [5 s, 10 s); lond still down: the next delay doubles
        tick(Duration.ofSeconds(10));
        HostStatus s = awaitStatus("probe failed, next one scheduled",
                x -> x.state() == HostState.DEAD && x.failures() == 2 && x.nextProbeMillis() >= 0);
        assertTrue(s.nextProbeMillis() >= 10_000 && s.nextProbeMillis() < 20_000, s.toString());
        lond.restart();
        tick(Duration.ofSeconds(20));
        awaitStatus("revived", x -> x.state() == HostState.UP && x.idle() == 1);
        assertEquals("msul1", get(engine.submit("msul1", "ping")));
    }

    @Test
    void resetRevivesADeadHostAtOnce() throws Exception {
        start(b -> b.retries(1).probeInitialDelay(Duration.ofHours(1)));
        lond.shutdown();
        assertEquals(ReplyTokens.CON_LOST, get(engine.submit("msul1", "ping")));
        awaitStatus("dead", x -> x.state() == HostState.DEAD);
        lond.restart();
        assertEquals(ReplyTokens.CON_LOST, get(engine.submit("msul1", "ping")));
        engine.resetHost(HOST).get(5, TimeUnit.SECONDS);
        assertEquals("msul1", get(engine.submit("msul1", "ping")));
        assertEquals(HostState.UP, status().state());
    }

    @Test
    void fullQueueAnswersConBusyAtOnce() throws Exception {
        start(b -> b.maxConnectionsPerHost(1).maxQueuedPerHost(2));
        CompletableFuture<String> held = engine.submit("msul1", "hold:q");
        awaitStatus("held", x -> x.active() == 1);
        CompletableFuture<String> q1 = engine.submit("msul1", "echo:1");
        CompletableFuture<String> q2 = engine.submit("msul1", "echo:2");
        assertEquals(ReplyTokens.CON_BUSY, get(engine.submit("msul1", "echo:3")));
        assertEquals(1, status().busy());
        holds.release("q");
        assertEquals("done:q", get(held));
        assertEquals("1", get(q1));
        assertEquals("2", get(q2));
    }

    @Test
    void totalQueueBoundAppliesAcrossHosts() throws Exception {
        start(b -> b.maxConnectionsPerHost(1).maxQueuedTotal(1));
        CompletableFuture<String> held = engine.submit("msul1", "hold:t");
        awaitStatus("held", x -> x.active() == 1);
        CompletableFuture<String> q1 = engine.submit("msul1", "echo:1");
        assertEquals(ReplyTokens.CON_BUSY, get(engine.submit("msul2", "echo:2")));
        holds.release("t");
        get(held);
        assertEquals("1", get(q1));
    }

    @Test
    void cancelBeforeSendWithdrawsTheRequest() throws Exception {
        start(b -> b.maxConnectionsPerHost(1));
        CompletableFuture<String> held = engine.submit("msul1", "hold:c");
        awaitStatus("held", x -> x.active() == 1);
        CompletableFuture<String> victim = engine.submit("msul1", "echo:never");
        CompletableFuture<String> after = engine.submit("msul1", "echo:after");
        awaitStatus("2 queued", x -> x.queued() == 2);
        assertTrue(victim.cancel(false));
        awaitStatus("1 queued", x -> x.queued() == 1);
        holds.release("c");
        assertEquals("after", get(after));
        lond.takeRequest(Duration.ofSeconds(5));
        assertEquals("echo:after", lond.takeRequest(Duration.ofSeconds(5)).command());
        assertEquals(2, lond.requestCount(), "the cancelled request never reached lond");
        get(held);
    }

    @Test
    void cancelAfterSendAbandonsTheConnection() throws Exception {
        start(b -> b.maxConnectionsPerHost(1));
        CompletableFuture<String> victim = engine.submit("msul1", "hold:v");
        awaitStatus("on the wire", x -> x.active() == 1);
        assertTrue(victim.cancel(false));
        awaitStatus("connection abandoned", x -> x.connections() == 0);
        holds.release("v"); // lond's answer now goes to a closed socket
        Await.until("lond sees the connection closed", () -> lond.openConnections() == 0);
        assertEquals("next", get(engine.submit("msul1", "echo:next")));
        assertEquals(2, lond.connectionCount(), "a new connection carried the next request");
        assertEquals(5, status().retriesLeft(), "abandoning is not a failure");
    }

    @Test
    void closeDrainsInFlightWork() throws Exception {
        start(b -> {});
        CompletableFuture<String> held = engine.submit("msul1", "hold:d");
        awaitStatus("held", x -> x.active() == 1);
        CompletableFuture<Void> closed = CompletableFuture.runAsync(() -> engine.close(Duration.ofSeconds(20)));
        Await.until("engine refuses new work", () -> EngineInternals.isClosing(engine));
        assertEquals(ReplyTokens.CON_LOST, get(engine.submit("msul1", "ping")));
        holds.release("d");
        assertEquals("done:d", get(held), "in-flight work finishes during the drain");
        closed.get(20, TimeUnit.SECONDS);
        Await.until("all lond connections closed", () -> lond.openConnections() == 0);
        engine = null;
    }

    @Test
    void closeFailsWhatIsLeftAfterTheDrainTimeout() throws Exception {
        start(b -> {});
        CompletableFuture<String> held = engine.submit("msul1", "hold:never");
        awaitStatus("held", x -> x.active() == 1);
        engine.close(Duration.ofMillis(50));
        assertEquals(ReplyTokens.CON_LOST, get(held));
        holds.release("never"); // lets FakeLond's connection thread notice the close
        Await.until("all lond connections closed", () -> lond.openConnections() == 0);
        engine = null;
    }

    @Test
    void queuedRequestWithCallerDeadlineExpires() throws Exception {
        start(b -> b.maxConnectionsPerHost(1));
        CompletableFuture<String> held = engine.submit("msul1", "hold:e");
        awaitStatus("held", x -> x.active() == 1);
        CompletableFuture<String> waiting = engine.submit("msul1", "echo:late", Duration.ofSeconds(5));
        awaitStatus("queued", x -> x.queued() == 1);
        tick(Duration.ofSeconds(6));
        assertEquals(ReplyTokens.CON_LOST, get(waiting));
        holds.release("e");
        get(held);
        assertEquals(1, lond.requestCount());
    }

    @Test
    void closeConnectionsAndPause() throws Exception {
        start(b -> {});
        get(engine.submit("msul1", "ping"));
        engine.closeConnections(HOST).get(5, TimeUnit.SECONDS);
        Await.until("closed", () -> lond.openConnections() == 0);
        assertEquals("msul1", get(engine.submit("msul1", "ping")), "reconnects on demand");
        engine.pause(HOST).get(5, TimeUnit.SECONDS);
        assertEquals(ReplyTokens.CON_LOST, get(engine.submit("msul1", "ping")));
        assertEquals(HostState.PAUSED, status().state());
        engine.resume(HOST).get(5, TimeUnit.SECONDS);
        assertEquals("msul1", get(engine.submit("msul1", "ping")));
    }

    @Test
    void connectionsOlderThanTheMaximumLifetimeAreReplaced() throws Exception {
        start(b -> b.maxConnectionLifetime(Duration.ofSeconds(60)).idleCheckAfter(Duration.ZERO));
        get(engine.submit("msul1", "ping"));
        int first = lond.takeRequest(Duration.ofSeconds(5)).connectionIndex();
        tick(Duration.ofSeconds(61));
        awaitStatus("old connection retired", x -> x.connections() == 0);
        get(engine.submit("msul1", "ping"));
        int second = lond.takeRequest(Duration.ofSeconds(5)).connectionIndex();
        assertNotEquals(first, second, "a fresh connection (and a fresh DNS lookup) after the lifetime");
        assertEquals(5, status().retriesLeft(), "retiring is not a failure");
    }

    @Test
    void thousandsOfConfiguredHostsCostNothingUntilUsed() throws Exception {
        try (FakeLond other = FakeLond.builder().lonIds("id1234").clientLonId("msua3").build().start()) {
            start(b -> {
                for (int i = 0; i < 2000; i++) {
                    b.host(new RemoteHost("h" + i, List.of("id" + i), "127.0.0.1", other.port(), false));
                }
            });
            List<HostStatus> all = engine.status();
            assertEquals(2001, all.size());
            assertTrue(all.stream().allMatch(x -> x.connections() == 0 && x.requests() == 0));
            assertEquals("id1234", get(engine.submit("id1234", "echo:id1234")));
            assertEquals(1, other.connectionCount(), "only the host in use connected");
            assertEquals(0, lond.connectionCount());
        }
    }

    @Test
    void closeFromACallbackOnTheEngineThreadDoesNotDeadlock() throws Exception {
        start(b -> {});
        CompletableFuture<Void> closedInCallback = engine.submit("msul1", "ping")
                .thenAccept(r -> engine.close(Duration.ofSeconds(5)));
        closedInCallback.get(10, TimeUnit.SECONDS);
        EngineInternals.loop(engine).terminated().get(20, TimeUnit.SECONDS);
        assertTrue(EngineInternals.isClosing(engine));
        Await.until("connections closed", () -> lond.openConnections() == 0);
        engine = null;
    }
}
