package org.loncapa.lonc.daemon;

import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.loncapa.lonc.core.config.ConfigException;
import org.loncapa.lonc.core.config.LoncapaConfig;
import org.loncapa.lonc.core.tls.TlsConfigException;
import org.loncapa.lonc.core.tls.TlsContexts;
import org.loncapa.lonc.core.tls.TlsFiles;

/**
 * The SSLContext for ssl key mode, from the certificate files that loncapa.conf names
 * ({@code lonCertificateDirectory} with {@code lonnetCertificateAuthority}, {@code lonnetCertificate},
 * {@code lonnetPrivateKey}). As in LondConnection, ssl mode is used only when all three files
 * exist; otherwise connections use insecure mode if {@code loncAllowInsecure} allows it (and the
 * host on this machine always uses local mode). Files that exist but cannot be used are a
 * configuration error: the daemon does not start rather than quietly fall back to insecure mode.
 */
final class TlsSetup {
    private TlsSetup() {}

    /** What was found. */
    record Result(SSLContext context, List<Path> missing) {}

    /**
     * @throws ConfigException naming the file that exists but cannot be used
     */
    static Result clientContext(LoncapaConfig conf) throws ConfigException {
        TlsFiles files = new TlsFiles(conf.caFile(), conf.certFile(), conf.keyFile());
        if (!files.allExist()) {
            return new Result(null, files.missing());
        }
        try {
            return new Result(TlsContexts.forClient(files), List.of());
        } catch (TlsConfigException e) {
            throw new ConfigException(e.file(), 0, e.getMessage(), e);
        }
    }
}
