package org.loncapa.lonc.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.nio.file.attribute.PosixFilePermissions;
import org.loncapa.lonc.core.config.ConfigException;
import org.loncapa.lonc.daemon.frontend.SocketFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starting the daemon: configuration errors, socket files, the command line. */
class StartupTest {
    private static final String A = "a.example.edu";

    @TempDir
    Path dir;

    private DaemonRig rig;

    @AfterEach
    void stop() {
        if (rig != null) {
            rig.close();
        }
    }

    private DaemonRig rig() throws IOException {
        rig = new DaemonRig(dir);
        rig.host(A, "msul1");
        rig.writeConfig();
        return rig;
    }

    private static String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(out), new PrintWriter(err), args);
        return new String[] {String.valueOf(code), out.toString(), err.toString()};
    }

    @Test
    void brokenLoncapaConfNamesFileAndLineAndExitsWith2() throws IOException {
        rig();
        List<String> lines = Files.readAllLines(rig.conf);
        int n = lines.indexOf("PerlSetVar londPort 5663");
        assertTrue(n >= 0, lines.toString());
        lines.set(n, "PerlSetVar londPort http");
        Files.write(rig.conf, lines);
        String at = rig.conf + ":" + (n + 1) + ":";
        ConfigException e = assertThrows(ConfigException.class, () -> LoncDaemon.start(rig.options()));
        assertTrue(e.getMessage().startsWith(at + " "), e.getMessage());
        String[] r = run("run", "--config", rig.conf.toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("configuration error: " + at), r[2]);
        assertFalse(Files.exists(dir.resolve("perl/logs/lonc.log")), "nothing was started");
        assertFalse(Files.exists(rig.socket(A)));
    }

    @Test
    void missingConfigFileIsAClearError() {
        String[] r = run("run", "--config", dir.resolve("nope.conf").toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("configuration error: cannot read " + dir.resolve("nope.conf") + ": No such file"), r[2]);
    }

    @Test
    void brokenHostsTabNamesFileAndLine() throws IOException {
        rig();
        Files.writeString(rig.hostsTab, "# comment\n\nmsua3:msu:access:me.example.edu:127.0.0.1\nmsul1:msu:library\n");
        ConfigException e = assertThrows(ConfigException.class, () -> LoncDaemon.start(rig.options()));
        assertEquals(rig.hostsTab.toString() + ":4", e.getMessage().substring(0, rig.hostsTab.toString().length() + 2));
    }

    @Test
    void repeatedHostsTabLinesDoNotStopTheDaemon() throws Exception {
        rig();
        List<String> lines = new java.util.ArrayList<>(Files.readAllLines(rig.hostsTab));
        String msul1 = lines.stream().filter(l -> l.startsWith("msul1:")).findFirst().orElseThrow();
        int first = lines.indexOf(msul1) + 1;
        lines.add(msul1); // an exact repeat
        lines.add("msua3:msx:access:" + DaemonRig.MY_HOST + ":127.0.0.1"); // this node, redefined
        Files.write(rig.hostsTab, lines);
        rig.start();
        assertEquals("msul1", rig.send(A, "sethost:msul1:ping"));
        String log = rig.log();
        assertTrue(log.contains("WARNING: hosts.tab: " + rig.hostsTab + ":" + (lines.size() - 1)
                + ": lonID msul1 repeats line " + first), log);
        assertTrue(log.contains(": lonID msua3 redefines line 2; line " + lines.size() + " is used"), log);
    }

    @Test
    void hostsOptionOverridesTheTableLocation() throws IOException {
        rig();
        Path other = dir.resolve("other-hosts.tab");
        Files.writeString(other, "msua3:msu:access:me.example.edu\nbad line\n");
        String[] r = run("run", "--config", rig.conf.toString(), "--hosts", other.toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].contains(other + ":2:"), r[2]);
    }

    @Test
    void thisNodeMustBeInTheHostTable() throws IOException {
        rig();
        Files.writeString(rig.hostsTab, "msul1:msu:library:" + A + ":127.0.0.1\n");
        ConfigException e = assertThrows(ConfigException.class, () -> LoncDaemon.start(rig.options()));
        assertTrue(e.getMessage().contains("lonHostID 'msua3'") && e.getMessage().contains(rig.hostsTab.toString()),
                e.getMessage());
    }

    @Test
    void badSettingsNameTheFileAndLine() throws IOException {
        rig();
        Path settings = dir.resolve("lonc.properties");
        Files.writeString(settings, "# lonc settings\nretries = 3\nidleTimeout = soon\n");
        String[] r = run("run", "--config", rig.conf.toString(), "--settings", settings.toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].contains(settings + ":3: idleTimeout: expected a duration"), r[2]);
        r = run("run", "--config", rig.conf.toString(), "--set", "maxConections=3");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--set unknown setting 'maxConections'"), r[2]);
    }

    @Test
    void staleSocketsAndLockFilesFromAnEarlierRunAreReplaced() throws Exception {
        rig();
        Path p = rig.socket(A);
        ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        dead.bind(UnixDomainSocketAddress.of(p));
        dead.close();
        assertTrue(Files.exists(p));
        Files.writeString(SocketFiles.lockFile(p), "Contents not important");
        rig.start();
        assertEquals("msul1", rig.send(A, "sethost:msul1:ping"));
        assertFalse(Files.exists(SocketFiles.lockFile(p)), "lonnet must not wait on Perl's lock file");
        assertTrue(rig.log().contains("Removed 1 stale socket file(s)"));
    }

    @Test
    void aSocketInUseByALiveProcessRefusesTheStartAndNothingIsLeftHalfStarted() throws Exception {
        rig();
        Path p = rig.socket(DaemonRig.MY_HOST);
        try (ServerSocketChannel live = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            live.bind(UnixDomainSocketAddress.of(p));
            LoncDaemon.StartupException e = assertThrows(LoncDaemon.StartupException.class, rig::start);
            assertEquals(LoncDaemon.EXIT_IN_USE, e.exitCode());
            assertTrue(e.getMessage().contains(p + " is in use by a running process"), e.getMessage());
            assertFalse(Files.exists(rig.socket(A)), "no other socket was bound");
            assertFalse(Files.exists(dir.resolve("perl/logs/lonc.pid")), "no pid file");
            assertTrue(Files.exists(p), "the live socket is untouched");
            String log = Files.readString(dir.resolve("perl/logs/lonc.log"));
            assertTrue(log.contains("CRITICAL: lonc could not start"), log);

            String[] r = run("run", "--config", rig.conf.toString());
            assertEquals("3", r[0]);
            assertTrue(r[2].contains("in use by a running process"), r[2]);
        }
    }

    @Test
    void socketModesAreTightAndTheDirectoryIsCreatedWhenMissing() throws Exception {
        rig();
        Files.delete(dir.resolve("sockets"));
        rig.start();
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("sockets"))));
        assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(rig.socket(A))));
    }

    @Test
    void runCommandStartsAndStopsOnTerm() throws Exception {
        rig();
        rig.confPort = rig.lond(A).port(); // the run command has no port overrides: one host, its port
        rig.writeConfig();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        java.util.concurrent.CompletableFuture<Integer> code = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> Main.execute(new PrintWriter(out), new PrintWriter(err), "run", "--config", rig.conf.toString(),
                        "--set", "drainTimeout=1s"));
        // "lonc running" is printed once start() returned, i.e. after the signal handlers are in:
        // only then may this JVM receive SIGTERM
        org.loncapa.lonc.testkit.Await.until("daemon started", () -> out.toString().contains("lonc running"));
        assertEquals("msul1", TestClient.request(rig.socket(A), "sethost:msul1:ping"));
        assertEquals(Long.toString(ProcessHandle.current().pid()),
                Files.readString(dir.resolve("perl/logs/lonc.pid")).strip());
        Path admin = dir.resolve("sockets/.lonc-admin");
        assertTrue(TestClient.request(admin, "{\"cmd\":\"status\"}").contains("\"ok\":true"));
        sun.misc.Signal.raise(new sun.misc.Signal("TERM"));
        assertEquals(0, code.get(20, java.util.concurrent.TimeUnit.SECONDS));
        assertFalse(Files.exists(rig.socket(A)));
    }

    @Test
    void helpAndVersionAndSettings() {
        String[] r = run("--help");
        assertEquals("0", r[0]);
        for (String cmd : new String[] {"run", "demo", "admin", "send", "settings"}) {
            assertTrue(r[1].contains(cmd), r[1]);
        }
        r = run("--version");
        assertTrue(r[1].startsWith("lonc-daemon "), r[1]);
        r = run("settings");
        assertEquals("0", r[0]);
        for (Setting s : Setting.values()) {
            assertTrue(r[1].contains(s.key()), s.key());
        }
        r = run();
        assertEquals("2", r[0]);
        r = run("run");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--config"), r[2]);
    }
}
