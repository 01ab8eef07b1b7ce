package org.loncapa.lonc.core.deferred;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Objects;
import org.loncapa.lonc.core.internal.protocol.Redaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The permanent log {@code <lonDaemons>/logs/lonnet.perm.log}, shared with lonnet (which writes
 * the same file from the web server's processes).
 *
 * <p>Line format [SEED, loncnew {@code LogPerm}]: {@code <epoch>:<message>:<localtime>\n}, where
 * {@code <epoch>} is Perl's {@code time} (whole seconds) and {@code <localtime>} is Perl's
 * {@code scalar localtime} ({@link #PERL_LOCALTIME}, e.g. {@code Sun Nov 29 10:51:27 2026}).
 * Messages:
 *
 * <ul>
 *   <li>{@code D:<server>:<cmd>}: lonnet saved a critical request and verified it ([SRC]).
 *   <li>{@code F:<server>:<cmd>}: it could not be saved or verified ([SRC]).
 *   <li>{@code S:<client> :<request>}: lonc replayed it successfully ([SEED], spacing kept).
 * </ul>
 *
 * <p>A request's trailing newline is not written: since loncnew 1.97 (2011) {@code LogPerm} does
 * {@code chomp($message)} before writing {@code "$now:$message:$local\n"} [SRC], so an {@code S:}
 * entry built from {@code $Transaction->getRequest()} (newline included) stays on one line, as
 * here. Only loncnew before 1.97 split it over two lines.
 *
 * <p>Differences from Perl, on purpose: the command is passed through {@link
 * Redaction#forLog(String, int)}, so {@code encrypt:} arguments never reach the file; and Perl's
 * {@code "S:$Transaction->getClient() :"} interpolates the object, not the method call, so its
 * client field was {@code LondTransaction=HASH(0x…)->getClient()}: here it is whatever the caller
 * passes.
 *
 * <p>Each line is appended with one {@code write} on a file opened with {@code O_APPEND} and
 * closed again, like Perl's per-line open: lines from lonnet and lonc never interleave, and log
 * rotation needs no signal. There is no user-space buffering; no fsync either (a lost last line
 * in a power failure is acceptable for an audit log, as in Perl).
 *
 * <p>Thread-safe. Arguments are non-null. The log methods never throw for I/O failures: they
 * log a warning through SLF4J and return {@code false}.
 */
public final class PermLog {

  /**
   * Perl's {@code scalar localtime}: {@code "%a %b %e %H:%M:%S %Y"}, English names, the day of
   * month space-padded to two characters ({@code Sun Nov  1 09:05:03 2026}).
   */
  public static final DateTimeFormatter PERL_LOCALTIME =
      DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss uuuu", Locale.ENGLISH);

  /**
   * How many characters of a plain command are kept in a perm-log line. Larger than {@link
   * Redaction#DEFAULT_MAX_CHARS} because an {@code F:} line is the operator's record of a
   * critical request that was lost.
   */
  public static final int MAX_COMMAND_CHARS = 1024;

  private static final Logger LOG = LoggerFactory.getLogger(PermLog.class);

  private final Path file;
  private final Clock clock;
  private final Object lock = new Object();

  /**
   * Creates a perm log appending to {@code file}. Nothing is opened until the first line.
   *
   * @param file the log file, normally {@code <lonDaemons>/logs/lonnet.perm.log}; its parent
   *     directory must exist
   * @param clock wall clock; its zone formats the local time, so the daemon passes {@link
   *     Clock#systemDefaultZone()} (Perl uses the process's local time zone)
   */
  public PermLog(Path file, Clock clock) {
    this.file = Objects.requireNonNull(file, "file");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The log file. */
  public Path file() {
    return file;
  }

  /**
   * Appends {@code D:<server>:<cmd>}: the critical request was saved and verified.
   *
   * @param server the target lonID
   * @param cmd the command (redacted before writing)
   * @return whether the line was written
   */
  public boolean logDelayed(String server, String cmd) {
    return append("D:" + name(server) + ":" + command(cmd));
  }

  /**
   * Appends {@code F:<server>:<cmd>}: the critical request could not be saved or verified.
   *
   * @param server the target lonID
   * @param cmd the command (redacted before writing)
   * @return whether the line was written
   */
  public boolean logFailed(String server, String cmd) {
    return append("F:" + name(server) + ":" + command(cmd));
  }

  /**
   * Appends {@code S:<client> :<request>}: a delayed request was replayed and lond replied.
   *
   * @param client who the request was replayed for (e.g. the lonID or the file name)
   * @param request the request as sent, with or without {@code sethost:} prefix and newline
   *     (redacted before writing)
   * @return whether the line was written
   */
  public boolean logReplayed(String client, String request) {
    return append("S:" + name(client) + " :" + command(request));
  }

  /**
   * Formats one line for {@code message} at {@code at}, in {@code clock}'s zone.
   *
   * @param message the message (already redacted)
   * @param at the instant
   * @return the line including its {@code "\n"}
   */
  String formatLine(String message, Instant at) {
    return at.getEpochSecond() + ":" + message + ":"
        + PERL_LOCALTIME.format(at.atZone(clock.getZone())) + "\n";
  }

  private boolean append(String message) {
    byte[] line = formatLine(message, clock.instant()).getBytes(StandardCharsets.UTF_8);
    synchronized (lock) {
      try {
        Files.write(file, line, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.APPEND);
        return true;
      } catch (IOException | RuntimeException e) {
        LOG.warn("Could not append to perm log {}: {}", file, e.toString());
        return false;
      }
    }
  }

  private static String name(String s) {
    return Redaction.forLog(Objects.requireNonNull(s), 255);
  }

  private static String command(String cmd) {
    return Redaction.forLog(Objects.requireNonNull(cmd), MAX_COMMAND_CHARS);
  }
}
