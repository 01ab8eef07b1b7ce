package org.loncapa.lonc.client;

import java.io.IOException;
import java.util.List;

/**
 * Operator access to the deferred ("critical") transactions of this LON-CAPA node: the files
 * lonnet's {@code critical()} (and {@link LoncClient#critical}) left in {@code
 * <lonSockDir>/delayed/} for a host that could not be reached. Through a {@link LoncClient} in
 * embedded mode it works on the files directly; in daemon mode it asks the daemon over its admin
 * socket, so that the daemon's replay and the operator never work on a file at the same time.
 *
 * <p>Thread-safe. Methods block; they throw {@link IOException} when the directory or the daemon
 * cannot be reached.
 */
public interface DeferredTransactions {

    /** Pending and held transactions of every lonID, in replay order (pending first). */
    List<DeferredItem> list() throws IOException;

    /** Pending and held transactions of one lonID, in replay order (pending first). */
    List<DeferredItem> list(String lonId) throws IOException;

    /**
     * Replays the pending transactions of {@code lonId} now. Embedded: in order on the calling
     * thread, stopping at the first that gets no reply from lond (the rest stay for later);
     * what lond refuses is moved to hold. Daemon mode: the daemon is asked to replay the host
     * now, in the background at its own rate. Either way a file is deleted only after lond
     * replied to it (at-least-once delivery), and files saved in the last few seconds are left
     * alone: lonnet may still be reading them back.
     */
    FlushResult flush(String lonId) throws IOException;

    /**
     * Moves pending transactions to {@code hold/}, where they are not replayed.
     *
     * @param lonIdOrId a lonID (all its pending transactions) or one {@link DeferredItem#id()}
     * @return the transactions now held
     */
    List<DeferredItem> hold(String lonIdOrId) throws IOException;

    /**
     * Moves held transactions back, to be replayed.
     *
     * @param lonIdOrId a lonID (all its held transactions) or one {@link DeferredItem#id()}
     * @return the transactions released
     */
    List<DeferredItem> release(String lonIdOrId) throws IOException;
}
