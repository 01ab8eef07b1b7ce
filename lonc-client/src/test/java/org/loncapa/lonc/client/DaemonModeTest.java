package org.loncapa.lonc.client;

import org.loncapa.lonc.testkit.FakeDaemonSockets;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon transport against a stand-in for the daemon's UNIX sockets ({@link
 * FakeDaemonSockets}); {@code RealDaemonTest} runs the same transport against the real daemon.
 */
@Timeout(30)
class DaemonModeTest {
    static final Duration WAIT = Duration.ofSeconds(5);

    @TempDir
    Path tmp;
    Path sockets;
    FakeDaemonSockets daemon;
    LoncClient client;

    @BeforeEach
    void setUp() throws IOException {
        sockets = Files.createDirectories(tmp.resolve("sockets"));
        daemon = new FakeDaemonSockets(sockets).listen("s1.example.edu");
    }

    @AfterEach
    void tearDown() throws IOException {
        if (client != null) {
            client.close(Duration.ofSeconds(1));
        }
        daemon.close();
    }

    LoncClient.Builder builder() {
        return LoncClient.builder("msua3")
                .host(new LondHost("s1.example.edu", List.of("msul1", "msul2"), "s1.example.edu",
                        5663, false))
                .host(new LondHost("s2.example.edu", List.of("msul3"), "s2.example.edu", 5663,
                        false))
                .daemon(sockets)
                .deferredStore(tmp.resolve("delayed"), tmp.resolve("lonnet.perm.log"));
    }

    @Test
    void requestGoesOutAsLonnetWritesIt() throws Exception {
        client = builder().build();
        assertEquals(LoncClient.Mode.DAEMON, client.mode());
        Reply r = client.reply("msul1", "ping");
        assertEquals(Reply.of("echo:sethost:msul1:ping"), r);
        FakeDaemonSockets.Request req = daemon.takeRequest(WAIT);
        assertEquals("s1.example.edu", req.socket());
        assertEquals("sethost:msul1:ping", req.line());
    }

    @Test
    void bytesThatAreNotUtf8ComeBackAsTheyWereSent() throws Exception {
        client = builder().build();
        // a Latin-1 é (as a WireText escape) beside a UTF-8 one: both must survive the round trip
        String cmd = "put:msu:jdoe:x=caf\uDCE9 caf\u00e9";
        Reply r = client.reply("msul1", cmd);
        assertEquals("echo:sethost:msul1:" + cmd, r.line());
        assertEquals("sethost:msul1:" + cmd, daemon.takeRequest(WAIT).line());
    }

    @Test
    void lonIdsOfOneMachineShareItsSocket() throws Exception {
        client = builder().build();
        assertTrue(client.reply("msul2", "ping").isAnswer());
        FakeDaemonSockets.Request req = daemon.takeRequest(WAIT);
        assertEquals("s1.example.edu", req.socket());
        assertEquals("sethost:msul2:ping", req.line());
    }

    @Test
    void encryptedRequestsAreLeftToTheDaemon() throws Exception {
        client = builder().build();
        client.reply("msul1", "encrypt:passwd:msu:jdoe:old:new");
        assertEquals("sethost:msul1:encrypt:passwd:msu:jdoe:old:new", daemon.takeRequest(WAIT).line());
    }

    @Test
    void oneConnectionPerRequestAndAllClosed() throws Exception {
        client = builder().build();
        for (int i = 0; i < 5; i++) {
            assertTrue(client.reply("msul1", "ping").isAnswer());
        }
        assertEquals(5, daemon.connectionCount());
        assertTrue(daemon.awaitOpenConnections(0, WAIT));
    }

    @Test
    void unknownLonIdIsNoSuchHostWithoutConnecting() throws Exception {
        client = builder().build();
        assertEquals(Reply.Kind.NO_SUCH_HOST, client.reply("nosuch", "ping").kind());
        assertEquals(Reply.Kind.NO_SUCH_HOST, client.send("nosuch", "ping").get().kind());
        assertEquals(0, daemon.connectionCount());
    }

    @Test
    void newlineAndOverLongRequestsAreRefusedBeforeSending() throws Exception {
        client = builder().maxRequestBytes(64).build();
        assertThrows(IllegalArgumentException.class, () -> client.reply("msul1", "ping\nping"));
        assertThrows(IllegalArgumentException.class, () -> client.send("msul1", "ping\n"));
        assertThrows(IllegalArgumentException.class, () -> client.critical("msul1", "a\nb"));
        // what the deferred store could not save is refused before the first attempt, not after two
        assertThrows(IllegalArgumentException.class, () -> client.critical("msul1", "put:a\rb"));
        assertThrows(IllegalArgumentException.class, () -> client.critical("msul1", "sethost:msul2:put:x"));
        assertThrows(IllegalArgumentException.class, () -> client.reply("msul1", "x".repeat(60)));
        assertEquals(0, daemon.connectionCount());
        assertTrue(client.reply("msul1", "x".repeat(64 - "sethost:msul1:".length())).isAnswer());
    }

    @Test
    void errorTokensAreClassified() throws Exception {
        daemon.dispatch(r -> r.line().substring("sethost:msul1:".length()));
        client = builder().build();
        for (Reply.Kind k : new Reply.Kind[] {Reply.Kind.CON_LOST, Reply.Kind.REFUSED,
                Reply.Kind.REJECTED, Reply.Kind.UNKNOWN_CMD, Reply.Kind.CON_BUSY}) {
            assertEquals(k, client.reply("msul1", k.token()).kind());
        }
        assertEquals(Reply.Kind.ANSWER, client.reply("msul1", "pong").kind());
    }

    @Test
    void missingSocketIsConLost() {
        client = builder().build();
        assertEquals(Reply.Kind.CON_LOST, client.reply("msul3", "ping").kind());
    }

    @Test
    void daemonHangingUpIsConLost() {
        daemon.dispatch(r -> FakeDaemonSockets.HANG_UP);
        client = builder().build();
        assertEquals(Reply.Kind.CON_LOST, client.reply("msul1", "ping").kind());
    }

    @Test
    void noReplyInTimeIsConLostAndTheConnectionIsClosed() throws Exception {
        daemon.dispatch(r -> FakeDaemonSockets.STALL);
        client = builder().timeout(Duration.ofMillis(300)).build();
        assertEquals(Reply.Kind.CON_LOST, client.reply("msul1", "ping").kind());
        assertEquals(Reply.Kind.CON_LOST, client.send("msul1", "ping").get(WAIT.toSeconds(),
                TimeUnit.SECONDS).kind());
        assertEquals(Reply.Kind.CON_LOST,
                client.reply("msul1", "ping", Duration.ofMillis(100)).kind());
        assertTrue(daemon.awaitOpenConnections(0, WAIT));
    }

    @Test
    void sendCompletesOnTheCallbackExecutor() throws Exception {
        ExecutorService callbacks = Executors.newSingleThreadExecutor(r -> new Thread(r, "app-callbacks"));
        try {
            CountDownLatch registered = new CountDownLatch(1);
            daemon.dispatch(r -> {
                try {
                    registered.await(); // answer only once the dependent stage is attached
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return "echo:" + r.line();
            });
            client = builder().callbackExecutor(callbacks).build();
            CompletableFuture<String> thread = client.send("msul1", "ping")
                    .thenApply(r -> Thread.currentThread().getName() + " " + r.line());
            registered.countDown();
            assertEquals("app-callbacks echo:sethost:msul1:ping",
                    thread.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        } finally {
            callbacks.shutdownNow();
        }
    }

    @Test
    void manyThreadsAtOnceEachGetTheirOwnReply() throws Exception {
        client = builder().daemonThreads(16).build();
        int threads = 24;
        int each = 40;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<String>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int tt = t;
                results.add(pool.submit(() -> {
                    List<String> bad = new ArrayList<>();
                    for (int i = 0; i < each; i++) {
                        String cmd = "echo:" + tt + "-" + i;
                        Reply r = i % 2 == 0 ? client.reply("msul1", cmd)
                                : client.send("msul2", cmd).get();
                        String id = i % 2 == 0 ? "msul1" : "msul2";
                        if (!r.line().equals("echo:sethost:" + id + ":" + cmd)) {
                            bad.add(cmd + " -> " + r);
                        }
                    }
                    return bad;
                }));
            }
            for (Future<List<String>> f : results) {
                assertEquals(List.of(), f.get(20, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(threads * each, daemon.connectionCount());
        assertTrue(daemon.awaitOpenConnections(0, WAIT));
    }

    @Test
    void fullQueueIsConBusyAtOnce() throws Exception {
        daemon.dispatch(r -> FakeDaemonSockets.STALL);
        client = builder().daemonThreads(1).daemonMaxQueued(1).timeout(Duration.ofSeconds(20)).build();
        CompletableFuture<Reply> first = client.send("msul1", "a");
        assertNotNull(daemon.takeRequest(WAIT)); // the one thread is now busy
        CompletableFuture<Reply> second = client.send("msul1", "b");
        assertEquals(Reply.Kind.CON_BUSY, client.reply("msul1", "c").kind());
        client.close(Duration.ofMillis(50));
        assertEquals(Reply.Kind.CON_LOST, first.get(WAIT.toSeconds(), TimeUnit.SECONDS).kind());
        assertEquals(Reply.Kind.CON_LOST, second.get(WAIT.toSeconds(), TimeUnit.SECONDS).kind());
    }

    @Test
    void closeAnswersWhatIsInFlightAndReleasesEveryConnection() throws Exception {
        daemon.dispatch(r -> FakeDaemonSockets.STALL);
        client = builder().timeout(Duration.ofSeconds(20)).build();
        List<CompletableFuture<Reply>> pending = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            pending.add(client.send("msul1", "ping" + i));
        }
        for (int i = 0; i < 8; i++) {
            assertNotNull(daemon.takeRequest(WAIT));
        }
        assertEquals(8, daemon.openConnections());
        client.close(Duration.ofMillis(100));
        for (CompletableFuture<Reply> f : pending) {
            assertEquals(Reply.Kind.CON_LOST, f.get(WAIT.toSeconds(), TimeUnit.SECONDS).kind());
        }
        assertTrue(daemon.awaitOpenConnections(0, WAIT));
        assertEquals(Reply.Kind.CON_LOST, client.reply("msul1", "ping").kind());
    }

    @Test
    void cancellingASendClosesItsConnection() throws Exception {
        daemon.dispatch(r -> FakeDaemonSockets.STALL);
        client = builder().timeout(Duration.ofSeconds(20)).build();
        CompletableFuture<Reply> f = client.send("msul1", "ping");
        assertNotNull(daemon.takeRequest(WAIT));
        assertTrue(f.cancel(true));
        assertTrue(daemon.awaitOpenConnections(0, WAIT));
    }

    @Test
    void waitsWhileTheLockFileExists() throws Exception {
        Path lock = Files.createFile(sockets.resolve("s1.example.edu.lock"));
        client = builder().build();
        CompletableFuture<Reply> f = client.send("msul1", "ping");
        assertNull(daemon.takeRequest(Duration.ofMillis(300)), "sent while the lock file existed");
        Files.delete(lock);
        assertEquals("sethost:msul1:ping", daemon.takeRequest(WAIT).line());
        assertTrue(f.get(WAIT.toSeconds(), TimeUnit.SECONDS).isAnswer());
    }

    @Test
    void lockFileThatStaysIsConLostAtTheTimeout() throws Exception {
        Files.createFile(sockets.resolve("s1.example.edu.lock"));
        client = builder().timeout(Duration.ofMillis(200)).build();
        assertEquals(Reply.Kind.CON_LOST, client.reply("msul1", "ping").kind());
        assertEquals(0, daemon.connectionCount());
    }

    // ---------------------------------------------------------------- critical

    @Test
    void criticalAnsweredNormallyWritesNothing() throws Exception {
        client = builder().build();
        Reply r = client.critical("msul1", "put:msu:jdoe:x=1");
        assertEquals("echo:sethost:msul1:put:msu:jdoe:x=1", r.line());
        assertTrue(Files.notExists(tmp.resolve("delayed")) || listDelayed().isEmpty());
    }

    @Test
    void criticalRetriesOnceAfterResetRetries() throws Exception {
        int[] n = {0};
        daemon.dispatch(r -> r.line().equals("reset_retries") ? "ok"
                : n[0]++ == 0 ? "con_lost" : "ok");
        client = builder().build();
        assertEquals(Reply.of("ok"), client.critical("msul1", "put:msu:jdoe:x=1"));
        assertEquals(List.of("sethost:msul1:put:msu:jdoe:x=1", "reset_retries",
                "sethost:msul1:put:msu:jdoe:x=1"), lines(daemon.drainRequests()));
        assertTrue(Files.notExists(tmp.resolve("delayed")) || listDelayed().isEmpty());
    }

    @Test
    void criticalWritesALonnetDelayedFileOnSecondConLost() throws Exception {
        daemon.dispatch(r -> r.line().equals("reset_retries") ? "ok" : "con_lost");
        client = builder().build();
        Reply r = client.critical("msul1", "encrypt:passwd:msu:jdoe:old:new");
        assertEquals(Reply.Kind.CON_DELAYED, r.kind());
        assertEquals("con_delayed", r.line());
        assertEquals(List.of("sethost:msul1:encrypt:passwd:msu:jdoe:old:new", "reset_retries",
                "sethost:msul1:encrypt:passwd:msu:jdoe:old:new"), lines(daemon.drainRequests()));

        List<Path> files = listDelayed();
        assertEquals(1, files.size());
        String name = files.get(0).getFileName().toString();
        // <time>.<counter>.<pid>.<middlename>.<lonid>; middlename: first 16 chars, then \W removed
        assertTrue(name.matches("\\d{10}\\.\\d+\\." + ProcessHandle.current().pid()
                + "\\.encryptpasswdm\\.msul1"), name);
        assertEquals("encrypt:passwd:msu:jdoe:old:new\n", Files.readString(files.get(0)));
        String perm = Files.readString(tmp.resolve("lonnet.perm.log"));
        assertTrue(perm.matches("\\d+:D:msul1:encrypt:passwd:[^\\n]*\\n"), perm);
        assertTrue(!perm.contains("jdoe") && !perm.contains("old:new"), "secret in perm log: " + perm);
    }

    @Test
    void criticalThatCannotBeSavedIsConFailed() throws Exception {
        daemon.dispatch(r -> r.line().equals("reset_retries") ? "ok" : "con_lost");
        Files.writeString(tmp.resolve("delayed"), "not a directory");
        client = builder().build();
        assertEquals(Reply.Kind.CON_FAILED, client.critical("msul1", "put:msu:jdoe:x=1").kind());
        assertTrue(Files.readString(tmp.resolve("lonnet.perm.log")).contains(":F:msul1:put:msu:jdoe:x=1"));
    }

    @Test
    void criticalToAnUnknownLonIdIsNoSuchHost() {
        client = builder().build();
        assertEquals(Reply.Kind.NO_SUCH_HOST, client.critical("nosuch", "put:x").kind());
        assertEquals(0, daemon.connectionCount());
    }

    @Test
    void criticalWithoutAStoreIsAProgrammingError() {
        client = LoncClient.builder("msua3")
                .host(new LondHost("s1.example.edu", List.of("msul1"), "s1.example.edu", 5663,
                        false))
                .daemon(sockets).build();
        assertThrows(IllegalStateException.class, () -> client.critical("msul1", "put:x"));
        assertEquals(0, daemon.connectionCount());
    }

    List<Path> listDelayed() throws IOException {
        try (Stream<Path> s = Files.list(tmp.resolve("delayed"))) {
            return s.filter(Files::isRegularFile).collect(Collectors.toList());
        }
    }

    static List<String> lines(List<FakeDaemonSockets.Request> l) {
        return l.stream().map(FakeDaemonSockets.Request::line).collect(Collectors.toList());
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
