package org.loncapa.lonc.daemon;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.loncapa.lonc.core.config.ConfigException;
import org.loncapa.lonc.daemon.frontend.AccessPolicy;
import org.loncapa.lonc.testkit.FakeLond;
import org.loncapa.lonc.testkit.LoncapaSandbox;
import org.loncapa.lonc.testkit.RecordedRequest;
import org.loncapa.lonc.testkit.Response;

/**
 * A daemon on real UNIX sockets in a temporary directory, in front of {@link FakeLond} hosts on
 * loopback, configured by real loncapa.conf and hosts.tab files. This node is {@code me}
 * (lonID {@code msua3}), a host of the table that is not served by a fake lond unless added.
 *
 * <p>Fake londs answer {@code slow:<x>} with {@code <x>} after 400 ms, {@code put:...} with
 * {@code ok}, {@code currentauth:...} with {@code internal:}, and the FakeLond built-ins otherwise
 * ({@code ping} gives the lonID, {@code echo:<x>} gives {@code <x>}).
 */
final class DaemonRig implements AutoCloseable {
    static final String MY_LON_ID = "msua3";
    static final String MY_HOST = "me.example.edu";

    final Path dir;
    private final LoncapaSandbox sandbox;
    final Path conf;
    final Path hostsTab;
    final Map<String, FakeLond> londs = new LinkedHashMap<>();
    final Map<String, List<String>> lonIds = new LinkedHashMap<>();
    private final List<String> overrides = new ArrayList<>();
    private AccessPolicy access;
    /** londPort written to loncapa.conf. */
    int confPort = 5663;
    LoncDaemon daemon;

    DaemonRig(Path dir) throws IOException {
        this.dir = dir;
        this.sandbox = LoncapaSandbox.in(dir, MY_LON_ID).comment("test loncapa.conf").createDirectories();
        this.conf = sandbox.config();
        this.hostsTab = sandbox.hostsTab();
        overrides.addAll(List.of("retries=2", "connectTimeout=1s", "transactionTimeout=5s",
                "probeInitialDelay=60s", "drainTimeout=3s"));
    }

    /** Adds a remote host served by a fake lond (started now, on a free loopback port). */
    DaemonRig host(String hostname, String... ids) throws IOException {
        FakeLond l = FakeLond.builder().lonIds(ids).clientLonId(MY_LON_ID).allowInsecure(true).build();
        l.dispatcher(DaemonRig::answer);
        l.start();
        londs.put(hostname, l);
        lonIds.put(hostname, List.of(ids));
        return this;
    }

    /** Adds a remote host whose fake lond speaks ssl key mode only. */
    DaemonRig sslHost(String hostname, javax.net.ssl.SSLContext tls, String... ids) throws IOException {
        FakeLond l = FakeLond.builder().lonIds(ids).clientLonId(MY_LON_ID).ssl(tls).build();
        l.dispatcher(DaemonRig::answer);
        l.start();
        londs.put(hostname, l);
        lonIds.put(hostname, List.of(ids));
        return this;
    }

    DaemonRig set(String nameValue) {
        overrides.add(nameValue);
        return this;
    }

    DaemonRig access(AccessPolicy p) {
        this.access = p;
        return this;
    }

    static Response answer(RecordedRequest r) {
        String c = r.command();
        if (c.startsWith("slow:")) {
            return Response.reply(c.substring(5)).delay(Duration.ofMillis(400));
        }
        switch (r.commandName()) {
            case "put":
            case "passwd":
                return Response.reply("ok");
            case "currentauth":
                return Response.reply("internal:");
            default:
                return null;
        }
    }

    /** Writes loncapa.conf and hosts.tab (for the given hosts, all of them if none named). */
    void writeConfig(String... onlyHosts) throws IOException {
        sandbox.londPort(confPort).writeConfig();
        List<String> lines = new ArrayList<>();
        lines.add("# test hosts.tab");
        lines.add(MY_LON_ID + ":msu:access:" + MY_HOST + ":127.0.0.1");
        List<String> names = onlyHosts.length == 0 ? new ArrayList<>(lonIds.keySet()) : List.of(onlyHosts);
        for (String h : names) {
            for (String id : lonIds.get(h)) {
                lines.add(id + ":msu:library:" + h + ":127.0.0.1");
            }
        }
        sandbox.writeHostsTab(lines);
    }

    LoncDaemon.Options options() {
        Map<String, Integer> ports = new LinkedHashMap<>();
        londs.forEach((h, l) -> ports.put(h, l.port()));
        ports.put(MY_HOST, 1); // nothing listens there: this node's lond is not part of the tests
        LoncDaemon.Options o = new LoncDaemon.Options().config(conf).londPorts(ports).overrides(overrides);
        if (access != null) {
            o.access(access);
        }
        return o;
    }

    LoncDaemon start() throws IOException, ConfigException, LoncDaemon.StartupException {
        if (!Files.exists(conf)) {
            writeConfig();
        }
        daemon = LoncDaemon.start(options());
        return daemon;
    }

    Path socket(String name) {
        return dir.resolve("sockets").resolve(name);
    }

    String send(String socket, String line) throws IOException {
        return TestClient.request(socket(socket), line);
    }

    FakeLond lond(String host) {
        return londs.get(host);
    }

    String log() throws IOException {
        return Files.readString(dir.resolve("perl/logs/lonc.log"));
    }

    @Override
    public void close() {
        if (daemon != null) {
            daemon.shutdown("test end");
        }
        for (FakeLond l : londs.values()) {
            l.close();
        }
    }
}
