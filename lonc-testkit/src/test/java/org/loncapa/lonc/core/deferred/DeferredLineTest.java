package org.loncapa.lonc.core.deferred;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loncapa.lonc.core.EngineConfig;
import org.loncapa.lonc.core.LoncEngine;
import org.loncapa.lonc.core.RemoteHost;
import org.loncapa.lonc.core.ReplyTokens;
import org.loncapa.lonc.testkit.Await;
import org.loncapa.lonc.testkit.FakeLond;
import org.loncapa.lonc.testkit.FakeTicker;
import org.loncapa.lonc.testkit.RecordedRequest;
import org.loncapa.lonc.testkit.Response;

/**
 * A host's line of deferred files with time in the test's hands (fake ticker and wall clock): order
 * after failures, promptness once the host is back, the minimum age, undeletable files, and
 * critical() behind a backlog. The real engine talks to FakeLond on loopback.
 */
class DeferredLineTest {
    private static final String HOST = "lond.test";

    @TempDir
    Path dir;
    private Path delayed;
    private FakeLond lond;
    private LoncEngine engine;
    private DeferredReplayer replayer;
    private DeferredStore store;
    private final FakeTicker ticker = new FakeTicker();
    private final MovableClock clock = new MovableClock(Instant.parse("2026-03-01T10:00:00Z"));
    private final long pid = ProcessHandle.current().pid();
    private long counter;
    /** Replayed put: commands lond answered, in the order it received them. */
    private final List<String> puts = java.util.Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void directories() throws IOException {
        delayed = Files.createDirectories(dir.resolve("sockets/delayed"));
    }

    @AfterEach
    void tearDown() {
        if (replayer != null) {
            replayer.close();
        }
        if (engine != null) {
            engine.close(Duration.ofMillis(100));
        }
        if (lond != null) {
            lond.close();
        }
    }

    /** A wall clock that moves only when told (with the ticker, so both tell the same time). */
    static final class MovableClock extends Clock {
        private volatile Instant now;

        MovableClock(Instant start) {
            now = start;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneId.of("UTC");
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }
    }

    private void advance(Duration d) {
        clock.advance(d);
        ticker.advance(d);
    }

    /** Writes a file exactly as lonnet's critical() does, saved {@code ageSeconds} ago. */
    private Path lonnetWrite(long ageSeconds, String cmd) throws IOException {
        long epoch = clock.instant().getEpochSecond() - ageSeconds;
        String middle = DelayedFileName.middlename(cmd);
        Path f = delayed.resolve(epoch + "." + (counter++) + "." + pid + "." + middle + ".msul1");
        Files.writeString(f, cmd + "\n", StandardCharsets.UTF_8);
        return f;
    }

    private FakeLond.Builder lond(java.util.function.Function<RecordedRequest, Response> extra) {
        return FakeLond.builder().dispatcher(r -> {
            Response special = extra == null ? null : extra.apply(r);
            if (special != null) {
                return special;
            }
            if (r.commandName().equals("put")) {
                puts.add(r.command());
                return Response.reply("ok");
            }
            return null;
        });
    }

    private void start(FakeLond.Builder lb, StoreIo io) throws Exception {
        start(lb, io, false);
    }

    /** Starts lond (stopped again before the replayer starts if {@code down}), engine, replayer. */
    private void start(FakeLond.Builder lb, StoreIo io, boolean down) throws Exception {
        lond = lb.lonIds("msul1").clientLonId("msua3").allowInsecure(true).build().start();
        if (down) {
            lond.shutdown();
        }
        engine = LoncEngine.start(EngineConfig.builder("msua3")
                .host(new RemoteHost(HOST, List.of("msul1"), "127.0.0.1", lond.port(), false))
                .allowInsecure(true).retries(3).probeInitialDelay(Duration.ofHours(1)).build());
        PermLog perm = new PermLog(dir.resolve("lonnet.perm.log"), clock);
        store = new DeferredStore(delayed, clock, pid, io, perm);
        // defaults but the ticker: 1 in flight, 30 s back-off and rescan, 5 s minimum age
        replayer = DeferredReplayer.attach(engine, store, perm, clock,
                DeferredReplayer.Settings.defaults().withTicker(ticker));
    }

    private long filesLeft() {
        try (Stream<Path> s = Files.list(delayed)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith(".")).count();
        } catch (IOException e) {
            return -1;
        }
    }

    private static List<String> keys(int from, int to) {
        List<String> l = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            l.add("put:msu:k" + i);
        }
        return l;
    }

    @Test
    void sixFilesReachLondInOrderAndAtOnceWhenTheHostComesBack() throws Exception {
        for (int i = 1; i <= 6; i++) {
            lonnetWrite(60, "put:msu:k" + i);
        }
        start(lond(null), new RealStoreIo(), true); // down: the first attempts fail
        replayer.flush(HOST).get(10, TimeUnit.SECONDS);
        assertEquals(6, filesLeft());
        lond.restart();
        // the host is back (lonnet's reconlonc): no fake time passes at all
        engine.resetHost(HOST).get(5, TimeUnit.SECONDS);
        Await.until("all six delivered", Duration.ofSeconds(20), () -> filesLeft() == 0);
        assertEquals(keys(1, 6), List.copyOf(puts), "strict order per host");
    }

    @Test
    void aTransientFailureOfAMiddleFileKeepsItsPlace() throws Exception {
        AtomicInteger k3 = new AtomicInteger();
        for (int i = 1; i <= 6; i++) {
            lonnetWrite(60, "put:msu:k" + i);
        }
        start(lond(r -> r.command().equals("put:msu:k3") && k3.incrementAndGet() == 1
                ? Response.disconnect() : null), new RealStoreIo());
        engine.submit("msul1", "ping").get(10, TimeUnit.SECONDS);
        // the line stops behind k3 (or, on a slow machine, has already retried it after some
        // other sign of life: then the retry is what this waits for)
        Await.until("k3 failed, the line stopped", Duration.ofSeconds(30), () -> {
            DeferredReplayer.Progress p = replayer.progress(HOST).join();
            return k3.get() >= 1 && p.inFlight() == 0 && (p.pending() == 4 || k3.get() >= 2);
        });
        if (k3.get() == 1) {
            assertEquals(keys(1, 2), List.copyOf(puts), "nothing overtakes the failed k3");
        }
        // a live request answered: a sign the host is reachable, which ends the back-off at once
        // (no fake time passes)
        assertEquals("msul1", engine.submit("msul1", "ping").get(10, TimeUnit.SECONDS));
        Await.until("all delivered", Duration.ofSeconds(30), () -> filesLeft() == 0);
        assertEquals(keys(1, 6), List.copyOf(puts), "nothing overtook the failed k3");
        assertEquals(2, k3.get(), "k3 sent twice: once lost, once answered");
    }

    @Test
    void aYoungFileIsReplayedWhenItBecomesOldEnoughNotAtTheNextRescan() throws Exception {
        start(lond(null), new RealStoreIo());
        engine.submit("msul1", "ping").get(10, TimeUnit.SECONDS);
        replayer.flush(HOST).get(10, TimeUnit.SECONDS);
        Path young = lonnetWrite(1, "put:msu:young"); // lonnet may still read it back for 4 s
        advance(Duration.ofSeconds(3));
        replayer.runDue().get(5, TimeUnit.SECONDS);
        assertTrue(Files.exists(young), "not before the minimum age");
        assertTrue(puts.isEmpty());
        advance(Duration.ofSeconds(1)); // now 5 s old; the next rescan is 26 s away
        Await.until("replayed when eligible", Duration.ofSeconds(10), () -> !Files.exists(young));
        assertEquals(List.of("put:msu:young"), List.copyOf(puts));
    }

    @Test
    void flushReportsWhatIsStillTooYoungAndUntilWhen() throws Exception {
        start(lond(null), new RealStoreIo());
        engine.submit("msul1", "ping").get(10, TimeUnit.SECONDS);
        Path old = lonnetWrite(60, "put:msu:old");
        Path young = lonnetWrite(2, "put:msu:young");
        DeferredReplayer.FlushReport r = replayer.flush(HOST).get(10, TimeUnit.SECONDS);
        assertFalse(Files.exists(old), "what is eligible is delivered before the flush answers");
        assertEquals(1, r.remaining(), r.toString());
        assertEquals(1, r.waiting(), r.toString());
        assertEquals(clock.instant().plusSeconds(3), r.waitingUntil(), r.toString());
        assertTrue(Files.exists(young));
    }

    @Test
    void aStoreWhoseDeletesFailDeliversEachFileOncePerProcessAndPausesReplay() throws Exception {
        FailingDeletes io = new FailingDeletes();
        lonnetWrite(60, "put:msu:k1");
        Path k2 = lonnetWrite(59, "put:msu:k2");
        lonnetWrite(58, "put:msu:k3");
        // delayed/ becomes read-only while k2 is with lond
        start(lond(r -> {
            if (r.command().equals("put:msu:k2")) {
                io.failing.set(true);
            }
            return null;
        }), io);
        engine.submit("msul1", "ping").get(10, TimeUnit.SECONDS);
        Await.until("paused", () -> replayer.pausedReason().isPresent());
        assertEquals(keys(1, 2), List.copyOf(puts));
        assertTrue(Files.exists(k2));
        // rescans, signs of life and flushes do not send k2 again, nor k3 while paused
        for (int i = 0; i < 3; i++) {
            advance(Duration.ofSeconds(31));
            engine.resetHost(HOST).join();
            DeferredReplayer.FlushReport r = replayer.flush(HOST).get(10, TimeUnit.SECONDS);
            assertTrue(r.stopped() != null && r.stopped().startsWith("paused"), r.toString());
        }
        assertEquals(keys(1, 2), List.copyOf(puts), "k2 not executed twice");
        DeferredReplayer.Item k2Item = replayer.list(HOST).stream()
                .filter(i -> i.file().equals(k2.getFileName().toString())).findFirst().orElseThrow();
        assertTrue(k2Item.deliveredNotRemoved(), k2Item.toString());
        assertEquals(1, replayer.deliveredNotRemoved());
        // writable again: the delivered file is removed, not resent, and the line goes on
        io.failing.set(false);
        replayer.flush(HOST).get(10, TimeUnit.SECONDS);
        Await.until("all done", Duration.ofSeconds(10), () -> filesLeft() == 0);
        assertEquals(keys(1, 3), List.copyOf(puts), "each file exactly once");
        assertTrue(replayer.pausedReason().isEmpty());
    }

    @Test
    void criticalWhileABacklogIsPendingLandsBehindIt() throws Exception {
        for (int i = 1; i <= 3; i++) {
            lonnetWrite(60, "put:msu:k" + i);
        }
        start(lond(null), new RealStoreIo(), true);
        replayer.flush(HOST).get(10, TimeUnit.SECONDS); // the line fails and backs off
        lond.restart();
        // the host is reachable again, the backlog still waits for its retry: a new critical
        // request must not reach lond before it
        assertEquals(ReplyTokens.CON_DELAYED, replayer.critical("msul1", "put:msu:k4")
                .get(10, TimeUnit.SECONDS));
        assertTrue(puts.isEmpty(), puts.toString());
        assertEquals(4, filesLeft());
        engine.resetHost(HOST).get(5, TimeUnit.SECONDS);
        Await.until("all delivered", Duration.ofSeconds(20), () -> filesLeft() == 0);
        assertEquals(keys(1, 4), List.copyOf(puts));
    }

    @Test
    void aFileLonnetWritesWhileTheHostIsUpIsNoticedWithoutARescan() throws Exception {
        start(lond(null), new RealStoreIo());
        engine.submit("msul1", "ping").get(10, TimeUnit.SECONDS);
        replayer.flush(HOST).get(10, TimeUnit.SECONDS);
        Path f = lonnetWrite(0, "put:msu:new");
        // not rescanned by time: only the minimum age passes (the rescan is 30 s away)
        Await.until("noticed as waiting", Duration.ofSeconds(10), this::waitingNoticed);
        advance(DeferredStore.REPLAY_MIN_AGE);
        Await.until("delivered", Duration.ofSeconds(10), () -> !Files.exists(f));
        assertFalse(puts.isEmpty());
    }

    /** Whether the replayer's line knows of the young file (its flush report counts it). */
    private boolean waitingNoticed() {
        return replayer.progress(HOST).join().waiting() == 1;
    }

    /** Real I/O whose deletes fail while {@link #failing} is set (as on a read-only remount). */
    static final class FailingDeletes extends ForwardingStoreIo {
        final AtomicBoolean failing = new AtomicBoolean();

        @Override
        public boolean deleteIfExists(Path file) throws IOException {
            if (failing.get()) {
                throw new java.nio.file.FileSystemException(file.toString(), null,
                        "Read-only file system");
            }
            return super.deleteIfExists(file);
        }
    }
}
