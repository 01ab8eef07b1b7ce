package org.loncapa.lonc.daemon.frontend;

import java.util.concurrent.CompletableFuture;

/**
 * What a listening socket does with each request line. Called on the front end's loop thread (in
 * the daemon, the engine's); must not block (hand the work to the engine or another thread and
 * return a future).
 */
@FunctionalInterface
public interface LineService {
    /**
     * @param line the request without its newline
     * @param peer who sent it (for logs)
     * @return the reply line without newline; a future completing with {@code null} means "send no
     *     reply and close this client connection" (Perl's {@code close_connection_exit}). The
     *     future may complete on any thread.
     */
    CompletableFuture<String> request(String line, Peer peer);

    /**
     * The client of {@code reply} (a future returned by {@link #request}, not yet complete) has
     * gone: withdraw its work if that is still possible. Nobody will read the reply. Front-end
     * thread; must not block. By default nothing is withdrawn.
     */
    default void abandon(CompletableFuture<String> reply) {}

    /** The client on the other end, as SO_PEERCRED tells it. */
    record Peer(String user, String group, int connection) {
        @Override
        public String toString() {
            return user + "/" + group + " #" + connection;
        }
    }
}
