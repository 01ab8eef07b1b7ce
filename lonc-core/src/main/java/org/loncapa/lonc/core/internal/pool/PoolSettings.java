package org.loncapa.lonc.core.internal.pool;

/**
 * The per-host settings of the pool, in engine units (nanoseconds). Internal; made from
 * {@link org.loncapa.lonc.core.EngineConfig}.
 */
public record PoolSettings(int maxConnections, int maxHandshakes, int retries, int maxQueuedPerHost,
        boolean allowInsecure, String lonVersion, long connectTimeoutNanos,
        long handshakeStepTimeoutNanos, long transactionTimeoutNanos, int maxReplyBytes,
        long probeInitialNanos, long probeMaxNanos, long idleTimeoutNanos, long idleCheckNanos,
        long maxLifetimeNanos, boolean keepAlive, long handshakeStallNanos) {}
