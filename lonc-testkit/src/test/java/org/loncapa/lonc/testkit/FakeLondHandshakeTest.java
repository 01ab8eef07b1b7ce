package org.loncapa.lonc.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.loncapa.lonc.core.internal.protocol.EncFrame;
import org.loncapa.lonc.core.internal.protocol.KeyMode;
import org.loncapa.lonc.core.internal.protocol.SessionKeys;

/** The server side of the three key modes and their fallbacks (protocol.md §2). */
@Timeout(30)
class FakeLondHandshakeTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    /** The IDEA key of protocol.md's worked example (§2.4), used with the wire lines of §3. */
    private static final String DOC_KEY = "62451624a3123aabecc97f8dcba987fe";

    private static SSLContext tls;

    @TempDir
    Path dir;

    @BeforeAll
    static void makeTls() throws Exception {
        tls = SelfSignedTls.context("fakelond-test");
    }

    // ---------------------------------------------------------------- insecure

    @Test
    void insecureHandshakePingAndEncryptedRoundTrip() throws Exception {
        try (FakeLond lond = FakeLond.builder().lonIds("msul1").clientLonId("msua3").build().start();
                LondTestClient c = LondTestClient.connect(lond)) {
            c.insecureHandshake(lond, "msul1", "msua3");
            assertEquals("msul1", c.request("ping"));

            lond.enqueue(Response.encryptedReply("unix:secret"));
            assertEquals("unix:secret", c.encryptedRequest(null, "currentauth:msu:jdoe"));

            RecordedRequest ping = lond.takeRequest(WAIT);
            assertEquals(new RecordedRequest(0, 0, "ping", "ping", "msul1", false, KeyMode.INSECURE),
                    ping);
            RecordedRequest enc = lond.takeRequest(WAIT);
            assertEquals("currentauth:msu:jdoe", enc.command());
            assertEquals("currentauth", enc.commandName());
            assertTrue(enc.encrypted());
            assertTrue(enc.rawLine().startsWith("enc:20:"));
            assertEquals(1, enc.exchangeIndex());
            assertEquals(KeyMode.INSECURE, enc.mode());
            assertEquals(2, lond.requestCount());
            assertEquals(1, lond.handshakeCount());

            ConnectionInfo info = lond.connection(0);
            assertEquals("init", info.hailingLine());
            assertEquals(KeyMode.INSECURE, info.keyMode());
            assertTrue(info.handshakeCompleted());
            assertTrue(info.open());
            assertEquals(5, info.controlLines().size());
            assertEquals(List.of("version", "sethost:msul1", "ekey"), info.controlLines().subList(2, 5));
            assertEquals(2, info.requestCount());
        }
    }

    @Test
    void versionedInitAndVersionWithArgumentAreAccepted() throws Exception {
        try (FakeLond lond = FakeLond.builder().revision(512).build().start();
                LondTestClient c = LondTestClient.connect(lond)) {
            c.hailInsecure("init::2.11.4");
            assertEquals("version:$Revision: 1.512 $", c.request("version:2.11.4"));
            assertEquals("init::2.11.4", lond.connection(0).hailingLine());
        }
    }

    @Test
    void insecureKeyUsesTheCurrentLonIdAndTheConfiguredClientLonId() throws Exception {
        try (FakeLond lond = FakeLond.builder().lonIds("msul1", "msul2").clientLonId("msua7").build()
                .start();
                LondTestClient c = LondTestClient.connect(lond)) {
            c.hailInsecure("init");
            c.versionAndSetHost(lond, "msul2");
            c.ekey("msul2", "msua7");
            assertEquals("whoami", c.encryptedRequest(null, "echo:whoami"));

            // a client that believes it is someone else derives another key: lond decrypts junk
            // (refused as a frame when it holds control bytes, else an unknown command) and never
            // sees the request
            c.ekey("msul2", "msua3");
            String secret = "echo:whoami" + "x".repeat(64);
            assertEquals(FakeLond.UNKNOWN_CMD, c.encryptedRequest(null, secret));
            RecordedRequest first = lond.takeRequest(WAIT);
            assertEquals("echo:whoami", first.command());
            RecordedRequest second = lond.takeRequest(WAIT);
            assertTrue(second.encrypted());
            assertFalse(second.command().contains("whoami"), "lond could not read it");
        }
    }

    @Test
    void insecureIsClosedWithoutReplyWhenNotAllowed() throws Exception {
        try (FakeLond lond = FakeLond.builder().allowInsecure(false).build().start();
                LondTestClient c = LondTestClient.connect(lond)) {
            c.send("init");
            c.assertClosedByServer();
            assertEquals(0, lond.handshakeCount());
        }
    }

    @Test
    void wrongChallengeEchoClosesTheConnection() throws Exception {
        try (FakeLond lond = FakeLond.builder().build().start();
                LondTestClient c = LondTestClient.connect(lond)) {
            c.send("init");
            String challenge = c.readLine();
            c.send(challenge + "0");
            c.assertClosedByServer();
            assertEquals(0, lond.handshakeCount());
            assertTrue(lond.awaitOpenConnections(0, WAIT));
            assertFalse(lond.connection(0).handshakeCompleted());
        }
    }

    @Test
    void anythingButInitIsDropped() throws Exception {
        try (FakeLond lond = FakeLond.builder().build().start();
                LondTestClient c = LondTestClient.connect(lond)) {
            c.send("ping");
            c.assertClosedByServer();
        }
    }

    @Test
    void encryptedRequestBeforeEkeyGetsTheNoKeyError() throws Exception {
        try (FakeLond lond = FakeLond.builder().build().start();
                LondTestClient c = LondTestClient.connect(lond)) {
            c.hailInsecure("init");
            c.versionAndSetHost(lond, "msul1");
            assertEquals(FakeLond.NO_KEY_ERROR, c.request("enc:8:00112233445566778899aabbccddeeff"));
            RecordedRequest r = lond.takeRequest(WAIT);
            assertTrue(r.encrypted());
            assertEquals("enc:8:00112233445566778899aabbccddeeff", r.command());
            // and an encrypted reply cannot be made without a key: the connection is closed
            lond.enqueue(Response.encryptedReply("x"));
            c.send("anything");
            c.assertClosedByServer();
        }
    }

    // ---------------------------------------------------------------- local

    @Test
    void localModeReadsAndDeletesTheKeyFile() throws Exception {
        Path keyFile = dir.resolve("lonc-1-1-ab.key");
        Files.writeString(keyFile, DOC_KEY + "\n");
        try (FakeLond lond = FakeLond.builder().build().start();
                LondTestClient c = LondTestClient.connect(lond)) {
            assertEquals("ok:local", c.request("init:local:" + keyFile.toAbsolutePath()));
            assertFalse(Files.exists(keyFile), "lond deletes the key file");
            c.useKey(DOC_KEY);
            c.versionAndSetHost(lond, "msul1");

            // the wire line of protocol.md §3's worked example
            lond.enqueue(Response.encryptedReply("unix:"));
            String reply = c.request("enc:20:9c4832aad1f9ce2e3d130284cb41c02ecbcd49066719b2bb");
            assertEquals(EncFrame.encode(c.cipher(), "unix:"), reply);
            RecordedRequest r = lond.takeRequest(WAIT);
            assertEquals("currentauth:msu:jdoe", r.command());
            assertEquals(KeyMode.LOCAL, r.mode());
            assertEquals("auth:msu:jdoe:pw",
                    c.encryptedRequest(null, "echo:auth:msu:jdoe:pw"));
            assertEquals(KeyMode.LOCAL, lond.connection(0).keyMode());
        }
    }

    @Test
    void localKeyFileWithoutNewlineIsAcceptedToo() throws Exception {
        Path keyFile = dir.resolve("k");
        Files.writeString(keyFile, DOC_KEY);
        try (FakeLond lond = FakeLond.builder().build().start();
                LondTestClient c = LondTestClient.connect(lond)) {
            assertEquals("ok:local", c.request("init:local:" + keyFile));
            c.useKey(DOC_KEY);
            assertEquals("hello", c.encryptedRequest(null, "echo:hello"));
        }
    }

    @Test
    void missingLocalKeyFileClosesTheConnection() throws Exception {
        try (FakeLond lond = FakeLond.builder().build().start();
                LondTestClient c = LondTestClient.connect(lond)) {
            c.send("init:local:" + dir.resolve("nonexistent"));
            c.assertClosedByServer();
            assertEquals(0, lond.handshakeCount());
        }
    }

    @Test
    void badLocalKeyFileClosesTheConnectionAndIsStillDeleted() throws Exception {
        Path keyFile = dir.resolve("bad");
        Files.writeString(keyFile, "not a key\n");
        try (FakeLond lond = FakeLond.builder().build().start();
                LondTestClient c = LondTestClient.connect(lond)) {
            c.send("init:local:" + keyFile);
            c.assertClosedByServer();
            assertFalse(Files.exists(keyFile), "lond deletes the file once it has read it");
        }
    }

    @Test
    void oldLondAnswersLocalInitWithAChallenge() throws Exception {
        Path keyFile = dir.resolve("k");
        Files.writeString(keyFile, DOC_KEY + "\n");
        try (FakeLond lond = FakeLond.builder().allowLocal(false).build().start();
                LondTestClient c = LondTestClient.connect(lond)) {
            c.hailInsecure("init:local:" + keyFile);
            assertTrue(Files.exists(keyFile), "an old lond does not know about key files");
            c.versionAndSetHost(lond, "msul1");
            c.ekey("msul1", FakeLond.DEFAULT_CLIENT_LON_ID);
            assertEquals("fallback", c.encryptedRequest(null, "echo:fallback"));
            assertEquals(KeyMode.INSECURE, lond.connection(0).keyMode());
        }
    }

    // ---------------------------------------------------------------- ssl

    @Test
    void sslModeSendsTheKeyInsideTlsThenContinuesInPlainText() throws Exception {
        try (FakeLond lond = FakeLond.builder().lonIds("msul1", "msul2").ssl(tls).build().start();
                LondTestClient c = LondTestClient.connect(lond)) {
            assertEquals("ok:ssl", c.request("init:ssl:2.11.4"));
            String key = c.startTls(tls);
            assertTrue(SessionKeys.isHexKey(key), key);
            // plain text again on the same socket; no TLS bytes may leak into these lines
            c.versionAndSetHost(lond, "msul2");
            assertEquals("msul2", c.request("ping"));
            lond.enqueue(Response.encryptedReply("ok"));
            assertEquals("ok", c.encryptedRequest(null, "passwd:msu:jdoe:old:new"));

            assertEquals("ping", lond.takeRequest(WAIT).command());
            RecordedRequest r = lond.takeRequest(WAIT);
            assertEquals("passwd:msu:jdoe:old:new", r.command());
            assertEquals(KeyMode.SSL, r.mode());
            assertEquals("msul2", r.lonId());
            assertEquals(1, lond.handshakeCount());
            assertEquals(KeyMode.SSL, lond.connection(0).keyMode());
        }
    }

    @Test
    void sslWithAnUntrustedClientCertificateFails() throws Exception {
        SSLContext stranger = SelfSignedTls.context("stranger");
        try (FakeLond lond = FakeLond.builder().ssl(tls).build().start();
                LondTestClient c = LondTestClient.connect(lond)) {
            assertEquals("ok:ssl", c.request("init:ssl"));
            assertThrows(IOException.class, () -> c.startTls(stranger));
            assertTrue(lond.awaitOpenConnections(0, WAIT));
            assertEquals(0, lond.handshakeCount());
        }
    }

    @Test
    void withoutSslContextSslInitGetsTheInsecureChallenge() throws Exception {
        try (FakeLond lond = FakeLond.builder().build().start();
                LondTestClient c = LondTestClient.connect(lond)) {
            c.hailInsecure("init:ssl:2.11.4");
            c.versionAndSetHost(lond, "msul1");
            c.ekey("msul1", FakeLond.DEFAULT_CLIENT_LON_ID);
            assertEquals("msul1", c.request("ping"));
            assertEquals(KeyMode.INSECURE, lond.takeRequest(WAIT).mode());
        }
    }

    @Test
    void withoutSslContextAndWithoutInsecureSslInitIsClosed() throws Exception {
        try (FakeLond lond = FakeLond.builder().allowInsecure(false).build().start();
                LondTestClient c = LondTestClient.connect(lond)) {
            c.send("init:ssl");
            c.assertClosedByServer();
        }
    }

    @Test
    void handshakeCountsAndAwaits() throws Exception {
        try (FakeLond lond = FakeLond.builder().build().start()) {
            try (LondTestClient a = LondTestClient.connect(lond);
                    LondTestClient b = LondTestClient.connect(lond)) {
                assertTrue(lond.awaitConnectionCount(2, WAIT));
                assertTrue(lond.awaitOpenConnections(2, WAIT));
                a.hailInsecure("init");
                b.hailInsecure("init");
                assertTrue(lond.awaitHandshakeCount(2, WAIT));
                assertFalse(lond.awaitHandshakeCount(3, Duration.ofMillis(50)));
            }
            assertTrue(lond.awaitOpenConnections(0, WAIT));
            assertEquals(2, lond.connectionCount());
            assertEquals(2, lond.connections().size());
            assertFalse(lond.connections().get(1).open());
            assertNull(lond.takeRequest(Duration.ofMillis(10)));
            assertNotNull(lond.connections().get(0).remote());
        }
    }

    @Test
    void utf8RequestsAreRecordedAsText() throws Exception {
        try (FakeLond lond = FakeLond.builder().build().start();
                LondTestClient c = LondTestClient.connect(lond)) {
            c.insecureHandshake(lond, "msul1", "msua3");
            assertEquals("Grüße", c.request("echo:Grüße"));
            assertEquals("Grüße", c.encryptedRequest(null, "echo:Grüße"));
            assertEquals("echo:Grüße", lond.takeRequest(WAIT).command());
            assertEquals("echo:Grüße".getBytes(StandardCharsets.UTF_8).length,
                    Integer.parseInt(lond.takeRequest(WAIT).rawLine().split(":")[1]));
        }
    }
}
