package org.loncapa.lonc.daemon.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.loncapa.lonc.core.internal.reactor.EventLoop;
import org.loncapa.lonc.daemon.TestClient;
import org.loncapa.lonc.testkit.Await;
import org.loncapa.lonc.testkit.FakeTicker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The front end on a loop it does not own, as the daemon runs it on the engine's: requests reach
 * the service on that loop's thread, a reply completed there is written at once, housekeeping runs
 * on the loop's ticks, and closing the front end leaves the loop to its owner.
 */
class FrontEndOnSharedLoopTest {
    @TempDir
    Path dir;

    /** Ticks every 10 ms of real time, so that a tick comes soon; what it checks reads the fake ticker. */
    private final EventLoop loop = new EventLoop("t-engine", TimeUnit.MILLISECONDS.toNanos(10), () -> { });
    private final FakeTicker ticker = new FakeTicker();
    private FrontEnd frontEnd;
    private final Map<String, CompletableFuture<String>> held = new ConcurrentHashMap<>();
    private final Map<String, Thread> servedOn = new ConcurrentHashMap<>();

    /** "hold:<x>" waits for the test; anything else is answered "re:<line>" at once. */
    private final LineService service = (line, peer) -> {
        servedOn.put(line, Thread.currentThread());
        if (line.startsWith("hold:")) {
            return held.computeIfAbsent(line, k -> new CompletableFuture<>());
        }
        return CompletableFuture.completedFuture("re:" + line);
    };

    private Path start(Duration idleTimeout) throws IOException {
        loop.start();
        frontEnd = new FrontEnd(AccessPolicy.ownUserAndRoot(), new FrontEnd.Limits(1024, 100, 8, 50, idleTimeout),
                null, ticker, loop);
        frontEnd.start();
        Path p = dir.resolve("host.example");
        frontEnd.listen("host.example", p, 0660, service);
        return p;
    }

    @AfterEach
    void stop() throws Exception {
        if (frontEnd != null) {
            frontEnd.close();
        }
        loop.close();
        loop.terminated().get(10, TimeUnit.SECONDS);
    }

    @Test
    void requestsReachTheServiceOnTheSharedLoopsThread() throws Exception {
        Path p = start(Duration.ZERO);
        assertEquals("re:ping", TestClient.request(p, "ping"));
        CompletableFuture<Thread> loopThread = new CompletableFuture<>();
        loop.execute(() -> loopThread.complete(Thread.currentThread()));
        assertEquals(loopThread.get(5, TimeUnit.SECONDS), servedOn.get("ping"));
    }

    @Test
    void aReplyCompletedOnTheLoopIsWrittenBeforeTheLoopMovesOn() throws Exception {
        Path p = start(Duration.ZERO);
        try (TestClient c = TestClient.connect(p)) {
            c.writeLine("hold:1");
            Await.until("request seen", () -> held.containsKey("hold:1"));
            CountDownLatch clientHasIt = new CountDownLatch(1);
            CompletableFuture<Boolean> loopWaited = new CompletableFuture<>();
            // the engine completes a reply in the middle of its own work and does not return to the
            // loop until the client has read it: only a reply written at once can get there
            loop.execute(() -> {
                held.get("hold:1").complete("one");
                try {
                    loopWaited.complete(clientHasIt.await(10, TimeUnit.SECONDS));
                } catch (InterruptedException e) {
                    loopWaited.complete(false);
                }
            });
            assertEquals("one", c.readLine(Duration.ofSeconds(5)));
            clientHasIt.countDown();
            assertTrue(loopWaited.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void aReplyCompletedOnAnotherThreadIsStillPostedToTheLoop() throws Exception {
        Path p = start(Duration.ZERO);
        try (TestClient c = TestClient.connect(p)) {
            c.write("hold:a\nplain\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            Await.until("request seen", () -> held.containsKey("hold:a"));
            held.get("hold:a").complete("A");
            assertEquals("A", c.readLine());
            assertEquals("re:plain", c.readLine());
        }
    }

    @Test
    void idleClientsAreClosedOnTheSharedLoopsTicks() throws Exception {
        Path p = start(Duration.ofSeconds(300));
        try (TestClient silent = TestClient.connect(p)) {
            Await.until("the client is accepted", () -> frontEnd.openClients() == 1);
            ticker.advance(Duration.ofSeconds(301));
            assertNull(silent.readLine(), "closed by a tick of the loop the front end shares");
        }
    }

    @Test
    void closingTheFrontEndLeavesTheLoopRunning() throws Exception {
        Path p = start(Duration.ZERO);
        TestClient open = TestClient.connect(p);
        assertEquals("re:x", TestClient.request(p, "x"));
        frontEnd.close();
        frontEnd = null;
        assertFalse(Files.exists(p), "socket file removed");
        assertNull(open.readLine(), "open clients closed");
        open.close();
        loop.submit(() -> { }).get(5, TimeUnit.SECONDS);
        assertFalse(loop.terminated().isDone(), "the loop is its owner's to stop");
    }
}
