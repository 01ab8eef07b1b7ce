package org.loncapa.lonc.core.tls;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.SignatureException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.X509TrustedCertificateBlock;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads LON-CAPA's PEM files with Bouncy Castle's {@link PEMParser}, because the JDK cannot read
 * PKCS#1 ({@code RSA PRIVATE KEY}) or SEC1 ({@code EC PRIVATE KEY}) keys. Keys and certificates
 * are converted to JDK objects with the default JCA providers; Bouncy Castle is not registered as
 * a provider. Every failure is a {@link TlsConfigException} naming the file.
 *
 * <p>Stateless; any thread.
 */
final class PemFiles {

    private PemFiles() {}

    /**
     * All certificates in {@code file}, in file order; at least one. Objects other than
     * certificates (keys, parameters, CRLs) are skipped.
     *
     * @param what what the file is, for messages ("CA file", "host certificate file")
     */
    static List<X509Certificate> readCertificates(Path file, String what) throws TlsConfigException {
        List<Object> objects = readPemObjects(file, what);
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        List<X509Certificate> certs = new ArrayList<>();
        for (Object o : objects) {
            X509CertificateHolder holder = null;
            if (o instanceof X509CertificateHolder h) {
                holder = h;
            } else if (o instanceof X509TrustedCertificateBlock t) {
                holder = t.getCertificateHolder();
            }
            if (holder != null) {
                try {
                    certs.add(converter.getCertificate(holder));
                } catch (CertificateException e) {
                    throw new TlsConfigException(file, what + ": certificate number " + (certs.size() + 1)
                            + " cannot be decoded: " + e.getMessage(), e);
                }
            }
        }
        if (certs.isEmpty()) {
            throw new TlsConfigException(file, what + " contains no PEM certificate"
                    + " (expected a -----BEGIN CERTIFICATE----- block)");
        }
        return List.copyOf(certs);
    }

    /**
     * The one unencrypted private key in {@code file}: PKCS#1 RSA, SEC1 EC, other OpenSSL
     * "traditional" formats Bouncy Castle knows, or PKCS#8. {@code EC PARAMETERS} blocks and
     * certificates in the same file are skipped.
     */
    static PrivateKey readPrivateKey(Path file) throws TlsConfigException {
        String what = "private key file";
        List<Object> objects = readPemObjects(file, what);
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        PrivateKey found = null;
        for (Object o : objects) {
            PrivateKey key;
            try {
                if (o instanceof PEMKeyPair kp) {
                    key = converter.getPrivateKey(kp.getPrivateKeyInfo());
                } else if (o instanceof PrivateKeyInfo info) {
                    key = converter.getPrivateKey(info);
                } else if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
                    throw new TlsConfigException(file, "the private key is encrypted with a passphrase;"
                            + " lonc, like lond, needs an unencrypted key");
                } else {
                    continue; // certificates, EC PARAMETERS, ...
                }
            } catch (IOException | RuntimeException e) {
                // PEMException (an IOException) for unknown algorithms or broken key structures.
                throw new TlsConfigException(file, "unsupported or damaged private key: " + e.getMessage(), e);
            }
            if (found != null) {
                throw new TlsConfigException(file, "contains more than one private key");
            }
            found = key;
        }
        if (found == null) {
            throw new TlsConfigException(file, "contains no supported private key (expected an unencrypted"
                    + " -----BEGIN RSA PRIVATE KEY-----, -----BEGIN EC PRIVATE KEY----- or"
                    + " -----BEGIN PRIVATE KEY----- block)");
        }
        return found;
    }

    /**
     * Checks that {@code key} is the private half of {@code cert}'s public key, by signing a random
     * challenge and verifying it (works for every format, unlike comparing encodings).
     */
    static void checkKeyMatches(PrivateKey key, Path keyFile, X509Certificate cert, Path certFile)
            throws TlsConfigException {
        PublicKey pub = cert.getPublicKey();
        String keyAlg = key.getAlgorithm();
        if (!keyAlg.equals(pub.getAlgorithm())) {
            throw new TlsConfigException(keyFile, "the private key is an " + keyAlg + " key"
                    + " but the host certificate in " + certFile + " holds an " + pub.getAlgorithm()
                    + " public key: the key does not match the certificate");
        }
        String sigAlg = switch (keyAlg) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "EdDSA", "Ed25519", "Ed448" -> keyAlg;
            default -> null;
        };
        if (sigAlg == null) {
            throw new TlsConfigException(keyFile, "unsupported private key algorithm " + keyAlg
                    + " (supported: RSA, EC, EdDSA)");
        }
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature signer = Signature.getInstance(sigAlg);
            signer.initSign(key);
            signer.update(challenge);
            byte[] sig = signer.sign();
            Signature verifier = Signature.getInstance(sigAlg);
            verifier.initVerify(pub);
            verifier.update(challenge);
            if (!verifier.verify(sig)) {
                throw new TlsConfigException(keyFile, "the private key does not match the host certificate in "
                        + certFile + " (" + cert.getSubjectX500Principal().getName() + ")");
            }
        } catch (NoSuchAlgorithmException | InvalidKeyException | SignatureException e) {
            throw new TlsConfigException(keyFile, "the private key cannot be checked against the host"
                    + " certificate in " + certFile + ": " + e.getMessage(), e);
        }
    }

    private static List<Object> readPemObjects(Path file, String what) throws TlsConfigException {
        if (!Files.exists(file)) {
            throw new TlsConfigException(file, what + " does not exist");
        }
        if (Files.isDirectory(file)) {
            throw new TlsConfigException(file, what + " cannot be read: it is a directory");
        }
        String text;
        try {
            // ISO-8859-1 maps every byte, so binary garbage reads as "no PEM block", not as an error.
            text = Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            throw new TlsConfigException(file, what + " does not exist", e);
        } catch (IOException e) {
            throw new TlsConfigException(file, what + " cannot be read: " + e, e);
        }
        List<Object> objects = new ArrayList<>();
        try (PEMParser parser = new PEMParser(new StringReader(text))) {
            Object o;
            while ((o = parser.readObject()) != null) {
                objects.add(o);
            }
        } catch (IOException | RuntimeException e) {
            // Bouncy Castle reports broken base64 or ASN.1 inside a PEM block with IOExceptions
            // and, for some structures, runtime exceptions.
            throw new TlsConfigException(file, what + " is not valid PEM: " + e.getMessage(), e);
        }
        return objects;
    }
}
