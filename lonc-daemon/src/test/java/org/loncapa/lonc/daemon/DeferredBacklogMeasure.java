package org.loncapa.lonc.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.loncapa.lonc.core.ReplyTokens;
import org.loncapa.lonc.core.deferred.DelayedFileName;
import org.loncapa.lonc.testkit.Await;
import org.loncapa.lonc.testkit.FakeLond;

/**
 * A measurement, not part of the suite (run with {@code -Dlonc.measure=true}): 1,000 delayed files
 * for a host that is down when the daemon starts (default settings), then the time from the host
 * being reachable again ({@code reset_retries} answered) to the last file delivered and deleted.
 * Recorded in docs/deferred-store.md.
 */
@EnabledIfSystemProperty(named = "lonc.measure", matches = "true")
class DeferredBacklogMeasure {
    private static final String A = "a.example.edu";
    private static final int FILES = 1_000;

    @TempDir
    Path dir;

    @Test
    void thousandFilesAfterTheHostIsBack() throws Exception {
        Path delayed = Files.createDirectories(dir.resolve("sockets/delayed"));
        long t = System.currentTimeMillis() / 1000 - 60;
        for (int i = 0; i < FILES; i++) {
            String cmd = "put:msu:k" + i;
            Files.writeString(delayed.resolve(DelayedFileName.of(t, i, 4242, cmd, "msul1").fileName()),
                    cmd + "\n", StandardCharsets.UTF_8);
        }
        List<String> puts = Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicLong firstPut = new java.util.concurrent.atomic.AtomicLong();
        try (DaemonRig rig = new DaemonRig(dir).host(A, "msul1")) {
            String rate = System.getProperty("lonc.measure.rate"); // default settings unless given
            if (rate != null) {
                rig.set("deferredRate=" + rate);
            }
            FakeLond lond = rig.lond(A);
            lond.dispatcher(r -> {
                if (r.commandName().equals("put")) {
                    firstPut.compareAndSet(0, System.nanoTime());
                    puts.add(r.command());
                }
                return DaemonRig.answer(r);
            });
            lond.shutdown();
            rig.start();
            Await.until("a replay attempt failed", Duration.ofSeconds(30), () -> {
                try {
                    return rig.log().contains("Replay of deferred transaction");
                } catch (IOException e) {
                    return false;
                }
            });
            lond.restart();
            long t0 = System.nanoTime();
            assertEquals(ReplyTokens.OK, rig.send(A, "reset_retries"));
            Await.until("all delivered", Duration.ofSeconds(300), () -> {
                try (Stream<Path> s = Files.list(delayed)) {
                    return s.filter(Files::isRegularFile).findAny().isEmpty();
                } catch (IOException e) {
                    return false;
                }
            });
            long t1 = System.nanoTime();
            System.out.printf("MEASURE deferred backlog: %d files, first delivery after %d ms,"
                    + " all delivered after %d ms (%.0f/s)%n", FILES, (firstPut.get() - t0) / 1_000_000,
                    (t1 - t0) / 1_000_000, FILES * 1e9 / (t1 - t0));
            assertEquals(FILES, puts.size());
            for (int i = 0; i < FILES; i++) {
                assertEquals("put:msu:k" + i, puts.get(i), "in order");
            }
        }
    }
}
