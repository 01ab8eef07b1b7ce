package org.loncapa.lonc.core;

import java.util.List;

/**
 * A snapshot of one host's pool, taken on the engine thread. Counters are totals since start.
 *
 * @param name the host (DNS) name
 * @param lonIds lonIDs served by the host
 * @param state health
 * @param keyMode key mode of the last ready connection ({@code ssl}, {@code local}, {@code insecure}),
 *     or null
 * @param peerVersion lond's version string, or null
 * @param active connections carrying a transaction
 * @param idle connections ready and unused
 * @param connecting connections being opened or negotiated
 * @param queued transactions waiting for a connection
 * @param retriesLeft failures left before the host is marked dead
 * @param nextProbeMillis milliseconds until a dead host is probed again, or -1
 * @param requests transactions submitted
 * @param replies transactions answered by lond
 * @param failures connection failures counted against the retries
 * @param timeouts transactions that timed out
 * @param conLost transactions answered {@code con_lost} by lonc
 * @param busy requests refused with {@code con_busy} because a queue was full
 * @param latencyP50Micros median reply latency (queue wait included), microseconds, -1 if none
 * @param latencyP90Micros 90th percentile, microseconds
 * @param latencyP99Micros 99th percentile, microseconds
 * @param latencyBuckets counts per power-of-two microsecond bucket (bucket i holds [2^i, 2^(i+1)))
 */
public record HostStatus(String name, List<String> lonIds, HostState state, String keyMode,
        String peerVersion, int active, int idle, int connecting, int queued, int retriesLeft,
        long nextProbeMillis, long requests, long replies, long failures, long timeouts, long conLost,
        long busy, long latencyP50Micros, long latencyP90Micros, long latencyP99Micros,
        long[] latencyBuckets) {

    /** All connections of the host. */
    public int connections() {
        return active + idle + connecting;
    }
}
