package org.loncapa.lonc.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ProcStatsTest {
    @Test
    void cpuIsUtimePlusStimeAfterAnAwkwardCommandName() {
        // field 2 holds a name with spaces and a ')' of its own
        String stat = "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 5000 0 0 0 250 50 0 0 20 0 30 0"
                + " 100 8000000000 30000 18446744073709551615 1 1 0 0 0 0 0 4096 16384 0 0 0 17 1 0 0 0 0 0";
        long perTick = TimeUnit.SECONDS.toNanos(1) / ProcStats.CLOCK_TICKS_PER_SECOND;
        assertEquals(300 * perTick, ProcStats.parseCpuNanos(stat));
    }

    @Test
    void statusFieldsInKiB() {
        String status = "Name:\tjava\nVmPeak:\t 9000 kB\nVmHWM:\t   81234 kB\nVmRSS:\t   70000 kB\nThreads:\t31\n";
        assertEquals(70000, ProcStats.statusKiB(status, "VmRSS:"));
        assertEquals(81234, ProcStats.statusKiB(status, "VmHWM:"));
        assertEquals(-1, ProcStats.statusKiB(status, "VmSwap:"));
    }

    @Test
    void readsThisProcess() {
        ProcStats.Sample s = ProcStats.self();
        assertTrue(s.rssBytes() > 0, "rss " + s);
        assertTrue(s.cpuNanos() > 0, "cpu " + s);
        assertTrue(s.fds() > 2, "fds " + s);
        assertTrue(s.threads() > 1, "threads " + s);
    }

    @Test
    void threadNamesFoldTheirNumbers() {
        assertEquals("GC Thread#N", ProcStats.foldName("GC Thread#1"));
        assertEquals("lonc-engine", ProcStats.foldName("lonc-engine"));
        assertEquals("42", ProcStats.foldName("42"));
    }

    @Test
    void cpuByThreadOfThisProcessNamesItsThreadsWithNumbersFolded() {
        java.util.Map<String, Long> byThread = ProcStats.cpuByThread(ProcessHandle.current().pid());
        // /proc names (15 characters at most); numbered pools folded into one entry
        assertTrue(byThread.containsKey("VM Thread"), byThread.keySet().toString());
        assertTrue(byThread.keySet().stream().noneMatch(k -> k.matches(".*#\\d+")), byThread.keySet().toString());
    }
}
