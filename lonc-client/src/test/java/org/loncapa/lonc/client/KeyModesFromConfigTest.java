package org.loncapa.lonc.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.loncapa.lonc.core.internal.protocol.KeyMode;
import org.loncapa.lonc.core.tls.TlsContexts;
import org.loncapa.lonc.testkit.FakeLond;
import org.loncapa.lonc.testkit.RecordedRequest;
import org.loncapa.lonc.testkit.TestPki;

/**
 * fromConfig chooses the key mode as lonc does: ssl when the certificate files of
 * {@code lonCertificateDirectory} exist, local for this host's own machine, insecure only when
 * allowed. Certificates are made at test time.
 */
@Timeout(60)
class KeyModesFromConfigTest {
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

    Path conf(String hostsTab, boolean allowInsecure, Path certDir) throws Exception {
        Files.createDirectories(tmp.resolve("tabs"));
        Files.createDirectories(tmp.resolve("ids"));
        Files.writeString(tmp.resolve("tabs/hosts.tab"), hostsTab);
        return Files.writeString(tmp.resolve("loncapa.conf"), String.join("\n",
                "PerlSetVar lonHostID msua3",
                "PerlSetVar lonTabDir " + tmp.resolve("tabs"),
                "PerlSetVar lonSockDir " + tmp.resolve("sockets"),
                "PerlSetVar lonIDsDir " + tmp.resolve("ids"),
                "PerlSetVar londPort " + lond.port(),
                "PerlSetVar loncAllowInsecure " + (allowInsecure ? 1 : 0),
                "PerlSetVar lonCertificateDirectory " + certDir,
                "PerlSetVar lonVersion 2.12.0",
                ""));
    }

    @Test
    void sslWhenTheCertificateFilesExist() throws Exception {
        TestPki pki = TestPki.create(tmp.resolve("ca"));
        lond = FakeLond.builder().lonIds("msul1").clientLonId("msua3").allowInsecure(false)
                .ssl(TlsContexts.forServer(pki.issueHost("msul1", tmp.resolve("lond-certs"))))
                .build().start();
        pki.issueHost("msua3", tmp.resolve("certs"));
        Path conf = conf("msul1:msu:library:lond.test:127.0.0.1\n", false, tmp.resolve("certs"));
        client = LoncClient.fromConfig(conf).build();
        assertEquals("pw", client.reply("msul1", "encrypt:echo:pw").line());
        RecordedRequest r = lond.takeRequest(WAIT);
        assertEquals(KeyMode.SSL, r.mode());
        assertTrue(r.encrypted());
        assertEquals("ssl", client.status("msul1").orElseThrow().keyMode());
    }

    @Test
    void sslFromCertificateFilesNamedInCode() throws Exception {
        TestPki pki = TestPki.create(tmp.resolve("ca"));
        lond = FakeLond.builder().lonIds("msul1").clientLonId("msua3").allowInsecure(false)
                .ssl(TlsContexts.forServer(pki.issueHost("msul1", tmp.resolve("lond-certs"))))
                .build().start();
        var mine = pki.issueHost("msua3", tmp.resolve("certs"));
        client = LoncClient.builder("msua3")
                .host(LondHost.of("lond.test", "127.0.0.1", lond.port(), "msul1"))
                .sslCertificates(mine.caFile(), mine.certFile(), mine.keyFile())
                .build();
        assertEquals("pw", client.reply("msul1", "encrypt:echo:pw").line());
        assertEquals(KeyMode.SSL, lond.takeRequest(WAIT).mode());

        Path bad = Files.writeString(tmp.resolve("broken.pem"), "not a key\n");
        LoncConfigException e = assertThrows(LoncConfigException.class, () -> LoncClient.builder("msua3")
                .sslCertificates(mine.caFile(), mine.certFile(), bad));
        assertEquals(Optional.of(bad), e.file());
        assertTrue(e.getMessage().contains("broken.pem"), e.getMessage());
    }

    @Test
    void insecureOnlyWhenAllowed() throws Exception {
        lond = FakeLond.builder().lonIds("msul1").clientLonId("msua3").allowInsecure(true)
                .build().start();
        Path conf = conf("msul1:msu:library:lond.test:127.0.0.1\n", false, tmp.resolve("nocerts"));
        client = LoncClient.fromConfig(conf).build();
        assertEquals(Reply.Kind.CON_LOST, client.reply("msul1", "ping").kind());
        assertEquals(0, lond.connectionCount(), "no mode may be used: nothing is sent");
        client.close();

        Path conf2 = conf("msul1:msu:library:lond.test:127.0.0.1\n", true, tmp.resolve("nocerts"));
        client = LoncClient.fromConfig(conf2).build();
        assertEquals("msul1", client.reply("msul1", "ping").line());
        assertEquals(KeyMode.INSECURE, lond.takeRequest(WAIT).mode());
    }

    @Test
    void localForThisHostsOwnMachine() throws Exception {
        lond = FakeLond.builder().lonIds("msua3").clientLonId("msua3").allowInsecure(false)
                .build().start();
        Path conf = conf("msua3:msu:access:me.test\n", false, tmp.resolve("nocerts"));
        client = LoncClient.fromConfig(conf).build();
        assertEquals("msua3", client.reply("msua3", "ping").line());
        assertEquals(KeyMode.LOCAL, lond.takeRequest(WAIT).mode());
        try (var keyFiles = Files.list(tmp.resolve("ids"))) {
            assertEquals(0, keyFiles.count(), "the one-time key file is gone");
        }
    }

    @Test
    void unusableCertificateFilesAreAConfigError() throws Exception {
        lond = FakeLond.builder().build().start();
        Path certs = Files.createDirectories(tmp.resolve("badcerts"));
        Files.writeString(certs.resolve("loncapaCA.pem"), "not a certificate\n");
        Files.writeString(certs.resolve("lonhostcert.pem"), "not a certificate\n");
        Files.writeString(certs.resolve("lonhostkey.pem"), "not a key\n");
        Path conf = conf("msul1:msu:library:lond.test:127.0.0.1\n", false, certs);
        LoncConfigException e = assertThrows(LoncConfigException.class, () -> LoncClient.fromConfig(conf));
        assertTrue(e.getMessage().contains("badcerts"), e.getMessage());
    }
}
