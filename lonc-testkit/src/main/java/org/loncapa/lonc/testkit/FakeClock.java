package org.loncapa.lonc.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A wall clock that a test moves by hand, for {@code LoncClient.Builder.clock(Clock)}: deferred
 * (critical) files carry wall-clock seconds in their names, and are replayed only once they are old
 * enough that lonnet no longer reads them back, so a test advances this clock instead of waiting.
 * Thread-safe.
 */
public final class FakeClock extends Clock {
    private final AtomicReference<Instant> now;
    private final ZoneId zone;

    /** A clock standing at {@code start}, in UTC. */
    public FakeClock(Instant start) {
        this(new AtomicReference<>(Objects.requireNonNull(start, "start")), ZoneOffset.UTC);
    }

    /** A clock standing at the present moment, in UTC. */
    public FakeClock() {
        this(Instant.now());
    }

    private FakeClock(AtomicReference<Instant> now, ZoneId zone) {
        this.now = now;
        this.zone = zone;
    }

    /** Moves the clock forward (or back, with a negative duration); returns the new time. */
    public Instant advance(Duration d) {
        return now.updateAndGet(i -> i.plus(d));
    }

    /** Sets the time. */
    public void set(Instant t) {
        now.set(Objects.requireNonNull(t, "t"));
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    /** A view in another zone that shares this clock's time. */
    @Override
    public Clock withZone(ZoneId z) {
        return new FakeClock(now, z);
    }
}
