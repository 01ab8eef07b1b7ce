package org.loncapa.lonc.client;

import java.time.Duration;
import java.util.Objects;
import org.loncapa.lonc.core.EngineConfig;

/**
 * The settings of an embedded client's in-process engine, given to {@link
 * LoncClient.Builder#engine}: {@code .engine(e -> e.maxConnectionsPerHost(4).retries(3))}. They
 * mean what the daemon's settings of the same names mean (docs/configuration.md); a daemon-mode
 * client ignores them (the daemon has its own). A value the engine does not accept is refused with
 * an {@link IllegalArgumentException}, at the latest by {@link LoncClient.Builder#build()}.
 */
public final class EngineSettings {
    private final EngineConfig.Builder engine;

    EngineSettings(EngineConfig.Builder engine) {
        this.engine = engine;
    }

    /** Maximum lond connections per host. Default 10. */
    public EngineSettings maxConnectionsPerHost(int n) {
        engine.maxConnectionsPerHost(n);
        return this;
    }

    /** Maximum handshakes in progress at once per host. Default 1. */
    public EngineSettings maxHandshakesPerHost(int n) {
        engine.maxHandshakesPerHost(n);
        return this;
    }

    /** An idle connection is closed (one per period) after this long unused. Default 300 s. */
    public EngineSettings idleTimeout(Duration d) {
        engine.idleTimeout(Objects.requireNonNull(d, "idleTimeout"));
        return this;
    }

    /** The engine's limit from sending a request to reading its reply. Default 30 s. */
    public EngineSettings transactionTimeout(Duration d) {
        engine.transactionTimeout(Objects.requireNonNull(d, "transactionTimeout"));
        return this;
    }

    /** Limit for each handshake step (and the TLS phase). Default 30 s. */
    public EngineSettings handshakeStepTimeout(Duration d) {
        engine.handshakeStepTimeout(Objects.requireNonNull(d, "handshakeStepTimeout"));
        return this;
    }

    /**
     * A handshake that has received nothing from lond for this long while requests wait is
     * abandoned (one failure) and a fresh connection tried; zero turns it off (each step may then
     * take {@link #handshakeStepTimeout}). Default 5 s.
     */
    public EngineSettings handshakeStallTimeout(Duration d) {
        engine.handshakeStallTimeout(Objects.requireNonNull(d, "handshakeStallTimeout"));
        return this;
    }

    /** TCP connect limit. Default 5 s. */
    public EngineSettings connectTimeout(Duration d) {
        engine.connectTimeout(Objects.requireNonNull(d, "connectTimeout"));
        return this;
    }

    /** Connection failures allowed before the host is marked dead. Default 5. */
    public EngineSettings retries(int n) {
        engine.retries(n);
        return this;
    }

    /** Bound of one host's queue; over it requests get {@code con_busy}. Default 2,000. */
    public EngineSettings maxQueuedPerHost(int n) {
        engine.maxQueuedPerHost(n);
        return this;
    }

    /** Bound of all queues together; over it requests get {@code con_busy}. Default 20,000. */
    public EngineSettings maxQueuedTotal(int n) {
        engine.maxQueuedTotal(n);
        return this;
    }

    /** First delay before a dead host is probed again (jittered, doubling). Default 5 s. */
    public EngineSettings probeInitialDelay(Duration d) {
        engine.probeInitialDelay(Objects.requireNonNull(d, "probeInitialDelay"));
        return this;
    }

    /** Upper bound of the probe delay. Default 300 s. */
    public EngineSettings probeMaxDelay(Duration d) {
        engine.probeMaxDelay(Objects.requireNonNull(d, "probeMaxDelay"));
        return this;
    }

    /** An idle connection unused this long is checked with {@code ping}. Default 120 s. */
    public EngineSettings idleCheckAfter(Duration d) {
        engine.idleCheckAfter(Objects.requireNonNull(d, "idleCheckAfter"));
        return this;
    }

    /**
     * Connections older than this are retired when idle (each connection's own limit is drawn
     * between 90% and 100% of it, so they are not all replaced together); zero turns it off.
     * Default off.
     */
    public EngineSettings maxConnectionLifetime(Duration d) {
        engine.maxConnectionLifetime(Objects.requireNonNull(d, "maxConnectionLifetime"));
        return this;
    }

    /**
     * Period of the engine's housekeeping tick, which notices expired timeouts and due probes: a
     * timeout fires up to this much late. Default 1 s.
     */
    public EngineSettings tickInterval(Duration d) {
        engine.tickInterval(Objects.requireNonNull(d, "tickInterval"));
        return this;
    }

    /** SO_KEEPALIVE on lond connections. Default on. */
    public EngineSettings tcpKeepAlive(boolean on) {
        engine.tcpKeepAlive(on);
        return this;
    }
}
