package org.loncapa.lonc.bench.load;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Latencies of one client (recorded by its own thread, without locks) or, after
 * {@link #add(Latencies)}, of many. Values are nanoseconds, kept with 3 significant digits from 1 µs
 * to 1 h; reported in microseconds.
 */
public final class Latencies {
    private static final long LOWEST = 1_000;
    private static final long HIGHEST = TimeUnit.HOURS.toNanos(1);

    private final Histogram h = new Histogram(LOWEST, HIGHEST, 3);

    /** Records one latency; values below 1 µs count as 1 µs, above 1 h as 1 h. */
    public void record(long nanos) {
        h.recordValue(Math.max(LOWEST, Math.min(HIGHEST, nanos)));
    }

    public void add(Latencies other) {
        h.add(other.h);
    }

    public long count() {
        return h.getTotalCount();
    }

    /** The latency at {@code percentile} (0..100) in microseconds, or 0 when empty. */
    public double percentileMicros(double percentile) {
        return count() == 0 ? 0 : h.getValueAtPercentile(percentile) / 1000.0;
    }

    public double maxMicros() {
        return count() == 0 ? 0 : h.getMaxValue() / 1000.0;
    }
}
