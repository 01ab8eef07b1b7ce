package org.loncapa.lonc.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loncapa.lonc.core.ReplyTokens;
import org.loncapa.lonc.core.deferred.DelayedFileName;
import org.loncapa.lonc.testkit.Await;
import org.loncapa.lonc.testkit.FakeLond;
import org.loncapa.lonc.testkit.RecordedRequest;
import org.loncapa.lonc.testkit.Response;

/**
 * Delayed files through the real daemon (default replay settings) to a fake lond that comes up
 * late or drops a connection: lond gets them once each, in the order they were made, as soon as
 * the host is reachable; and a request line ending in CR LF reaches lond without the CR.
 */
class DaemonDeferredTest {
    private static final String A = "a.example.edu";

    @TempDir
    Path dir;

    private DaemonRig rig;
    /** put: commands lond answered, in the order it received them. */
    private final List<String> puts = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void stop() {
        if (rig != null) {
            rig.close();
        }
    }

    private Path delayed() {
        return dir.resolve("sockets/delayed");
    }

    /** Six lonnet files put:k1 ... put:k6, a minute old, names in time order. */
    private void sixFiles() throws IOException {
        Files.createDirectories(delayed());
        long t = System.currentTimeMillis() / 1000 - 60;
        for (int i = 1; i <= 6; i++) {
            String cmd = "put:msu:k" + i;
            Files.writeString(delayed().resolve(DelayedFileName.of(t + i, i, 4242, cmd, "msul1")
                    .fileName()), cmd + "\n", StandardCharsets.UTF_8);
        }
    }

    private long filesLeft() {
        try (Stream<Path> s = Files.list(delayed())) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith(".")).count();
        } catch (IOException e) {
            return -1;
        }
    }

    private void recordPuts(FakeLond lond, AtomicInteger k3Drops) {
        lond.dispatcher(r -> {
            if (r.command().equals("put:msu:k3") && k3Drops.getAndDecrement() > 0) {
                return Response.disconnect();
            }
            if (r.commandName().equals("put")) {
                puts.add(r.command());
            }
            return DaemonRig.answer(r);
        });
    }

    private static List<String> k1ToK6() {
        List<String> l = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            l.add("put:msu:k" + i);
        }
        return l;
    }

    @Test
    void sixFilesReachALateLondInOrderAsSoonAsItIsBack() throws Exception {
        sixFilesToALateLond(() -> assertEquals(ReplyTokens.OK, rig.send(A, "reset_retries"))); // reconlonc
    }

    @Test
    void usr1IsASignOfLifeToo() throws Exception {
        sixFilesToALateLond(() -> rig.daemon.reportStatus("SIGUSR1"));
    }

    interface Step {
        void run() throws Exception;
    }

    private void sixFilesToALateLond(Step hostIsBack) throws Exception {
        rig = new DaemonRig(dir).host(A, "msul1");
        FakeLond lond = rig.lond(A);
        recordPuts(lond, new AtomicInteger());
        lond.shutdown(); // down when lonc starts: the first replay attempts fail with con_lost
        sixFiles();
        rig.start();
        Await.until("a replay attempt failed", Duration.ofSeconds(20), () -> {
            try {
                return rig.log().contains("Replay of deferred transaction");
            } catch (IOException e) {
                return false;
            }
        });
        lond.restart();
        hostIsBack.run();
        Await.until("all six delivered", Duration.ofSeconds(10), () -> filesLeft() == 0);
        assertEquals(k1ToK6(), List.copyOf(puts), "in the order they were made");
    }

    @Test
    void aMiddleFileWhoseConnectionDropsKeepsItsPlace() throws Exception {
        rig = new DaemonRig(dir).host(A, "msul1");
        FakeLond lond = rig.lond(A);
        AtomicInteger k3Drops = new AtomicInteger(1);
        recordPuts(lond, k3Drops);
        sixFiles();
        rig.start();
        Await.until("k3's connection dropped", Duration.ofSeconds(20), () -> k3Drops.get() < 0
                || (k3Drops.get() == 0 && filesLeft() == 4));
        // a client's request answered: the host is reachable, the line goes on at once
        assertEquals("msul1", rig.send(A, "sethost:msul1:ping"));
        Await.until("all delivered", Duration.ofSeconds(10), () -> filesLeft() == 0);
        assertEquals(k1ToK6(), List.copyOf(puts), "nothing overtook k3");
    }

    @Test
    void aRequestLineEndingInCrLfReachesLondWithoutTheCr() throws Exception {
        rig = new DaemonRig(dir).host(A, "msul1");
        rig.start();
        assertEquals("crlf", rig.send(A, "sethost:msul1:echo:crlf\r"));
        RecordedRequest r = rig.lond(A).takeRequest(Duration.ofSeconds(5));
        assertEquals("echo:crlf", r.command());
        assertFalse(r.rawLine().contains("\r"), r.rawLine());
    }
}
