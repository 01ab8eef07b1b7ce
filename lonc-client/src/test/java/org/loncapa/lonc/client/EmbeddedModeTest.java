package org.loncapa.lonc.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.loncapa.lonc.core.internal.protocol.KeyMode;
import org.loncapa.lonc.testkit.Await;
import org.loncapa.lonc.testkit.FakeLond;
import org.loncapa.lonc.testkit.RecordedRequest;
import org.loncapa.lonc.testkit.Response;

/** The embedded transport (an in-process engine) against FakeLond on loopback TCP. */
@Timeout(60)
class EmbeddedModeTest {
    static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path tmp;
    FakeLond lond;
    LoncClient client;

    @AfterEach
    void tearDown() {
        if (client != null) {
            client.close(Duration.ofSeconds(1));
        }
        if (lond != null) {
            lond.close();
        }
    }

    FakeLond startLond() throws IOException {
        lond = FakeLond.builder().lonIds("msul1", "msul2").clientLonId("msua3").allowInsecure(true)
                .dispatcher(r -> r.commandName().equals("put") ? Response.reply("ok") : null)
                .build().start();
        return lond;
    }

    LoncClient.Builder builder() {
        return LoncClient.builder("msua3")
                .host(new LondHost("s1.example.edu", List.of("msul1", "msul2"), "127.0.0.1",
                        lond.port(), false))
                .allowInsecure(true)
                .deferredStore(tmp.resolve("delayed"), tmp.resolve("lonnet.perm.log"));
    }

    @Test
    void replyAndSend() throws Exception {
        startLond();
        client = builder().build();
        assertEquals(Reply.of("msul1"), client.reply("msul1", "ping"));
        assertEquals(Reply.of("msul2"), client.reply("msul2", "ping"));
        assertEquals("hi", client.send("msul1", "echo:hi").get(10, TimeUnit.SECONDS).line());
        HostView s = client.status("msul2").orElseThrow();
        assertEquals(HostView.State.UP, s.state());
        assertEquals("insecure", s.keyMode());
    }

    @Test
    void encryptedRequestArrivesDecrypted() throws Exception {
        startLond();
        client = builder().build();
        assertEquals("secret", client.reply("msul1", "encrypt:echo:secret").line());
        RecordedRequest r = lond.takeRequest(WAIT);
        assertTrue(r.encrypted());
        assertEquals("echo:secret", r.command());
        assertTrue(r.rawLine().startsWith("enc:11:"), r.rawLine());
        assertEquals(KeyMode.INSECURE, r.mode());
    }

    @Test
    void encryptedRepliesAreDecrypted() throws Exception {
        startLond();
        lond.enqueue(Response.encryptedReply("the-answer"));
        client = builder().build();
        assertEquals(Reply.of("the-answer"), client.reply("msul1", "encrypt:get:x"));
    }

    @Test
    void londErrorTokens() throws Exception {
        startLond();
        client = builder().build();
        assertEquals(Reply.Kind.UNKNOWN_CMD, client.reply("msul1", "nosuchcommand").kind());
        lond.enqueue(Response.reply("refused"));
        assertEquals(Reply.Kind.REFUSED, client.reply("msul1", "passwd:x").kind());
        lond.enqueue(Response.reply("rejected"));
        assertEquals(Reply.Kind.REJECTED, client.reply("msul1", "x").kind());
        lond.enqueue(Response.disconnect());
        assertEquals(Reply.Kind.CON_LOST, client.reply("msul1", "x").kind());
        lond.enqueue(Response.midReply("half a rep"));
        assertEquals(Reply.Kind.CON_LOST, client.reply("msul1", "x").kind());
        assertEquals(Reply.Kind.ANSWER, client.reply("msul1", "ping").kind());
    }

    @Test
    void aReplyThatNeverComesIsConLostAfterTheTimeout() throws Exception {
        startLond();
        client = builder().timeout(Duration.ofMillis(300)).build();
        lond.enqueue(Response.stall());
        assertEquals(Reply.Kind.CON_LOST, client.reply("msul1", "x").kind());
        lond.enqueue(Response.stall());
        assertEquals(Reply.Kind.CON_LOST, client.send("msul1", "y").get(10, TimeUnit.SECONDS).kind());
        // the stalled connections were abandoned, the client still works
        assertEquals("msul1", client.reply("msul1", "ping", Duration.ofSeconds(10)).line());
        assertTrue(lond.awaitOpenConnections(1, WAIT));
    }

    @Test
    void engineTransactionTimeoutIsConLostToo() throws Exception {
        startLond();
        client = builder().engine(e -> e.transactionTimeout(Duration.ofMillis(200))
                .tickInterval(Duration.ofMillis(20))).build();
        lond.enqueue(Response.stall());
        assertEquals(Reply.Kind.CON_LOST, client.reply("msul1", "x").kind());
    }

    @Test
    void sendCompletesOffTheEngineThread() throws Exception {
        startLond();
        ExecutorService callbacks = Executors.newSingleThreadExecutor(r -> new Thread(r, "app-callbacks"));
        try {
            CountDownLatch registered = new CountDownLatch(1);
            lond.dispatcher(r -> {
                try {
                    registered.await(); // answer only once the dependent stage is attached
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return Response.reply("late");
            });
            client = builder().callbackExecutor(callbacks).build();
            CompletableFuture<String> t = client.send("msul1", "slow")
                    .thenApply(r -> Thread.currentThread().getName() + " " + r.line());
            registered.countDown();
            assertEquals("app-callbacks late", t.get(10, TimeUnit.SECONDS));
        } finally {
            callbacks.shutdownNow();
        }
    }

    @Test
    void manyThreadsAtOnce() throws Exception {
        startLond();
        client = builder().build();
        int threads = 32;
        int each = 50;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<String>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int tt = t;
                results.add(pool.submit(() -> {
                    List<String> bad = new ArrayList<>();
                    for (int i = 0; i < each; i++) {
                        String x = tt + "-" + i;
                        Reply r = switch (i % 3) {
                            case 0 -> client.reply("msul1", "echo:" + x);
                            case 1 -> client.send("msul2", "echo:" + x).get();
                            default -> client.reply("msul2", "encrypt:echo:" + x);
                        };
                        if (!r.line().equals(x)) {
                            bad.add(x + " -> " + r);
                        }
                    }
                    return bad;
                }));
            }
            for (Future<List<String>> f : results) {
                assertEquals(List.of(), f.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        assertTrue(lond.openConnections() <= 10, "at most the pool's 10 connections");
        assertEquals(threads * each, lond.requestCount());
    }

    @Test
    void closeReleasesEveryConnection() throws Exception {
        startLond();
        client = builder().build();
        List<CompletableFuture<Reply>> calls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            calls.add(client.send("msul1", "echo:" + i));
        }
        for (CompletableFuture<Reply> c : calls) {
            assertTrue(c.get(10, TimeUnit.SECONDS).isAnswer());
        }
        assertTrue(lond.openConnections() > 0);
        client.close();
        assertTrue(lond.awaitOpenConnections(0, WAIT), "open: " + lond.openConnections());
    }

    @Test
    void closeAnswersStalledRequestsConLostAndReleasesThem() throws Exception {
        startLond();
        lond.dispatcher(r -> Response.stall());
        client = builder().timeout(Duration.ofSeconds(30)).build();
        List<CompletableFuture<Reply>> calls = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            calls.add(client.send("msul1", "x" + i));
        }
        Await.until("requests reached lond", () -> lond.requestCount() >= 1);
        client.close(Duration.ofMillis(100));
        for (CompletableFuture<Reply> c : calls) {
            assertEquals(Reply.Kind.CON_LOST, c.get(10, TimeUnit.SECONDS).kind());
        }
        assertTrue(lond.awaitOpenConnections(0, WAIT), "open: " + lond.openConnections());
    }

    @Test
    void criticalDefersWhileDownAndIsReplayedWhenTheHostIsBack() throws Exception {
        startLond();
        int port = lond.port();
        lond.shutdown();
        MutableClock clock = new MutableClock(Instant.now());
        client = builder().clock(clock).engine(e -> e.probeInitialDelay(Duration.ofMillis(50))
                .tickInterval(Duration.ofMillis(20))).build();
        assertEquals(Reply.Kind.CON_DELAYED, client.critical("msul2", "put:msu:jdoe:x=1").kind());
        List<Path> files = delayed();
        assertEquals(1, files.size());
        assertTrue(files.get(0).getFileName().toString().endsWith(".putmsujdoex1.msul2"));
        assertEquals("put:msu:jdoe:x=1\n", Files.readString(files.get(0)));

        lond.restart();
        assertEquals(port, lond.port());
        // past lonnet's read-back window, a live request brings the host up; the engine's replayer
        // then delivers the file
        clock.advance(Duration.ofSeconds(10));
        Await.until("host up", () -> client.reply("msul1", "ping").isAnswer());
        RecordedRequest replayed = Await.value("the replayed request", () -> {
            try {
                RecordedRequest r = lond.takeRequest(Duration.ofMillis(100));
                return r != null && r.command().startsWith("put:") ? r : null;
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, r -> r != null);
        assertEquals("put:msu:jdoe:x=1", replayed.command());
        assertEquals("msul2", replayed.lonId());
        Await.until("file deleted", () -> delayed().isEmpty());
        Await.until("S: line in the perm log",
                () -> permLog().contains(":S:s1.example.edu :sethost:msul2:put:msu:jdoe:x=1:"));
    }

    String permLog() {
        try {
            return Files.readString(tmp.resolve("lonnet.perm.log"));
        } catch (IOException e) {
            return "";
        }
    }

    @Test
    void deferredFlushDeliversWithReplayOff() throws Exception {
        startLond();
        lond.shutdown();
        MutableClock clock = new MutableClock(Instant.now());
        client = builder().clock(clock).replayDeferred(false).engine(e -> e
                .probeInitialDelay(Duration.ofMillis(50)).tickInterval(Duration.ofMillis(20))).build();
        assertEquals(Reply.Kind.CON_DELAYED, client.critical("msul1", "put:a").kind());
        assertEquals(Reply.Kind.CON_DELAYED, client.critical("msul2", "encrypt:put:b").kind());
        assertEquals(1, client.deferred().list("msul1").size());
        assertEquals(2, client.deferred().list().size());
        lond.restart();
        assertEquals(new FlushResult(0, 1, false), client.deferred().flush("msul1"),
                "too young: lonnet may still read them back");
        clock.advance(Duration.ofSeconds(10));
        Await.until("host up", () -> client.reply("msul1", "ping").isAnswer());
        assertEquals(new FlushResult(1, 0, false), client.deferred().flush("msul1"));
        assertEquals(new FlushResult(1, 0, false), client.deferred().flush("msul2"));
        assertTrue(delayed().isEmpty());
        List<String> commands = new ArrayList<>();
        RecordedRequest r;
        while ((r = lond.takeRequest(Duration.ofMillis(50))) != null) {
            if (!r.command().equals("ping")) {
                commands.add(r.lonId() + " " + r.command() + (r.encrypted() ? " (enc)" : ""));
            }
        }
        assertEquals(List.of("msul1 put:a", "msul2 put:b (enc)"), commands);
    }


    List<Path> delayed() {
        try (Stream<Path> s = Files.list(tmp.resolve("delayed"))) {
            return s.filter(Files::isRegularFile).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

}
