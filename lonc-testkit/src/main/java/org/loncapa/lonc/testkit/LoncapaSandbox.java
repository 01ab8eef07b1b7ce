package org.loncapa.lonc.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A throw-away LON-CAPA node under one directory, laid out as a real server is: {@code
 * loncapa.conf} with {@code lonSockDir}, {@code lonDaemons}, {@code lonTabDir}, {@code lonDocRoot},
 * {@code lonIDsDir} and {@code lonCertificateDirectory} pointing at subdirectories that exist, and
 * {@code lonTabs/hosts.tab}. For tests, the daemon's demo and the benchmarks.
 *
 * <pre>{@code
 * LoncapaSandbox s = LoncapaSandbox.in(dir, "msua3").londPort(lond.port());
 * Path conf = s.writeConfig();
 * s.writeHostsTab("msua3:msu:access:me.test:127.0.0.1", "msul1:msu:library:lond.test:127.0.0.1");
 * }</pre>
 *
 * With several FakeLonds, give each host its own port:
 * {@code .londPort("lond1.test", lond1.port()).londPort("lond2.test", lond2.port())}.
 */
public final class LoncapaSandbox {
    private final Path dir;
    private final Map<String, String> vars = new LinkedHashMap<>();
    private final Map<String, Integer> hostPorts = new LinkedHashMap<>();
    private String comment = "written by LoncapaSandbox";

    private LoncapaSandbox(Path dir, String lonHostId) {
        this.dir = dir;
        vars.put("lonHostID", lonHostId);
        vars.put("lonSockDir", sockets().toString());
        vars.put("lonDaemons", dir.resolve("perl").toString());
        vars.put("lonTabDir", dir.resolve("lonTabs").toString());
        vars.put("lonDocRoot", dir.resolve("html").toString());
        vars.put("lonIDsDir", dir.resolve("lonIDs").toString());
        vars.put("lonCertificateDirectory", dir.resolve("lonCerts").toString());
        vars.put("loncAllowInsecure", "1");
    }

    /** A node {@code lonHostId} under {@code dir}; insecure key exchange allowed, no londPort set. */
    public static LoncapaSandbox in(Path dir, String lonHostId) {
        return new LoncapaSandbox(dir, lonHostId);
    }

    /** Sets {@code PerlSetVar londPort}. */
    public LoncapaSandbox londPort(int port) {
        return set("londPort", Integer.toString(port));
    }

    /**
     * Gives one host its own lond port ({@code PerlSetVar loncLondPorts}, which lonc reads and Perl
     * lonc ignores), so that several FakeLonds on this machine can each be a host of the
     * configuration; hosts without one use {@link #londPort(int)}.
     *
     * @param hostname the host's DNS name as in {@code hosts.tab}
     */
    public LoncapaSandbox londPort(String hostname, int port) {
        hostPorts.put(hostname, port);
        StringBuilder b = new StringBuilder();
        hostPorts.forEach((h, p) -> b.append(b.length() == 0 ? "" : ",").append(h).append('=').append(p));
        return set("loncLondPorts", b.toString());
    }

    /** Sets (or replaces) any {@code PerlSetVar}. */
    public LoncapaSandbox set(String var, String value) {
        vars.put(var, value);
        return this;
    }

    /** The first line of loncapa.conf, after {@code #}. */
    public LoncapaSandbox comment(String text) {
        this.comment = text;
        return this;
    }

    /** Creates the directories loncapa.conf names (and perl/logs, html/lon-status). */
    public LoncapaSandbox createDirectories() throws IOException {
        for (String d : List.of("sockets", "perl/logs", "html/lon-status", "lonTabs", "lonIDs", "lonCerts")) {
            Files.createDirectories(dir.resolve(d));
        }
        return this;
    }

    /** Creates the directories and writes {@code loncapa.conf}; returns its path. */
    public Path writeConfig() throws IOException {
        createDirectories();
        List<String> lines = new ArrayList<>();
        lines.add("# " + comment);
        vars.forEach((k, v) -> lines.add("PerlSetVar " + k + " " + v));
        lines.add("");
        return Files.writeString(config(), String.join("\n", lines), StandardCharsets.UTF_8);
    }

    /** Writes {@code lonTabs/hosts.tab} with these lines ({@code id:domain:role:name[:ip]}). */
    public Path writeHostsTab(List<String> lines) throws IOException {
        Files.createDirectories(hostsTab().getParent());
        return Files.writeString(hostsTab(), String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    }

    /** As {@link #writeHostsTab(List)}. */
    public Path writeHostsTab(String... lines) throws IOException {
        return writeHostsTab(List.of(lines));
    }

    public Path dir() {
        return dir;
    }

    public Path config() {
        return dir.resolve("loncapa.conf");
    }

    public Path sockets() {
        return dir.resolve("sockets");
    }

    public Path hostsTab() {
        return dir.resolve("lonTabs/hosts.tab");
    }
}
