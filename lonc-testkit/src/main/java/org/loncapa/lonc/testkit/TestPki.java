package org.loncapa.lonc.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.loncapa.lonc.core.tls.TlsFiles;

/**
 * A throw-away LON-CAPA certificate authority for tests: generates a CA and host certificates
 * signed by it at test time and writes them as PEM files under LON-CAPA's names
 * ({@code loncapaCA.pem}, {@code lonhostcert.pem}, {@code lonhostkey.pem}), so that both sides of
 * lond's ssl key exchange can be exercised without checked-in key material.
 *
 * <pre>
 *   TestPki pki = TestPki.create(tmp.resolve("ca"));
 *   TlsFiles lonc = pki.issueHost("msua3", tmp.resolve("msua3"));
 *   TlsFiles lond = pki.issueHost("msul1", tmp.resolve("msul1"), KeyType.RSA_2048, KeyFormat.PKCS8);
 *   TestPki rogue = TestPki.createRogue(tmp.resolve("rogue"));   // same name, different key
 * </pre>
 *
 * <p>Keys are EC P-256 by default (fast); RSA 2048 on request. Host certificates carry the CN as
 * subject and as a DNS subjectAltName, basicConstraints CA:false and both serverAuth and clientAuth
 * extended key usages, because each LON-CAPA host is both a TLS client (lonc) and server (lond).
 * Validity is relative to the wall clock at creation: from one day before to one year after, or
 * already over for {@link #issueExpiredHost}.
 *
 * <p>Thread-safe: the state is immutable after creation; issuing only writes new files. Arguments
 * must not be {@code null}.
 */
public final class TestPki {

    /** The default CA name, close to the real "LON-CAPA Certificate Authority". */
    public static final String DEFAULT_CA_NAME = "LON-CAPA Test Certificate Authority";

    /** Key algorithm for generated keys. */
    public enum KeyType {
        /** ECDSA on NIST P-256 (secp256r1); milliseconds to generate. */
        EC_P256,
        /** RSA with a 2048-bit modulus; as older LON-CAPA hosts have. Slower to generate. */
        RSA_2048
    }

    /** How the private key is written to {@code lonhostkey.pem}. */
    public enum KeyFormat {
        /**
         * OpenSSL "traditional": PKCS#1 {@code BEGIN RSA PRIVATE KEY} for RSA, SEC1
         * {@code BEGIN EC PRIVATE KEY} for EC. What {@code openssl genrsa} wrote for years; the JDK
         * alone cannot read it.
         */
        TRADITIONAL,
        /** PKCS#8 {@code BEGIN PRIVATE KEY}, what current OpenSSL writes by default. */
        PKCS8
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final X509Certificate root;
    private final X509Certificate signer;
    private final PrivateKey signerKey;
    /** Certificates between a host certificate and the root: the signer and its issuers, root excluded. */
    private final List<X509Certificate> intermediates;
    private final Path caFile;
    private final Instant now;

    private TestPki(X509Certificate root, X509Certificate signer, PrivateKey signerKey,
            List<X509Certificate> intermediates, Path caFile, Instant now) {
        this.root = root;
        this.signer = signer;
        this.signerKey = signerKey;
        this.intermediates = List.copyOf(intermediates);
        this.caFile = caFile;
        this.now = now;
    }

    /**
     * A new CA named {@link #DEFAULT_CA_NAME} with an EC P-256 key; writes its certificate to
     * {@code dir/loncapaCA.pem} (the directory is created if needed).
     */
    public static TestPki create(Path dir) {
        return create(dir, DEFAULT_CA_NAME, KeyType.EC_P256);
    }

    /**
     * An unrelated CA for negative tests, with the <em>same</em> name as {@link #create(Path)}'s, so
     * that only the signature tells its certificates apart from genuine ones.
     */
    public static TestPki createRogue(Path dir) {
        return create(dir, DEFAULT_CA_NAME, KeyType.EC_P256);
    }

    /**
     * A new self-signed CA.
     *
     * @param dir where {@code loncapaCA.pem} is written; created if needed
     * @param caName the CA's common name
     * @param keyType the CA's key algorithm
     */
    public static TestPki create(Path dir, String caName, KeyType keyType) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(caName, "caName");
        Objects.requireNonNull(keyType, "keyType");
        Instant now = Instant.now();
        KeyPair kp = generate(keyType);
        X500Principal name = new X500Principal("CN=" + caName + ", O=LON-CAPA Test");
        X509Certificate ca = sign(name, kp.getPublic(), name, kp.getPrivate(), null, true,
                now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(3650)), null);
        Path caFile = dir.resolve(TlsFiles.DEFAULT_CA_FILE_NAME);
        writePem(caFile, List.of(ca));
        return new TestPki(ca, ca, kp.getPrivate(), List.of(), caFile, now);
    }

    /**
     * An intermediate CA signed by this one. Host certificates it issues list the intermediate
     * (and any above it) after the host certificate in {@code lonhostcert.pem}; their
     * {@code loncapaCA.pem} holds only the root, as a chain test needs.
     *
     * @param dir where the intermediate's own certificate is written, as {@code intermediate.pem}
     */
    public TestPki createIntermediate(String name, Path dir) {
        Objects.requireNonNull(name, "name");
        KeyPair kp = generate(KeyType.EC_P256);
        X509Certificate cert = sign(new X500Principal("CN=" + name + ", O=LON-CAPA Test"), kp.getPublic(),
                signer.getSubjectX500Principal(), signerKey, signer, true,
                now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(3650)), null);
        writePem(dir.resolve("intermediate.pem"), List.of(cert));
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(cert);
        chain.addAll(intermediates);
        return new TestPki(root, cert, kp.getPrivate(), chain, caFile, now);
    }

    /** The root CA certificate file ({@code loncapaCA.pem} in the directory given at creation). */
    public Path caFile() {
        return caFile;
    }

    /** The root CA certificate. */
    public X509Certificate caCertificate() {
        return root;
    }

    /** A valid EC P-256 host certificate with a traditional (SEC1) key; see the 4-argument form. */
    public TlsFiles issueHost(String cn, Path dir) {
        return issueHost(cn, dir, KeyType.EC_P256, KeyFormat.TRADITIONAL);
    }

    /** A valid EC P-256 host certificate with the key written in {@code format}. */
    public TlsFiles issueHost(String cn, Path dir, KeyFormat format) {
        return issueHost(cn, dir, KeyType.EC_P256, format);
    }

    /**
     * Issues a host certificate and writes the three LON-CAPA files into {@code dir} (created if
     * needed): a copy of the root CA, the host certificate (followed by any intermediates) and the
     * unencrypted private key.
     *
     * @param cn the host's common name, for example a lonHostID such as {@code msul1}, or
     *     {@code localhost}; also written as a DNS subjectAltName
     * @return the three files, as {@link TlsFiles#inDirectory(Path)}
     */
    public TlsFiles issueHost(String cn, Path dir, KeyType keyType, KeyFormat format) {
        return issue(cn, dir, keyType, format, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(365)));
    }

    /**
     * Like {@link #issueHost(String, Path)} but the certificate expired yesterday (it was valid for
     * the 30 days before).
     */
    public TlsFiles issueExpiredHost(String cn, Path dir) {
        return issue(cn, dir, KeyType.EC_P256, KeyFormat.TRADITIONAL,
                now.minus(Duration.ofDays(31)), now.minus(Duration.ofDays(1)));
    }

    private TlsFiles issue(String cn, Path dir, KeyType keyType, KeyFormat format, Instant notBefore, Instant notAfter) {
        Objects.requireNonNull(cn, "cn");
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(keyType, "keyType");
        Objects.requireNonNull(format, "format");
        KeyPair kp = generate(keyType);
        X509Certificate host = sign(new X500Principal("CN=" + cn + ", O=LON-CAPA Test"), kp.getPublic(),
                signer.getSubjectX500Principal(), signerKey, signer, false, notBefore, notAfter, cn);
        TlsFiles files = TlsFiles.inDirectory(dir);
        writePem(files.caFile(), List.of(root));
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(host);
        chain.addAll(intermediates);
        writePem(files.certFile(), chain);
        writeKey(files.keyFile(), kp, format);
        return files;
    }

    // ---------------------------------------------------------------------------------------------

    private static KeyPair generate(KeyType type) {
        try {
            KeyPairGenerator g;
            if (type == KeyType.EC_P256) {
                g = KeyPairGenerator.getInstance("EC");
                g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            } else {
                g = KeyPairGenerator.getInstance("RSA");
                g.initialize(2048, RANDOM);
            }
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate a " + type + " key", e);
        }
    }

    private static X509Certificate sign(X500Principal subject, PublicKey subjectKey, X500Principal issuer,
            PrivateKey issuerKey, X509Certificate issuerCert, boolean isCa, Instant notBefore, Instant notAfter,
            String dnsName) {
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, RANDOM).abs(),
                    Date.from(notBefore), Date.from(notAfter), subject, subjectKey);
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(subjectKey));
            if (issuerCert != null) {
                b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(issuerCert));
            }
            if (isCa) {
                b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
                b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            } else {
                b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                int usage = "RSA".equals(subjectKey.getAlgorithm())
                        ? KeyUsage.digitalSignature | KeyUsage.keyEncipherment
                        : KeyUsage.digitalSignature;
                b.addExtension(Extension.keyUsage, true, new KeyUsage(usage));
                b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                        new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
                b.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(new GeneralName(GeneralName.dNSName, dnsName)));
            }
            String alg = "RSA".equals(issuerKey.getAlgorithm()) ? "SHA256withRSA" : "SHA256withECDSA";
            ContentSigner cs = new JcaContentSignerBuilder(alg).build(issuerKey);
            return new JcaX509CertificateConverter().getCertificate(b.build(cs));
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot sign a test certificate for " + subject, e);
        }
    }

    private static void writePem(Path file, List<X509Certificate> certs) {
        write(file, w -> {
            for (X509Certificate c : certs) {
                w.writeObject(c);
            }
        });
    }

    private static void writeKey(Path file, KeyPair kp, KeyFormat format) {
        write(file, w -> {
            if (format == KeyFormat.PKCS8) {
                w.writeObject(new JcaPKCS8Generator(kp.getPrivate(), null));
            } else if ("EC".equals(kp.getPrivate().getAlgorithm())) {
                w.writeObject(new PemObject("EC PRIVATE KEY", sec1(kp)));
            } else {
                w.writeObject(kp.getPrivate()); // JcaMiscPEMGenerator: PKCS#1 "RSA PRIVATE KEY"
            }
        });
    }

    /**
     * SEC1 ECPrivateKey as OpenSSL writes it: with the curve OID ([0] parameters) and the public key
     * ([1]). The JDK's PKCS#8 encoding keeps the curve only in the outer AlgorithmIdentifier, and
     * Bouncy Castle's generic PEM writer copies the inner structure without it, which neither
     * OpenSSL nor a key converter can use.
     */
    private static byte[] sec1(KeyPair kp) throws IOException {
        PrivateKeyInfo info = PrivateKeyInfo.getInstance(kp.getPrivate().getEncoded());
        org.bouncycastle.asn1.sec.ECPrivateKey inner =
                org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
        SubjectPublicKeyInfo pub = SubjectPublicKeyInfo.getInstance(kp.getPublic().getEncoded());
        int orderBits = ((java.security.interfaces.ECPrivateKey) kp.getPrivate()).getParams().getOrder().bitLength();
        return new org.bouncycastle.asn1.sec.ECPrivateKey(orderBits, inner.getKey(), pub.getPublicKeyData(),
                info.getPrivateKeyAlgorithm().getParameters()).getEncoded(ASN1Encoding.DER);
    }

    private interface PemBody {
        void write(JcaPEMWriter w) throws IOException;
    }

    private static void write(Path file, PemBody body) {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            try (Writer out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII);
                    JcaPEMWriter w = new JcaPEMWriter(out)) {
                body.write(w);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
