package org.loncapa.lonc.daemon;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.loncapa.lonc.core.RemoteHost;
import org.loncapa.lonc.core.config.ConfigException;
import org.loncapa.lonc.core.config.HostEntry;
import org.loncapa.lonc.core.config.HostTable;
import org.loncapa.lonc.core.config.LoncapaConfig;
import org.loncapa.lonc.daemon.DaemonSettings.SocketNaming;

/**
 * What the daemon serves, derived from {@code loncapa.conf} and {@code hosts.tab}: one engine
 * {@link RemoteHost} per distinct DNS name (the lonIDs on that machine share its pool) and one UNIX
 * socket per DNS name, or per lonID with {@link SocketNaming#LONID}.
 *
 * <p>The host whose DNS name is this node's own ({@code lonHostID}'s line) is marked
 * {@code thisHost}: the engine reaches it through 127.0.0.1 in local key mode. Immutable.
 */
public final class HostLayout {

    /**
     * One UNIX socket and where its requests go.
     *
     * @param socketName the file name in {@code lonSockDir}
     * @param hostName the engine host (pool) that serves it
     * @param lonId the lonID a request without {@code sethost:} is meant for, or null for the
     *     host's first lonID
     */
    public record SocketTarget(String socketName, String hostName, String lonId) {}

    private final List<RemoteHost> hosts;
    private final Map<String, SocketTarget> sockets;

    private HostLayout(List<RemoteHost> hosts, Map<String, SocketTarget> sockets) {
        this.hosts = List.copyOf(hosts);
        this.sockets = Collections.unmodifiableMap(new LinkedHashMap<>(sockets));
    }

    /**
     * Builds the layout.
     *
     * @param tableFile the file {@code table} was read from (for error messages)
     * @throws ConfigException if {@code lonHostID} is not in the host table
     */
    public static HostLayout build(LoncapaConfig conf, HostTable table, Path tableFile,
            SocketNaming naming) throws ConfigException {
        return build(conf, table, tableFile, naming, Map.of());
    }

    /**
     * As {@link #build(LoncapaConfig, HostTable, Path, SocketNaming)}, with the lond port of some
     * hosts (by DNS name) overridden. Test rigs and the demo run several fake londs on one machine,
     * where they cannot all have port {@code londPort}; real clusters never need this.
     */
    public static HostLayout build(LoncapaConfig conf, HostTable table, Path tableFile,
            SocketNaming naming, Map<String, Integer> portOverrides) throws ConfigException {
        Optional<HostEntry> me = table.byLonId(conf.lonHostID());
        if (me.isEmpty()) {
            throw new ConfigException(tableFile, 0, "this node's lonHostID '" + conf.lonHostID()
                    + "' (from loncapa.conf) is not in " + tableFile
                    + "; lonc cannot tell which host is itself");
        }
        Map<String, Integer> ports = new LinkedHashMap<>(conf.londPorts()); // loncLondPorts
        ports.putAll(portOverrides);
        List<RemoteHost> hosts = table.remoteHosts(conf.lonHostID(), conf.londPort(), ports);
        Map<String, SocketTarget> sockets = new LinkedHashMap<>();
        for (RemoteHost h : hosts) {
            if (naming == SocketNaming.HOSTNAME) {
                sockets.put(h.name(), new SocketTarget(h.name(), h.name(), null));
            } else {
                for (String id : h.lonIds()) {
                    sockets.put(id, new SocketTarget(id, h.name(), id));
                }
            }
        }
        return new HostLayout(hosts, sockets);
    }

    /** The engine's hosts, in table order. */
    public List<RemoteHost> hosts() {
        return hosts;
    }

    /** The socket names of each host, by host name. */
    public Map<String, List<String>> socketsByHost() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (SocketTarget t : sockets.values()) {
            m.computeIfAbsent(t.hostName(), k -> new ArrayList<>()).add(t.socketName());
        }
        return m;
    }

    /** The sockets by file name, in table order. */
    public Map<String, SocketTarget> sockets() {
        return sockets;
    }
}
