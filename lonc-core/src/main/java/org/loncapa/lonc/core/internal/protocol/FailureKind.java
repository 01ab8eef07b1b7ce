package org.loncapa.lonc.core.internal.protocol;

/** Why a lond connection failed. */
public enum FailureKind {
    /** The TCP connect failed or timed out. */
    CONNECT,
    /** lond answered {@code refused} to the hailing line. */
    REFUSED,
    /** An unexpected line during the handshake, or a mode that may not be used. */
    HANDSHAKE,
    /** The TLS part of ssl mode failed. */
    TLS,
    /** The local key file could not be written. */
    LOCAL_KEY,
    /** A handshake step or a transaction took longer than allowed. */
    TIMEOUT,
    /** lond closed the connection (EOF), possibly in the middle of a line. */
    CLOSED,
    /** A read or write error on the socket. */
    IO,
    /** A line from lond was too long, binary, or an undecryptable {@code enc:} reply. */
    BAD_LINE,
    /** lond sent a line when none was expected. */
    PROTOCOL
}
