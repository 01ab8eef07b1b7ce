package org.loncapa.lonc.core.deferred;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loncapa.lonc.testkit.Await;
import org.loncapa.lonc.testkit.FakeLond;
import org.loncapa.lonc.testkit.Response;

/** SIGKILL of the replaying process in the middle of a replay loses no deferred transaction. */
class ReplayKilledTest {
    @TempDir
    Path dir;

    @Test
    void killedInTheMiddleOfReplayLosesNothing() throws Exception {
        Path delayed = Files.createDirectories(dir.resolve("delayed"));
        long t = System.currentTimeMillis() / 1000 - 60;
        for (int i = 0; i < 20; i++) {
            Files.writeString(delayed.resolve(t + "." + i + ".4242.echok" + i + ".msul1"), "echo:k" + i + "\n");
        }
        Set<String> received = ConcurrentHashMap.newKeySet();
        CountDownLatch hold = new CountDownLatch(1);
        try (FakeLond lond = FakeLond.builder().lonIds("msul1").clientLonId("msua3").allowInsecure(true)
                .dispatcher(r -> {
                    if (!r.command().startsWith("echo:k")) {
                        return null;
                    }
                    received.add(r.command());
                    if (received.size() == 8) {
                        try {
                            hold.await(60, TimeUnit.SECONDS); // the 8th never gets its reply in time
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return Response.stall();
                    }
                    return null;
                }).build().start()) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    ReplayChild.class.getName(), delayed.toString(), Integer.toString(lond.port()),
                    dir.resolve("perm.log").toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
            try {
                Await.until("the 8th replay is on the wire", Duration.ofSeconds(60), () -> received.size() >= 8);
                child.destroyForcibly(); // SIGKILL
                assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            } finally {
                hold.countDown();
                child.destroyForcibly();
            }
        }
        Set<String> onDisk = new TreeSet<>();
        try (Stream<Path> s = Files.list(delayed)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                String content = Files.readString(p);
                assertTrue(content.matches("echo:k\\d+\n"), "intact file " + p + ": " + content);
                onDisk.add(content.trim());
            }
        }
        for (int i = 0; i < 20; i++) {
            String cmd = "echo:k" + i;
            assertTrue(onDisk.contains(cmd) || received.contains(cmd),
                    cmd + " was neither kept nor delivered (lost)");
        }
        assertTrue(onDisk.size() >= 12, "the in-flight and unsent files stay: " + onDisk);
        assertEquals(8, received.size(), "replay was strictly sequential up to the kill");
        assertTrue(noStrayFiles(delayed), "no temp or partial files left behind");
    }

    private static boolean noStrayFiles(Path delayed) throws IOException {
        try (Stream<Path> s = Files.list(delayed)) {
            return s.noneMatch(p -> p.getFileName().toString().startsWith("."));
        }
    }
}
