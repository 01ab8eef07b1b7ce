package org.loncapa.lonc.testkit;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition that another thread makes true, checking it often, and fails with a clear
 * message when it does not become true in time. The limit is a safety net for broken code, not a
 * timing assumption: passing tests never wait for it.
 */
public final class Await {
    /** Default limit: generous, so that a slow CI machine never fails a correct test. */
    public static final Duration DEFAULT_LIMIT = Duration.ofSeconds(60);

    private Await() {}

    /** Waits until {@code condition} holds, at most {@link #DEFAULT_LIMIT}. */
    public static void until(String what, BooleanSupplier condition) {
        until(what, DEFAULT_LIMIT, condition);
    }

    /** Waits until {@code condition} holds, at most {@code limit}. */
    public static void until(String what, Duration limit, BooleanSupplier condition) {
        long end = System.nanoTime() + limit.toNanos();
        long pause = 100_000; // 0.1 ms, doubling to 10 ms
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("timed out after " + limit.toMillis() + " ms waiting for: " + what);
            }
            LockSupport.parkNanos(pause);
            pause = Math.min(pause * 2, 10_000_000);
        }
    }

    /** Waits until {@code value} yields something for which {@code condition} holds; returns it. */
    public static <T> T value(String what, Supplier<T> value, java.util.function.Predicate<T> condition) {
        Object[] last = new Object[1];
        try {
            until(what, () -> {
                T v = value.get();
                last[0] = v;
                return condition.test(v);
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + " (last value: " + last[0] + ")", e);
        }
        @SuppressWarnings("unchecked")
        T v = (T) last[0];
        return v;
    }
}
