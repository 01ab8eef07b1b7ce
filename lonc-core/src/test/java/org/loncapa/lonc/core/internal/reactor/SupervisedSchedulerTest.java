package org.loncapa.lonc.core.internal.reactor;

import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A failing task of the replayer's worker reaches the uncaught-exception handler (supervision). */
class SupervisedSchedulerTest {
    @Test
    void aPeriodicTaskThatThrowsIsReportedNotSwallowed() throws Exception {
        CompletableFuture<Throwable> reported = new CompletableFuture<>();
        SupervisedScheduler s = new SupervisedScheduler("test-worker", (t, e) -> reported.complete(e));
        try {
            Error boom = new Error("deliberate");
            s.scheduleWithFixedDelay(() -> {
                throw boom;
            }, 0, 10, TimeUnit.MILLISECONDS);
            assertSame(boom, reported.get(10, TimeUnit.SECONDS));
        } finally {
            s.shutdownNow();
        }
    }

    @Test
    void aTaskThatThrowsAnExceptionIsReportedToo() throws Exception {
        CompletableFuture<Throwable> reported = new CompletableFuture<>();
        SupervisedScheduler s = new SupervisedScheduler("test-worker", (t, e) -> reported.complete(e));
        try {
            IllegalStateException bad = new IllegalStateException("bug");
            s.execute(() -> {
                throw bad;
            });
            assertSame(bad, reported.get(10, TimeUnit.SECONDS));
        } finally {
            s.shutdownNow();
        }
    }
}
