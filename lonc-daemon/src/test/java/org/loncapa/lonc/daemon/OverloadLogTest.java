package org.loncapa.lonc.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.loncapa.lonc.core.ReplyTokens;
import org.loncapa.lonc.testkit.Await;
import org.loncapa.lonc.testkit.Response;

/** Overload answered con_busy request by request does not flood lonc.log. */
@Timeout(60)
class OverloadLogTest {
    private static final String A = "a.example.edu";

    @TempDir
    Path dir;
    private DaemonRig rig;

    @AfterEach
    void stop() {
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void aFloodOfConBusyWritesABoundedNumberOfLinesToTheLog() throws Exception {
        rig = new DaemonRig(dir).host(A, "msul1").set("maxConnectionsPerHost=1")
                .set("maxQueuedPerHost=1");
        rig.start();
        rig.lond(A).enqueue(Response.stall());
        try (TestClient onTheWire = TestClient.connect(rig.socket(A));
                TestClient queued = TestClient.connect(rig.socket(A))) {
            onTheWire.writeLine("sethost:msul1:hold");
            Await.until("the first request reaches lond", () -> rig.lond(A).requestCount() == 1);
            queued.writeLine("sethost:msul1:ping");
            Await.until("the second request is queued", () -> rig.daemon.engine().status(A)
                    .orElseThrow().queued() == 1);
            List<String> replies = TestClient.pipeline(rig.socket(A),
                    Collections.nCopies(2_000, "sethost:msul1:ping"));
            assertEquals(2_000, replies.stream().filter(ReplyTokens.CON_BUSY::equals).count());
            rig.lond(A).closeAllConnections(); // the held request is lost, the queued one served
            assertEquals(ReplyTokens.CON_LOST, onTheWire.readLine());
            assertEquals("msul1", queued.readLine());
        }
        long busyLines = rig.log().lines().filter(l -> l.contains("queue full")).count();
        assertTrue(busyLines >= 1 && busyLines <= 2, busyLines + " 'queue full' lines in lonc.log");
    }
}
