package org.loncapa.lonc.bench.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The live heap of another JVM, by running the JDK's {@code jcmd}: {@code GC.run} (a full
 * collection), then {@code GC.heap_info}, summing the {@code used} of each heap space.
 */
public final class JvmProbe {
    private static final Pattern SPACE_USED = Pattern.compile("^\\s+\\S.*?total \\d+K, used (\\d+)K",
            Pattern.MULTILINE);

    private JvmProbe() {}

    /** Heap in use after a full GC, in bytes, or -1 if jcmd is missing or failed. */
    public static long liveHeapBytes(long pid) {
        if (run(pid, "GC.run") == null) {
            return -1;
        }
        String info = run(pid, "GC.heap_info");
        return info == null ? -1 : parseUsedBytes(info);
    }

    static long parseUsedBytes(String heapInfo) {
        Matcher m = SPACE_USED.matcher(heapInfo);
        long kib = 0;
        boolean any = false;
        while (m.find()) {
            kib += Long.parseLong(m.group(1));
            any = true;
        }
        return any ? kib * 1024 : -1;
    }

    private static String run(long pid, String command) {
        try {
            Process p = new ProcessBuilder("jcmd", Long.toString(pid), command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return null;
            }
            return out;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
