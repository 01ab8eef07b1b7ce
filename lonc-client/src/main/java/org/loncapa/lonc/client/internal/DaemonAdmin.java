package org.loncapa.lonc.client.internal;

import java.io.IOException;
import java.util.List;
import org.loncapa.lonc.client.DeferredItem;
import org.loncapa.lonc.core.HostStatus;

/**
 * What the client asks of a running daemon besides requests: the operations of its admin
 * socket. Kept to this small interface because the admin protocol belongs to the daemon;
 * {@link AdminSocketClient} is the one implementation. Hosts are named by their DNS hostname
 * (the name of their socket), deferred files by their file name in {@code delayed/}.
 * Implementations are thread-safe and block; {@link IOException} means the daemon could not be
 * asked, or refused (the message says why).
 */
public interface DaemonAdmin {

    /** Status of every host. */
    List<HostStatus> status() throws IOException;

    /** Deferred transactions, pending and held, of one host, or of all when {@code host} is null. */
    List<DeferredItem> deferredList(String host) throws IOException;

    /**
     * Asks the daemon to replay a host's deferred transactions now; it answers once the host's
     * line is empty or stopped (or after 30 s).
     */
    void deferredFlush(String host) throws IOException;

    /** Moves one pending deferred file to hold. */
    void deferredHold(String file) throws IOException;

    /** Moves one held deferred file back for replay. */
    void deferredRelease(String file) throws IOException;

    /**
     * The daemon's OpenMetrics text ({@code {"cmd":"metrics"}}); by default rendered here from
     * {@link #status()} (without what only the daemon counts).
     */
    default String metrics() throws IOException {
        return org.loncapa.lonc.core.OpenMetrics.render(status());
    }
}
