package org.loncapa.lonc.client;

import java.util.List;
import java.util.Objects;

/**
 * An immutable snapshot of one remote host as lonc sees it ({@link LoncClient#status()}): its
 * health, key mode, connections, counters since start, and reply latency. Embedded, it is the
 * client's own engine's view; in daemon mode, the daemon's (for every application on the machine
 * together).
 *
 * @param name the host's DNS name
 * @param lonIds the lonIDs served by the host
 * @param state health
 * @param keyMode key mode of the last connection that became ready ({@code ssl}, {@code local},
 *     {@code insecure}), or null if none did yet
 * @param peerVersion lond's version string, or null if not known yet
 * @param connections lond connections and the queue
 * @param retriesLeft connection failures left before the host is marked dead (-1: no connection
 *     tried since start)
 * @param nextProbeMillis milliseconds until a dead host is probed again, or -1 when no probe is due
 * @param counters totals since the engine (or daemon) started
 * @param latency reply latency (queue wait included), as a power-of-two histogram
 */
public record HostView(String name, List<String> lonIds, State state, String keyMode,
        String peerVersion, Connections connections, int retriesLeft, long nextProbeMillis,
        Counters counters, Latency latency) {

    /** Checks the components; {@code lonIds} is copied. */
    public HostView {
        Objects.requireNonNull(name, "name");
        lonIds = List.copyOf(lonIds);
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(connections, "connections");
        Objects.requireNonNull(counters, "counters");
        Objects.requireNonNull(latency, "latency");
    }

    /** Health of a host, in the order a host normally goes through. */
    public enum State {
        /** No connection has been tried yet (or the last one closed cleanly). */
        UNKNOWN,
        /** A connection became ready recently: lond is up. */
        UP,
        /** Connection failures are being counted down; requests are still tried. */
        FAILING,
        /** Retries exhausted: requests fail at once with {@code con_lost} until a probe succeeds. */
        DEAD,
        /** Paused by an operator: requests fail with {@code con_lost}, connections are closed. */
        PAUSED
    }

    /**
     * The host's lond connections, by phase, and its queue.
     *
     * @param active connections carrying a request
     * @param idle connections ready and unused
     * @param connecting connections being opened or negotiated
     * @param queued requests waiting for a connection
     */
    public record Connections(int active, int idle, int connecting, int queued) {
        /** All connections of the host (active, idle and connecting). */
        public int total() {
            return active + idle + connecting;
        }
    }

    /**
     * Totals since start.
     *
     * @param requests requests submitted
     * @param replies requests lond replied to (including its refusals below)
     * @param refused of the replies, {@code refused}
     * @param rejected of the replies, {@code rejected}
     * @param unknownCmd of the replies, {@code unknown_cmd}
     * @param unableToSet of the replies, {@code unable_to_set}
     * @param conLost requests answered {@code con_lost} by lonc
     * @param busy requests refused with {@code con_busy} because a queue was full
     * @param timeouts requests that timed out (also counted in {@code conLost})
     * @param opens lond connections started (each TCP connect attempt)
     * @param failures connection failures counted against the retries
     */
    public record Counters(long requests, long replies, long refused, long rejected, long unknownCmd,
            long unableToSet, long conLost, long busy, long timeouts, long opens, long failures) {
        /** Replies in which lond refused the request rather than answering it. */
        public long refusals() {
            return refused + rejected + unknownCmd + unableToSet;
        }

        /** Replies that were answers (not refusals). */
        public long answers() {
            return replies - refusals();
        }
    }

    /**
     * Reply latency from submission (queue wait included) to lond's reply, in microseconds. lonc
     * does not keep every latency, only a histogram of power-of-two buckets: bucket {@code i}
     * counts the replies that took {@code [2^i, 2^(i+1))} µs (bucket 0 also those under 1 µs). A
     * quantile is therefore known only to lie in one bucket, and {@link #upperBoundMicros} gives
     * that bucket's upper bound: the true quantile is at most that, and more than half of it.
     *
     * @param bucketCounts replies per bucket (copied; empty when none were reported)
     * @param sumMicros the sum of all the latencies counted, microseconds
     */
    public record Latency(List<Long> bucketCounts, long sumMicros) {
        /** Checks and copies the buckets. */
        public Latency {
            bucketCounts = List.copyOf(bucketCounts);
        }

        /** Replies counted. */
        public long count() {
            long n = 0;
            for (long c : bucketCounts) {
                n += c;
            }
            return n;
        }

        /**
         * The upper bound, in microseconds, of the bucket that holds quantile {@code q}: at least
         * the true quantile, and less than twice it. -1 when no reply was counted.
         *
         * @param q the quantile, 0 to 1 (0.5: the median)
         */
        public long upperBoundMicros(double q) {
            if (!(q >= 0 && q <= 1)) {
                throw new IllegalArgumentException("quantile must be in 0..1: " + q);
            }
            long total = count();
            if (total == 0) {
                return -1;
            }
            long rank = Math.max(1, (long) Math.ceil(q * total));
            long seen = 0;
            for (int i = 0; i < bucketCounts.size(); i++) {
                seen += bucketCounts.get(i);
                if (seen >= rank) {
                    return i >= 62 ? Long.MAX_VALUE : (1L << (i + 1)) - 1;
                }
            }
            return Long.MAX_VALUE;
        }

        /** {@code upperBoundMicros(0.5)}: the median's bucket bound. */
        public long p50UpperBoundMicros() {
            return upperBoundMicros(0.5);
        }

        /** {@code upperBoundMicros(0.9)}. */
        public long p90UpperBoundMicros() {
            return upperBoundMicros(0.9);
        }

        /** {@code upperBoundMicros(0.99)}. */
        public long p99UpperBoundMicros() {
            return upperBoundMicros(0.99);
        }
    }
}
