package org.loncapa.lonc.daemon.logging;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.loncapa.lonc.core.deferred.PermLog;

/**
 * {@code lonc.log}, written line by line in the Perl daemon's format:
 *
 * <pre>
 * Mon Aug 29 18:22:48 2005 (4321) [msul1.example.edu] [Mon Aug 29 18:22:40 2005: msul1.example.edu Connection count: 1 Retries remaining: 5 (ssl)] &lt;font color='green'&gt;SUCCESS: Connection 1 to msul1.example.edu now ready for action (ssl), lond 1.489&lt;/font&gt;
 * </pre>
 *
 * that is {@code <localtime> (<pid>) [<host>] [<status>] <dressed message>}, where the time is
 * Perl's {@code scalar localtime}, {@code <host>} is the remote host the line is about (the first
 * argument of the logging call that names a configured host) or {@value #PARENT} for the daemon
 * itself, and {@code <status>} is that host's last status line (as Perl's {@code ShowStatus} kept
 * it), or the daemon's own state for {@value #PARENT} lines.
 *
 * <p>The file is opened in append mode and reopened when it has been moved or deleted
 * (log rotation), checked at most once a second. Thread-safe: writes are serialized.
 */
public final class LogFile implements LoncLog.Sink, AutoCloseable {
    /** The host shown for lines about the daemon itself. */
    public static final String PARENT = "Parent";

    private static final long REOPEN_CHECK_MILLIS = 1000;

    private final Path file;
    private final long pid;
    private final Clock clock;
    private volatile Set<String> hosts = Set.of();
    private final Map<String, String> statusByHost = new ConcurrentHashMap<>();
    private final Map<String, String> recentByHost = new ConcurrentHashMap<>();
    private volatile String parentStatus = "";

    // guarded by this
    private OutputStream out;
    private Object fileKey;
    private long nextCheckMillis;
    private boolean failedOnce;

    /**
     * Opens (creating if needed) the log file.
     *
     * @throws IOException if the file cannot be opened for appending
     */
    public LogFile(Path file, long pid, Clock clock) throws IOException {
        this.file = Objects.requireNonNull(file);
        this.pid = pid;
        this.clock = Objects.requireNonNull(clock);
        synchronized (this) {
            open();
        }
    }

    public Path path() {
        return file;
    }

    /** The configured host names; a logging argument equal to one of them names the line's host. */
    public void setHosts(Set<String> names) {
        hosts = Set.copyOf(names);
    }

    /** Sets a host's status text (shown in brackets on its lines), stamped with the time now. */
    public void setStatus(String host, String status) {
        statusByHost.put(host, localtime() + ": " + status);
    }

    /** Sets the daemon's own status text (shown on {@value #PARENT} lines). */
    public void setParentStatus(String status) {
        parentStatus = localtime() + ": " + status;
    }

    /** The status text as last set, with its time, or "" if none. */
    public String statusOf(String host) {
        return host == null ? parentStatus : statusByHost.getOrDefault(host, "");
    }

    /** The last line written about {@code host} (Perl's {@code $RecentLogEntry}), or "". */
    public String recentEntry(String host) {
        return recentByHost.getOrDefault(host, "");
    }

    /** Perl's {@code scalar localtime} of now. */
    public String localtime() {
        return PermLog.PERL_LOCALTIME.format(ZonedDateTime.now(clock));
    }

    @Override
    public void write(Severity severity, Object[] args, String message, Throwable thrown) {
        String host = hostIn(args);
        String status = host == null ? parentStatus : statusByHost.getOrDefault(host, "");
        StringBuilder line = new StringBuilder(128 + message.length());
        line.append(localtime()).append(" (").append(pid).append(") [")
                .append(host == null ? PARENT : host).append("] [").append(status).append("] ");
        String text = thrown == null ? message : message + ": " + LoncLogger.oneLine(thrown.toString());
        line.append(severity.dress(text)).append('\n');
        if (thrown != null && (severity == Severity.CRITICAL || LoncLog.debug())) {
            StringWriter sw = new StringWriter();
            thrown.printStackTrace(new PrintWriter(sw));
            line.append(sw.toString().replace("\r", ""));
            if (line.charAt(line.length() - 1) != '\n') {
                line.append('\n');
            }
        }
        String s = line.toString();
        if (host != null) {
            recentByHost.put(host, s.substring(0, s.indexOf('\n') + 1));
        }
        append(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes a line about {@code host} (null: the daemon) directly, bypassing SLF4J. */
    public void log(Severity severity, String host, String message) {
        write(severity, host == null ? null : new Object[] {host}, LoncLogger.oneLine(message), null);
    }

    private String hostIn(Object[] args) {
        if (args == null) {
            return null;
        }
        Set<String> h = hosts;
        for (Object a : args) {
            if (a instanceof String && h.contains(a)) {
                return (String) a;
            }
        }
        return null;
    }

    private synchronized void append(byte[] bytes) {
        try {
            long now = clock.millis();
            if (out == null || now >= nextCheckMillis) {
                nextCheckMillis = now + REOPEN_CHECK_MILLIS;
                if (out == null || moved()) {
                    open();
                }
            }
            out.write(bytes);
            out.flush();
            failedOnce = false;
        } catch (IOException e) {
            if (!failedOnce) {
                failedOnce = true;
                System.err.println("lonc: cannot write " + file + ": " + e);
            }
            closeQuietly();
        }
    }

    private boolean moved() {
        try {
            Object key = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
            return key == null || !key.equals(fileKey);
        } catch (NoSuchFileException e) {
            return true;
        } catch (IOException e) {
            return true;
        }
    }

    private void open() throws IOException {
        closeQuietly();
        out = new FileOutputStream(file.toFile(), true);
        fileKey = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
    }

    private void closeQuietly() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                // nothing more to do
            }
            out = null;
        }
    }

    @Override
    public synchronized void close() {
        LoncLog.uninstall(this);
        closeQuietly();
    }
}
