package org.loncapa.lonc.core.deferred;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

/** A wall clock that only moves when a test moves it. Thread-safe. */
final class FakeClock extends Clock {
  private volatile Instant now;
  private final ZoneId zone;

  FakeClock(Instant start, ZoneId zone) {
    this.now = start;
    this.zone = zone;
  }

  void advance(Duration d) {
    now = now.plus(d);
  }

  void set(Instant instant) {
    now = instant;
  }

  @Override
  public Instant instant() {
    return now;
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  @Override
  public Clock withZone(ZoneId z) {
    return new FakeClock(now, z);
  }
}
