package org.loncapa.lonc.bench.load;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.loncapa.lonc.testkit.LoncapaSandbox;

/**
 * A throw-away LON-CAPA node layout for a daemon under test: {@code loncapa.conf} (lonHostID, the
 * directories, londPort, loncAllowInsecure) and {@code hosts.tab}, with every remote host at
 * 127.0.0.1 on FakeLond's port, so no DNS is involved.
 */
public final class ClusterFiles {
    /** This node's lonID; FakeLond is told it as its client lonID (for the insecure key). */
    public static final String MY_LON_ID = "msua3";
    /** This node's DNS name in hosts.tab (never a target of the bench). */
    public static final String MY_HOST = "lonc-bench-self";

    /** One remote host of the layout: a DNS name (the socket name) and its lonIDs. */
    public record Host(String name, List<String> lonIds) {}

    private final Path dir;
    private final Path config;

    private ClusterFiles(Path dir) {
        this.dir = dir;
        this.config = dir.resolve("loncapa.conf");
    }

    /** The single remote host of the load tool. */
    public static List<Host> oneHost(String name, String lonId) {
        return List.of(new Host(name, List.of(lonId)));
    }

    /** {@code n} remote hosts {@code h0001.bench ...} with lonIDs {@code b0001 ...}. */
    public static List<Host> manyHosts(int n) {
        List<Host> l = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
            l.add(new Host(String.format("h%04d.bench", i), List.of(String.format("b%04d", i))));
        }
        return l;
    }

    /** Writes the files under {@code dir} (created if needed). */
    public static ClusterFiles write(Path dir, int londPort, List<Host> hosts) throws IOException {
        LoncapaSandbox s = LoncapaSandbox.in(dir, MY_LON_ID).londPort(londPort).comment("written by lonc-bench");
        s.writeConfig();
        List<String> tab = new ArrayList<>();
        tab.add("# id:domain:role:name:ip, written by lonc-bench");
        tab.add(MY_LON_ID + ":bench:library:" + MY_HOST + ":127.0.0.1");
        for (Host h : hosts) {
            for (String id : h.lonIds()) {
                tab.add(id + ":bench:library:" + h.name() + ":127.0.0.1");
            }
        }
        s.writeHostsTab(tab);
        ClusterFiles f = new ClusterFiles(dir);
        return f;
    }

    public Path dir() {
        return dir;
    }

    public Path config() {
        return config;
    }

    public Path sockDir() {
        return dir.resolve("sockets");
    }

    public Path socket(String hostName) {
        return sockDir().resolve(hostName);
    }

    public Path delayedDir() {
        return sockDir().resolve("delayed");
    }

    public Path logFile() {
        return dir.resolve("perl/logs/lonc.log");
    }
}
