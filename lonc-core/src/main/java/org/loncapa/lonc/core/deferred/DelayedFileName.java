package org.loncapa.lonc.core.deferred;

import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;
import org.loncapa.lonc.core.internal.protocol.Redaction;

/**
 * The name of one delayed (critical) transaction file, as lonnet's {@code critical()} writes it
 * into {@code <lonSockDir>/delayed/}: {@code <time>.<counter>.<pid>.<middlename>.<lonid>}.
 *
 * <ul>
 *   <li>{@code time}: epoch seconds when the file was written (wall clock).
 *   <li>{@code counter}: a per-process counter of the writing process.
 *   <li>{@code pid}: the writing process's id.
 *   <li>{@code middlename}: {@link #middlename(String)} of the command; never contains a dot.
 *   <li>{@code lonid}: the target lonID; everything after the fourth dot.
 * </ul>
 *
 * <p>[SRC] The admin list confirms the layout {@code timestamp.count.pid.command.server}; the
 * exact middlename rule is [RECALL] and lives only in {@link #middlename(String)}.
 *
 * <p>Numbers are canonical decimal (digits only, no sign, no leading zero except {@code "0"}),
 * so that {@code parse(n).get().fileName().equals(n)} always holds. Immutable and thread-safe.
 * All components are non-null. {@link #toString()} is the {@link #forLog() redacted} form.
 *
 * @param time epoch seconds, {@code >= 0}
 * @param counter per-process counter, {@code >= 0}
 * @param pid process id of the writer, {@code >= 0}
 * @param middlename a dot-free, slash-free label derived from the command (may be empty)
 * @param lonid the target lonID: non-empty, no {@code '/'}, no control characters
 */
public record DelayedFileName(long time, long counter, long pid, String middlename, String lonid) {

  /**
   * [RECALL, high] lonnet takes {@code substr($cmd,0,16)} for the middle of the name.
   */
  public static final int MIDDLENAME_CUT = 16;

  /** How many dots separate the five fields; the lonid is everything after the last of them. */
  private static final int FIELD_DOTS = 4;

  /**
   * Replay order: by {@code time}, then {@code counter}, both numerically, then by the whole
   * {@link #fileName()} (a deterministic tie-break between processes in the same second).
   *
   * <p>Perl lonc sorts names lexically. For {@code time} that is the same while epoch seconds
   * have ten digits (until the year 2286), but counters compare wrongly ({@code "10" < "9"}), so
   * this order is numeric.
   */
  public static final Comparator<DelayedFileName> REPLAY_ORDER =
      Comparator.comparingLong(DelayedFileName::time)
          .thenComparingLong(DelayedFileName::counter)
          .thenComparing(DelayedFileName::fileName);

  /** Validates the components; see the class description for the rules. */
  public DelayedFileName {
    if (time < 0 || counter < 0 || pid < 0) {
      throw new IllegalArgumentException(
          "time, counter and pid must be >= 0: " + time + "," + counter + "," + pid);
    }
    Objects.requireNonNull(middlename, "middlename");
    Objects.requireNonNull(lonid, "lonid");
    if (middlename.indexOf('.') >= 0 || hasForbiddenChar(middlename)) {
      throw new IllegalArgumentException("middlename must not contain '.', '/' or controls");
    }
    if (!isValidLonId(lonid)) {
      throw new IllegalArgumentException("invalid lonid: " + Redaction.forLog(lonid, 64));
    }
  }

  /**
   * A name for {@code cmd}, computing the middlename the way lonnet does.
   *
   * @param time epoch seconds
   * @param counter per-process counter
   * @param pid writer's process id
   * @param cmd the command as stored (no {@code sethost:} prefix, no line end); non-null
   * @param lonid the target lonID
   * @return the name
   */
  public static DelayedFileName of(long time, long counter, long pid, String cmd, String lonid) {
    return new DelayedFileName(time, counter, pid, middlename(cmd), lonid);
  }

  /**
   * lonnet's middlename: [RECALL, high] the first {@value #MIDDLENAME_CUT} characters of the
   * command ({@code substr($cmd,0,16)}), <em>then</em> every character that is not {@code
   * [A-Za-z0-9_]} removed ({@code =~ s/\W//g}, ASCII word characters as for a Perl byte
   * string). The order cut-then-strip is the recalled part: it makes the middlename at most 16
   * characters and often shorter. Example: {@code encrypt:passwd:msu:jdoe:old:new} gives
   * {@code encrypt:passwd:m}, then {@code encryptpasswdm}.
   *
   * @param cmd the command; non-null
   * @return the middlename, possibly empty, never containing a dot
   */
  public static String middlename(String cmd) {
    Objects.requireNonNull(cmd, "cmd");
    String cut = cmd.length() > MIDDLENAME_CUT ? cmd.substring(0, MIDDLENAME_CUT) : cmd;
    StringBuilder out = new StringBuilder(cut.length());
    for (int i = 0; i < cut.length(); i++) {
      char c = cut.charAt(i);
      if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') {
        out.append(c);
      }
    }
    return out.toString();
  }

  /**
   * Parses a directory entry name.
   *
   * @param fileName a bare file name (no directory part); may be {@code null}
   * @return the parsed name, or empty if it does not fit: time, counter and pid must be
   *     canonical decimal numbers that fit a {@code long}, and the lonid (everything after the
   *     fourth dot) must be a {@linkplain #isValidLonId valid lonID}
   */
  public static Optional<DelayedFileName> parse(String fileName) {
    if (fileName == null) {
      return Optional.empty();
    }
    int[] dots = new int[FIELD_DOTS];
    int from = 0;
    for (int i = 0; i < FIELD_DOTS; i++) {
      int d = fileName.indexOf('.', from);
      if (d < 0) {
        return Optional.empty();
      }
      dots[i] = d;
      from = d + 1;
    }
    long time = parseCanonical(fileName.substring(0, dots[0]));
    long counter = parseCanonical(fileName.substring(dots[0] + 1, dots[1]));
    long pid = parseCanonical(fileName.substring(dots[1] + 1, dots[2]));
    if (time < 0 || counter < 0 || pid < 0) {
      return Optional.empty();
    }
    String middle = fileName.substring(dots[2] + 1, dots[3]);
    String lonid = fileName.substring(dots[3] + 1);
    if (hasForbiddenChar(middle) || !isValidLonId(lonid)) {
      return Optional.empty();
    }
    return Optional.of(new DelayedFileName(time, counter, pid, middle, lonid));
  }

  /**
   * Whether {@code lonid} can be the last field of a delayed file name: non-empty, at most 255
   * characters, no {@code '/'}, no control characters. (lonIDs in real host tables are short
   * word characters; this check only keeps a name a single safe path element.)
   *
   * @param lonid the candidate; may be {@code null} (invalid)
   * @return whether it is usable
   */
  public static boolean isValidLonId(String lonid) {
    return lonid != null && !lonid.isEmpty() && lonid.length() <= 255
        && !hasForbiddenChar(lonid) && !lonid.equals(".") && !lonid.equals("..");
  }

  /** The file name, {@code <time>.<counter>.<pid>.<middlename>.<lonid>}. */
  public String fileName() {
    return time + "." + counter + "." + pid + "." + middlename + "." + lonid;
  }

  /** This name with another middlename (used to make a name unique inside a directory). */
  DelayedFileName withMiddlename(String newMiddlename) {
    return new DelayedFileName(time, counter, pid, newMiddlename, lonid);
  }

  /**
   * The name as it may appear in logs and status output: the middlename is derived from the
   * command text, and for an {@code encrypt:} command its tail may hold the first characters of
   * secret arguments, so a middlename starting with {@code encrypt} is shown as {@code
   * encrypt…}. The {@code time.counter.pid} prefix still identifies the file uniquely.
   *
   * @return the redacted name
   */
  public String forLog() {
    String shownMiddle = middlename.startsWith("encrypt")
        ? "encrypt" + Redaction.ELLIPSIS
        : Redaction.forLog(middlename, MIDDLENAME_CUT + 8);
    return time + "." + counter + "." + pid + "." + shownMiddle + "."
        + Redaction.forLog(lonid, 64);
  }

  /** Returns {@link #forLog()}, so that a name never leaks through string concatenation. */
  @Override
  public String toString() {
    return forLog();
  }

  private static boolean hasForbiddenChar(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '/' || c < 0x20 || c == 0x7f) {
        return true;
      }
    }
    return false;
  }

  /** A canonical non-negative decimal, or -1. */
  private static long parseCanonical(String s) {
    if (s.isEmpty() || s.length() > 18 || (s.length() > 1 && s.charAt(0) == '0')) {
      return -1;
    }
    long v = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }
}
