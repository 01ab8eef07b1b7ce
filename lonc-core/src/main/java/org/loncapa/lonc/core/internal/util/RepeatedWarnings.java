package org.loncapa.lonc.core.internal.util;

import org.loncapa.lonc.core.Ticker;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * Rate-limits a warning that can repeat thousands of times a second under overload ({@code
 * con_busy}, refused connects, requests to a DEAD host): the first one of a kind is logged in
 * full, the rest of its interval are only counted, and one summary line gives the count when the
 * interval is over ("... 8,214 more in the last 10 s"). A kind is a key, such as {@code
 * "msul1.example.edu: queue full"}, which is also the summary's text.
 *
 * <p>The summary is written by the next warning of the kind after the interval, or by {@link
 * #flush()}, which owners call periodically (the engine does on its tick). Time comes from a
 * {@link Ticker}. At most {@link #MAX_KINDS} kinds are tracked; the oldest is summarised and
 * forgotten when more come. Thread-safe.
 */
public final class RepeatedWarnings {
    /** Default interval: one full line and at most one summary per kind per 10 s. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
    /** Kinds tracked at once. */
    public static final int MAX_KINDS = 1_000;

    private final Logger log;
    private final Ticker ticker;
    private final long intervalNanos;
    private final Map<String, Window> windows = new LinkedHashMap<>(16, 0.75f, false);

    private static final class Window {
        final long start;
        long suppressed;

        Window(long start) {
            this.start = start;
        }
    }

    public RepeatedWarnings(Logger log, Ticker ticker, Duration interval) {
        this.log = Objects.requireNonNull(log, "log");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.intervalNanos = interval.toNanos();
        if (intervalNanos <= 0) {
            throw new IllegalArgumentException("interval must be positive");
        }
    }

    /** With {@link #DEFAULT_INTERVAL}. */
    public RepeatedWarnings(Logger log, Ticker ticker) {
        this(log, ticker, DEFAULT_INTERVAL);
    }

    /**
     * Logs {@code format} with {@code args} as a warning if it is the first of {@code kind} in
     * the current interval, else counts it.
     *
     * @return true if it was logged
     */
    public boolean warn(String kind, String format, Object... args) {
        long now = ticker.nanoTime();
        synchronized (windows) {
            Window w = windows.get(kind);
            if (w != null && now - w.start < intervalNanos) {
                w.suppressed++;
                return false;
            }
            if (w != null) {
                windows.remove(kind);
                summarise(kind, w, now);
            }
            if (windows.size() >= MAX_KINDS) {
                Iterator<Map.Entry<String, Window>> it = windows.entrySet().iterator();
                Map.Entry<String, Window> eldest = it.next();
                it.remove();
                summarise(eldest.getKey(), eldest.getValue(), now);
            }
            windows.put(kind, new Window(now));
        }
        log.warn(format, args);
        return true;
    }

    /** Writes the summaries of the intervals that are over, and forgets their kinds. */
    public void flush() {
        long now = ticker.nanoTime();
        synchronized (windows) {
            Iterator<Map.Entry<String, Window>> it = windows.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<String, Window> e = it.next();
                if (now - e.getValue().start >= intervalNanos) {
                    it.remove();
                    summarise(e.getKey(), e.getValue(), now);
                }
            }
        }
    }

    private void summarise(String kind, Window w, long now) {
        if (w.suppressed > 0) {
            log.warn("{}: {} more in the last {} s (repeats are summarised)", kind, w.suppressed,
                    Math.max(1, TimeUnit.NANOSECONDS.toSeconds(now - w.start)));
        }
    }
}
