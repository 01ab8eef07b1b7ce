package org.loncapa.lonc.core.internal.protocol;

import org.loncapa.lonc.core.internal.protocol.Redaction;

/**
 * What a {@link LondSession} asks its socket shell to do. The shell applies the actions in order on
 * the loop thread that owns the connection.
 */
public sealed interface SessionAction {

    /** Write {@code line} followed by a newline. */
    record SendLine(String line) implements SessionAction {
        @Override
        public String toString() {
            return "SendLine[" + Redaction.forLog(line, 80) + "]";
        }
    }

    /** Begin a TLS client handshake on the socket; report with {@code onTlsKey}/{@code onTlsFailed}. */
    record StartTls() implements SessionAction {}

    /** The handshake is complete: the connection is idle and can take transactions. */
    record Ready(KeyMode mode, String peerVersion, int peerRevision, boolean fellBackToInsecure)
            implements SessionAction {}

    /** The transaction in flight is complete with lond's reply (decrypted if it was {@code enc:}). */
    record Reply(String reply) implements SessionAction {
        @Override
        public String toString() {
            return "Reply[" + Redaction.forLog(reply, 80) + "]";
        }
    }

    /**
     * The connection failed and must be closed. If {@code transactionLost} is true, the transaction
     * that was in flight is lost (the caller answers it with {@code con_lost}).
     */
    record Failed(FailureKind kind, String reason, LondSession.State during, boolean transactionLost)
            implements SessionAction {}

    /** A handshake step worth telling an operator (never key material). */
    record Step(String description) implements SessionAction {}
}
