package org.loncapa.lonc.client;

import java.util.List;
import java.util.Objects;

/**
 * One remote machine that runs lond, as a {@link LoncClient} knows it: one pool of connections per
 * machine, shared by all the lonIDs that live on it (a line of {@code hosts.tab} per lonID).
 *
 * @param name the host's DNS name (the pool's name, and the name of its UNIX socket in daemon mode)
 * @param lonIds the lonIDs served by this machine (at least one, copied); the first is named in
 *     each connection's handshake
 * @param address what to connect to: a DNS name (resolved again for every new connection) or an IP
 *     literal
 * @param port lond's TCP port (5663 on a real LON-CAPA host)
 * @param thisHost true when the remote machine is this machine (local key mode, via 127.0.0.1)
 */
public record LondHost(String name, List<String> lonIds, String address, int port, boolean thisHost) {
    /** Checks the components: names non-null, at least one lonID, a TCP port. */
    public LondHost {
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

    /** A remote machine (not this one) serving {@code lonIds} at {@code address:port}. */
    public static LondHost of(String name, String address, int port, String... lonIds) {
        return new LondHost(name, List.of(lonIds), address, port, false);
    }

    /** The lonID named in the handshake. */
    public String defaultLonId() {
        return lonIds.get(0);
    }
}
