package org.loncapa.lonc.core.internal.pool;

import java.util.concurrent.CompletableFuture;

/**
 * One request and its pending reply. Created by any thread, then owned by the engine thread. The
 * future may be cancelled by its caller at any time; the engine then forgets a queued transaction or
 * abandons the connection that carries it, so a late reply can never reach another request.
 */
public final class Transaction {
    /** The target lonID, or null for the host's default lonID. */
    final String lonId;
    /** The command without newline and without {@code sethost:} prefix. */
    final String command;
    final Reply future;
    /** Engine time when it was submitted. */
    final long submittedAt;
    /** Engine time after which a still-queued transaction fails, or Long.MAX_VALUE. */
    final long deadline;
    /** Set by whoever wants to know when it completes without holding the future (replay). */
    final Object tag;
    final PoolContext engine;
    /** The pool it was given to (engine thread; null until then). */
    HostPool pool;
    /** The connection carrying it, while on the wire (engine thread). */
    LondConnection carrier;

    public Transaction(PoolContext engine, String lonId, String command,
            long submittedAt, long deadline, Object tag) {
        this.engine = engine;
        this.lonId = lonId;
        this.command = command;
        this.submittedAt = submittedAt;
        this.deadline = deadline;
        this.tag = tag;
        this.future = new Reply(this);
    }

    /** The future the caller waits on. */
    public java.util.concurrent.CompletableFuture<String> future() {
        return future;
    }

    boolean isDone() {
        return future.isDone();
    }

    /**
     * Withdraws {@code future} if it is a transaction's and still queued; one already sent keeps its
     * connection and its reply is dropped when it comes (unlike {@code cancel}, which closes that
     * connection). For callers that have gone away and will not read the reply. Any thread.
     */
    public static void abandon(CompletableFuture<String> future) {
        if (future instanceof Reply r && !r.isDone()) {
            Transaction txn = r.txn;
            txn.engine.loop().execute(() -> {
                if (txn.pool != null) {
                    txn.pool.onAbandoned(txn);
                }
            });
        }
    }

    /** The caller's future; cancelling it withdraws the transaction. */
    static final class Reply extends CompletableFuture<String> {
        private final Transaction txn;

        Reply(Transaction txn) {
            this.txn = txn;
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            if (cancelled) {
                txn.engine.loop().execute(() -> {
                    if (txn.pool != null) {
                        txn.pool.onCancelled(txn);
                    }
                });
            }
            return cancelled;
        }
    }
}
