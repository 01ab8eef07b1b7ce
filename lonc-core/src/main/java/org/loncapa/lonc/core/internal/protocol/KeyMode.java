package org.loncapa.lonc.core.internal.protocol;

import java.util.Optional;

/**
 * How a lond connection obtains its IDEA session key (protocol.md §2). The name is what the status
 * report shows, e.g. {@code (ssl)}.
 */
public enum KeyMode {
    /** lonc and lond on the same machine; the key is passed in a file only the daemon user can read. */
    LOCAL,
    /** The key is sent by lond inside a short TLS session on the same TCP socket. */
    SSL,
    /** The key is derived from the two lonIDs and lond's buildkey; an eavesdropper can compute it. */
    INSECURE;

    /** Lower-case name as the Perl daemon shows it. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * [RECALL, high] The mode choice: local for this host, ssl when the certificate files exist,
     * insecure only when allowed; empty when no mode may be used (the connection is refused locally
     * and counts as a failure).
     */
    public static Optional<KeyMode> choose(boolean remoteIsThisHost, boolean tlsFilesExist,
            boolean allowInsecure) {
        if (remoteIsThisHost) {
            return Optional.of(LOCAL);
        }
        if (tlsFilesExist) {
            return Optional.of(SSL);
        }
        return allowInsecure ? Optional.of(INSECURE) : Optional.empty();
    }
}
