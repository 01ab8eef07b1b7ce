package org.loncapa.lonc.core;

/** Health of a remote host, in the order a host normally goes through. */
public enum HostState {
    /** No connection has been tried yet (or the last one closed cleanly). */
    UNKNOWN,
    /** A connection reached Idle recently: lond is up. */
    UP,
    /** Failures are being counted down; work is still tried. */
    FAILING,
    /** Retries exhausted: all work fails at once with {@code con_lost} until a probe succeeds. */
    DEAD,
    /** Paused by an operator: new work fails with {@code con_lost}, connections are closed. */
    PAUSED
}
