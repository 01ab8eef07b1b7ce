package org.loncapa.lonc.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.loncapa.lonc.core.internal.protocol.FailureKind;
import org.loncapa.lonc.core.internal.protocol.KeyMode;
import org.loncapa.lonc.core.internal.protocol.LineReader;
import org.loncapa.lonc.core.internal.protocol.LondSession;
import org.loncapa.lonc.core.protocol.ProtocolChoices;
import org.loncapa.lonc.core.internal.protocol.RealLocalKeyFiles;
import org.loncapa.lonc.core.internal.protocol.SessionAction;

/**
 * lonc-core's client state machine ({@link LondSession}) against FakeLond, through a minimal
 * blocking shell: the two sides were written from protocol.md independently, so this checks that
 * they agree on every handshake path and on the failure each fault produces.
 */
@Timeout(30)
class LondSessionInteropTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final long SECOND = 1_000_000_000L;

    private static SSLContext tls;

    @TempDir
    Path keyDir;

    @BeforeAll
    static void makeTls() throws Exception {
        tls = SelfSignedTls.context("interop");
    }

    private LondSession.Params params(KeyMode mode, boolean allowInsecure) {
        return new LondSession.Params("msua3", "msul1", mode, allowInsecure, "2.11.4", 3 * SECOND,
                30 * SECOND, 30 * SECOND);
    }

    private Shell open(FakeLond lond, KeyMode mode, boolean allowInsecure) throws IOException {
        LondSession s = new LondSession(params(mode, allowInsecure),
                new RealLocalKeyFiles(keyDir, new SecureRandom()), new SecureRandom());
        return new Shell(lond, s);
    }

    private List<Path> keyFiles() throws IOException {
        try (Stream<Path> files = Files.list(keyDir)) {
            return files.toList();
        }
    }

    @Test
    void insecureHandshakeRequestsAndInlineSetHost() throws Exception {
        try (FakeLond lond = FakeLond.builder().lonIds("msul1", "msul2").build().start();
                Shell shell = open(lond, KeyMode.INSECURE, true)) {
            SessionAction.Ready ready = shell.handshake();
            assertEquals(KeyMode.INSECURE, ready.mode());
            assertEquals(489, ready.peerRevision());
            assertFalse(ready.fellBackToInsecure());
            assertEquals("msul1", shell.call(null, "ping"));

            lond.enqueue(Response.encryptedReply("unix:"));
            assertEquals("unix:", shell.call(null, "encrypt:currentauth:msu:jdoe"));
            assertEquals("msul2", shell.call("msul2", "ping"));
            assertEquals("x", shell.call("msul2", "encrypt:echo:x"));

            assertEquals("ping", lond.takeRequest(WAIT).command());
            RecordedRequest enc = lond.takeRequest(WAIT);
            assertEquals("currentauth:msu:jdoe", enc.command());
            assertTrue(enc.encrypted());
            RecordedRequest inline = lond.takeRequest(WAIT);
            assertEquals("sethost:msul2:ping", inline.rawLine());
            assertEquals("msul2", inline.lonId());
            RecordedRequest inlineEnc = lond.takeRequest(WAIT);
            assertEquals("echo:x", inlineEnc.command());
            assertEquals("msul2", inlineEnc.lonId());
            assertEquals(List.of("init::2.11.4"), lond.connection(0).controlLines().subList(0, 1));
        }
    }

    @Test
    void oldLondGetsASeparateSetHost() throws Exception {
        try (FakeLond lond = FakeLond.builder().lonIds("msul1", "msul2").revision(321).build().start();
                Shell shell = open(lond, KeyMode.INSECURE, true)) {
            assertEquals(321, shell.handshake().peerRevision());
            assertEquals("msul2", shell.call("msul2", "ping"));
            RecordedRequest r = lond.takeRequest(WAIT);
            assertEquals("ping", r.rawLine());
            assertEquals("msul2", r.lonId());
            List<String> control = lond.connection(0).controlLines();
            assertEquals("sethost:msul2", control.get(control.size() - 1));
        }
    }

    @Test
    void localMode() throws Exception {
        try (FakeLond lond = FakeLond.builder().build().start();
                Shell shell = open(lond, KeyMode.LOCAL, false)) {
            assertEquals(KeyMode.LOCAL, shell.handshake().mode());
            assertTrue(keyFiles().isEmpty(), "FakeLond deleted the key file");
            lond.enqueue(Response.encryptedReply("ok"));
            assertEquals("ok", shell.call(null, "encrypt:passwd:msu:jdoe:a:b"));
            assertEquals("passwd:msu:jdoe:a:b", lond.takeRequest(WAIT).command());
            assertEquals(KeyMode.LOCAL, lond.connection(0).keyMode());
        }
    }

    @Test
    void localModeFallsBackToInsecureTowardAnOldLond() throws Exception {
        try (FakeLond lond = FakeLond.builder().allowLocal(false).build().start();
                Shell shell = open(lond, KeyMode.LOCAL, true)) {
            SessionAction.Ready ready = shell.handshake();
            assertEquals(KeyMode.INSECURE, ready.mode());
            assertTrue(ready.fellBackToInsecure());
            assertTrue(keyFiles().isEmpty(), "the client removed its unused key file");
            assertEquals("y", shell.call(null, "encrypt:echo:y"));
        }
    }

    @Test
    void sslMode() throws Exception {
        try (FakeLond lond = FakeLond.builder().ssl(tls).build().start();
                Shell shell = open(lond, KeyMode.SSL, false)) {
            shell.tls = tls;
            SessionAction.Ready ready = shell.handshake();
            assertEquals(KeyMode.SSL, ready.mode());
            assertEquals("z", shell.call(null, "encrypt:echo:z"));
            assertEquals("msul1", shell.call(null, "ping"));
            assertEquals(KeyMode.SSL, lond.takeRequest(WAIT).mode());
        }
    }

    @Test
    void sslModeFallsBackToInsecureWithoutCertificatesOnLond() throws Exception {
        try (FakeLond lond = FakeLond.builder().build().start();
                Shell shell = open(lond, KeyMode.SSL, true)) {
            shell.tls = tls;
            SessionAction.Ready ready = shell.handshake();
            assertEquals(KeyMode.INSECURE, ready.mode());
            assertTrue(ready.fellBackToInsecure());
            assertEquals("w", shell.call(null, "encrypt:echo:w"));
        }
    }

    @Test
    void sslFallbackIsAFailureWhenInsecureIsNotAllowed() throws Exception {
        try (FakeLond lond = FakeLond.builder().build().start();
                Shell shell = open(lond, KeyMode.SSL, false)) {
            assertEquals(FailureKind.HANDSHAKE, shell.handshakeFailure().kind());
        }
    }

    @Test
    void connectionFaultsBecomeTheExpectedFailures() throws Exception {
        try (FakeLond lond = FakeLond.builder().build().start()) {
            lond.fault(Fault.REFUSE);
            try (Shell shell = open(lond, KeyMode.INSECURE, true)) {
                assertEquals(FailureKind.REFUSED, shell.handshakeFailure().kind());
            }
            lond.fault(Fault.DISCONNECT_AT_START);
            try (Shell shell = open(lond, KeyMode.INSECURE, true)) {
                assertEquals(FailureKind.CLOSED, shell.handshakeFailure().kind());
            }
            lond.fault(Fault.GARBAGE_HANDSHAKE);
            try (Shell shell = open(lond, KeyMode.INSECURE, true)) {
                assertEquals(FailureKind.BAD_LINE, shell.handshakeFailure().kind());
            }
            lond.fault(Fault.WRONG_CHALLENGE_OK);
            try (Shell shell = open(lond, KeyMode.INSECURE, true)) {
                assertEquals(FailureKind.HANDSHAKE, shell.handshakeFailure().kind());
            }
            lond.fault(Fault.NONE);
            try (Shell shell = open(lond, KeyMode.INSECURE, true)) {
                assertNotNull(shell.handshake());
            }
        }
    }

    @Test
    void insecureNotAllowedByLondIsAClosedConnection() throws Exception {
        try (FakeLond lond = FakeLond.builder().allowInsecure(false).build().start();
                Shell shell = open(lond, KeyMode.INSECURE, true)) {
            SessionAction.Failed f = shell.handshakeFailure();
            assertEquals(FailureKind.CLOSED, f.kind());
            assertFalse(f.transactionLost());
        }
    }

    @Test
    void replyFaultsLoseTheTransaction() throws Exception {
        try (FakeLond lond = FakeLond.builder().build().start()) {
            lond.enqueue(Response.disconnect());
            try (Shell shell = open(lond, KeyMode.INSECURE, true)) {
                shell.handshake();
                assertNull(shell.call(null, "get:x"));
                assertEquals(FailureKind.CLOSED, shell.failed.kind());
                assertTrue(shell.failed.transactionLost());
            }
            lond.enqueue(Response.midReply("half"));
            try (Shell shell = open(lond, KeyMode.INSECURE, true)) {
                shell.handshake();
                assertNull(shell.call(null, "get:x"));
                assertEquals(FailureKind.CLOSED, shell.failed.kind());
                assertTrue(shell.failed.reason().contains("middle of a line"), shell.failed.reason());
            }
            lond.enqueue(Response.garbage());
            try (Shell shell = open(lond, KeyMode.INSECURE, true)) {
                shell.handshake();
                assertNull(shell.call(null, "get:x"));
                assertEquals(FailureKind.BAD_LINE, shell.failed.kind());
                assertTrue(shell.failed.transactionLost());
            }
        }
    }

    /**
     * Applies a LondSession's actions over a blocking socket. Lines are read one byte at a time and
     * framed by lonc-core's {@link LineReader}, so nothing past a line (e.g. TLS) is consumed early.
     */
    /** The session's version request (the default form of the switch) reaches FakeLond as such. */
    @Test
    void sessionSendsTheVersionRequestOfTheSwitch() throws Exception {
        try (FakeLond lond = FakeLond.builder().lonIds("msul1").build().start();
                Shell shell = open(lond, KeyMode.INSECURE, true)) {
            SessionAction.Ready ready = shell.handshake();
            assertEquals(489, ready.peerRevision());
            assertEquals(ProtocolChoices.versionRequest("2.11.4"),
                    lond.connection(0).controlLines().get(2));
        }
    }

    /**
     * Each form of the version request ({@code version} and {@code version:<lonVersion>}, the two
     * settings of {@link ProtocolChoices#VERSION_REQUEST_WITH_OWN_VERSION}) is answered with lond's
     * version, and the connection then works.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void eitherFormOfTheVersionRequestIsAnswered(boolean withOwnVersion) throws Exception {
        String request = ProtocolChoices.versionRequest(withOwnVersion, "2.11.4");
        assertEquals(withOwnVersion ? "version:2.11.4" : "version", request);
        try (FakeLond lond = FakeLond.builder().lonIds("msul1").clientLonId("msua3").build().start();
                LondTestClient c = LondTestClient.connect(lond)) {
            c.hailInsecure(ProtocolChoices.insecureInit("2.11.4"));
            String version = c.request(request);
            assertEquals(lond.versionReply(), version);
            assertEquals(489, ProtocolChoices.parseRevision(version));
            assertEquals("ok", c.request(ProtocolChoices.setHost("msul1")));
            c.ekey("msul1", "msua3");
            assertEquals("hello", c.encryptedRequest(null, "echo:hello"));
            assertEquals(request, lond.connection(0).controlLines().get(2));
        }
    }

    private static final class Shell implements AutoCloseable {
        private final LondSession session;
        private final FakeTicker ticker = new FakeTicker();
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private final LineReader lines = new LineReader(LineReader.DEFAULT_MAX_LINE_BYTES);
        SSLContext tls;
        /** Kept reachable so that its finalizer cannot send close_notify; never closed. */
        private SSLSocket tlsSocket;
        SessionAction.Ready ready;
        SessionAction.Failed failed;
        String reply;

        Shell(FakeLond lond, LondSession session) throws IOException {
            this.session = session;
            apply(session.onConnectStarted(ticker.nanoTime()));
            socket = new Socket();
            socket.connect(lond.address(), 3000);
            socket.setSoTimeout(10_000);
            socket.setTcpNoDelay(true);
            in = socket.getInputStream();
            out = socket.getOutputStream();
        }

        SessionAction.Ready handshake() throws IOException {
            apply(session.onConnected(ticker.nanoTime()));
            pump(() -> ready != null);
            assertNull(failed, () -> "handshake failed: " + failed);
            return ready;
        }

        SessionAction.Failed handshakeFailure() throws IOException {
            apply(session.onConnected(ticker.nanoTime()));
            pump(() -> ready != null);
            assertNull(ready, "handshake unexpectedly succeeded");
            assertNotNull(failed);
            return failed;
        }

        /** The reply, or null if the connection failed (see {@link #failed}). */
        String call(String lonId, String command) throws IOException {
            reply = null;
            apply(session.send(lonId, command, ticker.nanoTime()));
            pump(() -> reply != null);
            return reply;
        }

        private void pump(java.util.function.BooleanSupplier done) throws IOException {
            while (!done.getAsBoolean() && failed == null) {
                String line;
                try {
                    line = readLine();
                } catch (LineReader.LineException e) {
                    apply(session.onError(FailureKind.BAD_LINE, e.getMessage(), ticker.nanoTime()));
                    continue;
                } catch (IOException e) {
                    apply(session.onError(FailureKind.IO, e.toString(), ticker.nanoTime()));
                    continue;
                }
                if (line == null) {
                    apply(session.onPeerClosed(lines.pending() > 0, ticker.nanoTime()));
                } else {
                    apply(session.onLine(line, ticker.nanoTime()));
                }
            }
        }

        private String readLine() throws IOException, LineReader.LineException {
            byte[] one = new byte[1];
            while (true) {
                int b = in.read();
                if (b < 0) {
                    return null;
                }
                one[0] = (byte) b;
                lines.feed(one, 0, 1);
                if (b == '\n') {
                    return lines.nextLine();
                }
            }
        }

        private void apply(List<SessionAction> actions) throws IOException {
            for (SessionAction a : new ArrayList<>(actions)) { // the list is reused by the next call
                if (a instanceof SessionAction.SendLine send) {
                    out.write((send.line() + "\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                } else if (a instanceof SessionAction.StartTls) {
                    startTls();
                } else if (a instanceof SessionAction.Ready r) {
                    ready = r;
                } else if (a instanceof SessionAction.Reply r) {
                    reply = r.reply();
                } else if (a instanceof SessionAction.Failed f) {
                    failed = f;
                    socket.close();
                }
            }
        }

        private void startTls() throws IOException {
            String key;
            try {
                SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(socket,
                        socket.getInetAddress().getHostAddress(), socket.getPort(), false);
                tlsSocket = s;
                s.setUseClientMode(true);
                s.startHandshake();
                InputStream tlsIn = s.getInputStream();
                StringBuilder b = new StringBuilder();
                int c;
                while ((c = tlsIn.read()) >= 0 && c != '\n') {
                    b.append((char) c);
                }
                key = b.toString();
            } catch (IOException e) {
                apply(session.onTlsFailed(e.toString(), ticker.nanoTime()));
                return;
            }
            apply(session.onTlsKey(key, ticker.nanoTime()));
        }

        @Override
        public void close() throws IOException {
            session.close();
            socket.close();
            tlsSocket = null;
        }
    }
}
