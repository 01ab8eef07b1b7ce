package org.loncapa.lonc.client.internal;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The client's own thread pools: daemon threads with lonc names, gone when idle. */
public final class LoncExecutors {
    /** Threads of the default callback executor: at least 4, else one per processor. */
    public static final int CALLBACK_THREADS = Math.max(4, Runtime.getRuntime().availableProcessors());
    /** Dependent stages that may wait for a callback thread; beyond it a stage fails. */
    public static final int CALLBACK_QUEUE = 65_536;
    private static final long KEEP_ALIVE_SECONDS = 10;
    private static final AtomicInteger clients = new AtomicInteger();

    private LoncExecutors() {}

    /**
     * The default callback executor of one client: {@link #CALLBACK_THREADS} daemon threads named
     * {@code lonc-callback-<client>-<n>}, started on demand and ended after 10 s idle, with a
     * queue of {@link #CALLBACK_QUEUE} stages (beyond it the stage is rejected and fails). It is
     * never shut down: stages attached after {@code close()} still run.
     */
    public static ThreadPoolExecutor callbacks() {
        return pool("lonc-callback-" + clients.incrementAndGet(), CALLBACK_THREADS, CALLBACK_QUEUE);
    }

    /**
     * A small pool for a client's blocking bookkeeping that must not run on the engine thread or
     * the application's executor ({@code criticalAsync}: the retry reset and the deferred save).
     */
    public static ThreadPoolExecutor worker(String name, int threads, int queue) {
        return pool(name, threads, queue);
    }

    private static ThreadPoolExecutor pool(String name, int threads, int queue) {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor e = new ThreadPoolExecutor(threads, threads, KEEP_ALIVE_SECONDS,
                TimeUnit.SECONDS, new LinkedBlockingQueue<>(queue), r -> {
                    Thread t = new Thread(r, name + "-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }) {
            @Override
            public String toString() {
                return name + " (" + threads + " threads)";
            }
        };
        e.allowCoreThreadTimeOut(true);
        return e;
    }
}
