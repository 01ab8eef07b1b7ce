package org.loncapa.lonc.testkit;

/**
 * A connection-level misbehaviour of {@link FakeLond}, applied to every connection accepted while it
 * is set ({@link FakeLond#fault(Fault)}); connections already open keep the fault they started with.
 * For faults of a single reply, see {@link Response}.
 */
public enum Fault {
    /** Behave like a correct lond. */
    NONE,
    /** Read the hailing line, answer {@code refused} and close (lond does this for unknown hosts). */
    REFUSE,
    /** Accept the TCP connection and close it at once, before reading anything. */
    DISCONNECT_AT_START,
    /**
     * Read the hailing line and answer with binary bytes and a newline ({@link Response#garbageBytes()})
     * instead of the challenge or {@code ok:...}; then never answer again.
     */
    GARBAGE_HANDSHAKE,
    /** Read the hailing line and never answer; the connection stays open until the client leaves. */
    STALL_HANDSHAKE,
    /**
     * Insecure path only (including the fallback from ssl or local): accept the challenge echo but
     * answer it with {@link FakeLond#WRONG_CHALLENGE_REPLY} instead of {@code ok}; then never answer
     * again. Without effect on connections that complete in local or ssl mode.
     */
    WRONG_CHALLENGE_OK
}
