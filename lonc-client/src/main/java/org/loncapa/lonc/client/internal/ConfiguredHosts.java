package org.loncapa.lonc.client.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.loncapa.lonc.core.RemoteHost;
import org.loncapa.lonc.core.config.HostEntry;
import org.loncapa.lonc.core.config.HostTable;

/**
 * Turns {@code hosts.tab} into the engine's {@link RemoteHost}s: one per DNS hostname (several
 * lonIDs on one machine share a pool and a UNIX socket, as in modern lonc), connecting to the
 * 1.x table's IP when there is one and to the hostname otherwise (2.x: the IP comes from DNS),
 * and marking the machine of {@code myLonId} as this host (local key mode). Stateless.
 */
public final class ConfiguredHosts {
    private ConfiguredHosts() {}

    /**
     * @param table the host table
     * @param myLonId this node's lonHostID (need not be in the table: then no host is local)
     * @param londPort lond's port on every host
     */
    public static List<RemoteHost> remoteHosts(HostTable table, String myLonId, int londPort) {
        String myHost = table.byLonId(myLonId).map(e -> key(e.hostname())).orElse(null);
        List<RemoteHost> out = new ArrayList<>();
        for (String hostname : table.hostnames()) {
            List<String> ids = table.lonIdsOf(hostname);
            HostEntry first = table.byLonId(ids.get(0)).orElseThrow();
            String address = first.ip().orElse(hostname);
            out.add(new RemoteHost(hostname, ids, address, londPort, key(hostname).equals(myHost)));
        }
        return out;
    }

    private static String key(String hostname) {
        return hostname.toLowerCase(Locale.ROOT);
    }
}
