package org.loncapa.lonc.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.loncapa.lonc.core.internal.protocol.KeyMode;

/** Requests after the handshake: sethost, queue, dispatcher, built-ins and reply faults. */
@Timeout(30)
class FakeLondRequestTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    private static LondTestClient ready(FakeLond lond) throws Exception {
        LondTestClient c = LondTestClient.connect(lond);
        c.insecureHandshake(lond, lond.lonIds().get(0), lond.clientLonId());
        return c;
    }

    // ---------------------------------------------------------------- sethost

    @Test
    void plainAndInlineSetHostTrackTheCurrentLonId() throws Exception {
        try (FakeLond lond = FakeLond.builder().lonIds("msul1", "msul2").build().start();
                LondTestClient c = ready(lond)) {
            assertEquals("ok", c.request("sethost:msul2"));
            assertEquals("msul2", c.request("ping"));
            assertEquals(FakeLond.UNABLE_TO_SET, c.request("sethost:elsewhere"));
            assertEquals("msul2", c.request("ping"));

            assertEquals("msul1", c.request("sethost:msul1:ping"));
            assertEquals("hi", c.encryptedRequest("sethost:msul2:", "echo:hi"));
            assertEquals(FakeLond.UNABLE_TO_SET, c.request("sethost:elsewhere:ping"));

            assertEquals(new RecordedRequest(0, 0, "ping", "ping", "msul2", false, KeyMode.INSECURE),
                    lond.takeRequest(WAIT));
            assertEquals("msul2", lond.takeRequest(WAIT).lonId());
            RecordedRequest inline = lond.takeRequest(WAIT);
            assertEquals("sethost:msul1:ping", inline.rawLine());
            assertEquals("ping", inline.command());
            assertEquals("msul1", inline.lonId());
            RecordedRequest inlineEnc = lond.takeRequest(WAIT);
            assertEquals("echo:hi", inlineEnc.command());
            assertEquals("msul2", inlineEnc.lonId());
            assertTrue(inlineEnc.encrypted());
            RecordedRequest refused = lond.takeRequest(WAIT);
            assertEquals("ping", refused.command());
            assertEquals("msul2", refused.lonId(), "a refused sethost leaves the lonID alone");
            assertEquals(5, lond.requestCount());
            assertTrue(lond.connection(0).controlLines().contains("sethost:elsewhere"));
        }
    }

    @Test
    void inlineSetHostIsUnknownToAnOldLond() throws Exception {
        try (FakeLond lond = FakeLond.builder().lonIds("msul1", "msul2").revision(321).build().start();
                LondTestClient c = ready(lond)) {
            lond.enqueue(Response.reply("queued"));
            assertEquals(FakeLond.UNKNOWN_CMD, c.request("sethost:msul2:ping"));
            assertEquals(1, lond.queuedResponses(), "a protocol error does not consume the queue");
            assertEquals("queued", c.request("get:x"));
            assertEquals("msul1", c.request("ping"), "the inline sethost did not switch");
            assertEquals("ok", c.request("sethost:msul2"));
            assertEquals("msul2", c.request("ping"));

            RecordedRequest old = lond.takeRequest(WAIT);
            assertEquals("sethost:msul2:ping", old.command());
            assertEquals("msul1", old.lonId());
            assertEquals("version:$Revision: 1.321 $", lond.versionReply());
        }
    }

    @Test
    void inlineSetHostCanCarryProtocolCommands() throws Exception {
        try (FakeLond lond = FakeLond.builder().lonIds("msul1", "msul2").build().start();
                LondTestClient c = ready(lond)) {
            assertEquals(lond.versionReply(), c.request("sethost:msul2:version"));
            String buildKey = c.request("sethost:msul2:ekey");
            c.useInsecureKey("msul2", lond.clientLonId(), buildKey);
            assertEquals("msul2", c.encryptedRequest(null, "echo:msul2"));
            assertEquals("msul2", lond.takeRequest(WAIT).lonId());
            assertEquals(java.util.List.of("sethost:msul2:version", "sethost:msul2:ekey"),
                    lond.connection(0).controlLines().subList(5, 7));
        }
    }

    // ---------------------------------------------------------------- who answers

    @Test
    void queueThenDispatcherThenBuiltIns() throws Exception {
        try (FakeLond lond = FakeLond.builder().build().start();
                LondTestClient c = ready(lond)) {
            lond.dispatcher(r -> r.commandName().equals("get") ? Response.reply("dispatched:" + r.command())
                    : null);
            lond.enqueue(Response.reply("queued-1"));
            lond.enqueue(Response.reply("queued-2"));
            assertEquals(2, lond.queuedResponses());
            assertEquals("queued-1", c.request("get:a"));
            assertEquals("queued-2", c.request("nonsense"));
            assertEquals(0, lond.queuedResponses());
            assertEquals("dispatched:get:b", c.request("get:b"));
            assertEquals("msul1", c.request("ping"));
            assertEquals("hello world", c.request("echo:hello world"));
            assertEquals("", c.request("echo:"));
            assertEquals(FakeLond.UNKNOWN_CMD, c.request("nonsense"));
            lond.dispatcher(null);
            assertEquals(FakeLond.UNKNOWN_CMD, c.request("frob:c"));
        }
    }

    @Test
    void protocolCommandsNeverConsumeQueuedResponses() throws Exception {
        try (FakeLond lond = FakeLond.builder().build().start()) {
            lond.enqueue(Response.reply("for the request"));
            try (LondTestClient c = ready(lond)) {
                assertEquals(1, lond.queuedResponses());
                assertEquals("for the request", c.request("anything"));
            }
        }
    }

    @Test
    void aQueuedResponseServesWhicheverConnectionAsksFirst() throws Exception {
        try (FakeLond lond = FakeLond.builder().build().start();
                LondTestClient a = ready(lond);
                LondTestClient b = ready(lond)) {
            lond.enqueue(Response.reply("first"));
            assertEquals("first", b.request("x"));
            assertEquals(FakeLond.UNKNOWN_CMD, a.request("x"));
            RecordedRequest rb = lond.takeRequest(WAIT);
            RecordedRequest ra = lond.takeRequest(WAIT);
            assertEquals(1, rb.connectionIndex());
            assertEquals(0, ra.connectionIndex());
            assertEquals(0, ra.exchangeIndex());
            assertEquals(0, rb.exchangeIndex());
        }
    }

    @Test
    void throwingDispatcherClosesTheConnection() throws Exception {
        try (FakeLond lond = FakeLond.builder()
                .dispatcher(r -> {
                    throw new IllegalStateException("test dispatcher fails on purpose");
                })
                .build().start();
                LondTestClient c = ready(lond)) {
            c.send("x");
            c.assertClosedByServer();
        }
    }

    // ---------------------------------------------------------------- reply faults

    @Test
    void disconnectReadsTheRequestAndClosesWithoutReply() throws Exception {
        try (FakeLond lond = FakeLond.builder().build().start();
                LondTestClient c = ready(lond)) {
            lond.enqueue(Response.disconnect());
            c.send("get:x");
            c.assertClosedByServer();
            assertEquals("get:x", lond.takeRequest(WAIT).command());
            assertTrue(lond.awaitOpenConnections(0, WAIT));
        }
    }

    @Test
    void midReplyWritesPartOfALineThenCloses() throws Exception {
        try (FakeLond lond = FakeLond.builder().build().start();
                LondTestClient c = ready(lond)) {
            lond.enqueue(Response.midReply("partial rep"));
            c.send("get:x");
            assertEquals("partial rep", new String(c.readToEof(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void stallNeverAnswersButKeepsTheConnectionOpen() throws Exception {
        try (FakeLond lond = FakeLond.builder().build().start()) {
            try (LondTestClient c = ready(lond)) {
                lond.enqueue(Response.stall());
                c.send("get:x");
                assertEquals("get:x", lond.takeRequest(WAIT).command(), "recorded before answering");
                c.assertSilentFor(Duration.ofMillis(200));
                c.send("ping");
                c.assertSilentFor(Duration.ofMillis(100));
                assertEquals(1, lond.openConnections());
                assertNull(lond.takeRequest(Duration.ofMillis(10)), "nothing is read as a request");
            }
            assertTrue(lond.awaitOpenConnections(0, WAIT), "the client leaving frees the connection");
        }
    }

    @Test
    void stalledConnectionEndsWithCloseAllConnections() throws Exception {
        try (FakeLond lond = FakeLond.builder().build().start();
                LondTestClient c = ready(lond)) {
            lond.enqueue(Response.stall());
            c.send("get:x");
            assertTrue(lond.takeRequest(WAIT) != null);
            lond.closeAllConnections();
            c.assertClosedByServer();
            assertTrue(lond.awaitOpenConnections(0, WAIT));
        }
    }

    @Test
    void garbageIsBinaryAndTheConnectionStaysUsable() throws Exception {
        try (FakeLond lond = FakeLond.builder().build().start();
                LondTestClient c = ready(lond)) {
            lond.enqueue(Response.garbage());
            c.send("get:x");
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            expected.write(Response.garbageBytes());
            expected.write('\n');
            assertArrayEquals(expected.toByteArray(), c.readRawLine());
            assertEquals("msul1", c.request("ping"));
        }
    }

    @Test
    void rawWritesExactlyWhatItIsGiven() throws Exception {
        try (FakeLond lond = FakeLond.builder().build().start();
                LondTestClient c = ready(lond)) {
            lond.enqueue(Response.raw("one\ntwo\r\n"));
            assertEquals("one", c.request("x"));
            assertEquals("two\r", c.readLine());
            assertEquals("msul1", c.request("ping"));
        }
    }

    @Test
    void delayHoldsTheReply() throws Exception {
        try (FakeLond lond = FakeLond.builder().build().start();
                LondTestClient c = ready(lond)) {
            Duration delay = Duration.ofMillis(300);
            lond.enqueue(Response.reply("late").delay(delay));
            long start = System.nanoTime();
            assertEquals("late", c.request("x"));
            assertTrue(System.nanoTime() - start >= delay.toNanos());
        }
    }

    @Test
    void responsesAreImmutableValues() {
        Response r = Response.reply("a");
        Response later = r.delay(Duration.ofSeconds(1));
        assertEquals(Duration.ZERO, r.delay());
        assertEquals(Duration.ofSeconds(1), later.delay());
        assertEquals(Response.Kind.REPLY, later.kind());
        assertEquals("a", later.text());
        assertThrows(IllegalArgumentException.class, () -> Response.reply("a\nb"));
        assertThrows(IllegalArgumentException.class, () -> r.delay(Duration.ofMillis(-1)));
        byte[] g = Response.garbageBytes();
        g[0] = 'x';
        assertEquals(0, Response.garbageBytes()[0]);
    }

    // ---------------------------------------------------------------- line limits and recording

    @Test
    void tooLongOrBinaryLinesCloseTheConnection() throws Exception {
        try (FakeLond lond = FakeLond.builder().maxLineBytes(64).build().start()) {
            try (LondTestClient c = ready(lond)) {
                assertEquals("x".repeat(59), c.request("echo:" + "x".repeat(59)));
                c.send("echo:" + "x".repeat(60));
                c.assertClosedByServer();
            }
            try (LondTestClient c = ready(lond)) {
                c.sendBytes(new byte[] {'p', 0, 'n', 'g', '\n'});
                c.assertClosedByServer();
            }
            assertEquals(1, lond.requestCount());
        }
    }

    @Test
    void recordingCanBeTurnedOffForLongRuns() throws Exception {
        try (FakeLond lond = FakeLond.builder().recordRequests(false).build().start();
                LondTestClient c = ready(lond)) {
            assertEquals("msul1", c.request("ping"));
            assertEquals(1, lond.requestCount());
            assertThrows(IllegalStateException.class, () -> lond.takeRequest(Duration.ZERO));
            assertTrue(lond.connection(0).controlLines().isEmpty());
            assertEquals(1, lond.connection(0).requestCount());
        }
    }

    @Test
    void endedConnectionsAreForgottenWhenRecordingIsOffAndKeptWhenOn() throws Exception {
        for (boolean record : new boolean[] {false, true}) {
            try (FakeLond lond = FakeLond.builder().recordRequests(record).build().start()) {
                for (int i = 0; i < 3; i++) {
                    try (LondTestClient c = ready(lond)) {
                        assertEquals("msul1", c.request("ping"));
                    }
                }
                assertTrue(lond.awaitOpenConnections(0, WAIT));
                assertEquals(3, lond.connectionCount());
                // nothing per ended connection stays behind in a long run without recording
                assertEquals(record ? 3 : 0, lond.connections().size(), "record=" + record);
                if (record) {
                    assertEquals(1, lond.connection(2).requestCount());
                } else {
                    assertThrows(IndexOutOfBoundsException.class, () -> lond.connection(2));
                }
            }
        }
    }

    // ---------------------------------------------------------------- built-in lonnet commands

    @Test
    void criticalCommandsAreStoredInMemoryAndReadBack() throws Exception {
        try (FakeLond lond = FakeLond.builder().build().start();
                LondTestClient c = ready(lond)) {
            assertEquals("ok", c.request("put:msu:jdoe:environment:lastlogin=now&course=phy101"));
            assertEquals("ok", c.encryptedRequest("", "put:msu:jdoe:passwd:pw=secret"));
            assertEquals("ok", c.request("inc:msu:jdoe:counts:views=3&views&clicks"));
            assertEquals("ok", c.request("del:msu:jdoe:environment:course"));
            assertEquals("ok", c.request("log:msu:jdoe:Role change: student"));
            assertEquals("now&&4", c.request("get:msu:jdoe:environment:lastlogin&course")
                    + "&" + c.request("get:msu:jdoe:counts:views"));
            assertEquals("error: malformed put", c.request("put:msu:jdoe"));
            assertEquals("error: not a number", c.request("inc:msu:jdoe:counts:views=many"));

            LondStore store = lond.store();
            assertEquals(java.util.Map.of("lastlogin", "now"), store.namespace("msu", "jdoe", "environment"));
            assertEquals("secret", store.get("msu", "jdoe", "passwd", "pw"));
            assertEquals("4", store.get("msu", "jdoe", "counts", "views"));
            assertEquals("1", store.get("msu", "jdoe", "counts", "clicks"));
            assertEquals(java.util.List.of("Role change: student"), store.log("msu", "jdoe"));
            assertEquals(FakeLond.UNKNOWN_CMD, c.request("frobnicate:x"));
        }
    }

    @Test
    void aDispatcherStillComesBeforeTheBuiltIns() throws Exception {
        try (FakeLond lond = FakeLond.builder().dispatcher(r -> Response.reply("con_lost?")).build().start();
                LondTestClient c = ready(lond)) {
            assertEquals("con_lost?", c.request("put:msu:jdoe:environment:a=b"));
            assertTrue(lond.store().namespace("msu", "jdoe", "environment").isEmpty());
        }
    }

    // ---------------------------------------------------------------- a request that does not decrypt

    @Test
    void aKeyFromOtherLonIdsIsNamedInTheRecordedRequest() throws Exception {
        // the client derives its key as msua4 while FakeLond was told its client is msua3
        try (FakeLond lond = FakeLond.builder().lonIds("msul1").clientLonId("msua3").build().start();
                LondTestClient c = LondTestClient.connect(lond)) {
            c.hailInsecure("init");
            c.versionAndSetHost(lond, "msul1");
            c.ekey("msul1", "msua4");
            assertEquals(FakeLond.UNKNOWN_CMD, c.encryptedRequest("", "currentauth:msu:jdoe"));
            RecordedRequest r = lond.takeRequest(WAIT);
            assertTrue(r.encrypted());
            assertTrue(r.decryptionFailed());
            assertTrue(r.decryptionError().contains("'msul1'") && r.decryptionError().contains("'msua3'"),
                    r.decryptionError());
            assertTrue(r.command().startsWith("enc:"), r.command());
            c.ekey("msul1", "msua3");
            assertEquals("x", c.encryptedRequest("", "echo:x"));
            assertFalse(lond.takeRequest(WAIT).decryptionFailed());
        }
    }
}
