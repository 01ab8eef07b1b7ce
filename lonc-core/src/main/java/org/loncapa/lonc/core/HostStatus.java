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
 * @param opens lond connections opened (attempts: each TCP connect started)
 * @param londErrors of the {@code replies}, how many began with each of {@link #LOND_ERROR_WORDS}
 *     (lond refusing the request rather than answering it); may be shorter (older daemons)
 * @param latencySumMicros sum of the latencies counted in {@code latencyBuckets}, microseconds
 */
public record HostStatus(String name, List<String> lonIds, HostState state, String keyMode,
        String peerVersion, int active, int idle, int connecting, int queued, int retriesLeft,
        long nextProbeMillis, long requests, long replies, long failures, long timeouts, long conLost,
        long busy, long latencyP50Micros, long latencyP90Micros, long latencyP99Micros,
        long[] latencyBuckets, long opens, long[] londErrors, long latencySumMicros) {

    /** lond's refusal words, in the order of {@link #londErrors()}. */
    public static final List<String> LOND_ERROR_WORDS = List.of("refused", "rejected", "unknown_cmd",
            "unable_to_set");

    /** A snapshot without connection-open and refusal counts (as older daemons report it). */
    public HostStatus(String name, List<String> lonIds, HostState state, String keyMode,
            String peerVersion, int active, int idle, int connecting, int queued, int retriesLeft,
            long nextProbeMillis, long requests, long replies, long failures, long timeouts, long conLost,
            long busy, long latencyP50Micros, long latencyP90Micros, long latencyP99Micros,
            long[] latencyBuckets) {
        this(name, lonIds, state, keyMode, peerVersion, active, idle, connecting, queued, retriesLeft,
                nextProbeMillis, requests, replies, failures, timeouts, conLost, busy, latencyP50Micros,
                latencyP90Micros, latencyP99Micros, latencyBuckets, 0, new long[0], 0);
    }

    /** How many replies began with {@code LOND_ERROR_WORDS.get(i)}; 0 if not reported. */
    public long londErrors(int i) {
        return londErrors == null || i >= londErrors.length ? 0 : londErrors[i];
    }

    /** All connections of the host. */
    public int connections() {
        return active + idle + connecting;
    }
}
