package org.loncapa.lonc.core.tls;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds {@link SSLContext}s from LON-CAPA's PEM files and configured {@link SSLEngine}s for lond's
 * {@code ssl} key mode (protocol.md §2.3). All TLS policy lives here, in one place:
 *
 * <ul>
 *   <li><b>Protocol versions:</b> {@link #PROTOCOLS} (TLS 1.3 and TLS 1.2). Cipher suites are the
 *       JDK's defaults.
 *   <li><b>Trust:</b> each side trusts exactly the certificates in the CA file (all of them, as
 *       roots) and verifies that the peer's certificate chains to one of them: PKIX path
 *       validation including validity dates, without revocation checks.
 *   <li><b>Mutual authentication:</b> both sides present this host's certificate; the server
 *       requires the client's ({@link #serverParameters()}).
 *   <li><b>No peer-name check by default.</b> The 2005 lonc and lond checked only that the peer's
 *       certificate chains to the LON-CAPA CA, not which host it names, and LON-CAPA host
 *       certificates name the lonHostID rather than the DNS name, so a name check would break
 *       working clusters. {@link #CHECK_PEER_HOSTNAME_BY_DEFAULT} is {@code false}; a caller that
 *       wants the JDK's RFC 2818 ("HTTPS") check of the lond's DNS name or IP address against the
 *       certificate's subjectAltName (or CN when there is none) passes {@code true} to
 *       {@link #newClientEngine(SSLContext, String, int, boolean)}. This is the only switch.
 * </ul>
 *
 * <p>The contexts made by {@link #forClient} and {@link #forServer} are built identically (both
 * carry this host's identity and the CA as trust); the role is set per engine by
 * {@link #newClientEngine} and {@link #newServerEngine}. Two names keep call sites readable and
 * leave room for the roles to diverge.
 *
 * <p>Build a context once per set of files and reuse it for every connection: it reads and checks
 * the files when built, and it holds the TLS session cache that lets later connections to the same
 * lond resume. Build a new one to pick up replaced files (for example on SIGHUP).
 *
 * <p>Static methods, no state; any thread. The returned {@code SSLContext} is thread-safe; each
 * {@code SSLEngine} belongs to one connection and is driven by one thread at a time.
 */
public final class TlsContexts {

    private static final Logger log = LoggerFactory.getLogger(TlsContexts.class);

    /** The TLS versions lonc offers and accepts, in order of preference. */
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    /**
     * Whether {@link #newClientEngine(SSLContext, String, int)} checks the lond's host name
     * against its certificate: {@code false}, as in LON-CAPA's 2005 code (see the class comment).
     */
    public static final boolean CHECK_PEER_HOSTNAME_BY_DEFAULT = false;

    private TlsContexts() {}

    /**
     * The SSLContext for lonc's side (TLS client) of the ssl key exchange.
     *
     * @param files the CA, host certificate and key files; none may be {@code null}
     * @return a new context, never {@code null}
     * @throws TlsConfigException if a file is missing, unreadable or unusable; the message names it
     */
    public static SSLContext forClient(TlsFiles files) throws TlsConfigException {
        return build(files, "client");
    }

    /**
     * The SSLContext for lond's side (TLS server): used by tests and by {@code FakeLond}. Engines
     * and sockets made from it must get {@link #serverParameters()} so that the client's
     * certificate is required; {@link #newServerEngine(SSLContext)} does that.
     *
     * @param files the CA, host certificate and key files; none may be {@code null}
     * @return a new context, never {@code null}
     * @throws TlsConfigException if a file is missing, unreadable or unusable; the message names it
     */
    public static SSLContext forServer(TlsFiles files) throws TlsConfigException {
        return build(files, "server");
    }

    /**
     * A client-mode engine for one connection to lond at {@code peerHost:peerPort}, without a
     * peer-name check ({@link #CHECK_PEER_HOSTNAME_BY_DEFAULT}).
     *
     * @param peerHost the lond's host name or address as dialled; used for session resumption and
     *     SNI; may be {@code null} (then neither applies)
     * @param peerPort the lond's port, or -1 if unknown
     */
    public static SSLEngine newClientEngine(SSLContext context, String peerHost, int peerPort) {
        return newClientEngine(context, peerHost, peerPort, CHECK_PEER_HOSTNAME_BY_DEFAULT);
    }

    /**
     * A client-mode engine for one connection to lond at {@code peerHost:peerPort}.
     *
     * @param peerHost the lond's host name or address as dialled; must not be {@code null} when
     *     {@code checkPeerHostname} is {@code true}
     * @param peerPort the lond's port, or -1 if unknown
     * @param checkPeerHostname whether to require that the lond's certificate names
     *     {@code peerHost} (RFC 2818 rules, as for HTTPS)
     */
    public static SSLEngine newClientEngine(SSLContext context, String peerHost, int peerPort,
            boolean checkPeerHostname) {
        Objects.requireNonNull(context, "context");
        if (checkPeerHostname) {
            Objects.requireNonNull(peerHost, "peerHost is required for the host-name check");
        }
        SSLEngine engine = peerHost == null ? context.createSSLEngine() : context.createSSLEngine(peerHost, peerPort);
        engine.setUseClientMode(true);
        engine.setSSLParameters(clientParameters(checkPeerHostname));
        return engine;
    }

    /** A server-mode engine that requires and verifies the client's certificate. */
    public static SSLEngine newServerEngine(SSLContext context) {
        Objects.requireNonNull(context, "context");
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        engine.setSSLParameters(serverParameters());
        return engine;
    }

    /**
     * The parameters {@link #newClientEngine} applies: {@link #PROTOCOLS}, and the "HTTPS" endpoint
     * identification algorithm only if {@code checkPeerHostname}. Returns a new object each time.
     */
    public static SSLParameters clientParameters(boolean checkPeerHostname) {
        SSLParameters p = new SSLParameters();
        p.setProtocols(PROTOCOLS.toArray(new String[0]));
        // Deliberately null by default: LON-CAPA checks the chain to its CA, not the peer's name.
        p.setEndpointIdentificationAlgorithm(checkPeerHostname ? "HTTPS" : null);
        return p;
    }

    /**
     * The parameters {@link #newServerEngine} applies: {@link #PROTOCOLS} and a required client
     * certificate. Also for an {@code SSLSocket} playing lond in tests. Returns a new object each
     * time.
     */
    public static SSLParameters serverParameters() {
        SSLParameters p = new SSLParameters();
        p.setProtocols(PROTOCOLS.toArray(new String[0]));
        p.setNeedClientAuth(true);
        return p;
    }

    private static SSLContext build(TlsFiles files, String role) throws TlsConfigException {
        Objects.requireNonNull(files, "files");
        List<X509Certificate> cas = PemFiles.readCertificates(files.caFile(), "CA certificate file");
        List<X509Certificate> chain = PemFiles.readCertificates(files.certFile(), "host certificate file");
        PrivateKey key = PemFiles.readPrivateKey(files.keyFile());
        PemFiles.checkKeyMatches(key, files.keyFile(), chain.get(0), files.certFile());

        TrustManager trust = trustManager(cas, files.caFile());
        KeyManager identity = new HostKeyManager(key, chain.toArray(new X509Certificate[0]));
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[] {identity}, new TrustManager[] {trust}, null);
            if (log.isDebugEnabled()) {
                X509Certificate host = chain.get(0);
                log.debug("TLS {} context: host certificate \"{}\" issued by \"{}\" (valid until {}, {} key,"
                                + " {} chain certificate(s) from {}); {} trusted CA certificate(s) from {}",
                        role, host.getSubjectX500Principal().getName(), host.getIssuerX500Principal().getName(),
                        host.getNotAfter().toInstant(), key.getAlgorithm(), chain.size(), files.certFile(),
                        cas.size(), files.caFile());
            }
            return context;
        } catch (GeneralSecurityException e) {
            // Only if the JDK lacks TLS altogether; not a problem of the files.
            throw new IllegalStateException("the JDK cannot create a TLS context: " + e, e);
        }
    }

    private static TrustManager trustManager(List<X509Certificate> cas, Path caFile) throws TlsConfigException {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (X509Certificate ca : cas) {
                store.setCertificateEntry("loncapa-ca-" + i++, ca);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(store);
            for (TrustManager tm : tmf.getTrustManagers()) {
                if (tm instanceof X509ExtendedTrustManager x) {
                    return new CaTrustManager(x, caFile);
                }
            }
            throw new IllegalStateException("the JDK's PKIX TrustManagerFactory made no X509ExtendedTrustManager");
        } catch (java.io.IOException | GeneralSecurityException e) {
            throw new TlsConfigException(caFile, "the CA certificates cannot be used as trust anchors: " + e, e);
        }
    }
}
