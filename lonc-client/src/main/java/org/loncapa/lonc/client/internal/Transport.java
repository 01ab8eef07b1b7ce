package org.loncapa.lonc.client.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.loncapa.lonc.core.HostStatus;

/**
 * How a {@code LoncClient} reaches lonc: an in-process engine ({@link EmbeddedTransport}) or a
 * running daemon's UNIX sockets ({@link DaemonTransport}). The client has already checked the
 * request and resolved the lonID against its host table before it calls {@link #send}.
 *
 * <p>Implementations are thread-safe.
 */
public interface Transport extends AutoCloseable {

    /**
     * Sends one request.
     *
     * @param lonId a lonID of the host table
     * @param command a checked one-line command
     * @param timeout how long the caller waits; the transport may use it to bound its own work
     * @return the reply line (without newline), or a lonc token such as {@code con_lost}; never
     *     completed exceptionally, except by cancellation. Completed on an internal thread of the
     *     transport: the client hops to its callback executor before user code runs. Cancelling
     *     it withdraws the request if it has not been answered yet.
     */
    CompletableFuture<String> send(String lonId, String command, Duration timeout);

    /**
     * lonnet's {@code reconlonc($lonid)}: asks lonc to give the host of {@code lonId} its full
     * retry budget again (a host marked dead is tried at once). Best effort; waits at most
     * {@code timeout}.
     */
    void resetRetries(String lonId, Duration timeout);

    /** A status snapshot of every host, in configuration order. */
    List<HostStatus> status() throws IOException;

    /**
     * {@link #status()} without waiting, completed on a thread of the transport (exceptionally
     * with the {@link IOException}, or an {@link IllegalStateException} once closed).
     */
    CompletableFuture<List<HostStatus>> statusAsync();

    /** OpenMetrics text of every host: by default rendered from {@link #status()}. */
    default String metrics() throws IOException {
        return org.loncapa.lonc.core.OpenMetrics.render(status());
    }

    /** Human-readable description for logs and the CLI, e.g. {@code embedded engine}. */
    String describe();

    /**
     * Stops: in-flight requests get up to {@code drain} to finish, the rest are answered
     * {@code con_lost}; every connection is closed. Idempotent.
     */
    void close(Duration drain);

    @Override
    default void close() {
        close(Duration.ofSeconds(10));
    }
}
