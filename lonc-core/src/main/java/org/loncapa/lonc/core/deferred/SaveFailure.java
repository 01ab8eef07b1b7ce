package org.loncapa.lonc.core.deferred;

import java.time.Instant;
import java.util.Objects;

/**
 * The most recent failure to save a critical request, kept for status snapshots.
 *
 * @param lonid the target lonID; non-null
 * @param at when it failed (wall clock); non-null
 * @param reason why (an exception class and the operating system's reason, never the command
 *     or a path); non-null
 */
public record SaveFailure(String lonid, Instant at, String reason) {
  /** Checks the components. */
  public SaveFailure {
    Objects.requireNonNull(lonid, "lonid");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(reason, "reason");
  }
}
