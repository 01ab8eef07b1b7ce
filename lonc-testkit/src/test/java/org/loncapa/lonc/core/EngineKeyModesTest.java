package org.loncapa.lonc.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loncapa.lonc.core.internal.protocol.KeyMode;
import org.loncapa.lonc.core.tls.TlsContexts;
import org.loncapa.lonc.core.tls.TlsFiles;
import org.loncapa.lonc.testkit.FakeLond;
import org.loncapa.lonc.testkit.RecordedRequest;
import org.loncapa.lonc.testkit.TestPki;

/** The engine in each key mode over real loopback TCP, with certificates made at test time. */
class EngineKeyModesTest {
    @TempDir
    static Path pkiDir;
    static TlsFiles londFiles;
    static TlsFiles loncFiles;
    static TlsFiles rogueFiles;

    private FakeLond lond;
    private LoncEngine engine;

    @BeforeAll
    static void makeCertificates() throws Exception {
        TestPki pki = TestPki.create(pkiDir.resolve("ca"));
        londFiles = pki.issueHost("lond.test", pkiDir.resolve("lond"));
        loncFiles = pki.issueHost("lonc.test", pkiDir.resolve("lonc"));
        rogueFiles = TestPki.createRogue(pkiDir.resolve("rogue-ca")).issueHost("lonc.test",
                pkiDir.resolve("rogue"));
    }

    @AfterEach
    void tearDown() {
        if (engine != null) {
            engine.close(Duration.ofMillis(100));
        }
        if (lond != null) {
            lond.close();
        }
    }

    private void start(FakeLond.Builder lb, boolean thisHost, SSLContext client, boolean allowInsecure,
            Path keyDir) throws Exception {
        lond = lb.lonIds("msul1").clientLonId("msua3").build().start();
        EngineConfig.Builder eb = EngineConfig.builder("msua3")
                .host(new RemoteHost("lond.test", List.of("msul1"), "127.0.0.1", lond.port(), thisHost))
                .allowInsecure(allowInsecure).sslContext(client).retries(3);
        if (keyDir != null) {
            eb.localKeyDir(keyDir);
        }
        engine = LoncEngine.start(eb.build());
    }

    private String send(String cmd) throws Exception {
        return engine.submit("msul1", cmd).get(20, TimeUnit.SECONDS);
    }

    @Test
    void sslModeWithCertificatesMadeAtTestTime() throws Exception {
        start(FakeLond.builder().allowInsecure(false).ssl(TlsContexts.forServer(londFiles)), false,
                TlsContexts.forClient(loncFiles), false, null);
        assertEquals("msul1", send("ping"));
        assertEquals("pw-ok", send("encrypt:echo:pw-ok"));
        lond.takeRequest(Duration.ofSeconds(5));
        RecordedRequest r = lond.takeRequest(Duration.ofSeconds(5));
        assertTrue(r.encrypted());
        assertEquals("echo:pw-ok", r.command());
        assertEquals(KeyMode.SSL, r.mode());
        assertEquals("ssl", engine.status("lond.test").orElseThrow().keyMode());
        // the plain-text phase after TLS works on the same socket: one connection did it all
        assertEquals(1, lond.connectionCount());
    }

    @Test
    void sslClientCertificateFromAnotherCaIsRejected() throws Exception {
        start(FakeLond.builder().allowInsecure(false).ssl(TlsContexts.forServer(londFiles)), false,
                TlsContexts.forClient(rogueFiles), false, null);
        assertEquals(ReplyTokens.CON_LOST, send("ping"));
        HostStatus s = engine.status("lond.test").orElseThrow();
        assertEquals(1, s.failures());
        assertEquals(0, lond.requestCount());
    }

    @Test
    void oldLondWithoutSslFallsBackToInsecureOnlyWhenAllowed() throws Exception {
        start(FakeLond.builder().allowInsecure(true), false, TlsContexts.forClient(loncFiles), true, null);
        assertEquals("msul1", send("ping"));
        assertEquals("insecure", engine.status("lond.test").orElseThrow().keyMode());
        engine.close(Duration.ofMillis(100));
        lond.close();

        start(FakeLond.builder().allowInsecure(true), false, TlsContexts.forClient(loncFiles), false, null);
        assertEquals(ReplyTokens.CON_LOST, send("ping"));
        assertEquals(0, lond.requestCount());
    }

    @Test
    void localModeForThisHostRemovesItsKeyFile(@TempDir Path keyDir) throws Exception {
        start(FakeLond.builder().allowInsecure(false).allowLocal(true), true, null, false, keyDir);
        assertEquals("msul1", send("ping"));
        assertEquals("secret", send("encrypt:echo:secret"));
        assertEquals("local", engine.status("lond.test").orElseThrow().keyMode());
        try (Stream<Path> files = Files.list(keyDir)) {
            assertEquals(0, files.count(), "no key file left behind");
        }
    }

    @Test
    void noUsableKeyModeFailsWithoutConnecting() throws Exception {
        start(FakeLond.builder(), false, null, false, null);
        assertEquals(ReplyTokens.CON_LOST, send("ping"));
        assertEquals(0, lond.connectionCount());
        assertEquals(1, engine.status("lond.test").orElseThrow().failures());
    }
}
