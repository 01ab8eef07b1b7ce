package org.loncapa.lonc.core.deferred;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One delayed transaction file as found on disk by a {@link DeferredStore} listing: pending in
 * {@code delayed/} or held in {@code delayed/hold/}.
 *
 * <p>A snapshot: the file may have been replayed, held or moved aside since it was listed; the
 * store's methods cope with that. Immutable and thread-safe; all components non-null.
 *
 * @param name the parsed file name
 * @param path the file's full path at listing time
 * @param sizeBytes the file size in bytes at listing time, {@code >= 0}
 */
public record DeferredEntry(DelayedFileName name, Path path, long sizeBytes) {

  /** Checks the components. */
  public DeferredEntry {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(path, "path");
    if (sizeBytes < 0) {
      throw new IllegalArgumentException("sizeBytes < 0: " + sizeBytes);
    }
  }

  /** The target lonID, from the name. */
  public String lonid() {
    return name.lonid();
  }

  /** When lonnet (or this store) wrote the file, from the {@code time} field of its name. */
  public Instant savedAt() {
    return Instant.ofEpochSecond(name.time());
  }

  /**
   * How long the transaction has been waiting.
   *
   * @param now the current wall-clock time; non-null
   * @return {@code now} minus {@link #savedAt()}, or {@link Duration#ZERO} if the name lies in
   *     the future (clock stepped back)
   */
  public Duration age(Instant now) {
    Duration d = Duration.between(savedAt(), now);
    return d.isNegative() ? Duration.ZERO : d;
  }

  /**
   * A one-line description that is safe to show operators, without any I/O: the {@linkplain
   * DelayedFileName#forLog() redacted name}, the size and the save time. For a description
   * that includes the (redacted) command itself, use {@link DeferredStore#describe}.
   *
   * @return e.g. {@code 1764413487.3.4242.encrypt….msul1 (39 bytes, saved 2025-11-29T10:51:27Z)}
   */
  public String describe() {
    return name.forLog() + " (" + sizeBytes + " bytes, saved " + savedAt() + ")";
  }

  /** Returns {@link #describe()}: an entry never prints its raw name. */
  @Override
  public String toString() {
    return describe();
  }
}
