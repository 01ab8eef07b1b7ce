package org.loncapa.lonc.core.internal.pool;

/**
 * Power-of-two buckets of microseconds: cheap to record (one array increment) and good enough for
 * percentiles in a status report. Owned by the engine thread.
 */
final class LatencyHistogram {
    static final int BUCKETS = 32;
    private final long[] counts = new long[BUCKETS];
    private long total;
    private long sumMicros;

    void record(long nanos) {
        long micros = Math.max(1, nanos / 1_000);
        int b = Math.min(BUCKETS - 1, 63 - Long.numberOfLeadingZeros(micros));
        counts[b]++;
        total++;
        sumMicros += micros;
    }

    /** Upper bound of the bucket holding quantile {@code q} (0..1), microseconds; -1 if empty. */
    long percentileMicros(double q) {
        if (total == 0) {
            return -1;
        }
        long rank = (long) Math.ceil(q * total);
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return (1L << (i + 1)) - 1;
            }
        }
        return Long.MAX_VALUE;
    }

    /** Sum of every recorded latency, microseconds (a histogram's {@code _sum}). */
    long sumMicros() {
        return sumMicros;
    }

    long[] snapshot() {
        return counts.clone();
    }
}
