package org.loncapa.lonc.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.loncapa.lonc.testkit.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real daemon process (a separate JVM, as systemd runs it): an Error thrown on its engine
 * thread (the admin test hook) ends it with {@link LoncDaemon#EXIT_FATAL} and a CRITICAL line in
 * lonc.log, instead of leaving a live process that answers nobody.
 */
class FatalErrorExitTest {
    @TempDir
    Path dir;

    @Test
    void anErrorOnTheEngineThreadEndsTheProcessWithTheFatalStatus() throws Exception {
        try (DaemonRig rig = new DaemonRig(dir).host("lib1.example.edu", "msul1")) {
            rig.confPort = rig.lond("lib1.example.edu").port();
            rig.writeConfig();
            Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
            List<String> cmd = new ArrayList<>(List.of(javaBin.toString(), "-Xmx256m",
                    "-D" + LoncDaemon.TEST_HOOKS_PROPERTY + "=true",
                    "--add-opens=jdk.net/jdk.net=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
                    "-cp", System.getProperty("java.class.path"), Main.class.getName(), "run",
                    "--config", rig.conf.toString()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("daemon.out").toFile()).start();
            try {
                Path socket = rig.socket("lib1.example.edu");
                Path admin = rig.socket(".lonc-admin");
                Await.until("the daemon listens", Duration.ofSeconds(30),
                        () -> Files.exists(socket) && Files.exists(admin));
                assertEquals("msul1", TestClient.request(socket, "sethost:msul1:ping"));
                String reply = TestClient.request(admin, "{\"cmd\":\"test-fail\"}");
                assertTrue(reply.contains("\"ok\":true"), reply);
                boolean ended = p.waitFor(20, TimeUnit.SECONDS);
                assertTrue(ended, "the process ended (it used to run on, deaf): "
                        + Files.readString(dir.resolve("daemon.out")) + rig.log());
                assertEquals(LoncDaemon.EXIT_FATAL, p.exitValue(), Files.readString(dir.resolve("daemon.out")));
                String log = rig.log();
                assertTrue(log.contains("CRITICAL: Fatal error: thread lonc-engine died of java.lang.Error:"
                        + " deliberate failure (admin test hook); exiting with status 4"), log);
            } finally {
                p.destroyForcibly();
            }
        }
    }
}
