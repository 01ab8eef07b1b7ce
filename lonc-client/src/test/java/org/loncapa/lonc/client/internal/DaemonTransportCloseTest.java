package org.loncapa.lonc.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.loncapa.lonc.client.DeferredItem;
import org.loncapa.lonc.core.HostStatus;
import org.loncapa.lonc.core.Ticker;
import org.loncapa.lonc.testkit.Await;
import org.loncapa.lonc.testkit.FakeDaemonSockets;

/** DaemonTransport.close under concurrent callers, and status once closed. */
@Timeout(30)
class DaemonTransportCloseTest {
    @TempDir
    Path tmp;

    static final DaemonAdmin NO_ADMIN = new DaemonAdmin() {
        @Override
        public List<HostStatus> status() {
            return List.of();
        }

        @Override
        public List<DeferredItem> deferredList(String host) {
            return List.of();
        }

        @Override
        public void deferredFlush(String host) {}

        @Override
        public void deferredHold(String file) {}

        @Override
        public void deferredRelease(String file) {}
    };

    @Test
    void concurrentClosersShutDownOnceAndReturnWhenTheDrainIsOver() throws Exception {
        Path sockets = Files.createDirectories(tmp.resolve("sockets"));
        CountDownLatch answer = new CountDownLatch(1);
        try (FakeDaemonSockets daemon = new FakeDaemonSockets(sockets).listen("s1")) {
            daemon.dispatch(r -> {
                try {
                    answer.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return "late";
            });
            DaemonTransport t = new DaemonTransport(new DaemonTransport.Settings(sockets,
                    Map.of("msul1", "s1"), 2, 10, 1 << 20, NO_ADMIN, Ticker.system()));
            CompletableFuture<String> inFlight = t.send("msul1", "ping", Duration.ofSeconds(20));
            daemon.takeRequest(Duration.ofSeconds(10));
            Thread first = new Thread(() -> t.close(Duration.ofSeconds(20)), "closer-1");
            first.start();
            Await.until("the first closer drains", () -> first.getState() == Thread.State.TIMED_WAITING);
            CompletableFuture<Void> secondDone = new CompletableFuture<>();
            Thread second = new Thread(() -> {
                t.close(Duration.ofSeconds(20));
                secondDone.complete(null);
            }, "closer-2");
            second.start();
            Await.until("the second closer returns or waits", () -> second.getState() == Thread.State.WAITING
                    || second.getState() == Thread.State.TERMINATED);
            assertFalse(secondDone.isDone(), "a concurrent close() returned while the first was still draining");
            answer.countDown();
            secondDone.get(10, TimeUnit.SECONDS);
            first.join(10_000);
            assertFalse(first.isAlive());
            assertEquals("late", inFlight.get(10, TimeUnit.SECONDS), "drained, not cut");
            CompletableFuture<List<HostStatus>> s = t.statusAsync();
            assertTrue(s.isCompletedExceptionally());
            ExecutionException e = assertThrows(ExecutionException.class, s::get);
            assertInstanceOf(IllegalStateException.class, e.getCause());
        }
    }
}
