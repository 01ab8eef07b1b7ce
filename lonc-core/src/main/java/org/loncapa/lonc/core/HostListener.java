package org.loncapa.lonc.core;

/**
 * Told about hosts' readiness, for deferred-transaction replay (see
 * {@link LoncEngine#setHostListener}). Every method is called on the engine thread and must not
 * block; hosts are named as in the host table.
 */
public interface HostListener {
    /** A listener that ignores everything. */
    HostListener NONE = new HostListener() {};

    /**
     * The host has a ready connection after having none.
     *
     * @param host the host's name
     * @param now engine time (nanos)
     */
    default void hostReady(String host, long now) {}

    /**
     * Called on every tick (about once a second) for every host in use.
     *
     * @param host the host's name
     * @param now engine time (nanos)
     */
    default void hostTick(String host, long now) {}

    /**
     * A sign that the host is reachable: lond answered a request, or an operator reset its retries
     * ({@code reset_retries}, USR1). Called on every reply: keep it cheap.
     *
     * @param host the host's name
     * @param now engine time (nanos)
     */
    default void hostReachable(String host, long now) {}
}
