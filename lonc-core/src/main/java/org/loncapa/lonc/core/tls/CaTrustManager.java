package org.loncapa.lonc.core.tls;

import java.net.Socket;
import java.nio.file.Path;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertPathValidatorException.BasicReason;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The JDK's PKIX trust manager over the certificates of the LON-CAPA CA file, with failure messages
 * that an operator can act on: the rejected peer's subject and issuer, why it was rejected, and
 * which CA file it was checked against. The JDK's messages ("PKIX path building failed: ...
 * unable to find valid certification path to requested target") say none of that.
 *
 * <p>Whether the peer's host name is also checked is decided by the engine's
 * {@code endpointIdentificationAlgorithm} (see {@link TlsContexts}); the delegate honours it.
 *
 * <p>Immutable; any thread.
 */
final class CaTrustManager extends X509ExtendedTrustManager {

    private final X509ExtendedTrustManager delegate;
    private final Path caFile;

    CaTrustManager(X509ExtendedTrustManager delegate, Path caFile) {
        this.delegate = delegate;
        this.caFile = caFile;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        try {
            delegate.checkClientTrusted(chain, authType, socket);
        } catch (CertificateException e) {
            throw explain("client", chain, e);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        try {
            delegate.checkServerTrusted(chain, authType, socket);
        } catch (CertificateException e) {
            throw explain("server", chain, e);
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        try {
            delegate.checkClientTrusted(chain, authType, engine);
        } catch (CertificateException e) {
            throw explain("client", chain, e);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        try {
            delegate.checkServerTrusted(chain, authType, engine);
        } catch (CertificateException e) {
            throw explain("server", chain, e);
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        try {
            delegate.checkClientTrusted(chain, authType);
        } catch (CertificateException e) {
            throw explain("client", chain, e);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        try {
            delegate.checkServerTrusted(chain, authType);
        } catch (CertificateException e) {
            throw explain("server", chain, e);
        }
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return delegate.getAcceptedIssuers();
    }

    /**
     * A {@link CertificateException} whose message names the peer certificate, the reason and the
     * CA file.
     */
    private CertificateException explain(String peerRole, X509Certificate[] chain, CertificateException e) {
        String who = (chain == null || chain.length == 0)
                ? "the TLS " + peerRole + " sent no certificate"
                : "TLS " + peerRole + " certificate \"" + chain[0].getSubjectX500Principal().getName()
                        + "\" issued by \"" + chain[0].getIssuerX500Principal().getName() + "\"";
        String why;
        if (hasCause(e, CertificateExpiredException.class) || hasReason(e, BasicReason.EXPIRED)) {
            why = " has expired (notAfter " + earliestExpiry(chain) + ")";
        } else if (hasCause(e, CertificateNotYetValidException.class) || hasReason(e, BasicReason.NOT_YET_VALID)) {
            why = " is not yet valid (notBefore " + (chain == null || chain.length == 0
                    ? "?" : chain[0].getNotBefore().toInstant()) + ")";
        } else if (hasCause(e, CertPathBuilderException.class) || hasCause(e, CertPathValidatorException.class)) {
            why = " is not trusted: it does not chain to a CA certificate in " + caFile;
        } else {
            // Not a path problem, for example the optional host-name check (see TlsContexts).
            why = " is rejected";
        }
        // The JDK picks the TLS alert (certificate_expired, bad_certificate, ...) from the direct
        // cause when it is a CertPathValidatorException, so keep that as the cause; the
        // original stays attached as suppressed.
        Throwable cause = e.getCause() instanceof CertPathValidatorException ? e.getCause() : e;
        CertificateException out = new CertificateException(who + why + " [" + e.getMessage() + "]", cause);
        if (cause != e) {
            out.addSuppressed(e);
        }
        return out;
    }

    private static Object earliestExpiry(X509Certificate[] chain) {
        // The expired certificate may be an intermediate; name the earliest notAfter in the chain.
        if (chain == null || chain.length == 0) {
            return "?";
        }
        X509Certificate earliest = chain[0];
        for (X509Certificate c : chain) {
            if (c.getNotAfter().before(earliest.getNotAfter())) {
                earliest = c;
            }
        }
        return earliest.getNotAfter().toInstant();
    }

    private static boolean hasReason(Throwable t, BasicReason reason) {
        for (Throwable c = t; c != null && c.getCause() != c; c = c.getCause()) {
            if (c instanceof CertPathValidatorException v && v.getReason() == reason) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return false;
    }
}
