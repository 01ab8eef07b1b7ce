package org.loncapa.lonc.core.tls;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The three PEM files that enable lond's {@code ssl} key mode: the LON-CAPA CA certificate(s), this
 * host's certificate (optionally followed by intermediate CA certificates) and this host's private
 * key.
 *
 * <p>LON-CAPA keeps them in {@code lonCertificateDirectory} (default {@code /home/httpd/lonCerts})
 * under the names given by {@code lonnetCertificateAuthority}, {@code lonnetCertificate} and
 * {@code lonnetPrivateKey}; {@link #inDirectory(Path)} uses the default names. lonc chooses ssl
 * mode only when {@link #allExist()} (protocol.md §2, "How the key mode is chosen").
 *
 * <p>Immutable and thread-safe. No component is {@code null}. The existence checks look at the
 * file system each time they are called.
 *
 * @param caFile the CA certificate file ({@code loncapaCA.pem}); may hold several certificates,
 *     each of which is trusted as a root
 * @param certFile the host certificate file ({@code lonhostcert.pem}); the first certificate is
 *     this host's, any following ones are the chain towards the CA
 * @param keyFile the private key file ({@code lonhostkey.pem}): unencrypted PKCS#1
 *     ({@code RSA PRIVATE KEY}), SEC1 ({@code EC PRIVATE KEY}) or PKCS#8 ({@code PRIVATE KEY})
 */
public record TlsFiles(Path caFile, Path certFile, Path keyFile) {

    /** Default LON-CAPA name of the CA file ({@code lonnetCertificateAuthority}). */
    public static final String DEFAULT_CA_FILE_NAME = "loncapaCA.pem";
    /** Default LON-CAPA name of the host certificate file ({@code lonnetCertificate}). */
    public static final String DEFAULT_CERT_FILE_NAME = "lonhostcert.pem";
    /** Default LON-CAPA name of the private key file ({@code lonnetPrivateKey}). */
    public static final String DEFAULT_KEY_FILE_NAME = "lonhostkey.pem";

    /** Validates that no path is {@code null}. */
    public TlsFiles {
        Objects.requireNonNull(caFile, "caFile");
        Objects.requireNonNull(certFile, "certFile");
        Objects.requireNonNull(keyFile, "keyFile");
    }

    /**
     * The three files under their default LON-CAPA names in {@code directory}.
     *
     * @param directory the certificate directory, for example {@code /home/httpd/lonCerts}
     */
    public static TlsFiles inDirectory(Path directory) {
        Objects.requireNonNull(directory, "directory");
        return new TlsFiles(
                directory.resolve(DEFAULT_CA_FILE_NAME),
                directory.resolve(DEFAULT_CERT_FILE_NAME),
                directory.resolve(DEFAULT_KEY_FILE_NAME));
    }

    /** Whether all three files exist as regular files (following symbolic links). */
    public boolean allExist() {
        return missing().isEmpty();
    }

    /**
     * The files that do not exist as regular files, in the order CA, certificate, key; empty when
     * all exist.
     */
    public List<Path> missing() {
        List<Path> missing = new ArrayList<>(3);
        for (Path p : List.of(caFile, certFile, keyFile)) {
            if (!Files.isRegularFile(p)) {
                missing.add(p);
            }
        }
        return List.copyOf(missing);
    }
}
