package org.loncapa.lonc.core.deferred;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The outcome of {@link DeferredStore#saveVerified}: what lonnet's {@code critical()} decides
 * after it wrote and re-read a delayed file.
 *
 * @param status {@link Status#DELAYED} or {@link Status#FAILED}; non-null
 * @param file the saved file when {@code DELAYED}; {@code null} when {@code FAILED}
 * @param reason why it failed when {@code FAILED} (safe to show: no command text, no secret
 *     arguments); {@code null} when {@code DELAYED}
 */
public record SaveResult(Status status, Path file, String reason) {

  /** Whether the request is now stored for replay. */
  public enum Status {
    /** Saved and read back intact; it will be replayed (at least once). */
    DELAYED("con_delayed"),
    /** Not saved, or not verified; it will not be replayed. */
    FAILED("con_failed");

    private final String replyToken;

    Status(String replyToken) {
      this.replyToken = replyToken;
    }

    /**
     * The reply a caller of {@code critical} gets: [RECALL, high] lonnet's {@code critical()}
     * returns {@code con_delayed} or {@code con_failed} (protocol.md §4.4, §5.3). These two
     * strings live only here.
     *
     * @return {@code "con_delayed"} or {@code "con_failed"}
     */
    public String replyToken() {
      return replyToken;
    }
  }

  /** Checks that {@code file} and {@code reason} match {@code status}. */
  public SaveResult {
    Objects.requireNonNull(status, "status");
    if (status == Status.DELAYED && (file == null || reason != null)) {
      throw new IllegalArgumentException("DELAYED needs a file and no reason");
    }
    if (status == Status.FAILED && (file != null || reason == null)) {
      throw new IllegalArgumentException("FAILED needs a reason and no file");
    }
  }

  /**
   * A successful save.
   *
   * @param file the stored file; non-null
   * @return the result
   */
  public static SaveResult delayed(Path file) {
    return new SaveResult(Status.DELAYED, file, null);
  }

  /**
   * A failed save.
   *
   * @param reason why; non-null
   * @return the result
   */
  public static SaveResult failed(String reason) {
    return new SaveResult(Status.FAILED, null, reason);
  }

  /** Whether the request was stored ({@link Status#DELAYED}). */
  public boolean isDelayed() {
    return status == Status.DELAYED;
  }

  /**
   * The reply token for the caller: {@code "con_delayed"} or {@code "con_failed"}.
   *
   * @return {@code status().replyToken()}
   */
  public String replyToken() {
    return status.replyToken();
  }
}
