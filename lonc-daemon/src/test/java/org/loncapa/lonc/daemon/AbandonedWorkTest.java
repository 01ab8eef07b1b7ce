package org.loncapa.lonc.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.loncapa.lonc.testkit.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests of clients that have hung up are not sent to lond: 200 abandoned slow requests (400 ms
 * each, two lond connections: 40 s of work if they all ran) must not hold up a later ping.
 */
class AbandonedWorkTest {
    @TempDir
    Path dir;

    @Test
    void requestsOfClientsThatHungUpAreNotSentToLond() throws Exception {
        try (DaemonRig rig = new DaemonRig(dir).host("lib1.example.edu", "msul1")
                .set("maxConnectionsPerHost=2")) {
            rig.start();
            Path socket = rig.socket("lib1.example.edu");
            assertEquals("msul1", TestClient.request(socket, "sethost:msul1:ping"));
            int before = rig.lond("lib1.example.edu").requestCount();
            for (int c = 0; c < 4; c++) {
                TestClient gone = TestClient.connect(socket);
                StringBuilder b = new StringBuilder();
                for (int i = 0; i < 50; i++) {
                    b.append("sethost:msul1:slow:").append(c).append('-').append(i).append('\n');
                }
                gone.write(b.toString().getBytes(StandardCharsets.US_ASCII));
                gone.close();
            }
            Await.until("the four clients are seen gone", Duration.ofSeconds(10),
                    () -> rig.daemon.frontEndCounters().get("clientsAbandoned") == 4);
            assertEquals("msul1", TestClient.request(socket, "sethost:msul1:ping"),
                    "answered within TestClient.LIMIT (10 s), not after 40 s of abandoned work");
            int sent = rig.lond("lib1.example.edu").requestCount() - before - 1;
            assertTrue(sent <= 10, "only what was already on the wire reached lond: " + sent);
        }
    }
}
