package org.loncapa.lonc.core.internal.reactor;

import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * A one-thread scheduled executor whose tasks' failures are not swallowed. The JDK's scheduled
 * executor keeps what a task threw inside its future, and a periodic task that throws is silently
 * never run again: a worker would die unseen. Here a task that ends with an exception or Error goes
 * to the thread's uncaught-exception handler, as a plain thread's would (the daemon's handler ends
 * the process; see LoncDaemon's supervision).
 */
public final class SupervisedScheduler extends ScheduledThreadPoolExecutor {
    /** One daemon thread named {@code name}. */
    public SupervisedScheduler(String name) {
        this(name, null);
    }

    /** As above, with the thread's own uncaught-exception handler (null: the default one). */
    SupervisedScheduler(String name, Thread.UncaughtExceptionHandler handler) {
        super(1, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            if (handler != null) {
                t.setUncaughtExceptionHandler(handler);
            }
            return t;
        });
    }

    @Override
    protected void afterExecute(Runnable r, Throwable t) {
        super.afterExecute(r, t);
        Throwable failure = t;
        if (failure == null && r instanceof Future<?> f && f.isDone()) {
            try {
                f.get();
            } catch (CancellationException e) {
                return; // cancelled on purpose
            } catch (ExecutionException e) {
                failure = e.getCause();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (failure != null) {
            Thread me = Thread.currentThread();
            me.getUncaughtExceptionHandler().uncaughtException(me, failure);
        }
    }
}
