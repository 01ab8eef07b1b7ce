package org.loncapa.lonc.core.deferred;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Replay bookkeeping for one host: which delayed files to send next, without sending any file
 * twice at the same time, without more than {@code maxInFlight} outstanding, at a bounded rate,
 * and pausing after a failure. Pure: no I/O, no clock; time comes in as {@code nowNanos} from
 * the engine's monotonic ticker.
 *
 * <p>Typical engine loop, on the loop thread:
 *
 * <pre>{@code
 * for (DeferredEntry e : plan.nextBatch(store.listReplayable(lonid, wallNow), nowNanos)) {
 *   Optional<String> cmd = store.readCommand(e);
 *   if (cmd.isEmpty()) { plan.onSkipped(e); continue; }      // moved aside or vanished
 *   submit(cmd.get(), reply -> { store.delete(e); permLog.logReplayed(...); plan.onReplied(e); },
 *                     failure -> plan.onFailed(e, ticker.nanos()));
 * }
 * arm a timer for plan.nanosUntilReady(nowNanos) (Long.MAX_VALUE: wait for a completion)
 * }</pre>
 *
 * <p>Rate limit: a token bucket holding at most {@code ratePerSecond} tokens (a burst of one
 * second's worth), refilled continuously at {@code ratePerSecond} per second; each handed-out
 * entry takes one token. Over any interval of T seconds at most {@code ratePerSecond * (1 + T)}
 * entries are handed out; in the long run at most {@code ratePerSecond} per second.
 *
 * <p>Order: entries are taken in the order of {@code onDisk} (give it replay order). With
 * {@code maxInFlight == 1} replays are strictly sequential; with more, as in Perl lonc (which
 * queued every delayed file at once on up to ten connections), lond may execute them out of
 * order.
 *
 * <p>Delivery stays at-least-once: an entry that is replied to is deleted by the engine; one that
 * failed stays on disk and is handed out again after the back-off.
 *
 * <p>Threading: <b>not thread-safe</b>; owned by the engine loop thread. Nanosecond values are
 * compared by subtraction, so ticker wrap-around is harmless. Entries are identified by their
 * {@link DeferredEntry#path() path}. Arguments are non-null.
 */
final class ReplayPlan {

  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private final int maxInFlight;
  private final int ratePerSecond;
  private final long retryAfterNanos;
  /** Token-bucket capacity in token-nanos (one token = {@link #NANOS_PER_SECOND} units). */
  private final long capacity;

  private final Set<Path> inFlight = new HashSet<>();
  /** Current bucket content in token-nanos. */
  private long credit;
  private long lastRefillNanos;
  private boolean started;
  private boolean backingOff;
  private long backoffUntilNanos;

  /**
   * Creates a plan with a full token bucket.
   *
   * @param maxInFlight the most entries handed out and not yet replied to or failed, {@code >=
   *     1}
   * @param ratePerSecond the most entries handed out per second in the long run, and the burst
   *     size, {@code >= 1}
   * @param retryAfterNanos how long to hand out nothing after a failure, in nanoseconds, {@code
   *     >= 0}
   */
  public ReplayPlan(int maxInFlight, int ratePerSecond, long retryAfterNanos) {
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight < 1: " + maxInFlight);
    }
    if (ratePerSecond < 1) {
      throw new IllegalArgumentException("ratePerSecond < 1: " + ratePerSecond);
    }
    if (retryAfterNanos < 0) {
      throw new IllegalArgumentException("retryAfterNanos < 0: " + retryAfterNanos);
    }
    this.maxInFlight = maxInFlight;
    this.ratePerSecond = ratePerSecond;
    this.retryAfterNanos = retryAfterNanos;
    this.capacity = ratePerSecond * NANOS_PER_SECOND;
    this.credit = capacity;
  }

  /**
   * The entries to replay now: in {@code onDisk} order, skipping those in flight, at most
   * {@code maxInFlight} in flight afterwards, at most as many as there are tokens, nothing
   * while backing off. Each returned entry is in flight until {@link #onReplied}, {@link
   * #onFailed} or {@link #onSkipped}.
   *
   * @param onDisk the pending entries, in replay order (e.g. {@link
   *     DeferredStore#listReplayable})
   * @param nowNanos the engine ticker's current value
   * @return the entries to send now, possibly empty; a new list
   */
  public List<DeferredEntry> nextBatch(List<DeferredEntry> onDisk, long nowNanos) {
    Objects.requireNonNull(onDisk, "onDisk");
    refill(nowNanos);
    List<DeferredEntry> batch = new ArrayList<>();
    if (isBackingOff(nowNanos)) {
      return batch;
    }
    for (DeferredEntry e : onDisk) {
      if (inFlight.size() >= maxInFlight || credit < NANOS_PER_SECOND) {
        break;
      }
      if (inFlight.add(e.path())) {
        credit -= NANOS_PER_SECOND;
        batch.add(e);
      }
    }
    return batch;
  }

  /**
   * lond replied to {@code entry}'s replay (the engine deletes the file).
   *
   * @param entry an entry handed out by {@link #nextBatch}
   */
  public void onReplied(DeferredEntry entry) {
    inFlight.remove(entry.path());
  }

  /**
   * {@code entry}'s replay failed (connection lost, timeout): it stays on disk and nothing is
   * handed out for {@code retryAfterNanos}.
   *
   * @param entry an entry handed out by {@link #nextBatch}
   * @param nowNanos the engine ticker's current value
   */
  public void onFailed(DeferredEntry entry, long nowNanos) {
    inFlight.remove(entry.path());
    backOffUntil(nowNanos + retryAfterNanos);
  }

  /**
   * {@code entry} was not sent after all (its command could not be read: moved aside or
   * vanished). No back-off; the token is not returned.
   *
   * @param entry an entry handed out by {@link #nextBatch}
   */
  public void onSkipped(DeferredEntry entry) {
    inFlight.remove(entry.path());
  }

  /**
   * Hands out nothing before {@code untilNanos} (e.g. the host was marked dead). An earlier
   * time than a back-off already in force does not shorten it.
   *
   * @param untilNanos ticker value at which handing out may resume
   */
  public void backOffUntil(long untilNanos) {
    if (!backingOff || untilNanos - backoffUntilNanos > 0) {
      backoffUntilNanos = untilNanos;
      backingOff = true;
    }
  }

  /**
   * Whether a back-off is in force at {@code nowNanos}.
   *
   * @param nowNanos the engine ticker's current value
   * @return {@code true} while backing off
   */
  /** Ends any back-off at once (an operator's flush). */
  public void clearBackOff() {
    backingOff = false;
  }

  public boolean isBackingOff(long nowNanos) {
    if (backingOff && nowNanos - backoffUntilNanos >= 0) {
      backingOff = false;
    }
    return backingOff;
  }

  /**
   * How long until {@link #nextBatch} could hand out something (if there is something on disk).
   *
   * @param nowNanos the engine ticker's current value
   * @return nanoseconds, {@code 0} if now, {@link Long#MAX_VALUE} if only a completion ({@link
   *     #onReplied}/{@link #onFailed}/{@link #onSkipped}) can make room
   */
  public long nanosUntilReady(long nowNanos) {
    refill(nowNanos);
    if (isBackingOff(nowNanos)) {
      return backoffUntilNanos - nowNanos;
    }
    if (inFlight.size() >= maxInFlight) {
      return Long.MAX_VALUE;
    }
    if (credit >= NANOS_PER_SECOND) {
      return 0;
    }
    long missing = NANOS_PER_SECOND - credit;
    return (missing + ratePerSecond - 1) / ratePerSecond;
  }

  /** How many entries are in flight. */
  public int inFlightCount() {
    return inFlight.size();
  }

  /**
   * Whether {@code entry} is in flight.
   *
   * @param entry the entry
   * @return {@code true} if handed out and not yet completed
   */
  public boolean isInFlight(DeferredEntry entry) {
    return inFlight.contains(entry.path());
  }

  private void refill(long nowNanos) {
    if (!started) {
      started = true;
      lastRefillNanos = nowNanos;
      return;
    }
    long elapsed = nowNanos - lastRefillNanos;
    if (elapsed <= 0) {
      return; // same instant, or a ticker that went backwards: no credit
    }
    lastRefillNanos = nowNanos;
    if (elapsed >= NANOS_PER_SECOND) {
      credit = capacity; // a full second refills the whole bucket (and avoids overflow)
    } else {
      credit = Math.min(capacity, credit + elapsed * ratePerSecond);
    }
  }
}
