package org.loncapa.lonc.core.deferred;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loncapa.lonc.core.EngineConfig;
import org.loncapa.lonc.core.LoncEngine;
import org.loncapa.lonc.core.RemoteHost;
import org.loncapa.lonc.core.ReplyTokens;
import org.loncapa.lonc.testkit.Await;
import org.loncapa.lonc.testkit.FakeLond;
import org.loncapa.lonc.testkit.RecordedRequest;
import org.loncapa.lonc.testkit.Response;

/** Deferred files written as lonnet writes them, replayed through the real engine to FakeLond. */
class DeferredReplayTest {
    @TempDir
    Path dir;
    private FakeLond lond;
    private LoncEngine engine;
    private DeferredReplayer replayer;
    private DeferredStore store;
    private Path delayed;
    private Path permLog;
    private final long pid = ProcessHandle.current().pid();
    private long counter;

    @org.junit.jupiter.api.BeforeEach
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

    /** Writes a file exactly as lonnet's critical() does (no temp file, no rename). */
    private Path lonnetWrite(long epoch, String lonId, String cmd) throws IOException {
        String middle = cmd.substring(0, Math.min(16, cmd.length())).replaceAll("\\W", "");
        Path f = delayed.resolve(epoch + "." + (counter++) + "." + pid + "." + middle + "." + lonId);
        Files.writeString(f, cmd + "\n", StandardCharsets.UTF_8);
        return f;
    }

    private void start(FakeLond.Builder lb, DeferredReplayer.Settings settings, StoreIo io)
            throws Exception {
        delayed = Files.createDirectories(dir.resolve("sockets/delayed"));
        permLog = dir.resolve("logs/lonnet.perm.log");
        Files.createDirectories(permLog.getParent());
        lond = lb.lonIds("msul1", "msul2").clientLonId("msua3").allowInsecure(true).build().start();
        engine = LoncEngine.start(EngineConfig.builder("msua3")
                .host(new RemoteHost("lond.test", List.of("msul1", "msul2"), "127.0.0.1", lond.port(), false))
                .allowInsecure(true).retries(2).probeInitialDelay(Duration.ofHours(1)).build());
        PermLog perm = new PermLog(permLog, Clock.systemDefaultZone());
        store = new DeferredStore(delayed, Clock.systemDefaultZone(), pid, io, perm);
        replayer = DeferredReplayer.attach(engine, store, perm, Clock.systemDefaultZone(), settings);
    }

    private void start(FakeLond.Builder lb) throws Exception {
        start(lb, DeferredReplayer.Settings.defaults().withRate(1, 1000), new RealStoreIo());
    }

    private static long old() {
        return System.currentTimeMillis() / 1000 - 60;
    }

    private long pendingFiles() throws IOException {
        try (Stream<Path> s = Files.list(delayed)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith(".")).count();
        }
    }

    @Test
    void lonnetFilesAreReplayedInTimeOrderWithSethostAndDeleted() throws Exception {
        // all on disk before lonc starts (a scan during the writes would see only some of them)
        long t = old();
        lonnetWrite(t + 2, "msul1", "echo:third");
        lonnetWrite(t, "msul1", "echo:first");
        lonnetWrite(t + 1, "msul2", "echo:second");
        lonnetWrite(t + 3, "msul1", "encrypt:echo:fourth-secret");
        start(FakeLond.builder());
        // the first ready connection triggers the replay
        assertEquals("msul1", engine.submit("msul1", "ping").get(10, TimeUnit.SECONDS));
        Await.until("all replayed", () -> {
            try {
                return pendingFiles() == 0;
            } catch (IOException e) {
                return false;
            }
        });
        // the periodic scan may start the replay before the ping: look at the replayed ones only
        List<RecordedRequest> got = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            RecordedRequest r = lond.takeRequest(Duration.ofSeconds(5));
            if (!r.command().equals("ping")) {
                got.add(r);
            }
        }
        assertEquals(List.of("echo:first", "echo:second", "echo:third", "echo:fourth-secret"),
                got.stream().map(RecordedRequest::command).toList());
        assertEquals("msul2", got.get(1).lonId(), "sethost for the second lonID");
        assertEquals("sethost:msul2:echo:second", got.get(1).rawLine());
        assertTrue(got.get(3).encrypted(), "encrypt: files travel encrypted");
        String log = Files.readString(permLog);
        assertEquals(4, log.lines().filter(l -> l.contains(":S:")).count(), log);
        assertFalse(log.contains("fourth-secret"), "no secret argument in lonnet.perm.log");
    }

    @Test
    void aReplyLostMidReplayLeavesTheFileForTheNextRound() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        java.util.concurrent.atomic.AtomicReference<Path> fragile = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicBoolean presentAtRetry = new java.util.concurrent.atomic.AtomicBoolean();
        start(FakeLond.builder().dispatcher(r -> {
            if (!r.command().equals("echo:fragile")) {
                return null;
            }
            int n = attempts.incrementAndGet();
            if (n == 2) {
                // the file of a transaction whose reply was lost is still there to be sent again
                presentAtRetry.set(Files.exists(fragile.get()));
            }
            return n == 1 ? Response.disconnect() : null;
        }));
        Path f = lonnetWrite(old(), "msul1", "echo:fragile");
        fragile.set(f);
        lonnetWrite(old() + 1, "msul1", "echo:sturdy");
        engine.submit("msul1", "ping").get(10, TimeUnit.SECONDS);
        Await.until("the first attempt happened", () -> attempts.get() >= 1);
        // a sign of life (a fresh connection becoming ready) may end the back-off at once, so the
        // retry can come before or after this flush
        replayer.flush("lond.test").get(10, TimeUnit.SECONDS);
        Await.until("replayed on a later round", () -> !Files.exists(f));
        assertEquals(2, attempts.get(), "at-least-once: sent twice, deleted once");
        assertTrue(presentAtRetry.get(), "no reply, no delete");
        Await.until("both gone", () -> {
            try {
                return pendingFiles() == 0;
            } catch (IOException e) {
                return false;
            }
        });
    }

    @Test
    void corruptFilesAreMovedAsideAndTheRestReplay() throws Exception {
        start(FakeLond.builder());
        long t = old();
        Path empty = delayed.resolve(t + ".0." + pid + ".x.msul1");
        Files.write(empty, new byte[0]);
        Files.setLastModifiedTime(empty, java.nio.file.attribute.FileTime.fromMillis(t * 1000));
        Path binary = delayed.resolve(t + ".1." + pid + ".y.msul1");
        Files.write(binary, new byte[] {'e', 0, 1, 2, '\n'});
        lonnetWrite(t + 1, "msul1", "echo:good");
        engine.submit("msul1", "ping").get(10, TimeUnit.SECONDS);
        RecordedRequest first = lond.takeRequest(Duration.ofSeconds(5));
        RecordedRequest second = lond.takeRequest(Duration.ofSeconds(10));
        assertEquals(java.util.Set.of("ping", "echo:good"), java.util.Set.of(first.command(), second.command()));
        Await.until("corrupt files moved aside", () -> Files.exists(delayed.resolve("corrupt").resolve(
                empty.getFileName())) && Files.exists(delayed.resolve("corrupt").resolve(binary.getFileName())));
        assertEquals(2, lond.requestCount(), "nothing corrupt was sent");
    }

    @Test
    void filesForUnknownLonIdsAreHeldNotReplayed() throws Exception {
        lonnetWrite(old(), "gone1", "echo:orphan");
        start(FakeLond.builder());
        Await.until("held", () -> {
            try (Stream<Path> s = Files.list(delayed.resolve("hold"))) {
                return s.count() == 1;
            } catch (IOException e) {
                return false;
            }
        });
        assertEquals(0, pendingFiles());
        List<DeferredReplayer.Item> all = replayer.listAll();
        assertEquals(1, all.size());
        assertTrue(all.get(0).held(), "held files are listed too");
        assertEquals("gone1", all.get(0).lonId());
    }

    @Test
    void filesOlderThanTheMaximumAgeAreHeldAndTheRestReplayed() throws Exception {
        long now = System.currentTimeMillis() / 1000;
        Path stale = lonnetWrite(now - 7200, "msul1", "echo:stale");
        Path fresh = lonnetWrite(now - 60, "msul1", "echo:fresh");
        start(FakeLond.builder(), DeferredReplayer.Settings.defaults().withRate(1, 1000)
                .withMaxAge(Duration.ofHours(1)), new RealStoreIo());
        Await.until("the old file held", () -> Files.exists(delayed.resolve("hold").resolve(stale.getFileName())));
        engine.submit("msul1", "ping").get(10, TimeUnit.SECONDS);
        Await.until("the other replayed", () -> !Files.exists(fresh));
        List<String> sent = new java.util.ArrayList<>();
        for (RecordedRequest r; (r = lond.takeRequest(Duration.ZERO)) != null; ) {
            sent.add(r.command());
        }
        assertTrue(sent.contains("echo:fresh"), sent.toString());
        assertFalse(sent.contains("echo:stale"), sent.toString());
    }

    @Test
    void aTempFileOfASaveInterruptedLongAgoIsHeldNotReplayedAndNotLost() throws Exception {
        String name = old() + ".1." + pid + ".echostale.msul1";
        Path tmp = delayed.resolve(".~" + name + "~tmp");
        Files.writeString(tmp, "echo:stale\n", StandardCharsets.UTF_8);
        Files.setLastModifiedTime(tmp, java.nio.file.attribute.FileTime.from(
                java.time.Instant.now().minus(DeferredStore.STALE_TEMP_AGE).minusSeconds(60)));
        Path live = lonnetWrite(old(), "msul1", "echo:live");
        start(FakeLond.builder());
        Path held = delayed.resolve("hold").resolve(name);
        Await.until("stale temp held", () -> Files.exists(held));
        Await.until("the ordinary file replayed", () -> !Files.exists(live));
        assertFalse(Files.exists(tmp));
        assertEquals("echo:stale\n", Files.readString(held));
        List<String> sent = new java.util.ArrayList<>();
        for (org.loncapa.lonc.testkit.RecordedRequest r; (r = lond.takeRequest(Duration.ZERO)) != null; ) {
            sent.add(r.command());
        }
        assertEquals(List.of("echo:live"), sent, "a held temp is not sent to lond");
    }

    @Test
    void criticalWritesALonnetFileOnConLostAndItIsReplayedLater() throws Exception {
        start(FakeLond.builder().dispatcher(r -> r.commandName().equals("passwd") ? Response.reply("ok") : null));
        int port = lond.port();
        lond.shutdown();
        String reply = replayer.critical("msul2", "encrypt:passwd:msu:jdoe:old:new")
                .get(20, TimeUnit.SECONDS);
        assertEquals(ReplyTokens.CON_DELAYED, reply);
        List<Path> files;
        try (Stream<Path> s = Files.list(delayed)) {
            files = s.filter(Files::isRegularFile).toList();
        }
        assertEquals(1, files.size());
        String name = files.get(0).getFileName().toString();
        assertTrue(name.matches("\\d+\\.\\d+\\." + pid + "\\.encryptpasswdm\\.msul2"), name);
        assertEquals("encrypt:passwd:msu:jdoe:old:new\n", Files.readString(files.get(0)));
        String log = Files.readString(permLog);
        assertTrue(log.contains(":D:msul2:"), log);
        assertFalse(log.contains("jdoe:old:new"), "secret arguments never logged");
        // the host comes back; the file is replayed once it is old enough (lonnet's read-back)
        lond.restart();
        assertEquals(port, lond.port());
        DeferredReplayer later = replayer;
        assertTrue(later.list("lond.test").stream().anyMatch(i -> i.file().equals(name)));
        assertFalse(later.list("lond.test").get(0).description().contains("jdoe"));
        // replayed once it is past lonnet's read-back delay: encrypted, to msul2, then deleted
        Path file = files.get(0);
        Await.until("replayed after the read-back delay", () -> {
            later.flush("lond.test").join();
            return !Files.exists(file);
        });
        RecordedRequest r;
        while ((r = lond.takeRequest(Duration.ZERO)) != null && !r.encrypted()) {
            // skip anything else the reconnect sent
        }
        assertNotNull(r, "lond got the replayed request");
        assertEquals("passwd:msu:jdoe:old:new", r.command());
        assertEquals("msul2", r.lonId());
        assertTrue(Files.readString(permLog).contains(":S:lond.test"), "S: line written");
        assertFalse(Files.exists(delayed.resolve("hold").resolve(name)), "delivered, not held");
    }

    @Test
    void criticalOnAFullDiskAnswersConFailed() throws Exception {
        start(FakeLond.builder(), DeferredReplayer.Settings.defaults(), new DiskFullStoreIo());
        lond.shutdown();
        assertEquals(ReplyTokens.CON_FAILED, replayer.critical("msul1", "put:msu:x:y")
                .get(20, TimeUnit.SECONDS));
        assertTrue(Files.readString(permLog).contains(":F:msul1:"));
        assertTrue(store.stats("msul1", java.time.Instant.now()).lastSaveFailure().isPresent());
        assertEquals(0, pendingFiles());
    }

    @Test
    void tenThousandFilesReplayWithoutStarvingLiveRequests() throws Exception {
        Set<String> received = java.util.concurrent.ConcurrentHashMap.newKeySet();
        start(FakeLond.builder().recordRequests(false).dispatcher(req -> {
            received.add(req.command());
            return null;
        }), DeferredReplayer.Settings.defaults().withRate(4, 1_000_000), new RealStoreIo());
        long t = old();
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            lonnetWrite(t, "msul1", "echo:d" + i);
            expected.add("echo:d" + i);
        }
        engine.submit("msul1", "ping").get(10, TimeUnit.SECONDS);
        Await.until("replay under way", () -> {
            try {
                return pendingFiles() < 9_990;
            } catch (IOException e) {
                return false;
            }
        });
        int maxQueued = 0;
        for (int i = 0; i < 50; i++) {
            assertEquals("live" + i, engine.submit("msul1", "echo:live" + i).get(10, TimeUnit.SECONDS));
            maxQueued = Math.max(maxQueued, engine.status("lond.test").orElseThrow().queued());
        }
        assertTrue(maxQueued <= 4, "replay never fills the queue: " + maxQueued);
        Await.until("all 10,000 replayed", Duration.ofSeconds(120), () -> {
            try {
                return pendingFiles() == 0;
            } catch (IOException e) {
                return false;
            }
        });
        assertEquals(10_000, Files.readString(permLog).lines().filter(l -> l.contains(":S:")).count());
        expected.removeAll(received);
        assertTrue(expected.isEmpty(), "every file reached lond; missing e.g. "
                + expected.stream().limit(3).toList());
    }
}
