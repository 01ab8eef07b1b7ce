package org.loncapa.lonc.core.internal.reactor;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** An Error that escapes a task kills the loop visibly: recorded, told, and handed on. */
class EventLoopDeathTest {
    @Test
    void anErrorInATaskEndsTheLoopTellsTheOwnerAndReachesTheThreadsHandler() throws Exception {
        EventLoop loop = new EventLoop("test-loop", TimeUnit.HOURS.toNanos(1), () -> {});
        CompletableFuture<Throwable> told = new CompletableFuture<>();
        CompletableFuture<Boolean> laterTaskRan = new CompletableFuture<>();
        loop.onDeath(told::complete);
        CountDownLatch hold = new CountDownLatch(1);
        Error boom = new Error("deliberate");
        CompletableFuture<Throwable> uncaught = new CompletableFuture<>();
        Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
            if (t.getName().equals("test-loop")) {
                uncaught.complete(e);
            }
        });
        try {
            loop.start();
            loop.execute(() -> {
                try {
                    hold.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw boom;
            });
            loop.execute(() -> laterTaskRan.complete(told.isDone()));
            hold.countDown();
            assertSame(boom, told.get(10, TimeUnit.SECONDS));
            assertTrue(laterTaskRan.get(10, TimeUnit.SECONDS),
                    "a task posted before the death still runs, after the owner was told");
            loop.terminated().get(10, TimeUnit.SECONDS);
            assertSame(boom, loop.failure());
            assertSame(boom, uncaught.get(10, TimeUnit.SECONDS));
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(before);
        }
    }
}
