package org.loncapa.lonc.core.internal.tls;

import org.loncapa.lonc.core.tls.TlsConfigException;
import org.loncapa.lonc.core.tls.TlsContexts;
import org.loncapa.lonc.core.tls.TlsFiles;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.loncapa.lonc.core.internal.tls.TlsPump.KEY;
import static org.loncapa.lonc.core.internal.tls.TlsPump.ascii;
import static org.loncapa.lonc.core.internal.tls.TlsPump.bytes;
import static org.loncapa.lonc.core.internal.tls.TlsPump.recordTypes;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.loncapa.lonc.core.internal.tls.TlsHandshakeException.Reason;
import org.loncapa.lonc.testkit.TestPki;
import org.loncapa.lonc.testkit.TestPki.KeyFormat;
import org.loncapa.lonc.testkit.TestPki.KeyType;

/**
 * A client and a server {@link TlsHandshake} connected by {@link TlsPump}, over TLS 1.3 and 1.2:
 * the key line, the absence of close_notify, leftover plain text, and every failure path.
 */
class TlsHandshakeExchangeTest {

    private static final int ALERT = 21;
    private static final int APPLICATION_DATA = 23;

    @TempDir
    Path tmp;

    private TestPki pki;
    private TlsFiles loncFiles;
    private TlsFiles londFiles;

    @BeforeEach
    void setUp() {
        pki = TestPki.create(tmp.resolve("ca"));
        loncFiles = pki.issueHost("msua3", tmp.resolve("msua3"));
        londFiles = pki.issueHost("msul1", tmp.resolve("msul1"));
    }

    private TlsPump pump(String protocol) throws TlsConfigException {
        return TlsPump.between(TlsContexts.forClient(loncFiles), TlsContexts.forServer(londFiles), protocol);
    }

    private static void assertSucceeded(TlsPump p, String protocol) {
        assertNull(p.clientFailure, () -> "client: " + p.clientFailure);
        assertNull(p.serverFailure, () -> "server: " + p.serverFailure);
        assertTrue(p.client.isDone());
        assertTrue(p.server.isDone());
        assertEquals(KEY, p.client.receivedLine().orElseThrow());
        assertEquals(protocol, p.client.session().getProtocol());
        assertEquals(protocol, p.server.session().getProtocol());
    }

    /** No close_notify, no alert of any kind, nothing more to send, engines still open. */
    private static void assertNoClosure(TlsPump p) {
        assertEquals(0, p.client.outbound().remaining(), "client has nothing more to send");
        assertEquals(0, p.server.outbound().remaining(), "server has nothing more to send");
        List<Integer> clientTypes = recordTypes(p.clientWrote.toByteArray());
        List<Integer> serverTypes = recordTypes(p.serverWrote.toByteArray());
        assertFalse(clientTypes.contains(ALERT), () -> "client records " + clientTypes);
        assertFalse(serverTypes.contains(ALERT), () -> "server records " + serverTypes);
        // TLS 1.3 encrypts alerts as application data, so also check that no engine closed its side.
        for (SSLEngine e : List.of(p.clientEngine, p.serverEngine)) {
            assertFalse(e.isOutboundDone(), "outbound closed: a close_notify was produced");
            assertFalse(e.isInboundDone(), "inbound closed");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void keyLineArrivesWithoutAnyClosure(String protocol) throws Exception {
        TlsPump p = pump(protocol).run();

        assertSucceeded(p, protocol);
        assertNoClosure(p);
        assertEquals(0, p.client.leftoverPlaintext().remaining());
        assertEquals(0, p.server.leftoverPlaintext().remaining());
        assertTrue(p.client.session().getPeerPrincipal().getName().contains("CN=msul1"));
        assertTrue(p.server.session().getPeerPrincipal().getName().contains("CN=msua3"), "client authenticated");
    }

    @Test
    void tls13TicketsAndTheKeyLineArriveInOneRead() throws Exception {
        TlsPump p = pump("TLSv1.3").run();

        assertSucceeded(p, "TLSv1.3");
        // The chunk that completed the client holds the server's NewSessionTicket record(s) and
        // the key line record: all application data on the outside.
        List<Integer> last = recordTypes(p.lastServerChunk);
        assertTrue(last.size() >= 2, () -> "expected tickets + line in one chunk, got " + last);
        assertEquals(Collections.nCopies(last.size(), APPLICATION_DATA), last);
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void plaintextBehindTheLineInTheSameReadIsLeftOver(String protocol) throws Exception {
        TlsPump p = pump(protocol);
        p.plaintextAfterLine = ascii("version:$Revision: 1.489 $\n");
        p.run();

        assertSucceeded(p, protocol);
        assertArrayEquals(p.plaintextAfterLine, bytes(p.client.leftoverPlaintext()));
        assertArrayEquals(p.plaintextAfterLine, bytes(p.client.leftoverPlaintext()), "repeatable");
        assertNoClosure(p);
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void unwrapSeesExactlyOneRecordPerCallAndNothingCloses(String protocol) throws Exception {
        SSLEngine c = TlsContexts.newClientEngine(TlsContexts.forClient(loncFiles), "lond.test", 5663);
        SSLEngine s = TlsContexts.newServerEngine(TlsContexts.forServer(londFiles));
        c.setEnabledProtocols(new String[] {protocol});
        StrictEngine strictClient = new StrictEngine(c);
        StrictEngine strictServer = new StrictEngine(s);
        TlsPump p = new TlsPump(strictClient, strictServer, 64);
        p.plaintextAfterLine = ascii("version:$Revision: 1.489 $\n");
        p.run(); // StrictEngine throws AssertionError on a violation

        assertSucceeded(p, protocol);
        assertArrayEquals(p.plaintextAfterLine, bytes(p.client.leftoverPlaintext()));
        // Several records (tickets, line) arrived in the client's last read, one unwrap each.
        assertTrue(strictClient.unwrapCalls >= recordTypes(p.serverWrote.toByteArray()).size(),
                () -> strictClient.unwrapCalls + " unwrap calls");
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void oneByteAtATime(String protocol) throws Exception {
        TlsPump p = pump(protocol);
        p.dribble = true;
        p.plaintextAfterLine = ascii("ok\n");
        p.run();

        assertSucceeded(p, protocol);
        assertNoClosure(p);
        // Byte by byte, the client is done right after the line's record: the plain text stays
        // with the caller and nothing is swallowed.
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        plain.writeBytes(bytes(p.client.leftoverPlaintext()));
        plain.writeBytes(p.clientBytesAfterDone.toByteArray());
        assertArrayEquals(ascii("ok\n"), plain.toByteArray());
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void warmSessionCacheSecondConnectionWorks(String protocol) throws Exception {
        SSLContext c = TlsContexts.forClient(loncFiles);
        SSLContext s = TlsContexts.forServer(londFiles);
        assertSucceeded(TlsPump.between(c, s, protocol).run(), protocol);
        TlsPump second = TlsPump.between(c, s, protocol).run();
        assertSucceeded(second, protocol);
        assertNoClosure(second);
    }

    @Test
    void rsaKeysInEveryFormatOnBothSides() throws Exception {
        loncFiles = pki.issueHost("msua3", tmp.resolve("rsa-lonc"), KeyType.RSA_2048, KeyFormat.TRADITIONAL);
        londFiles = pki.issueHost("msul1", tmp.resolve("rsa-lond"), KeyType.RSA_2048, KeyFormat.PKCS8);
        for (String protocol : TlsContexts.PROTOCOLS) {
            TlsPump p = pump(protocol).run();
            assertSucceeded(p, protocol);
            assertNoClosure(p);
        }
    }

    @Test
    void intermediateChainsAreSentAndVerifiedAgainstTheRoot() throws Exception {
        TestPki mid = pki.createIntermediate("LON-CAPA Test Intermediate", tmp.resolve("mid"));
        loncFiles = mid.issueHost("msua3", tmp.resolve("mid-lonc"));
        londFiles = mid.issueHost("msul1", tmp.resolve("mid-lond"));
        TlsPump p = pump(null).run();
        assertSucceeded(p, "TLSv1.3");
        assertEquals(2, p.client.session().getPeerCertificates().length);
    }

    @Test
    void tls13IsPreferredWhenBothOfferBoth() throws Exception {
        assertSucceeded(pump(null).run(), "TLSv1.3");
    }

    // ---- trust failures ---------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void clientCertificateFromRogueCaIsRejectedByTheServer(String protocol) throws Exception {
        TestPki rogue = TestPki.createRogue(tmp.resolve("rogue"));
        TlsFiles rogueHost = rogue.issueHost("msua3", tmp.resolve("rogue-msua3"));
        // Trusts the real CA (so it accepts lond) but presents a certificate from the rogue CA.
        loncFiles = new TlsFiles(pki.caFile(), rogueHost.certFile(), rogueHost.keyFile());
        TlsPump p = pump(protocol).run();

        assertNotNull(p.serverFailure);
        assertEquals(Reason.PEER_CERTIFICATE_UNTRUSTED, p.serverFailure.reason());
        String m = p.serverFailure.getMessage();
        assertTrue(m.contains("TLS client certificate \"CN=msua3,O=LON-CAPA Test\""), m);
        assertTrue(m.contains("is not trusted: it does not chain to a CA certificate in " + londFiles.caFile()), m);
        // The server told the client why with a fatal alert.
        assertNotNull(p.clientFailure, "client learns of the rejection");
        assertEquals(Reason.REJECTED_BY_PEER, p.clientFailure.reason());
        assertTrue(p.clientFailure.getMessage().contains("does not trust this host's certificate"),
                p.clientFailure.getMessage());
        assertFalse(p.client.isDone());
        assertTrue(p.client.receivedLine().isEmpty(), "no key line");
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void serverCertificateFromRogueCaIsRejectedByTheClient(String protocol) throws Exception {
        TestPki rogue = TestPki.createRogue(tmp.resolve("rogue"));
        TlsFiles rogueHost = rogue.issueHost("msul1", tmp.resolve("rogue-msul1"));
        londFiles = new TlsFiles(pki.caFile(), rogueHost.certFile(), rogueHost.keyFile());
        TlsPump p = pump(protocol).run();

        assertNotNull(p.clientFailure);
        assertEquals(Reason.PEER_CERTIFICATE_UNTRUSTED, p.clientFailure.reason());
        String m = p.clientFailure.getMessage();
        assertTrue(m.contains("TLS server certificate \"CN=msul1,O=LON-CAPA Test\""), m);
        assertTrue(m.contains("does not chain to a CA certificate in " + loncFiles.caFile()), m);
        assertNotNull(p.serverFailure);
        assertEquals(Reason.REJECTED_BY_PEER, p.serverFailure.reason());
        assertTrue(p.client.receivedLine().isEmpty());
    }

    @Test
    void expiredClientCertificateIsRejected() throws Exception {
        loncFiles = pki.issueExpiredHost("msua3", tmp.resolve("old-msua3"));
        TlsPump p = pump(null).run();
        assertEquals(Reason.PEER_CERTIFICATE_UNTRUSTED, p.serverFailure.reason());
        assertTrue(p.serverFailure.getMessage().contains("\"CN=msua3,O=LON-CAPA Test\""), p.serverFailure.getMessage());
        assertTrue(p.serverFailure.getMessage().contains("has expired"), p.serverFailure.getMessage());
        assertEquals(Reason.REJECTED_BY_PEER, p.clientFailure.reason());
    }

    @Test
    void expiredServerCertificateIsRejected() throws Exception {
        londFiles = pki.issueExpiredHost("msul1", tmp.resolve("old-msul1"));
        TlsPump p = pump("TLSv1.2").run();
        assertEquals(Reason.PEER_CERTIFICATE_UNTRUSTED, p.clientFailure.reason());
        assertTrue(p.clientFailure.getMessage().contains("TLS server certificate"), p.clientFailure.getMessage());
        assertTrue(p.clientFailure.getMessage().contains("has expired"), p.clientFailure.getMessage());
    }

    @Test
    void clientWithoutCertificateIsRejected() throws Exception {
        SSLContext anonymous = SSLContext.getInstance("TLS");
        // Trusts the CA, has no key: as if lonc ran without lonhostcert.pem.
        anonymous.init(null, new javax.net.ssl.TrustManager[] {trustOnly(pki)}, null);
        TlsPump p = TlsPump.between(anonymous, TlsContexts.forServer(londFiles), null).run();
        assertNotNull(p.serverFailure);
        assertTrue(p.serverFailure.getMessage().toLowerCase().contains("certificate"), p.serverFailure.getMessage());
        assertNotNull(p.clientFailure);
    }

    private static javax.net.ssl.TrustManager trustOnly(TestPki pki) throws Exception {
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("ca", pki.caCertificate());
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
        tmf.init(ks);
        return tmf.getTrustManagers()[0];
    }

    // ---- the optional peer-name check ---------------------------------------------------------

    @Test
    void hostNameCheckIsOffByDefaultAndWorksWhenSwitchedOn() throws Exception {
        SSLContext c = TlsContexts.forClient(loncFiles);
        SSLContext s = TlsContexts.forServer(londFiles); // certificate names msul1

        // Default: the dialled name does not matter, as in LON-CAPA 2005.
        TlsPump off = new TlsPump(TlsContexts.newClientEngine(c, "lond.elsewhere.example", 5663),
                TlsContexts.newServerEngine(s), 64).run();
        assertNull(off.clientFailure);

        TlsPump match = new TlsPump(TlsContexts.newClientEngine(c, "msul1", 5663, true),
                TlsContexts.newServerEngine(s), 64).run();
        assertNull(match.clientFailure, () -> String.valueOf(match.clientFailure));
        assertEquals(KEY, match.client.receivedLine().orElseThrow());

        TlsPump mismatch = new TlsPump(TlsContexts.newClientEngine(c, "lond.elsewhere.example", 5663, true),
                TlsContexts.newServerEngine(s), 64).run();
        assertEquals(Reason.PEER_CERTIFICATE_UNTRUSTED, mismatch.clientFailure.reason());
        assertTrue(mismatch.clientFailure.getMessage().contains("lond.elsewhere.example"),
                mismatch.clientFailure.getMessage());
        assertFalse(mismatch.clientFailure.getMessage().contains("does not chain"),
                "a name mismatch is not blamed on the CA: " + mismatch.clientFailure.getMessage());
    }

    // ---- the line -----------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void lineLongerThanTheLimitFails(String protocol) throws Exception {
        SSLEngine c = TlsContexts.newClientEngine(TlsContexts.forClient(loncFiles), "lond.test", 5663);
        SSLEngine s = TlsContexts.newServerEngine(TlsContexts.forServer(londFiles));
        c.setEnabledProtocols(new String[] {protocol});
        TlsPump p = new TlsPump(c, s, 31).run(); // KEY has 32 characters

        assertEquals(Reason.LINE_TOO_LONG, p.clientFailure.reason());
        assertFalse(p.clientFailure.getMessage().contains(KEY.substring(0, 8)), "the key is never in a message");
        assertEquals(0, p.client.outbound().remaining(), "no alert or close_notify for a local line failure");
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void lineSplitOverTwoRecordsIsJoinedAndDataAfterItInTlsIsDropped(String protocol) throws Exception {
        TlsPump p = pump(protocol);
        p.lineToSend = null; // the test plays the server's application layer itself
        p.run();
        assertTrue(p.server.isHandshakeComplete());
        assertFalse(p.client.isDone());

        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        wire.writeBytes(wrap(p.serverEngine, "0123456789abcdef"));
        wire.writeBytes(wrap(p.serverEngine, "0123456789abcdef\nextra inside TLS"));
        wire.writeBytes(ascii("plain\n"));
        p.client.receive(ByteBuffer.wrap(wire.toByteArray()));

        assertTrue(p.client.isDone());
        assertEquals(KEY, p.client.receivedLine().orElseThrow());
        assertArrayEquals(ascii("plain\n"), bytes(p.client.leftoverPlaintext()));
        assertEquals(0, p.client.outbound().remaining());
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void closeNotifyBeforeTheLineFailsAndIsNotAnswered(String protocol) throws Exception {
        TlsPump p = pump(protocol);
        p.lineToSend = null;
        p.run();
        assertTrue(p.client.isHandshakeComplete());

        p.serverEngine.closeOutbound(); // what an SSLSocket.close() on lond's side would do
        byte[] closeNotify = wrap(p.serverEngine, "");
        TlsHandshakeException e = assertThrows(TlsHandshakeException.class,
                () -> p.client.receive(ByteBuffer.wrap(closeNotify)));

        assertEquals(Reason.CLOSE_NOTIFY, e.reason());
        assertTrue(e.getMessage().contains("before the key line"), e.getMessage());
        assertFalse(p.client.hasOutbound(), "the client does not answer with its own close_notify");
    }

    @Test
    void closeNotifyDuringTheHandshakeFails() throws Exception {
        TlsPump p = pump("TLSv1.2");
        p.client.begin();
        p.client.outbound();
        // A plain-text close_notify alert record, as a confused server might send after ClientHello.
        byte[] alert = {ALERT, 3, 3, 0, 2, 1, 0};
        TlsHandshakeException e = assertThrows(TlsHandshakeException.class,
                () -> p.client.receive(ByteBuffer.wrap(alert)));
        assertEquals(Reason.CLOSE_NOTIFY, e.reason());
        List<Integer> sent = recordTypes(bytes(p.client.outbound()));
        assertTrue(sent.isEmpty(), () -> "client answered a close_notify with " + sent);
    }

    @Test
    void endOfStreamAfterTheHandshakeBeforeTheLine() throws Exception {
        TlsPump p = pump(null);
        p.lineToSend = null;
        p.run();
        TlsHandshakeException e = assertThrows(TlsHandshakeException.class, p.client::endOfInput);
        assertEquals(Reason.CLOSED, e.reason());
        assertTrue(e.getMessage().contains("after the TLS handshake, before the key line was received"), e.getMessage());
    }

    @Test
    void serverRefusesApplicationDataFromTheClient() throws Exception {
        TlsPump p = pump(null);
        p.lineToSend = null;
        p.run();
        byte[] data = wrap(p.clientEngine, "hello\n");
        // The server unwraps nothing after its handshake: the record stays as "plain text".
        p.server.receive(ByteBuffer.wrap(data));
        p.server.sendLine(KEY);
        assertArrayEquals(data, bytes(p.server.leftoverPlaintext()));
    }

    @Test
    void sendLineRejectsNewlinesAndWrongState() throws Exception {
        TlsPump p = pump(null);
        p.server.begin();
        assertThrows(IllegalStateException.class, () -> p.server.sendLine(KEY), "before the handshake");

        TlsPump q = pump(null);
        q.lineToSend = null;
        q.run();
        assertThrows(IllegalArgumentException.class, () -> q.server.sendLine("ab\ncd"));
        assertThrows(IllegalArgumentException.class, () -> q.server.sendLine("\u20ac"));
        q.server.sendLine(KEY);
        assertThrows(IllegalStateException.class, () -> q.server.sendLine(KEY), "only one line");
        assertThrows(IllegalStateException.class, () -> q.server.receive(ByteBuffer.allocate(1)), "done");
    }

    /** Encrypts {@code text} with {@code engine} as one or more records (or a closure if closed). */
    private static byte[] wrap(SSLEngine engine, String text) throws Exception {
        ByteBuffer src = ByteBuffer.wrap(ascii(text));
        ByteBuffer dst = ByteBuffer.allocate(engine.getSession().getPacketBufferSize() * 2);
        do {
            SSLEngineResult r = engine.wrap(src, dst);
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                break;
            }
        } while (src.hasRemaining());
        dst.flip();
        return bytes(dst);
    }
}
