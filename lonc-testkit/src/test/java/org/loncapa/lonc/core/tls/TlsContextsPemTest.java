package org.loncapa.lonc.core.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.io.StringWriter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.loncapa.lonc.testkit.TestPki;
import org.loncapa.lonc.testkit.TestPki.KeyFormat;
import org.loncapa.lonc.testkit.TestPki.KeyType;

/** Loading the PEM files LON-CAPA hosts have, and the errors for the ones they should not have. */
class TlsContextsPemTest {

    @TempDir
    Path tmp;

    enum Variant {
        RSA_PKCS1(KeyType.RSA_2048, KeyFormat.TRADITIONAL, "-----BEGIN RSA PRIVATE KEY-----"),
        RSA_PKCS8(KeyType.RSA_2048, KeyFormat.PKCS8, "-----BEGIN PRIVATE KEY-----"),
        EC_SEC1(KeyType.EC_P256, KeyFormat.TRADITIONAL, "-----BEGIN EC PRIVATE KEY-----"),
        EC_PKCS8(KeyType.EC_P256, KeyFormat.PKCS8, "-----BEGIN PRIVATE KEY-----");

        final KeyType type;
        final KeyFormat format;
        final String header;

        Variant(KeyType type, KeyFormat format, String header) {
            this.type = type;
            this.format = format;
            this.header = header;
        }
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void everyKeyFormatLoads(Variant v) throws Exception {
        TestPki pki = TestPki.create(tmp.resolve("ca"));
        TlsFiles files = pki.issueHost("msul1", tmp.resolve("h"), v.type, v.format);
        assertTrue(Files.readString(files.keyFile()).startsWith(v.header));
        assertNotNull(TlsContexts.forClient(files));
        assertNotNull(TlsContexts.forServer(files));
    }

    @Test
    void ecParametersBlockBeforeTheKeyIsSkipped() throws Exception {
        // "openssl ecparam -genkey" writes an EC PARAMETERS block first.
        TestPki pki = TestPki.create(tmp.resolve("ca"));
        TlsFiles files = pki.issueHost("msul1", tmp.resolve("h"));
        String params = "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n";
        Files.writeString(files.keyFile(), params + Files.readString(files.keyFile()));
        assertNotNull(TlsContexts.forClient(files));
    }

    @Test
    void keyAndCertificateInOneFileLoad() throws Exception {
        TestPki pki = TestPki.create(tmp.resolve("ca"));
        TlsFiles files = pki.issueHost("msul1", tmp.resolve("h"));
        Path both = tmp.resolve("both.pem");
        Files.writeString(both, Files.readString(files.certFile()) + Files.readString(files.keyFile()));
        assertNotNull(TlsContexts.forClient(new TlsFiles(files.caFile(), both, both)));
    }

    @Test
    void keyOfAnotherHostIsAMismatchNamingTheKeyFile() throws Exception {
        TestPki pki = TestPki.create(tmp.resolve("ca"));
        TlsFiles a = pki.issueHost("a", tmp.resolve("a"));
        TlsFiles b = pki.issueHost("b", tmp.resolve("b"));
        TlsFiles mixed = new TlsFiles(a.caFile(), a.certFile(), b.keyFile());
        TlsConfigException e = assertThrows(TlsConfigException.class, () -> TlsContexts.forClient(mixed));
        assertEquals(b.keyFile(), e.file());
        assertTrue(e.getMessage().contains("does not match the host certificate in " + a.certFile()), e.getMessage());
    }

    @Test
    void rsaKeyForAnEcCertificateIsAMismatch() throws Exception {
        TestPki pki = TestPki.create(tmp.resolve("ca"));
        TlsFiles ec = pki.issueHost("a", tmp.resolve("a"), KeyType.EC_P256, KeyFormat.TRADITIONAL);
        TlsFiles rsa = pki.issueHost("b", tmp.resolve("b"), KeyType.RSA_2048, KeyFormat.TRADITIONAL);
        TlsConfigException e = assertThrows(TlsConfigException.class,
                () -> TlsContexts.forServer(new TlsFiles(ec.caFile(), ec.certFile(), rsa.keyFile())));
        assertEquals(rsa.keyFile(), e.file());
        assertTrue(e.getMessage().contains("the key does not match the certificate"), e.getMessage());
    }

    @Test
    void certificateFileWithoutCertificateIsNamed() throws Exception {
        TestPki pki = TestPki.create(tmp.resolve("ca"));
        TlsFiles files = pki.issueHost("a", tmp.resolve("a"));
        TlsFiles swapped = new TlsFiles(files.caFile(), files.keyFile(), files.keyFile());
        TlsConfigException e = assertThrows(TlsConfigException.class, () -> TlsContexts.forClient(swapped));
        assertEquals(files.keyFile(), e.file());
        assertTrue(e.getMessage().contains("host certificate file contains no PEM certificate"), e.getMessage());
    }

    @Test
    void keyFileWithoutKeyIsNamed() throws Exception {
        TestPki pki = TestPki.create(tmp.resolve("ca"));
        TlsFiles files = pki.issueHost("a", tmp.resolve("a"));
        Files.writeString(files.keyFile(), "this is not a key\n");
        TlsConfigException e = assertThrows(TlsConfigException.class, () -> TlsContexts.forClient(files));
        assertEquals(files.keyFile(), e.file());
        assertTrue(e.getMessage().contains("contains no supported private key"), e.getMessage());
    }

    @Test
    void missingKeyFileIsNamed() throws Exception {
        TestPki pki = TestPki.create(tmp.resolve("ca"));
        TlsFiles files = pki.issueHost("a", tmp.resolve("a"));
        Files.delete(files.keyFile());
        TlsConfigException e = assertThrows(TlsConfigException.class, () -> TlsContexts.forClient(files));
        assertEquals(files.keyFile(), e.file());
        assertTrue(e.getMessage().endsWith("private key file does not exist"), e.getMessage());
    }

    @Test
    void encryptedKeyIsRejectedWithAReason() throws Exception {
        TestPki pki = TestPki.create(tmp.resolve("ca"));
        TlsFiles files = pki.issueHost("a", tmp.resolve("a"));
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        StringWriter pem = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(pem)) {
            w.writeObject(new JcaPKCS8Generator(g.generateKeyPair().getPrivate(),
                    new JceOpenSSLPKCS8EncryptorBuilder(PKCSObjectIdentifiers.pbeWithSHAAnd3_KeyTripleDES_CBC)
                            .setPassword("secret".toCharArray()).build()));
        }
        Files.writeString(files.keyFile(), pem.toString());
        TlsConfigException e = assertThrows(TlsConfigException.class, () -> TlsContexts.forClient(files));
        assertEquals(files.keyFile(), e.file());
        assertTrue(e.getMessage().contains("encrypted"), e.getMessage());
    }
}
