package org.loncapa.lonc.daemon;

import java.nio.file.Files;
import javax.net.ssl.SSLContext;
import org.loncapa.lonc.core.config.LoncapaConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The SSLContext for ssl key mode, from the certificate files named in loncapa.conf. */
final class TlsSetup {
    private static final Logger log = LoggerFactory.getLogger(TlsSetup.class);

    private TlsSetup() {}

    /** The context, or null when the files are not all there (then only local/insecure modes). */
    static SSLContext clientContext(LoncapaConfig conf) {
        boolean all = Files.isRegularFile(conf.caFile()) && Files.isRegularFile(conf.certFile())
                && Files.isRegularFile(conf.keyFile());
        if (all) {
            log.warn("ssl key mode is not available in this build; the certificate files in {} are"
                    + " not used", conf.lonCertificateDirectory());
        }
        return null;
    }
}
