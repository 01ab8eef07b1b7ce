package org.loncapa.lonc.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.loncapa.lonc.core.internal.protocol.KeyMode;
import org.loncapa.lonc.core.tls.TlsContexts;
import org.loncapa.lonc.core.tls.TlsFiles;
import org.loncapa.lonc.testkit.Fault;
import org.loncapa.lonc.testkit.FakeLond;
import org.loncapa.lonc.testkit.RecordedRequest;
import org.loncapa.lonc.testkit.TestPki;

/** {@code lonc probe} against FakeLond in each key mode, and its failures. */
@Timeout(60)
class ProbeTest {
    @TempDir
    static Path pki;
    static TlsFiles londFiles;
    static TlsFiles loncFiles;
    static TlsFiles rogueFiles;

    @TempDir
    Path tmp;
    FakeLond lond;

    record Run(int code, String out, String err) {}

    @BeforeAll
    static void certificates() {
        TestPki ca = TestPki.create(pki.resolve("ca"));
        londFiles = ca.issueHost("msul1", pki.resolve("lond"));
        loncFiles = ca.issueHost("msua3", pki.resolve("lonc"));
        rogueFiles = TestPki.createRogue(pki.resolve("rogue-ca")).issueHost("msua3", pki.resolve("rogue"));
    }

    @AfterEach
    void tearDown() {
        if (lond != null) {
            lond.close();
        }
    }

    Run probe(String... more) {
        List<String> args = new ArrayList<>(List.of("probe", "--host", "127.0.0.1", "--port",
                Integer.toString(lond.port()), "--my-id", "msua3", "--remote-id", "msul1"));
        args.addAll(List.of(more));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = LoncCli.run(args.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    FakeLond.Builder lond() {
        return FakeLond.builder().lonIds("msul1").clientLonId("msua3");
    }

    @Test
    void insecure() throws Exception {
        lond = lond().allowInsecure(true).build().start();
        Run r = probe("--mode", "insecure");
        assertEquals(0, r.code(), r.err());
        assertEquals("msul1\n", r.out());
        assertTrue(r.err().contains("* hailing in insecure mode"), r.err());
        assertTrue(r.err().contains("* ready: insecure mode"), r.err());
        assertTrue(r.err().contains("Revision: 1.489"), r.err());
        assertEquals(KeyMode.INSECURE, lond.takeRequest(Duration.ofSeconds(5)).mode());
    }

    @Test
    void encryptedRequestNeverShowsItsArguments() throws Exception {
        lond = lond().allowInsecure(true).build().start();
        Run r = probe("--mode", "insecure", "--request", "encrypt:echo:s3cret");
        assertEquals(new Run(0, "s3cret\n", r.err()), r);
        assertFalse(r.err().contains("s3cret"), r.err());
        assertTrue(r.err().contains("request: encrypt:echo"), r.err());
        RecordedRequest req = lond.takeRequest(Duration.ofSeconds(5));
        assertTrue(req.encrypted());
    }

    @Test
    void ssl() throws Exception {
        lond = lond().allowInsecure(false).ssl(TlsContexts.forServer(londFiles)).build().start();
        Run r = probe("--mode", "ssl", "--ca", loncFiles.caFile().toString(), "--cert",
                loncFiles.certFile().toString(), "--key", loncFiles.keyFile().toString(),
                "--request", "encrypt:echo:pw");
        assertEquals(new Run(0, "pw\n", r.err()), r);
        assertTrue(r.err().contains("* TLS TLSv1."), r.err());
        assertTrue(r.err().contains("CN=msul1"), r.err());
        assertTrue(r.err().contains("* ready: ssl mode"), r.err());
        assertFalse(r.err().matches("(?s).*[0-9a-f]{32}.*"), "key material on stderr: " + r.err());
        assertEquals(KeyMode.SSL, lond.takeRequest(Duration.ofSeconds(5)).mode());
    }

    @Test
    void sslWithACertificateFromAnotherCaFails() throws Exception {
        lond = lond().allowInsecure(false).ssl(TlsContexts.forServer(londFiles)).build().start();
        Run r = probe("--mode", "ssl", "--ca", loncFiles.caFile().toString(), "--cert",
                rogueFiles.certFile().toString(), "--key", rogueFiles.keyFile().toString());
        assertEquals(4, r.code());
        assertEquals("", r.out());
        assertTrue(r.err().contains("lonc probe: TLS"), r.err());
    }

    @Test
    void local() throws Exception {
        lond = lond().allowInsecure(false).build().start();
        Path keys = Files.createDirectories(tmp.resolve("keys"));
        Run r = probe("--mode", "local", "--key-dir", keys.toString());
        assertEquals(new Run(0, "msul1\n", r.err()), r);
        assertTrue(r.err().contains("* lond read the local key"), r.err());
        try (var s = Files.list(keys)) {
            assertEquals(0, s.count(), "key file removed");
        }
        assertEquals(KeyMode.LOCAL, lond.takeRequest(Duration.ofSeconds(5)).mode());
    }

    @Test
    void oldLondFallbackOnlyWhenAllowed() throws Exception {
        lond = lond().allowInsecure(true).allowLocal(false).build().start();
        Path keys = Files.createDirectories(tmp.resolve("keys"));
        Run refused = probe("--mode", "local", "--key-dir", keys.toString());
        assertEquals(4, refused.code());
        assertTrue(refused.err().contains("loncAllowInsecure"), refused.err());
        Run fellBack = probe("--mode", "local", "--key-dir", keys.toString(), "--allow-insecure");
        assertEquals(0, fellBack.code(), fellBack.err());
        assertTrue(fellBack.err().contains("fell back to insecure"), fellBack.err());
    }

    @Test
    void refusedByLond() throws Exception {
        lond = lond().allowInsecure(true).fault(Fault.REFUSE).build().start();
        Run r = probe("--mode", "insecure");
        assertEquals(4, r.code());
        assertEquals("", r.out());
        assertTrue(r.err().contains("lonc probe: REFUSED"), r.err());
    }

    @Test
    void stalledHandshakeTimesOut() throws Exception {
        lond = lond().allowInsecure(true).fault(Fault.STALL_HANDSHAKE).build().start();
        Run r = probe("--mode", "insecure", "--timeout", "300ms");
        assertEquals(4, r.code());
        assertTrue(r.err().contains("lonc probe: TIMEOUT"), r.err());
    }

    @Test
    void errorTokenFromLondExitsOne() throws Exception {
        lond = lond().allowInsecure(true).build().start();
        Run r = probe("--mode", "insecure", "--request", "nosuchcommand");
        assertEquals(new Run(1, "unknown_cmd\n", r.err()), r);
    }

    @Test
    void nothingListening() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = LoncCli.run(new String[] {"probe", "--host", "127.0.0.1", "--port",
                Integer.toString(port), "--my-id", "a", "--remote-id", "b", "--mode", "insecure"},
                new PrintWriter(out), new PrintWriter(err));
        assertEquals(4, code);
        assertTrue(err.toString().contains("lonc probe: CONNECT"), err.toString());
    }

    @Test
    void usageErrors() throws Exception {
        lond = lond().build().start();
        assertEquals(2, probe("--mode", "ssl").code(), "ssl without files");
        assertEquals(2, probe("--mode", "tls").code());
        assertEquals(2, probe().code(), "no mode");
        assertEquals(2, probe("--mode", "insecure", "--request", "a\nb").code());
        assertEquals(0, lond.connectionCount());
    }
}
