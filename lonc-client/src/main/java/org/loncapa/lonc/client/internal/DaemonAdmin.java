package org.loncapa.lonc.client.internal;

import java.io.IOException;
import java.util.List;
import org.loncapa.lonc.client.DeferredItem;
import org.loncapa.lonc.core.HostStatus;

/**
 * What the client asks of a running daemon besides requests: the operations of its admin
 * socket. Kept to this small interface because the daemon's admin protocol is defined by the
 * daemon; {@link AdminSocketClient} is the one implementation. Implementations are thread-safe
 * and block; {@link IOException} means the daemon could not be asked or refused.
 */
public interface DaemonAdmin {

    /** Status of every host. */
    List<HostStatus> status() throws IOException;

    /** Deferred transactions of one lonID, or of all when {@code lonId} is null. */
    List<DeferredItem> deferredList(String lonId) throws IOException;

    /** Replays a lonID's deferred transactions now; returns how many were delivered. */
    int deferredFlush(String lonId) throws IOException;

    /** Holds the deferred transactions of a lonID, or one by id. */
    List<DeferredItem> deferredHold(String lonIdOrId) throws IOException;

    /** Releases held deferred transactions of a lonID, or one by id. */
    List<DeferredItem> deferredRelease(String lonIdOrId) throws IOException;
}
