package org.loncapa.lonc.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every kind of dependent stage of a CallbackFuture runs on its executor, never on the completer. */
class CallbackFutureTest {
    private final ExecutorService callbacks = Executors.newSingleThreadExecutor(r -> new Thread(r, "app"));
    private final Map<String, String> ranOn = new ConcurrentHashMap<>();

    @AfterEach
    void tearDown() {
        callbacks.shutdownNow();
    }

    private void record(String stage) {
        ranOn.put(stage, Thread.currentThread().getName());
    }

    @Test
    void everyStageRunsOnTheExecutorWhoeverCompletes() throws Exception {
        CallbackFuture<String> f = new CallbackFuture<>(callbacks, null);
        CompletableFuture<String> other = CompletableFuture.completedFuture("o");
        List<CompletionStage<?>> stages = List.of(
                f.thenApply(x -> { record("thenApply"); return x; }),
                f.thenAccept(x -> record("thenAccept")),
                f.thenRun(() -> record("thenRun")),
                f.thenCombine(other, (a, b) -> { record("thenCombine"); return a; }),
                f.thenAcceptBoth(other, (a, b) -> record("thenAcceptBoth")),
                f.runAfterBoth(other, () -> record("runAfterBoth")),
                f.applyToEither(new CompletableFuture<String>(), x -> { record("applyToEither"); return x; }),
                f.acceptEither(new CompletableFuture<String>(), x -> record("acceptEither")),
                f.runAfterEither(new CompletableFuture<String>(), () -> record("runAfterEither")),
                f.thenCompose(x -> { record("thenCompose"); return other; }),
                f.handle((x, e) -> { record("handle"); return x; }),
                f.whenComplete((x, e) -> record("whenComplete")),
                f.thenApplyAsync(x -> { record("thenApplyAsync"); return x; }),
                f.thenApply(Function.identity()).thenAccept(x -> record("derived")),
                f.minimalCompletionStage().thenAccept(x -> record("minimal")));
        Thread completer = new Thread(() -> f.complete("v"), "lonc-engine");
        completer.start();
        completer.join();
        for (CompletionStage<?> s : stages) {
            s.toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        assertEquals(15, ranOn.size(), ranOn.toString());
        ranOn.forEach((stage, thread) -> assertEquals("app", thread, stage));

        CallbackFuture<String> failed = new CallbackFuture<>(callbacks, null);
        CompletableFuture<String> ex = failed.exceptionally(e -> { record("exceptionally"); return "x"; });
        CompletableFuture<String> exc = failed.exceptionallyCompose(e -> { record("exceptionallyCompose"); return other; });
        Thread failer = new Thread(() -> failed.completeExceptionally(new RuntimeException()), "lonc-engine");
        failer.start();
        failer.join();
        assertEquals("x", ex.get(10, TimeUnit.SECONDS));
        assertEquals("o", exc.get(10, TimeUnit.SECONDS));
        assertEquals("app", ranOn.get("exceptionally"));
        assertEquals("app", ranOn.get("exceptionallyCompose"));
    }

    @Test
    void cancellingRunsTheHook() {
        boolean[] withdrawn = new boolean[1];
        CallbackFuture<String> f = new CallbackFuture<>(callbacks, () -> withdrawn[0] = true);
        assertTrue(f.cancel(true));
        assertTrue(withdrawn[0]);
    }
}
