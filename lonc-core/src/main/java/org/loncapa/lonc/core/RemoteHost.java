package org.loncapa.lonc.core;

import java.util.List;
import java.util.Objects;

/**
 * One remote machine that runs lond, as the engine sees it: one pool of connections per machine,
 * shared by all the lonIDs that live on it.
 *
 * @param name the pool's name: the host's DNS name (the name of its UNIX socket in modern lonc)
 * @param lonIds the lonIDs served by this machine; the first is the default target of requests that
 *     name none, and the one named in each connection's handshake
 * @param address what to connect to: a DNS name (resolved again for every new connection) or an IP
 *     literal
 * @param port lond's TCP port (5663)
 * @param thisHost true when the remote machine is this machine (local key mode, via 127.0.0.1)
 */
public record RemoteHost(String name, List<String> lonIds, String address, int port, boolean thisHost) {
    public RemoteHost {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        lonIds = List.copyOf(lonIds);
        if (lonIds.isEmpty()) {
            throw new IllegalArgumentException("host " + name + " has no lonID");
        }
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException("bad port " + port + " for host " + name);
        }
    }

    /** The lonID named in the handshake's sethost. */
    public String defaultLonId() {
        return lonIds.get(0);
    }
}
