package org.loncapa.lonc.core.internal.tls;

import java.util.Objects;

/**
 * The TLS phase of lond's ssl key exchange failed; the connection must be closed and counted as a
 * failed connection attempt (protocol.md §2.3 "Fallbacks and failures"). The message says what
 * happened in operator terms and never contains key material.
 */
public final class TlsHandshakeException extends Exception {

    private static final long serialVersionUID = 1L;

    /** What went wrong, for callers that react differently (for example in status counters). */
    public enum Reason {
        /** This side rejected the peer's certificate: not issued by the LON-CAPA CA, expired, ... */
        PEER_CERTIFICATE_UNTRUSTED,
        /**
         * The peer aborted with a fatal TLS alert; usually it does not trust this host's
         * certificate.
         */
        REJECTED_BY_PEER,
        /** Any other TLS failure: no common protocol version or cipher suite, bad message, ... */
        HANDSHAKE_FAILED,
        /** The peer sent bytes that are not TLS records where TLS was expected. */
        NOT_TLS,
        /** The peer sent TLS data this side did not expect (wrong direction or too much). */
        UNEXPECTED_DATA,
        /** The line inside TLS exceeded the configured maximum without a newline. */
        LINE_TOO_LONG,
        /** The TCP connection reached end of stream during the TLS phase. */
        CLOSED,
        /** The peer sent a TLS close_notify before the line was complete. */
        CLOSE_NOTIFY
    }

    private final Reason reason;

    /**
     * @param reason the category; not {@code null}
     * @param message the operator-facing description
     * @param cause the underlying exception, or {@code null}
     */
    public TlsHandshakeException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** The category of the failure; never {@code null}. */
    public Reason reason() {
        return reason;
    }
}
