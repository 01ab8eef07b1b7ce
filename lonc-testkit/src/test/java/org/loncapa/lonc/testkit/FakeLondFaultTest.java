package org.loncapa.lonc.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.loncapa.lonc.core.internal.protocol.KeyMode;
import org.loncapa.lonc.core.protocol.ProtocolChoices;

/** Connection-level faults, as a client sees them. */
@Timeout(30)
class FakeLondFaultTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    @Test
    void refuseAnswersInitWithRefusedAndCloses() throws Exception {
        try (FakeLond lond = FakeLond.builder().fault(Fault.REFUSE).build().start();
                LondTestClient c = LondTestClient.connect(lond)) {
            assertEquals(ProtocolChoices.REFUSED, c.request("init::2.11.4"));
            c.assertClosedByServer();
            assertEquals("init::2.11.4", lond.connection(0).hailingLine());
            assertEquals(Fault.REFUSE, lond.connection(0).fault());
        }
    }

    @Test
    void refuseAppliesToEveryKeyMode() throws Exception {
        Path keyFile = dir.resolve("k");
        Files.writeString(keyFile, "0".repeat(32) + "\n");
        try (FakeLond lond = FakeLond.builder().fault(Fault.REFUSE).build().start();
                LondTestClient c = LondTestClient.connect(lond)) {
            assertEquals(ProtocolChoices.REFUSED, c.request("init:local:" + keyFile));
            c.assertClosedByServer();
            assertTrue(Files.exists(keyFile), "a refusing lond does not read the key file");
        }
    }

    @Test
    void disconnectAtStartClosesBeforeReadingAnything() throws Exception {
        try (FakeLond lond = FakeLond.builder().fault(Fault.DISCONNECT_AT_START).build().start();
                LondTestClient c = LondTestClient.connect(lond)) {
            c.assertClosedByServer();
            assertTrue(lond.awaitOpenConnections(0, WAIT));
            assertNull(lond.connection(0).hailingLine());
            assertEquals(1, lond.connectionCount());
        }
    }

    @Test
    void garbageHandshakeSendsBinaryInsteadOfTheChallenge() throws Exception {
        try (FakeLond lond = FakeLond.builder().fault(Fault.GARBAGE_HANDSHAKE).build().start();
                LondTestClient c = LondTestClient.connect(lond)) {
            c.send("init");
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            expected.write(Response.garbageBytes());
            expected.write('\n');
            assertArrayEquals(expected.toByteArray(), c.readRawLine());
            c.assertSilentFor(Duration.ofMillis(100));
            assertEquals(0, lond.handshakeCount());
        }
    }

    @Test
    void stallHandshakeNeverAnswersInit() throws Exception {
        try (FakeLond lond = FakeLond.builder().fault(Fault.STALL_HANDSHAKE).build().start()) {
            try (LondTestClient c = LondTestClient.connect(lond)) {
                c.send("init:ssl");
                c.assertSilentFor(Duration.ofMillis(200));
                assertEquals(1, lond.openConnections());
                assertEquals("init:ssl", lond.connection(0).hailingLine());
            }
            assertTrue(lond.awaitOpenConnections(0, WAIT), "the client leaving frees the connection");
        }
    }

    @Test
    void wrongChallengeOkAnswersTheEchoWithSomethingElse() throws Exception {
        try (FakeLond lond = FakeLond.builder().fault(Fault.WRONG_CHALLENGE_OK).build().start();
                LondTestClient c = LondTestClient.connect(lond)) {
            c.send("init");
            String challenge = c.readLine();
            assertTrue(ProtocolChoices.looksLikeChallenge(challenge));
            assertEquals(FakeLond.WRONG_CHALLENGE_REPLY, c.request(challenge));
            c.assertSilentFor(Duration.ofMillis(100));
            assertEquals(0, lond.handshakeCount());
        }
    }

    @Test
    void wrongChallengeOkDoesNotAffectSslMode() throws Exception {
        SSLContext tls = SelfSignedTls.context("fault-ssl");
        try (FakeLond lond = FakeLond.builder().ssl(tls).fault(Fault.WRONG_CHALLENGE_OK).build()
                .start();
                LondTestClient c = LondTestClient.connect(lond)) {
            assertEquals("ok:ssl", c.request("init:ssl"));
            c.startTls(tls);
            c.versionAndSetHost(lond, "msul1");
            assertEquals(KeyMode.SSL, lond.connection(0).keyMode());
        }
    }

    @Test
    void aFaultAppliesOnlyToConnectionsAcceptedAfterItIsSet() throws Exception {
        try (FakeLond lond = FakeLond.builder().build().start();
                LondTestClient before = LondTestClient.connect(lond)) {
            assertTrue(lond.awaitConnectionCount(1, WAIT));
            lond.fault(Fault.REFUSE);
            assertEquals(Fault.REFUSE, lond.fault());
            before.insecureHandshake(lond, "msul1", "msua3");
            assertEquals("msul1", before.request("ping"));
            try (LondTestClient during = LondTestClient.connect(lond)) {
                assertEquals(ProtocolChoices.REFUSED, during.request("init"));
            }
            lond.fault(Fault.NONE);
            try (LondTestClient after = LondTestClient.connect(lond)) {
                after.insecureHandshake(lond, "msul1", "msua3");
                assertEquals("msul1", after.request("ping"));
            }
            assertEquals(Fault.NONE, lond.connection(0).fault());
            assertEquals(Fault.REFUSE, lond.connection(1).fault());
            assertEquals(Fault.NONE, lond.connection(2).fault());
            assertEquals(2, lond.handshakeCount());
            assertFalse(lond.connection(1).handshakeCompleted());
        }
    }
}
