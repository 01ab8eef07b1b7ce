package org.loncapa.lonc.core.deferred;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.ReadOnlyFileSystemException;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.loncapa.lonc.core.internal.protocol.Redaction;
import org.loncapa.lonc.core.protocol.WireText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deferred (critical) transaction store: lonnet-compatible files in {@code
 * <lonSockDir>/delayed/}, one request per file, named as in {@link DelayedFileName}, containing
 * {@code "<cmd>\n"}. lonnet (Perl) and this store write the same directory; Perl lonc and this
 * store read it.
 *
 * <h2>Delivery guarantee: at-least-once</h2>
 *
 * A file is deleted only after lond's reply to its replay arrived ({@link #delete}). If the
 * request was executed but the reply was lost (connection dropped, crash before the delete), the
 * file is replayed again. There is no deduplication, exactly as in Perl lonc. Nothing in this
 * class ever deletes a file that was not replayed: unusable files go to {@code corrupt/}, files
 * that must not be replayed now go to {@code hold/}.
 *
 * <h2>Layout</h2>
 *
 * <pre>
 * delayed/                          mode 0755 if created here (lonnet writes here too)
 *   &lt;time&gt;.&lt;counter&gt;.&lt;pid&gt;.&lt;middlename&gt;.&lt;lonid&gt;   pending, replayed in {@link DelayedFileName#REPLAY_ORDER}
 *   .~&lt;name&gt;~tmp                   a save in progress (never matched by lonnet, loncron, Perl lonc)
 *   hold/&lt;name&gt;                     held by an operator or a policy: not replayed, never deleted
 *   corrupt/&lt;name&gt;                  unusable content, moved aside with a WARN log line
 * </pre>
 *
 * <p>Any other file in {@code delayed/} is not ours: it is left alone and counted in {@link
 * Stats#foreignFiles()}. Symbolic links are never followed or read (someone who could plant a
 * link could otherwise make lonc send any file's first line to a remote lond).
 *
 * <h2>Threads</h2>
 *
 * Thread-safe. {@link #save}/{@link #saveVerified} are called by the threads that serve
 * clients' critical requests (UNIX-socket front end, SDK callers); {@link #listReplayable},
 * {@link #readCommand} and {@link #delete} by the engine loop thread that replays; {@link
 * #hold}, {@link #release}, {@link #stats} and friends by admin/status threads. The file system
 * is the only shared state: operations on one file tolerate another thread (or process) having
 * moved or deleted it. Renames into a directory are serialized by one lock so that the
 * check-then-rename that keeps names unique cannot race inside this JVM; across processes names
 * cannot collide because each name carries the writer's pid.
 *
 * <h2>Errors</h2>
 *
 * {@code null} arguments throw {@link NullPointerException}. {@link #saveVerified} and {@link
 * #readCommand} never throw for I/O problems; listing methods throw {@link IOException} when the
 * directory cannot be read (a missing directory simply lists as empty).
 */
public final class DeferredStore {

  /** Subdirectory of held files. */
  public static final String HOLD_DIR = "hold";

  /** Subdirectory of files moved aside as unusable. */
  public static final String CORRUPT_DIR = "corrupt";

  /** Default maximum length of a stored command in bytes (UTF-8, without the newline). */
  public static final int DEFAULT_MAX_COMMAND_BYTES = 64 * 1024;

  /**
   * [RECALL, high] lonnet's {@code critical()} sleeps this long after writing a delayed file and
   * then reads it back; if the file is gone by then (because lonc already replayed and deleted
   * it) lonnet logs {@code F:} and answers {@code con_failed} although the request was sent.
   */
  public static final Duration LONNET_READ_BACK_DELAY = Duration.ofSeconds(2);

  /**
   * [INFER] The youngest a file may be (by the {@code time} in its name) to be handed out by
   * {@link #listReplayable}: lonnet's read-back delay plus one second for the whole-second name
   * and two seconds of scheduling slack.
   */
  public static final Duration REPLAY_MIN_AGE = LONNET_READ_BACK_DELAY.plusSeconds(3);

  /**
   * [INFER] lonnet writes its files in place (open, print, close), not by rename, so a listing
   * can see one empty or without its final newline for a moment. Such a file whose modification
   * time is younger than this is skipped by {@link #readCommand}, not judged corrupt.
   */
  public static final Duration INCOMPLETE_GRACE = Duration.ofSeconds(10);

  /**
   * Temp-file names are {@code .~<final name>~tmp}. Perl lonc selects files with the unescaped
   * regex {@code /\.<lonid>$/}; a temp name ends in {@code ~tmp}, not in {@code .<lonid>}, and
   * its empty first field never parses as a {@link DelayedFileName}. The leading dot also hides
   * it from {@code ls}.
   */
  static final String TEMP_PREFIX = ".~";

  static final String TEMP_SUFFIX = "~tmp";

  /**
   * {@code delayed/} mode when this store has to create it: like the other directories under
   * {@code lonSockDir}, not 0700, so that it looks the same whether lonnet's installer or this
   * daemon made it (both run as {@code www}).
   */
  static final Set<PosixFilePermission> DELAYED_DIR_MODE =
      PosixFilePermissions.fromString("rwxr-xr-x");

  /** {@code hold/} and {@code corrupt/} are only ours and may hold secrets: owner only. */
  static final Set<PosixFilePermission> PRIVATE_DIR_MODE =
      PosixFilePermissions.fromString("rwx------");

  /** Bound on {@code name~N} attempts when a target name is taken. */
  private static final int MAX_NAME_ATTEMPTS = 1000;

  /**
   * One counter per JVM: every store instance in this process shares our pid, so a shared
   * counter keeps their names distinct.
   */
  private static final AtomicLong JVM_COUNTER = new AtomicLong();

  private static final Logger LOG = LoggerFactory.getLogger(DeferredStore.class);

  private final Path dir;
  private final Path holdDir;
  private final Path corruptDir;
  private final Clock clock;
  private final long pid;
  private final StoreIo io;
  private final PermLog permLog;
  private final int maxCommandBytes;
  private final AtomicLong counter;
  /** Serializes exists-check-then-rename into any of our directories. */
  private final Object moveLock = new Object();

  private final Map<String, FailureTally> failuresByLonid = new ConcurrentHashMap<>();
  private final AtomicReference<FailureTally> allFailures =
      new AtomicReference<>(new FailureTally(0, null));

  /**
   * Creates a store with the {@linkplain #DEFAULT_MAX_COMMAND_BYTES default} command limit.
   *
   * @param delayedDir {@code <lonSockDir>/delayed}; created on the first save if missing
   * @param clock wall clock, for file names, ages and failure times
   * @param pid our process id (the {@code pid} field of names we write), {@code >= 0}
   * @param io the file-system seam, normally {@link RealStoreIo}
   * @param permLog where {@code D:}/{@code F:} lines of {@link #saveVerified} go
   */
  public DeferredStore(Path delayedDir, Clock clock, long pid, StoreIo io, PermLog permLog) {
    this(delayedDir, clock, pid, io, permLog, DEFAULT_MAX_COMMAND_BYTES);
  }

  /**
   * Creates a store.
   *
   * @param delayedDir {@code <lonSockDir>/delayed}; created on the first save if missing
   * @param clock wall clock, for file names, ages and failure times
   * @param pid our process id (the {@code pid} field of names we write), {@code >= 0}
   * @param io the file-system seam, normally {@link RealStoreIo}
   * @param permLog where {@code D:}/{@code F:} lines of {@link #saveVerified} go
   * @param maxCommandBytes the longest command accepted by {@link #save} and by {@link
   *     #readCommand}, in UTF-8 bytes without the newline, {@code >= 1}
   */
  public DeferredStore(Path delayedDir, Clock clock, long pid, StoreIo io, PermLog permLog,
      int maxCommandBytes) {
    this(delayedDir, clock, pid, io, permLog, maxCommandBytes, JVM_COUNTER);
  }

  /** For tests that need predictable counters. */
  DeferredStore(Path delayedDir, Clock clock, long pid, StoreIo io, PermLog permLog,
      int maxCommandBytes, AtomicLong counter) {
    this.dir = Objects.requireNonNull(delayedDir, "delayedDir").normalize();
    this.holdDir = dir.resolve(HOLD_DIR);
    this.corruptDir = dir.resolve(CORRUPT_DIR);
    this.clock = Objects.requireNonNull(clock, "clock");
    if (pid < 0) {
      throw new IllegalArgumentException("pid < 0: " + pid);
    }
    this.pid = pid;
    this.io = Objects.requireNonNull(io, "io");
    this.permLog = Objects.requireNonNull(permLog, "permLog");
    if (maxCommandBytes < 1) {
      throw new IllegalArgumentException("maxCommandBytes < 1: " + maxCommandBytes);
    }
    this.maxCommandBytes = maxCommandBytes;
    this.counter = Objects.requireNonNull(counter, "counter");
  }

  /** The {@code delayed/} directory. */
  public Path directory() {
    return dir;
  }

  // ---------------------------------------------------------------------------------- saving

  /**
   * Stores {@code cmd} for later replay to {@code lonid}, crash-safely: write {@code cmd + "\n"}
   * to a temp file (mode 0600) in {@code delayed/}, fsync it, rename it atomically to its final
   * name, fsync the directory. The final name is never visible with partial content.
   *
   * <p>Names are unique: the counter is shared by the JVM and, should a name from an earlier
   * process with the same pid exist, bumped until free. If only the final directory fsync fails
   * the file is kept (it is complete and visible, as durable as lonnet's own files, which are
   * never fsynced) and a warning is logged.
   *
   * @param lonid the target lonID; must be {@linkplain DelayedFileName#isValidLonId valid}
   * @param cmd the command: no line break, no {@code sethost:} prefix (the replayer adds one),
   *     not empty, at most {@code maxCommandBytes} UTF-8 bytes; may start with {@code encrypt:}
   * @return the path of the stored file
   * @throws IllegalArgumentException if {@code lonid} or {@code cmd} break the rules above
   * @throws IOException if the file could not be stored; no temp file is left behind (a
   *     {@link StoreIo} may also throw the unchecked {@link ReadOnlyFileSystemException}, which
   *     passes through; {@link #saveVerified} turns both into {@code FAILED})
   */
  public Path save(String lonid, String cmd) throws IOException {
    byte[] content = checkedContent(lonid, cmd);
    if (content.length - 1 > maxCommandBytes) {
      throw new IllegalArgumentException(tooLong(content.length - 1));
    }
    return store(lonid, cmd, content);
  }

  /**
   * What lonnet's {@code critical()} does after its second {@code con_lost}: {@link #save},
   * read the file back and compare. On a match, append {@code D:<lonid>:<cmd>} to the perm log
   * and return {@link SaveResult.Status#DELAYED}. Otherwise (including disk full, read-only file
   * system, permission denied, or a command longer than the limit) append {@code
   * F:<lonid>:<cmd>}, record the failure for {@link #stats}, and return {@link
   * SaveResult.Status#FAILED} with the reason. A file that was stored but did not verify is
   * moved to {@code corrupt/}, so a request answered {@code con_failed} is not replayed later.
   *
   * <p>Unlike lonnet there is no two-second sleep before the read-back: the write was fsynced
   * and the read goes through the same kernel.
   *
   * @param lonid the target lonID
   * @param cmd the command (see {@link #save})
   * @return the outcome; never {@code null}
   * @throws IllegalArgumentException if {@code lonid} or {@code cmd} are malformed (a caller
   *     bug, not an I/O problem)
   */
  public SaveResult saveVerified(String lonid, String cmd) {
    byte[] expected = checkedContent(lonid, cmd);
    if (expected.length - 1 > maxCommandBytes) {
      return failed(lonid, cmd, tooLong(expected.length - 1));
    }
    Path path;
    try {
      path = store(lonid, cmd, expected);
    } catch (IOException | UncheckedIOException | ReadOnlyFileSystemException
        | SecurityException e) {
      return failed(lonid, cmd, reason(e));
    }
    String mismatch;
    try {
      byte[] back = io.readPrefix(path, expected.length + 1);
      mismatch = Arrays.equals(back, expected) ? null : "read-back differs from what was written";
    } catch (IOException | UncheckedIOException | ReadOnlyFileSystemException
        | SecurityException e) {
      mismatch = "read-back failed: " + reason(e);
    }
    if (mismatch != null) {
      moveAside(path, DelayedFileName.parse(path.getFileName().toString()).orElse(null),
          mismatch);
      return failed(lonid, cmd, mismatch);
    }
    permLog.logDelayed(lonid, cmd);
    return SaveResult.delayed(path);
  }

  private Path store(String lonid, String cmd, byte[] content) throws IOException {
    long now = clock.instant().getEpochSecond();
    String middle = DelayedFileName.middlename(cmd);
    io.createDirectories(dir, DELAYED_DIR_MODE);

    DelayedFileName name = new DelayedFileName(now, counter.incrementAndGet(), pid, middle, lonid);
    Path tmp = dir.resolve(tempName(name));
    for (int i = 0; io.exists(tmp); i++) { // a stale temp of a dead process with our pid
      if (i >= MAX_NAME_ATTEMPTS) {
        throw new FileAlreadyExistsException(tmp.getFileName().toString(), null,
            "no free temp name");
      }
      name = new DelayedFileName(now, counter.incrementAndGet(), pid, middle, lonid);
      tmp = dir.resolve(tempName(name));
    }

    boolean tmpIsOurs = true;
    try {
      try {
        io.writeNewAndSync(tmp, content);
      } catch (FileAlreadyExistsException raced) {
        tmpIsOurs = false; // someone else's file: leave it
        throw raced;
      }
      Path target;
      synchronized (moveLock) {
        target = dir.resolve(name.fileName());
        for (int i = 0; io.exists(target); i++) {
          if (i >= MAX_NAME_ATTEMPTS) {
            throw new FileAlreadyExistsException(name.forLog(), null, "no free name");
          }
          name = new DelayedFileName(now, counter.incrementAndGet(), pid, middle, lonid);
          target = dir.resolve(name.fileName());
        }
        io.moveAtomically(tmp, target);
      }
      tmpIsOurs = false; // renamed: nothing left to clean up
      syncQuietly(dir, name);
      return target;
    } finally {
      if (tmpIsOurs) {
        deleteQuietly(tmp);
      }
    }
  }

  /**
   * Checks that {@code cmd} for {@code lonid} could be saved (a valid lonID; a non-empty command
   * without line breaks or a {@code sethost:} prefix), so that a critical request is refused before
   * anything is sent rather than after two attempts.
   *
   * @throws IllegalArgumentException if it could not
   */
  public static void requireSavable(String lonid, String cmd) {
    checkedContent(lonid, cmd);
  }

  private static byte[] checkedContent(String lonid, String cmd) {
    Objects.requireNonNull(lonid, "lonid");
    Objects.requireNonNull(cmd, "cmd");
    if (!DelayedFileName.isValidLonId(lonid)) {
      throw new IllegalArgumentException("invalid lonid: " + Redaction.forLog(lonid, 64));
    }
    if (cmd.isEmpty()) {
      throw new IllegalArgumentException("empty command");
    }
    if (cmd.indexOf('\n') >= 0 || cmd.indexOf('\r') >= 0) {
      throw new IllegalArgumentException("command contains a line break: "
          + Redaction.forLog(cmd));
    }
    if (cmd.startsWith(Redaction.SETHOST_PREFIX)) {
      throw new IllegalArgumentException("command must not carry a sethost: prefix: "
          + Redaction.forLog(cmd));
    }
    return WireText.encodeLine(cmd);
  }

  private String tooLong(int bytes) {
    return "command is " + bytes + " bytes, longer than the limit of " + maxCommandBytes;
  }

  private SaveResult failed(String lonid, String cmd, String reason) {
    SaveFailure failure = new SaveFailure(lonid, clock.instant(), reason);
    failuresByLonid.merge(lonid, new FailureTally(1, failure), FailureTally::plus);
    allFailures.accumulateAndGet(new FailureTally(1, failure), FailureTally::plus);
    LOG.warn("Could not store critical request {} for {}: {}", Redaction.forLog(cmd),
        Redaction.forLog(lonid, 64), reason);
    permLog.logFailed(lonid, cmd);
    return SaveResult.failed(reason);
  }

  static String tempName(DelayedFileName name) {
    return TEMP_PREFIX + name.fileName() + TEMP_SUFFIX;
  }

  static boolean isTempName(String fileName) {
    return fileName.length() > TEMP_PREFIX.length() + TEMP_SUFFIX.length()
        && fileName.startsWith(TEMP_PREFIX) && fileName.endsWith(TEMP_SUFFIX);
  }

  // --------------------------------------------------------------------------------- listing

  /**
   * The pending files for {@code lonid}, in {@linkplain DelayedFileName#REPLAY_ORDER replay
   * order}. Temp files, subdirectories, symbolic links and names that do not parse are skipped.
   * The lonID is compared exactly (Perl lonc's unescaped {@code /\.lonid$/} would also match a
   * hand-made name whose fourth field contains dots; lonnet never makes such names).
   *
   * @param lonid the lonID
   * @return the entries; empty if there are none or {@code delayed/} does not exist
   * @throws IOException if the directory cannot be read
   */
  public List<DeferredEntry> list(String lonid) throws IOException {
    Objects.requireNonNull(lonid, "lonid");
    return filterSorted(scan(dir).entries, lonid);
  }

  /**
   * All pending files, for every lonID, in replay order.
   *
   * @return the entries
   * @throws IOException if the directory cannot be read
   */
  public List<DeferredEntry> listAll() throws IOException {
    return filterSorted(scan(dir).entries, null);
  }

  /**
   * The pending files for {@code lonid} that may be replayed now: {@link #list} without files
   * younger than {@link #REPLAY_MIN_AGE}, which lonnet may still be about to read back. This is
   * what the replay engine should use.
   *
   * @param lonid the lonID
   * @param now the current wall-clock time
   * @return the entries in replay order
   * @throws IOException if the directory cannot be read
   */
  public List<DeferredEntry> listReplayable(String lonid, Instant now) throws IOException {
    Objects.requireNonNull(now, "now");
    List<DeferredEntry> out = new ArrayList<>();
    for (DeferredEntry e : list(lonid)) {
      if (e.age(now).compareTo(REPLAY_MIN_AGE) >= 0) {
        out.add(e);
      }
    }
    return out;
  }

  /**
   * The held files for {@code lonid}, in replay order.
   *
   * @param lonid the lonID
   * @return the entries (their paths are in {@code hold/})
   * @throws IOException if the directory cannot be read
   */
  public List<DeferredEntry> listHeld(String lonid) throws IOException {
    Objects.requireNonNull(lonid, "lonid");
    return filterSorted(scan(holdDir).entries, lonid);
  }

  /** Every held entry, whatever its lonID (including lonIDs no longer in the host table). */
  public List<DeferredEntry> listHeldAll() throws IOException {
    return filterSorted(scan(holdDir).entries, null);
  }

  private static List<DeferredEntry> filterSorted(List<DeferredEntry> all, String lonid) {
    List<DeferredEntry> out = new ArrayList<>();
    for (DeferredEntry e : all) {
      if (lonid == null || e.lonid().equals(lonid)) {
        out.add(e);
      }
    }
    out.sort(Comparator.comparing(DeferredEntry::name, DelayedFileName.REPLAY_ORDER));
    return out;
  }

  /** A directory's parsed entries and the number of files that are not ours. */
  private static final class Scan {
    final List<DeferredEntry> entries = new ArrayList<>();
    int foreign;
  }

  private Scan scan(Path d) throws IOException {
    Scan s = new Scan();
    List<StoreIo.DirEntry> listing;
    try {
      listing = io.list(d);
    } catch (NoSuchFileException missing) {
      return s;
    }
    for (StoreIo.DirEntry de : listing) {
      if (de.kind() == StoreIo.Kind.DIRECTORY || isTempName(de.name())) {
        continue;
      }
      Optional<DelayedFileName> name = DelayedFileName.parse(de.name());
      if (de.kind() != StoreIo.Kind.FILE || name.isEmpty()) {
        s.foreign++;
        continue;
      }
      s.entries.add(new DeferredEntry(name.get(), d.resolve(de.name()), de.sizeBytes()));
    }
    return s;
  }

  // --------------------------------------------------------------------------------- reading

  /**
   * The command to replay: the file's first line with exactly one trailing {@code "\n"}
   * stripped (Perl lonc: {@code <$Handle>}, {@code chomp}). A last line without a newline is
   * accepted, as in Perl, once the file is older than {@link #INCOMPLETE_GRACE}; before that
   * it may still be being written by lonnet and is skipped.
   *
   * <p>An unusable file is moved to {@code corrupt/} with a WARN line naming the (redacted)
   * file and the reason, and {@code Optional.empty()} is returned; it is never deleted and
   * never blocks the other files. Unusable means: empty (once older than the grace), an empty
   * first line, a first line over {@code maxCommandBytes} bytes, not valid UTF-8, a control
   * character other than TAB in the line, or permission denied. A file that has vanished
   * (replayed or held by another thread) gives empty silently. Any other read error (such as
   * EIO or too many open files) is logged and the file left in place: such errors say more
   * about the process or the device than about the file.
   *
   * @param entry an entry from {@link #list}, {@link #listAll} or {@link #listReplayable}
   * @return the command without its newline, or empty
   */
  public Optional<String> readCommand(DeferredEntry entry) {
    Objects.requireNonNull(entry, "entry");
    Path path = entry.path();
    byte[] bytes;
    try {
      bytes = io.readPrefix(path, maxCommandBytes + 1);
    } catch (NoSuchFileException gone) {
      LOG.debug("Deferred file {} vanished before it was read", entry.name());
      return Optional.empty();
    } catch (AccessDeniedException | ReadOnlyFileSystemException | SecurityException e) {
      moveAside(path, entry.name(), "unreadable: " + reason(e));
      return Optional.empty();
    } catch (IOException | UncheckedIOException e) {
      LOG.warn("Could not read deferred file {}, leaving it for later: {}", entry.name(),
          reason(e));
      return Optional.empty();
    }

    int nl = indexOf(bytes, (byte) '\n');
    int lineEnd;
    if (nl >= 0) {
      lineEnd = nl;
    } else if (bytes.length > maxCommandBytes) {
      moveAside(path, entry.name(), "first line longer than " + maxCommandBytes + " bytes");
      return Optional.empty();
    } else if (isYoung(path)) {
      LOG.debug("Deferred file {} looks incomplete; skipped for now", entry.name());
      return Optional.empty();
    } else if (bytes.length == 0) {
      moveAside(path, entry.name(), "empty file");
      return Optional.empty();
    } else {
      lineEnd = bytes.length; // no newline at end of file: accepted as Perl does
    }
    if (lineEnd == 0) {
      moveAside(path, entry.name(), "empty first line");
      return Optional.empty();
    }
    // bytes that are not UTF-8 (Latin-1 from old data) are replayed as they are, as Perl lonc does
    String line = WireText.decode(bytes, 0, lineEnd);
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if ((c < 0x20 && c != '\t') || c == 0x7f) {
        moveAside(path, entry.name(),
            String.format("control character 0x%02x at offset %d", (int) c, i));
        return Optional.empty();
      }
    }
    return Optional.of(line);
  }

  /**
   * A one-line description for operators that includes the command, {@linkplain
   * Redaction#forLog(String) redacted} (never the arguments of an {@code encrypt:} command).
   * Reads the file but never moves it.
   *
   * @param entry the entry
   * @param now the current wall-clock time, for the age
   * @return e.g. {@code 1764413487.3.4242.encrypt….msul1 age PT1H size 39: encrypt:passwd}
   */
  public String describe(DeferredEntry entry, Instant now) {
    Objects.requireNonNull(entry, "entry");
    Objects.requireNonNull(now, "now");
    String head = entry.name().forLog() + " age " + entry.age(now) + " size "
        + entry.sizeBytes() + ": ";
    try {
      byte[] bytes = io.readPrefix(entry.path(), Math.min(maxCommandBytes, 4096));
      int nl = indexOf(bytes, (byte) '\n');
      String text = new String(bytes, 0, nl >= 0 ? nl : bytes.length, StandardCharsets.UTF_8);
      return head + Redaction.forLog(text);
    } catch (IOException | RuntimeException e) {
      return head + "(unreadable: " + reason(e) + ")";
    }
  }

  private boolean isYoung(Path path) {
    try {
      Duration age = Duration.between(io.lastModified(path), clock.instant());
      return age.compareTo(INCOMPLETE_GRACE) < 0;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static int indexOf(byte[] bytes, byte b) {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return -1;
  }

  // ---------------------------------------------------------------------------- after a replay

  /** What {@link #finishReplay} did with a file. */
  public enum ReplayOutcome {
    /** lond took it: the {@code S:} line is written and the file deleted. */
    DELIVERED,
    /** lond refused it: moved to {@code hold/} for an operator, never deleted. */
    HELD,
    /**
     * lond took it and the {@code S:} line is written, but the file could not be deleted
     * ({@code delayed/} read-only): the caller must not send it again.
     */
    DELIVERED_NOT_REMOVED
  }

  /**
   * Whether lond's {@code reply} to a replayed request means it will never succeed as it is
   * ({@code refused}, {@code rejected}, {@code unknown_cmd}, {@code error...}): such a file is held,
   * where Perl lonc deleted it.
   */
  public static boolean isRefusal(String reply) {
    return reply.startsWith("refused") || reply.startsWith("rejected")
        || reply.startsWith("unknown_cmd") || reply.startsWith("error");
  }

  /**
   * The end of a replay, once lond has answered (not for {@code con_lost} and the like, which leave
   * the file for a later try): a refusal moves the file to {@code hold/}; anything else writes
   * {@code S:<target> :<request>} to the perm log and then deletes the file. In that order, a crash
   * in between leaves a file that is replayed again, never a delivery without its perm-log line.
   *
   * @param target the name the perm log gives the remote side
   * @param request the request as sent (with its {@code sethost:} prefix)
   * @throws IOException if a refused file cannot be moved to hold
   */
  public ReplayOutcome finishReplay(DeferredEntry entry, String target, String request, String reply)
      throws IOException {
    if (isRefusal(reply)) {
      hold(entry);
      return ReplayOutcome.HELD;
    }
    permLog.logReplayed(target, request);
    return delete(entry) ? ReplayOutcome.DELIVERED : ReplayOutcome.DELIVERED_NOT_REMOVED;
  }

  /** Name of the file {@link #checkWritable} creates and deletes (a temp name: never replayed). */
  static final String PROBE_NAME = TEMP_PREFIX + "lonc-write-probe" + TEMP_SUFFIX;

  /**
   * Whether files can be created and deleted in {@code delayed/}, by creating and deleting a
   * probe file through the store's I/O. Replay pauses while this fails: a delivered file that
   * cannot be deleted would otherwise be sent again by the next process.
   *
   * @return empty if writable, else the reason
   */
  public Optional<String> checkWritable() {
    if (!io.exists(dir)) {
      return Optional.empty(); // nothing to replay; a save creates it
    }
    Path probe = dir.resolve(PROBE_NAME);
    try {
      io.deleteIfExists(probe);
      io.writeNewAndSync(probe, new byte[0]);
      io.deleteIfExists(probe);
      return Optional.empty();
    } catch (IOException | UncheckedIOException | ReadOnlyFileSystemException
        | SecurityException e) {
      return Optional.of(dir + " is not writable: " + reason(e));
    }
  }

  // ---------------------------------------------------------------------------- moving files

  /**
   * Deletes a replayed file; call only after lond's reply to it arrived (at-least-once).
   *
   * @param entry the entry that was replayed
   * @return {@code true} if the file is gone (deleted now, or already gone); {@code false} if
   *     it could not be deleted (logged); a later process may then replay it again
   */
  public boolean delete(DeferredEntry entry) {
    Objects.requireNonNull(entry, "entry");
    try {
      io.deleteIfExists(entry.path());
      return true;
    } catch (IOException | UncheckedIOException | ReadOnlyFileSystemException
        | SecurityException e) {
      LOG.warn("Could not delete deferred file {}: {}", entry.name(), reason(e));
      return false;
    }
  }

  /**
   * Moves a pending file to {@code hold/}, where it is neither replayed nor deleted.
   *
   * @param entry a pending entry (its file is directly in {@code delayed/})
   * @return the entry at its new place (the middlename gets a {@code ~N} suffix if the name was
   *     already taken in {@code hold/})
   * @throws IllegalArgumentException if the entry is not a pending one of this store
   * @throws IOException if the move failed, e.g. {@link NoSuchFileException} if it is gone
   */
  public DeferredEntry hold(DeferredEntry entry) throws IOException {
    requireIn(entry, dir, "pending");
    return moveTo(entry, holdDir, PRIVATE_DIR_MODE);
  }

  /**
   * Moves a held file back to {@code delayed/}, where it will be replayed.
   *
   * @param entry a held entry from {@link #listHeld}
   * @return the entry at its new place
   * @throws IllegalArgumentException if the entry is not a held one of this store
   * @throws IOException if the move failed
   */
  public DeferredEntry release(DeferredEntry entry) throws IOException {
    requireIn(entry, holdDir, "held");
    return moveTo(entry, dir, DELAYED_DIR_MODE);
  }

  /**
   * Holds every pending file (all lonIDs) that is older than {@code maxAge}, logging one INFO
   * line per file. A file that cannot be moved is logged and skipped.
   *
   * @param maxAge the oldest a pending file may be
   * @param now the current wall-clock time
   * @return the held entries, at their new place
   * @throws IOException if {@code delayed/} cannot be listed
   */
  public List<DeferredEntry> holdAllOlderThan(Duration maxAge, Instant now) throws IOException {
    Objects.requireNonNull(maxAge, "maxAge");
    Objects.requireNonNull(now, "now");
    List<DeferredEntry> held = new ArrayList<>();
    for (DeferredEntry e : listAll()) {
      if (e.age(now).compareTo(maxAge) > 0) {
        holdQuietly(e, "waiting " + e.age(now) + ", longer than " + maxAge).ifPresent(held::add);
      }
    }
    return held;
  }

  /**
   * Holds every pending file whose lonID is not in {@code knownLonIds} (no longer in the host
   * table): not replayed to the wrong place, not deleted.
   *
   * @param knownLonIds the lonIDs of the current host table
   * @return the held entries, at their new place
   * @throws IOException if {@code delayed/} cannot be listed
   */
  public List<DeferredEntry> holdUnknownHosts(Set<String> knownLonIds) throws IOException {
    Objects.requireNonNull(knownLonIds, "knownLonIds");
    List<DeferredEntry> held = new ArrayList<>();
    for (DeferredEntry e : listAll()) {
      if (!knownLonIds.contains(e.lonid())) {
        holdQuietly(e, "lonID is not in the host table").ifPresent(held::add);
      }
    }
    return held;
  }

  /**
   * A save's temp file this much older than its last write belongs to a save that was interrupted
   * (the process died between writing and renaming it): a save in progress takes milliseconds.
   */
  public static final Duration STALE_TEMP_AGE = Duration.ofHours(1);

  /**
   * Moves temp files of interrupted saves ({@code .~<name>~tmp} not modified for {@code minAge})
   * to {@code hold/<name>} with a WARN line, so that an operator decides: the process that wrote
   * one died before it could confirm the save to its caller, so it is neither replayed on its own
   * nor deleted. Content that turns out to be unusable goes to {@code corrupt/} when released.
   * A temp whose name does not hold a delayed-file name goes to {@code corrupt/} at once. Never
   * throws for a single file; symbolic links and directories are left alone.
   *
   * @param minAge how long a temp file must have been untouched
   * @param now the current wall-clock time
   * @return the held entries, at their new place
   * @throws IOException if {@code delayed/} cannot be listed
   */
  public List<DeferredEntry> holdStaleTemps(Duration minAge, Instant now) throws IOException {
    Objects.requireNonNull(minAge, "minAge");
    Objects.requireNonNull(now, "now");
    List<StoreIo.DirEntry> listing;
    try {
      listing = io.list(dir);
    } catch (NoSuchFileException missing) {
      return List.of();
    }
    List<DeferredEntry> held = new ArrayList<>();
    for (StoreIo.DirEntry de : listing) {
      if (de.kind() != StoreIo.Kind.FILE || !isTempName(de.name())
          || Duration.between(de.lastModified(), now).compareTo(minAge) < 0) {
        continue;
      }
      Path file = dir.resolve(de.name());
      String finalName = de.name().substring(TEMP_PREFIX.length(),
          de.name().length() - TEMP_SUFFIX.length());
      Optional<DelayedFileName> name = DelayedFileName.parse(finalName);
      if (name.isEmpty()) {
        moveAside(file, null, "temp file of an interrupted save without a delayed-file name");
        continue;
      }
      try {
        DeferredEntry h = moveTo(new DeferredEntry(name.get(), file, de.sizeBytes()), holdDir,
            PRIVATE_DIR_MODE);
        LOG.warn("Found {} left by an interrupted save (untouched since {}); moved it to hold/{}"
            + " for an operator to release or delete", name.get().forLog(), de.lastModified(),
            h.name().forLog());
        held.add(h);
      } catch (IOException | RuntimeException ex) {
        LOG.warn("Could not hold the temp file of an interrupted save {}: {}", name.get().forLog(),
            reason(ex));
      }
    }
    return held;
  }

  private Optional<DeferredEntry> holdQuietly(DeferredEntry e, String why) {
    try {
      DeferredEntry h = hold(e);
      LOG.info("Holding deferred file {}: {}", e.name(), why);
      return Optional.of(h);
    } catch (IOException | UncheckedIOException | ReadOnlyFileSystemException
        | SecurityException ex) {
      LOG.warn("Could not hold deferred file {} ({}): {}", e.name(), why, reason(ex));
      return Optional.empty();
    }
  }

  private void requireIn(DeferredEntry entry, Path expectedDir, String what) {
    Objects.requireNonNull(entry, "entry");
    Path parent = entry.path().normalize().getParent();
    if (parent == null || !parent.equals(expectedDir)) {
      throw new IllegalArgumentException("not a " + what + " entry of this store: " + entry);
    }
  }

  private DeferredEntry moveTo(DeferredEntry entry, Path targetDir,
      Set<PosixFilePermission> mode) throws IOException {
    io.createDirectories(targetDir, mode);
    Path target;
    DelayedFileName name;
    synchronized (moveLock) {
      name = freeName(targetDir, entry.name());
      target = targetDir.resolve(name.fileName());
      io.moveAtomically(entry.path(), target);
    }
    syncQuietly(targetDir, name);
    return new DeferredEntry(name, target, entry.sizeBytes());
  }

  /** {@code name}, or the same with {@code ~N} appended to the middlename, free in {@code d}. */
  private DelayedFileName freeName(Path d, DelayedFileName name) throws IOException {
    DelayedFileName candidate = name;
    for (int i = 1; io.exists(d.resolve(candidate.fileName())); i++) {
      if (i > MAX_NAME_ATTEMPTS) {
        throw new FileAlreadyExistsException(name.forLog(), null, "no free name");
      }
      candidate = name.withMiddlename(name.middlename() + "~" + i);
    }
    return candidate;
  }

  /**
   * Moves an unusable file to {@code corrupt/} with a WARN line; never throws, never deletes.
   * {@code name} may be {@code null} if the file name does not parse.
   */
  private void moveAside(Path file, DelayedFileName name, String why) {
    String shown = name != null ? name.forLog() : "(unparsable name)";
    try {
      io.createDirectories(corruptDir, PRIVATE_DIR_MODE);
      Path target;
      synchronized (moveLock) {
        target = name != null
            ? corruptDir.resolve(freeName(corruptDir, name).fileName())
            : corruptDir.resolve(file.getFileName());
        io.moveAtomically(file, target);
      }
      syncQuietly(corruptDir, name);
      LOG.warn("Deferred file {} moved to {}/: {}", shown, CORRUPT_DIR, why);
    } catch (NoSuchFileException gone) {
      LOG.debug("Deferred file {} vanished before it could be moved aside", shown);
    } catch (IOException | UncheckedIOException | ReadOnlyFileSystemException
        | SecurityException e) {
      LOG.warn("Deferred file {} is unusable ({}) and could not be moved to {}/: {}", shown, why,
          CORRUPT_DIR, reason(e));
    }
  }

  private void syncQuietly(Path d, DelayedFileName name) {
    try {
      io.syncDirectory(d);
    } catch (IOException | UncheckedIOException | ReadOnlyFileSystemException
        | SecurityException e) {
      LOG.warn("Could not fsync directory {} after writing {}: {}", d, name, reason(e));
    }
  }

  private void deleteQuietly(Path tmp) {
    try {
      io.deleteIfExists(tmp);
    } catch (IOException | RuntimeException e) {
      LOG.warn("Could not remove temp file in {}: {}", dir, reason(e));
    }
  }

  /**
   * A reason that is safe to show: the exception's simple class name and, for file-system
   * exceptions, only the operating system's reason, because their message includes the path,
   * whose middlename holds the start of the command.
   */
  static String reason(Throwable e) {
    String detail;
    if (e instanceof FileSystemException) {
      detail = ((FileSystemException) e).getReason();
    } else if (e instanceof ReadOnlyFileSystemException) {
      detail = "read-only file system";
    } else if (e instanceof UncheckedIOException && e.getCause() != null) {
      return reason(e.getCause());
    } else {
      detail = e.getMessage();
    }
    String kind = e.getClass().getSimpleName();
    return detail == null || detail.isEmpty() ? kind : kind + ": " + detail;
  }

  // ----------------------------------------------------------------------------------- stats

  /**
   * Counts for one lonID's status line.
   *
   * @param lonid the lonID
   * @param now the current wall-clock time, for the oldest age
   * @return pending/held/corrupt counts for {@code lonid}, the directory-wide foreign-file
   *     count, and this lonID's save failures
   * @throws IOException if a directory cannot be read
   */
  public Stats stats(String lonid, Instant now) throws IOException {
    Objects.requireNonNull(lonid, "lonid");
    return statsFor(lonid, now, failuresByLonid.getOrDefault(lonid, new FailureTally(0, null)));
  }

  /**
   * Counts over all lonIDs. The corrupt count includes files whose names do not parse.
   *
   * @param now the current wall-clock time
   * @return the overall counts
   * @throws IOException if a directory cannot be read
   */
  public Stats statsAll(Instant now) throws IOException {
    return statsFor(null, now, allFailures.get());
  }

  private Stats statsFor(String lonid, Instant now, FailureTally failures) throws IOException {
    Objects.requireNonNull(now, "now");
    Scan pending = scan(dir);
    List<DeferredEntry> mine = filterSorted(pending.entries, lonid);
    Optional<Duration> oldest = mine.isEmpty() ? Optional.empty()
        : Optional.of(mine.get(0).age(now));
    int held = filterSorted(scan(holdDir).entries, lonid).size();
    Scan corrupt = scan(corruptDir);
    int corruptCount = filterSorted(corrupt.entries, lonid).size()
        + (lonid == null ? corrupt.foreign : 0);
    return new Stats(mine.size(), oldest, held, corruptCount, pending.foreign, failures.count,
        Optional.ofNullable(failures.last));
  }

  /**
   * A status snapshot of the store for one lonID, or for all.
   *
   * @param pending files waiting for replay
   * @param oldestPendingAge age of the oldest pending file (by its name), empty if none
   * @param held files in {@code hold/}
   * @param corrupt files in {@code corrupt/}
   * @param foreignFiles files in {@code delayed/} that are not ours (names that do not parse,
   *     symbolic links, special files); always directory-wide, as they have no known lonID
   * @param saveFailures failed {@link #saveVerified} calls since this store was created
   * @param lastSaveFailure the most recent of those, empty if none
   */
  public record Stats(int pending, Optional<Duration> oldestPendingAge, int held, int corrupt,
      int foreignFiles, long saveFailures, Optional<SaveFailure> lastSaveFailure) {
    /** Checks the components. */
    public Stats {
      Objects.requireNonNull(oldestPendingAge, "oldestPendingAge");
      Objects.requireNonNull(lastSaveFailure, "lastSaveFailure");
    }
  }

  /** Immutable count plus latest failure; combined with {@link #plus}. */
  private static final class FailureTally {
    final long count;
    final SaveFailure last;

    FailureTally(long count, SaveFailure last) {
      this.count = count;
      this.last = last;
    }

    FailureTally plus(FailureTally other) {
      SaveFailure newest = last == null ? other.last
          : other.last == null ? last
          : other.last.at().isBefore(last.at()) ? last : other.last;
      return new FailureTally(count + other.count, newest);
    }
  }
}
