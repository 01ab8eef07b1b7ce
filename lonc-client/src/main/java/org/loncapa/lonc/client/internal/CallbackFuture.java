package org.loncapa.lonc.client.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.Objects;

/**
 * The future a {@code LoncClient} hands out. lonc's own threads complete it (engine, I/O or timer
 * thread), so {@code get}, {@code join} and {@code isDone} see a reply or a timeout as soon as
 * lonc has it, whatever the application's executor is doing. Every dependent stage, with or
 * without {@code Async}, runs on the callback executor instead of the completing thread, and so
 * do the stages of the futures derived from it: a lonc thread never runs application code.
 *
 * <p>When the executor rejects a stage (saturated or shut down), that stage, and what depends on
 * it, completes exceptionally with a {@link RejectedExecutionException} that says so; the stage's
 * function is not run. This future itself is unaffected.
 *
 * <p>Cancelling it runs {@code onCancel} (withdraws the request).
 */
public final class CallbackFuture<T> extends CompletableFuture<T> {
    private final Executor executor;
    private final Runnable onCancel;

    /**
     * @param executor where dependent stages run; wrap it with {@link #rejectionsExplained} first
     * @param onCancel run when this future is cancelled, or null
     */
    public CallbackFuture(Executor executor, Runnable onCancel) {
        this.executor = Objects.requireNonNull(executor, "executor");
        this.onCancel = onCancel;
    }

    /** A future already completed with {@code value}. */
    public static <T> CallbackFuture<T> completed(Executor executor, T value) {
        CallbackFuture<T> f = new CallbackFuture<>(executor, null);
        f.complete(value);
        return f;
    }

    /** A future already completed exceptionally with {@code error}. */
    public static <T> CallbackFuture<T> failed(Executor executor, Throwable error) {
        CallbackFuture<T> f = new CallbackFuture<>(executor, null);
        f.completeExceptionally(error);
        return f;
    }

    /**
     * {@code executor}, but a rejection names the executor and what happens instead, so that the
     * failed stage tells the application why its callback did not run.
     */
    public static Executor rejectionsExplained(Executor executor) {
        Objects.requireNonNull(executor, "executor");
        return new Executor() {
            @Override
            public void execute(Runnable r) {
                try {
                    executor.execute(r);
                } catch (RejectedExecutionException e) {
                    throw new RejectedExecutionException("the lonc callback executor (" + executor
                            + ") rejected a dependent stage; it fails instead of running on a"
                            + " lonc thread", e);
                }
            }

            @Override
            public String toString() {
                return executor.toString();
            }
        };
    }

    @Override
    public Executor defaultExecutor() {
        return executor;
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new CallbackFuture<>(executor, null);
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        if (cancelled && onCancel != null) {
            onCancel.run();
        }
        return cancelled;
    }

    // Each non-async stage becomes its async twin on the callback executor.

    @Override
    public <U> CompletableFuture<U> thenApply(Function<? super T, ? extends U> fn) {
        return thenApplyAsync(fn, executor);
    }

    @Override
    public CompletableFuture<Void> thenAccept(Consumer<? super T> action) {
        return thenAcceptAsync(action, executor);
    }

    @Override
    public CompletableFuture<Void> thenRun(Runnable action) {
        return thenRunAsync(action, executor);
    }

    @Override
    public <U, V> CompletableFuture<V> thenCombine(CompletionStage<? extends U> other,
            BiFunction<? super T, ? super U, ? extends V> fn) {
        return thenCombineAsync(other, fn, executor);
    }

    @Override
    public <U> CompletableFuture<Void> thenAcceptBoth(CompletionStage<? extends U> other,
            BiConsumer<? super T, ? super U> action) {
        return thenAcceptBothAsync(other, action, executor);
    }

    @Override
    public CompletableFuture<Void> runAfterBoth(CompletionStage<?> other, Runnable action) {
        return runAfterBothAsync(other, action, executor);
    }

    @Override
    public <U> CompletableFuture<U> applyToEither(CompletionStage<? extends T> other,
            Function<? super T, U> fn) {
        return applyToEitherAsync(other, fn, executor);
    }

    @Override
    public CompletableFuture<Void> acceptEither(CompletionStage<? extends T> other,
            Consumer<? super T> action) {
        return acceptEitherAsync(other, action, executor);
    }

    @Override
    public CompletableFuture<Void> runAfterEither(CompletionStage<?> other, Runnable action) {
        return runAfterEitherAsync(other, action, executor);
    }

    @Override
    public <U> CompletableFuture<U> thenCompose(Function<? super T, ? extends CompletionStage<U>> fn) {
        return thenComposeAsync(fn, executor);
    }

    @Override
    public <U> CompletableFuture<U> handle(BiFunction<? super T, Throwable, ? extends U> fn) {
        return handleAsync(fn, executor);
    }

    @Override
    public CompletableFuture<T> whenComplete(BiConsumer<? super T, ? super Throwable> action) {
        return whenCompleteAsync(action, executor);
    }

    @Override
    public CompletableFuture<T> exceptionally(Function<Throwable, ? extends T> fn) {
        return exceptionallyAsync(fn, executor);
    }

    @Override
    public CompletableFuture<T> exceptionallyCompose(
            Function<Throwable, ? extends CompletionStage<T>> fn) {
        return exceptionallyComposeAsync(fn, executor);
    }

    @Override
    public CompletionStage<T> minimalCompletionStage() {
        // the JDK's minimal stage would run its own dependents on the completing thread
        return copy();
    }
}
