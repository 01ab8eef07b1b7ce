package org.loncapa.lonc.core.internal.reactor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One selector thread that owns a set of channels and everything attached to them. Each pass:
 * select (at most until the next tick), handle ready keys, run tasks posted by other threads, and
 * call the tick handler about once per tick interval of real time.
 *
 * <p>Other threads talk to the loop only through {@link #execute}; they never touch loop-owned
 * state. The selector is woken only when a task is posted while the loop may be sleeping, and a
 * task posted from another loop's thread wakes this loop when that loop's pass ends, not at once:
 * a front end that hands 30 requests to the engine in one pass then costs the engine one wake-up,
 * not 30. Handlers and tasks never block, so the pass always ends soon.
 *
 * <p>{@link #closeAfterDeregistration} closes a channel once the selector has dropped it, which
 * spares the JDK's shutdown-while-registered path two system calls per closed connection.
 */
public final class EventLoop implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EventLoop.class);

    /** Something registered with the selector. Called on the loop thread. */
    public interface Handler {
        void onReady(SelectionKey key);

        /**
         * {@link #onReady} threw {@code error}; the loop has cancelled the key and closes the
         * channel. The handler tells whoever owns it (a connection leaves its pool). Default:
         * nothing more.
         */
        default void onFailed(RuntimeException error) {}
    }

    private final Selector selector;
    private final LoopThread thread;
    /** Loops this loop's thread posted to during the current pass; woken before it selects. */
    private final List<EventLoop> wakeAfterPass = new ArrayList<>();
    /** Channels whose keys are cancelled, to close after the next select (loop thread only). */
    private final List<SelectableChannel> closeAfterSelect = new ArrayList<>();
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /**
     * {@link #IDLE}: the loop will be woken by the next post; {@link #DEFERRED}: another loop's
     * thread posted and will wake it when its pass ends; {@link #WOKEN}: a wake-up is on its way.
     * Reset to IDLE each time the loop returns from select.
     */
    private final AtomicInteger wakeState = new AtomicInteger(IDLE);
    private static final int IDLE = 0;
    private static final int DEFERRED = 1;
    private static final int WOKEN = 2;
    private final java.util.concurrent.atomic.AtomicLong wakeups = new java.util.concurrent.atomic.AtomicLong();
    private final long tickIntervalNanos;
    private final Runnable onTick;
    /** Tick handlers of other users of this loop, after {@link #onTick} (loop thread only). */
    private final List<Runnable> moreTicks = new ArrayList<>();
    private volatile boolean running = true;
    /** Set when the loop thread leaves its loop; posts from then on are refused, see {@link #execute}. */
    private volatile boolean stopping;
    /** Loop thread only: the last tasks have run; even the loop thread's own posts are refused. */
    private boolean drained;
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    /** What ended the loop other than {@link #close()}; null while it runs or after a close. */
    private volatile Throwable failure;
    private volatile java.util.function.Consumer<Throwable> onDeath;

    /**
     * @param name thread name
     * @param tickIntervalNanos how often (real time) {@code onTick} runs
     * @param onTick called on the loop thread about once per interval
     */
    public EventLoop(String name, long tickIntervalNanos, Runnable onTick) {
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector", e);
        }
        this.tickIntervalNanos = tickIntervalNanos;
        this.onTick = onTick;
        this.thread = new LoopThread(this, name);
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** True when called from the loop thread. */
    public boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /**
     * Runs {@code task} on the loop thread soon; safe from any thread.
     *
     * @return true if the task will run; false if the loop has stopped (or is stopping), in which
     *     case the task never runs and the caller must answer its own waiters
     */
    public boolean execute(Runnable task) {
        Thread current = Thread.currentThread();
        if (current == thread) {
            // during the final drain a task may still post more; after it, nothing would run them
            if (drained) {
                return false;
            }
            tasks.add(task);
            return true;
        }
        tasks.add(task);
        // The loop sets stopping before its final drain: a task added before that is drained; one
        // that the poster sees stopping for is taken back, unless the drain has already taken it.
        if (stopping && tasks.remove(task)) {
            return false;
        }
        if (current instanceof LoopThread other) {
            if (wakeState.compareAndSet(IDLE, DEFERRED)) {
                other.loop.wakeAfterPass.add(this);
            }
        } else if (wakeState.getAndSet(WOKEN) != WOKEN) {
            // also when another loop has deferred the wake-up: this poster does not wait for it
            wakeup();
        }
        return true;
    }

    /**
     * Wakes, now, the loops that the calling loop thread has posted to during its current pass
     * (no-op on other threads). Code on a loop thread that is about to block on another loop's
     * answer must call this first, or that loop would sleep until its next tick.
     */
    public static void wakePendingNow() {
        if (Thread.currentThread() instanceof LoopThread t) {
            t.loop.wakeOthers();
        }
    }

    /**
     * Cancels {@code key} and closes its channel right after the selector has dropped it, at the
     * start of the next pass (which then does not sleep). Loop thread only. Until then the channel
     * stays open but is no longer selected.
     */
    public void closeAfterDeregistration(SelectionKey key) {
        key.cancel();
        closeAfterSelect.add(key.channel());
    }

    /**
     * Runs {@code task} on the loop thread; the future completes when it has run (exceptionally if
     * it threw, or with a {@link RejectedExecutionException} at once if the loop has stopped and
     * the task will never run). Safe from any thread.
     */
    public CompletableFuture<Void> submit(Runnable task) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        boolean accepted = execute(() -> {
            try {
                task.run();
                f.complete(null);
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        });
        if (!accepted) {
            f.completeExceptionally(new RejectedExecutionException(
                    "event loop " + thread.getName() + " has stopped"));
        }
        return f;
    }

    /**
     * Also runs {@code task} on every tick, after the loop's own tick handler: for a second user of
     * the loop (the daemon's front end on the engine's). Safe from any thread.
     */
    public void everyTick(Runnable task) {
        execute(() -> moreTicks.add(task));
    }

    /** Undoes {@link #everyTick}. Safe from any thread. */
    public void stopTicking(Runnable task) {
        execute(() -> moreTicks.remove(task));
    }

    /** Registers a channel (loop thread only). */
    public SelectionKey register(SelectableChannel ch, int ops, Handler handler) throws IOException {
        ch.configureBlocking(false);
        return ch.register(selector, ops, handler);
    }

    /** Completes when the loop thread has exited. */
    public CompletableFuture<Void> terminated() {
        return terminated;
    }

    /**
     * What killed the loop (an Error or exception that escaped a handler, task or tick, or a
     * selector failure), or null while it runs or after a normal close.
     */
    public Throwable failure() {
        return failure;
    }

    /**
     * {@code c} is called once, on the loop thread, if the loop dies of {@code failure}: after the
     * loop has stopped and before the tasks still posted run (they all run then, so each can see
     * that the loop is dead and answer for itself). The throwable then goes on to the thread's
     * uncaught-exception handler, where a process can decide to exit.
     */
    public void onDeath(java.util.function.Consumer<Throwable> c) {
        this.onDeath = c;
    }

    private void run() {
        long nextTick = System.nanoTime() + tickIntervalNanos;
        try {
            while (running) {
                wakeOthers();
                long wait = nextTick - System.nanoTime();
                int ready;
                if (!tasks.isEmpty() || !closeAfterSelect.isEmpty()) {
                    ready = selector.selectNow();
                } else if (wait <= 0) {
                    ready = selector.selectNow();
                } else {
                    ready = selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait)));
                }
                wakeState.set(IDLE);
                closeDeregistered();
                if (ready > 0) {
                    handleKeys();
                }
                runTasks();
                long t = System.nanoTime();
                if (t - nextTick >= 0) {
                    nextTick = t + tickIntervalNanos;
                    safely(onTick);
                    for (int i = 0; i < moreTicks.size(); i++) {
                        safely(moreTicks.get(i));
                    }
                }
            }
        } catch (ClosedSelectorException e) {
            // closing
        } catch (IOException e) {
            log.error("event loop {} failed: {}", thread.getName(), e.toString(), e);
            failure = new UncheckedIOException("selector failed", e);
            throw (UncheckedIOException) failure;
        } catch (RuntimeException | Error e) {
            // only Errors get here from handlers and tasks (safely() keeps RuntimeExceptions)
            failure = e;
            throw e;
        } finally {
            stopping = true;
            if (failure != null) {
                running = false;
                java.util.function.Consumer<Throwable> c = onDeath;
                if (c != null) {
                    try {
                        c.accept(failure);
                    } catch (RuntimeException | Error e) {
                        log.error("handling the death of event loop {} failed", thread.getName(), e);
                    }
                }
                Runnable r;
                while ((r = tasks.poll()) != null) {
                    try {
                        r.run();
                    } catch (RuntimeException | Error e) {
                        // the loop is dead already; the first failure is the one reported
                    }
                }
            } else {
                Runnable r;
                while ((r = tasks.poll()) != null) {
                    safely(r);
                }
            }
            drained = true;
            closeDeregistered();
            try {
                selector.close();
            } catch (IOException e) {
                log.debug("closing selector", e);
            }
            terminated.complete(null);
            // after the callbacks of terminated, which may have posted to other loops
            wakeOthers();
        }
    }

    private void wakeup() {
        wakeups.incrementAndGet();
        selector.wakeup();
    }

    /** How many times other threads have woken this loop's selector. */
    public long wakeups() {
        return wakeups.get();
    }

    private void wakeOthers() {
        for (int i = 0; i < wakeAfterPass.size(); i++) {
            EventLoop target = wakeAfterPass.get(i);
            // not if it has been woken meanwhile, or has run select since (and so sees the task)
            if (target.wakeState.compareAndSet(DEFERRED, WOKEN)) {
                target.wakeup();
            }
        }
        wakeAfterPass.clear();
    }

    private void closeDeregistered() {
        for (int i = 0; i < closeAfterSelect.size(); i++) {
            try {
                closeAfterSelect.get(i).close();
            } catch (IOException e) {
                log.debug("closing a channel", e);
            }
        }
        closeAfterSelect.clear();
    }

    /** A loop's thread, so that {@link #execute} can tell a post from another loop. */
    private static final class LoopThread extends Thread {
        final EventLoop loop;

        LoopThread(EventLoop loop, String name) {
            super(loop::run, name);
            this.loop = loop;
        }
    }

    private void handleKeys() {
        Iterator<SelectionKey> it = selector.selectedKeys().iterator();
        while (it.hasNext()) {
            SelectionKey key = it.next();
            it.remove();
            if (!key.isValid()) {
                continue;
            }
            Handler h = (Handler) key.attachment();
            try {
                h.onReady(key);
            } catch (RuntimeException e) {
                log.error("handler {} failed; closing its channel", h, e);
                closeAfterDeregistration(key);
                try {
                    h.onFailed(e);
                } catch (RuntimeException again) {
                    log.error("handler {} failed while being told of its failure", h, again);
                }
            }
        }
    }

    private void runTasks() {
        Runnable r;
        // bounded per pass so that I/O is not starved by a flood of posted tasks
        int budget = 4096;
        while (budget-- > 0 && (r = tasks.poll()) != null) {
            safely(r);
        }
    }

    private static void safely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            log.error("task failed", e);
        }
    }

    /** Stops the loop after the tasks already posted have run. */
    @Override
    public void close() {
        execute(() -> running = false);
    }
}
