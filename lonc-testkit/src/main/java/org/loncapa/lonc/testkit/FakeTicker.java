package org.loncapa.lonc.testkit;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.loncapa.lonc.core.Ticker;

/**
 * A {@link Ticker} that only moves when a test tells it to. It starts at an arbitrary non-zero value
 * (only differences between readings mean anything, as with {@link System#nanoTime()}); pass a start
 * value near {@link Long#MAX_VALUE} to check that code survives the wrap-around of nanosecond time.
 *
 * <p>Thread-safe: any thread may read or advance it.
 */
public final class FakeTicker implements Ticker {
    /** The reading of a ticker made with {@link #FakeTicker()}. */
    public static final long DEFAULT_START_NANOS = 1_234_567_890_123L;

    private final AtomicLong nanos;

    /** A ticker reading {@link #DEFAULT_START_NANOS}. */
    public FakeTicker() {
        this(DEFAULT_START_NANOS);
    }

    /** A ticker reading {@code startNanos}. */
    public FakeTicker(long startNanos) {
        this.nanos = new AtomicLong(startNanos);
    }

    @Override
    public long nanoTime() {
        return nanos.get();
    }

    /**
     * Moves time forward.
     *
     * @param amount how far; must not be negative
     * @return the new reading
     */
    public long advance(Duration amount) {
        return advanceNanos(amount.toNanos());
    }

    /**
     * Moves time forward by {@code nanos} nanoseconds (wrapping around like {@code System.nanoTime}
     * would).
     *
     * @param nanos how far; must not be negative
     * @return the new reading
     */
    public long advanceNanos(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("time only moves forward: " + nanos);
        }
        return this.nanos.addAndGet(nanos);
    }

    @Override
    public String toString() {
        return "FakeTicker[" + nanos.get() + "]";
    }
}
