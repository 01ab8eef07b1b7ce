package org.loncapa.lonc.core.internal.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/** The warning rate limiter, with time driven by hand. */
class RepeatedWarningsTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final Capture log = new Capture();
    private final RepeatedWarnings w = new RepeatedWarnings(log, now::get, Duration.ofSeconds(10));

    /** An SLF4J logger that keeps the formatted lines. */
    static final class Capture extends LegacyAbstractLogger {
        final List<String> lines = new ArrayList<>();

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String msg,
                Object[] args, Throwable t) {
            lines.add(level + " " + MessageFormatter.basicArrayFormat(msg, args));
        }

        @Override
        public boolean isTraceEnabled() {
            return true;
        }

        @Override
        public boolean isDebugEnabled() {
            return true;
        }

        @Override
        public boolean isInfoEnabled() {
            return true;
        }

        @Override
        public boolean isWarnEnabled() {
            return true;
        }

        @Override
        public boolean isErrorEnabled() {
            return true;
        }
    }

    private void advance(long seconds) {
        now.addAndGet(TimeUnit.SECONDS.toNanos(seconds));
    }

    @Test
    void aFloodIsOneLineThenOneSummaryPerInterval() {
        for (int i = 0; i < 10_000; i++) {
            w.warn("h1: queue full", "h1: queue full ({} queued here), answering con_busy", i);
        }
        assertEquals(List.of("WARN h1: queue full (0 queued here), answering con_busy"), log.lines);
        advance(3);
        w.flush();
        assertEquals(1, log.lines.size(), "nothing before the interval is over");
        advance(7);
        w.flush();
        assertEquals("WARN h1: queue full: 9999 more in the last 10 s (repeats are summarised)",
                log.lines.get(1));
        assertTrue(w.warn("h1: queue full", "again"), "a new interval starts with a full line");
        assertEquals("WARN again", log.lines.get(2));
        w.flush();
        advance(10);
        w.flush();
        assertEquals(3, log.lines.size(), "no summary when nothing was suppressed");
    }

    @Test
    void kindsAreCountedApartAndTheNextWarningAfterTheIntervalSummarises() {
        w.warn("a", "a1");
        w.warn("b", "b1");
        w.warn("a", "a2");
        w.warn("a", "a3");
        assertEquals(List.of("WARN a1", "WARN b1"), log.lines);
        advance(11);
        assertTrue(w.warn("a", "a4"));
        assertEquals(List.of("WARN a1", "WARN b1", "WARN a: 2 more in the last 11 s (repeats are summarised)",
                "WARN a4"), log.lines);
        assertFalse(w.warn("a", "a5"));
    }

    @Test
    void kindsAreBounded() {
        for (int i = 0; i <= RepeatedWarnings.MAX_KINDS; i++) {
            w.warn("k" + i, "k{}", i);
            w.warn("k" + i, "k{}", i);
        }
        // the eldest kind was summarised and forgotten to make room: it logs in full again
        assertTrue(log.lines.contains("WARN k0: 1 more in the last 1 s (repeats are summarised)"));
        assertTrue(w.warn("k0", "k0 again"));
    }
}
