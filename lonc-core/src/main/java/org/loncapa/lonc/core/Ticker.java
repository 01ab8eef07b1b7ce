package org.loncapa.lonc.core;

/**
 * A source of monotonic time in nanoseconds. Engine logic never reads the clock itself: it is given
 * a {@code Ticker} (or a {@code now} argument) so that tests can drive time with a fake.
 */
@FunctionalInterface
public interface Ticker {
    /** Monotonic nanoseconds; only differences between two readings are meaningful. */
    long nanoTime();

    /** The system ticker, backed by {@link System#nanoTime()}. */
    static Ticker system() {
        return System::nanoTime;
    }
}
