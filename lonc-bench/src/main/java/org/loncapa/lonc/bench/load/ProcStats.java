package org.loncapa.lonc.bench.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * CPU time, resident memory, threads and open file descriptors of a process, read from Linux
 * {@code /proc/<pid>/stat}, {@code /proc/<pid>/status} and {@code /proc/<pid>/fd}. Outside Linux (or
 * for a process that is gone) every figure is -1.
 */
public final class ProcStats {
    /** {@code sysconf(_SC_CLK_TCK)}: 100 on every Linux this runs on (checked once with getconf). */
    static final long CLOCK_TICKS_PER_SECOND = clockTicks();

    private ProcStats() {}

    /** One reading. Figures that could not be read are -1. */
    public record Sample(long cpuNanos, long rssBytes, long peakRssBytes, int threads, int fds) {}

    /** A reading of {@code pid} now. */
    public static Sample sample(long pid) {
        Path dir = Path.of("/proc", Long.toString(pid));
        long cpu = -1;
        long rss = -1;
        long hwm = -1;
        int threads = -1;
        try {
            cpu = parseCpuNanos(Files.readString(dir.resolve("stat"), StandardCharsets.US_ASCII));
        } catch (IOException | RuntimeException e) {
            // gone, or not Linux
        }
        try {
            String status = Files.readString(dir.resolve("status"), StandardCharsets.US_ASCII);
            rss = statusKiB(status, "VmRSS:") * 1024;
            hwm = statusKiB(status, "VmHWM:") * 1024;
            threads = (int) statusValue(status, "Threads:");
        } catch (IOException | RuntimeException e) {
            // gone, or not Linux
        }
        return new Sample(cpu, rss < 0 ? -1 : rss, hwm < 0 ? -1 : hwm, threads, countFds(dir));
    }

    /**
     * CPU time (ns) per thread of {@code pid}, summed by thread name with trailing digits folded
     * ({@code GC Thread#0} and {@code GC Thread#1} count as {@code GC Thread#N}); Linux truncates
     * names to 15 characters. Empty when unreadable.
     */
    public static java.util.Map<String, Long> cpuByThread(long pid) {
        java.util.Map<String, Long> m = new java.util.TreeMap<>();
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        try (DirectoryStream<Path> s = Files.newDirectoryStream(tasks)) {
            for (Path t : s) {
                try {
                    String stat = Files.readString(t.resolve("stat"), StandardCharsets.US_ASCII);
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    m.merge(foldName(name), parseCpuNanos(stat), Long::sum);
                } catch (IOException | RuntimeException e) {
                    // the thread ended
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone, or not Linux
        }
        return m;
    }

    /** {@code GC Thread#3} → {@code GC Thread#N}; {@code load-daemon-12} → {@code load-daemon-N}. */
    static String foldName(String name) {
        int e = name.length();
        while (e > 0 && Character.isDigit(name.charAt(e - 1))) {
            e--;
        }
        return e < name.length() && e > 0 ? name.substring(0, e) + "N" : name;
    }

    /** A reading of this JVM. */
    public static Sample self() {
        return sample(ProcessHandle.current().pid());
    }

    /** utime + stime (fields 14 and 15 of {@code /proc/<pid>/stat}) in nanoseconds. */
    static long parseCpuNanos(String stat) {
        // the command name (field 2) is in parentheses and may contain spaces and ')'
        int close = stat.lastIndexOf(')');
        String[] f = stat.substring(close + 2).trim().split(" +");
        // f[0] is field 3 (state), so field n is f[n - 3]
        long ticks = Long.parseLong(f[14 - 3]) + Long.parseLong(f[15 - 3]);
        return ticks * (TimeUnit.SECONDS.toNanos(1) / CLOCK_TICKS_PER_SECOND);
    }

    /** A {@code kB} field of {@code /proc/<pid>/status}, or -1. */
    static long statusKiB(String status, String key) {
        return statusValue(status, key);
    }

    private static long statusValue(String status, String key) {
        int i = status.indexOf(key);
        if (i < 0) {
            return -1;
        }
        int p = i + key.length();
        while (p < status.length() && (status.charAt(p) == ' ' || status.charAt(p) == '\t')) {
            p++;
        }
        int e = p;
        while (e < status.length() && Character.isDigit(status.charAt(e))) {
            e++;
        }
        return e == p ? -1 : Long.parseLong(status.substring(p, e));
    }

    private static int countFds(Path dir) {
        int n = 0;
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir.resolve("fd"))) {
            for (Path ignored : s) {
                n++;
            }
            return n;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0) {
                long v = Long.parseLong(out);
                if (v > 0) {
                    return v;
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 100;
    }
}
