package org.loncapa.lonc.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loncapa.lonc.core.tls.TlsFiles;
import org.loncapa.lonc.testkit.TestPki.KeyFormat;
import org.loncapa.lonc.testkit.TestPki.KeyType;

class TestPkiTest {

    @TempDir
    Path tmp;

    private static List<X509Certificate> certs(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            List<X509Certificate> out = new ArrayList<>();
            CertificateFactory.getInstance("X.509").generateCertificates(in).forEach(c -> out.add((X509Certificate) c));
            return out;
        }
    }

    @Test
    void writesTheThreeFilesUnderLonCapaNames() throws Exception {
        TestPki pki = TestPki.create(tmp.resolve("ca"));
        TlsFiles files = pki.issueHost("msul1", tmp.resolve("msul1"));

        assertEquals(TlsFiles.inDirectory(tmp.resolve("msul1")), files);
        assertTrue(files.allExist());
        assertEquals(tmp.resolve("ca/loncapaCA.pem"), pki.caFile());
        assertEquals(Files.readString(pki.caFile()), Files.readString(files.caFile()));

        X509Certificate host = certs(files.certFile()).get(0);
        host.checkValidity();
        host.verify(pki.caCertificate().getPublicKey());
        assertEquals("CN=msul1,O=LON-CAPA Test", host.getSubjectX500Principal().getName());
        assertEquals("EC", host.getPublicKey().getAlgorithm());
    }

    @Test
    void keyFormatsUseTheExpectedPemHeaders() throws Exception {
        TestPki pki = TestPki.create(tmp.resolve("ca"));
        assertTrue(Files.readString(pki.issueHost("a", tmp.resolve("a"), KeyType.EC_P256, KeyFormat.TRADITIONAL)
                .keyFile()).startsWith("-----BEGIN EC PRIVATE KEY-----"));
        assertTrue(Files.readString(pki.issueHost("b", tmp.resolve("b"), KeyType.EC_P256, KeyFormat.PKCS8)
                .keyFile()).startsWith("-----BEGIN PRIVATE KEY-----"));
        assertTrue(Files.readString(pki.issueHost("c", tmp.resolve("c"), KeyType.RSA_2048, KeyFormat.TRADITIONAL)
                .keyFile()).startsWith("-----BEGIN RSA PRIVATE KEY-----"));
    }

    @Test
    void expiredHostIsExpired() throws Exception {
        TestPki pki = TestPki.create(tmp.resolve("ca"));
        X509Certificate host = certs(pki.issueExpiredHost("old", tmp.resolve("old")).certFile()).get(0);
        assertThrows(CertificateExpiredException.class, host::checkValidity);
    }

    @Test
    void rogueCaHasTheSameNameButAnotherKey() throws Exception {
        TestPki real = TestPki.create(tmp.resolve("ca"));
        TestPki rogue = TestPki.createRogue(tmp.resolve("rogue"));
        assertEquals(real.caCertificate().getSubjectX500Principal(), rogue.caCertificate().getSubjectX500Principal());
        assertNotEquals(real.caCertificate().getPublicKey(), rogue.caCertificate().getPublicKey());
    }

    @Test
    void intermediateIssuedHostsCarryTheChain() throws Exception {
        TestPki root = TestPki.create(tmp.resolve("ca"));
        TestPki mid = root.createIntermediate("LON-CAPA Test Intermediate", tmp.resolve("mid"));
        TlsFiles files = mid.issueHost("msua3", tmp.resolve("msua3"));
        List<X509Certificate> chain = certs(files.certFile());
        assertEquals(2, chain.size());
        chain.get(0).verify(chain.get(1).getPublicKey());
        chain.get(1).verify(root.caCertificate().getPublicKey());
        assertEquals(List.of(root.caCertificate()), certs(files.caFile()));
    }
}
