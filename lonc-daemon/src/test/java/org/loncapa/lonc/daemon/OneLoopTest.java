package org.loncapa.lonc.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.loncapa.lonc.core.ReplyTokens;
import org.loncapa.lonc.testkit.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon serves its UNIX-socket clients on the engine's loop: one selector thread for both. */
class OneLoopTest {
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

    private static List<String> threadNames() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName).toList();
    }

    @Test
    void clientsAreServedOnTheEnginesLoopWithoutAThreadOfTheirOwn() throws Exception {
        rig = new DaemonRig(dir).host(A, "msul1");
        rig.start();
        assertEquals("msul1", rig.send(A, "sethost:msul1:ping"));
        List<String> names = threadNames();
        assertTrue(names.contains("lonc-engine"), names.toString());
        assertFalse(names.contains("lonc-frontend"), "no front-end loop of its own: " + names);
    }

    @Test
    void repliesFailedAtTheDrainTimeoutStillReachTheirClientsBeforeTheLoopStops() throws Exception {
        // lond takes 400 ms for slow:, longer than the drain allows: the engine answers con_lost and
        // the front end, on the same loop, must still write it before the engine stops that loop
        rig = new DaemonRig(dir).host(A, "msul1").set("drainTimeout=50ms");
        rig.start();
        CompletableFuture<String> inFlight = CompletableFuture.supplyAsync(() -> {
            try {
                return rig.send(A, "sethost:msul1:slow:late");
            } catch (IOException e) {
                return "IOException " + e;
            }
        });
        Await.until("the slow request reached lond", () -> rig.lond(A).requestCount() == 1);
        rig.daemon.shutdown("SIGTERM (test)");
        assertEquals(ReplyTokens.CON_LOST, inFlight.get(10, TimeUnit.SECONDS));
        assertEquals(LoncDaemon.EXIT_OK, rig.daemon.awaitExit());
        assertFalse(Files.exists(rig.socket(A)), "socket files removed");
        String log = rig.log();
        assertFalse(log.contains("could not be written"), "the front end drained on the running loop: " + log);
    }
}
