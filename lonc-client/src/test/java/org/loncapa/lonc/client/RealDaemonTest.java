package org.loncapa.lonc.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.loncapa.lonc.daemon.LoncDaemon;
import org.loncapa.lonc.testkit.Await;
import org.loncapa.lonc.testkit.FakeLond;
import org.loncapa.lonc.testkit.LoncapaSandbox;
import org.loncapa.lonc.testkit.RecordedRequest;
import org.loncapa.lonc.testkit.Response;

/**
 * The daemon transport against the real lonc daemon on real UNIX sockets in a temporary
 * directory, in front of FakeLond hosts: requests, encryption, error tokens, timeouts, many
 * threads, close(), critical(), status and the deferred operations through the admin socket.
 */
@Timeout(90)
class RealDaemonTest {
    static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    Path conf;
    FakeLond lond1;
    FakeLond lond2;
    LoncDaemon daemon;
    LoncClient client;

    @BeforeEach
    void setUp() throws Exception {
        lond1 = startLond("msul1", "msul2");
        lond2 = startLond("msul3");
        LoncapaSandbox sandbox = LoncapaSandbox.in(dir, "msua3");
        conf = sandbox.writeConfig();
        sandbox.writeHostsTab(
                "msua3:msu:access:me.example.edu:127.0.0.1",
                "msul1:msu:library:s1.example.edu:127.0.0.1",
                "msul2:msu2:library:s1.example.edu:127.0.0.1",
                "msul3:msu:library:s3.example.edu:127.0.0.1");
        daemon = LoncDaemon.start(new LoncDaemon.Options().config(conf)
                .londPorts(Map.of("s1.example.edu", lond1.port(), "s3.example.edu", lond2.port(),
                        "me.example.edu", 1))
                .overrides(List.of("retries=2", "connectTimeout=1s", "transactionTimeout=5s",
                        "probeInitialDelay=60s", "drainTimeout=2s")));
    }

    FakeLond startLond(String... ids) throws IOException {
        return FakeLond.builder().lonIds(ids).clientLonId("msua3").allowInsecure(true)
                .dispatcher(r -> r.commandName().equals("put") ? Response.reply("ok") : null)
                .build().start();
    }

    @AfterEach
    void tearDown() {
        if (client != null) {
            client.close(Duration.ofSeconds(1));
        }
        if (daemon != null) {
            daemon.shutdown("test end");
        }
        lond1.close();
        lond2.close();
    }

    LoncClient.Builder builder() throws Exception {
        return LoncClient.fromConfig(conf).daemon();
    }

    @Test
    void requestsRoutedByLonIdThroughTheHostsSocket() throws Exception {
        client = builder().build();
        assertEquals(Reply.of("msul1"), client.reply("msul1", "ping"));
        assertEquals(Reply.of("msul2"), client.reply("msul2", "ping"));
        assertEquals(Reply.of("msul3"), client.send("msul3", "ping").get(10, TimeUnit.SECONDS));
        RecordedRequest r = lond1.takeRequest(WAIT);
        assertEquals("msul1", r.lonId());
        assertEquals("msul2", lond1.takeRequest(WAIT).lonId());
    }

    @Test
    void encryptedRequestsArriveDecryptedAtLond() throws Exception {
        client = builder().build();
        assertEquals("pw-ok", client.reply("msul1", "encrypt:echo:pw-ok").line());
        RecordedRequest r = lond1.takeRequest(WAIT);
        assertTrue(r.encrypted());
        assertEquals("echo:pw-ok", r.command());
    }

    @Test
    void errorTokens() throws Exception {
        client = builder().build();
        assertEquals(Reply.Kind.UNKNOWN_CMD, client.reply("msul1", "frobnicate").kind());
        assertEquals(Reply.Kind.NO_SUCH_HOST, client.reply("nosuch", "ping").kind());
        lond1.enqueue(Response.reply("refused"));
        assertEquals(Reply.Kind.REFUSED, client.reply("msul1", "x").kind());
        lond2.close();
        assertEquals(Reply.Kind.CON_LOST, client.reply("msul3", "ping").kind());
    }

    @Test
    void clientTimeoutIsConLost() throws Exception {
        lond1.enqueue(Response.stall());
        client = builder().timeout(Duration.ofMillis(400)).build();
        assertEquals(Reply.Kind.CON_LOST, client.reply("msul1", "x").kind());
        assertEquals("msul1", client.reply("msul1", "ping", WAIT).line());
    }

    @Test
    void manyThreadsAtOnce() throws Exception {
        client = builder().build();
        int threads = 24;
        int each = 25;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<String>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int tt = t;
                results.add(pool.submit(() -> {
                    List<String> bad = new ArrayList<>();
                    for (int i = 0; i < each; i++) {
                        String x = tt + "-" + i;
                        String id = i % 3 == 0 ? "msul3" : i % 3 == 1 ? "msul1" : "msul2";
                        Reply r = i % 2 == 0 ? client.reply(id, "encrypt:echo:" + x)
                                : client.send(id, "echo:" + x).get();
                        if (!r.line().equals(x)) {
                            bad.add(id + " " + x + " -> " + r);
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
    }

    @Test
    void closeAnswersWhatIsInFlightConLost() throws Exception {
        lond1.dispatcher(r -> Response.stall());
        client = builder().timeout(Duration.ofSeconds(30)).build();
        List<CompletableFuture<Reply>> calls = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            calls.add(client.send("msul1", "x" + i));
        }
        Await.until("requests at lond", () -> lond1.requestCount() >= 1);
        client.close(Duration.ofMillis(100));
        for (CompletableFuture<Reply> c : calls) {
            assertEquals(Reply.Kind.CON_LOST, c.get(10, TimeUnit.SECONDS).kind());
        }
        // the daemon is still fine for everyone else
        try (LoncClient other = builder().build()) {
            assertEquals("msul3", other.reply("msul3", "ping").line());
        }
    }

    @Test
    void criticalWhileDownIsDeferredAndTheDaemonReplaysIt() throws Exception {
        int port = lond2.port();
        lond2.shutdown();
        client = builder().build();
        assertEquals(Reply.Kind.CON_DELAYED, client.critical("msul3", "put:msu:jdoe:x=1").kind());
        List<Path> files;
        try (Stream<Path> s = Files.list(dir.resolve("sockets/delayed"))) {
            files = s.filter(Files::isRegularFile).toList();
        }
        assertEquals(1, files.size());
        assertEquals("put:msu:jdoe:x=1\n", Files.readString(files.get(0)));
        assertTrue(Files.readString(dir.resolve("perl/logs/lonnet.perm.log")).contains(":D:msul3:put:msu:jdoe:x=1:"));

        List<DeferredItem> items = client.deferred().list("msul3");
        assertEquals(1, items.size());
        assertEquals(files.get(0).getFileName().toString(), items.get(0).id());
        assertEquals("put:msu:jdoe:x=1", items.get(0).command());

        assertEquals(1, client.deferred().hold("msul3").size());
        assertTrue(client.deferred().list("msul3").get(0).held());
        assertEquals(1, client.deferred().release("msul3").size());
        assertTrue(!client.deferred().list("msul3").get(0).held());

        lond2.restart();
        assertEquals(port, lond2.port());
        FlushResult f = client.deferred().flush("msul3");
        assertTrue(f.background());
        assertEquals(1, f.pending());
        // the daemon replays it once it is old enough for lonnet's read-back window to be over
        Await.until("replayed by the daemon", Duration.ofSeconds(40), () -> {
            try {
                if (client.deferred().list("msul3").isEmpty()) {
                    return true;
                }
                client.deferred().flush("msul3");
                return false;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        RecordedRequest r = lond2.takeRequest(WAIT);
        assertEquals("put:msu:jdoe:x=1", r.command());
    }

    @Test
    void statusThroughTheAdminSocket() throws Exception {
        client = builder().build();
        assertEquals("msul1", client.reply("msul1", "ping").line());
        List<HostView> all = client.status();
        assertEquals(List.of("me.example.edu", "s1.example.edu", "s3.example.edu"),
                all.stream().map(HostView::name).toList());
        HostView s1 = client.status("msul2").orElseThrow();
        assertEquals("s1.example.edu", s1.name());
        assertEquals(HostView.State.UP, s1.state());
        assertEquals("insecure", s1.keyMode());
        assertEquals(List.of("msul1", "msul2"), s1.lonIds());
        assertTrue(s1.counters().replies() >= 1);
    }
}
