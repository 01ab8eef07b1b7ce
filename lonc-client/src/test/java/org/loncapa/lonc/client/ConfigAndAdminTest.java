package org.loncapa.lonc.client;

import org.loncapa.lonc.testkit.FakeDaemonSockets;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.loncapa.lonc.client.internal.Json;
import org.loncapa.lonc.core.HostState;
import org.loncapa.lonc.core.HostStatus;

/** fromConfig(loncapa.conf, hosts.tab), and the admin operations in daemon mode. */
@Timeout(30)
class ConfigAndAdminTest {
    @TempDir
    Path tmp;
    Path conf;
    Path sockets;
    FakeDaemonSockets daemon;
    LoncClient client;

    @BeforeEach
    void setUp() throws IOException {
        sockets = Files.createDirectories(tmp.resolve("sockets"));
        Files.createDirectories(tmp.resolve("lonTabs"));
        Files.createDirectories(tmp.resolve("daemons/logs"));
        Files.writeString(tmp.resolve("lonTabs/hosts.tab"),
                "msul1:msu:library:s1.example.edu\nmsua3:msu:access:a3.example.edu\n");
        conf = Files.writeString(tmp.resolve("loncapa.conf"), String.join("\n",
                "# Apache configuration",
                "PerlSetVar lonHostID msua3",
                "PerlSetVar lonSockDir " + sockets,
                "PerlSetVar lonTabDir " + tmp.resolve("lonTabs"),
                "PerlSetVar lonDaemons " + tmp.resolve("daemons"),
                "PerlSetVar loncAllowInsecure 1",
                ""));
        daemon = new FakeDaemonSockets(sockets).listen("s1.example.edu");
    }

    @AfterEach
    void tearDown() throws IOException {
        if (client != null) {
            client.close(Duration.ofSeconds(1));
        }
        daemon.close();
    }

    @Test
    void fromConfigReadsTheHostTableAndTheSocketDirectory() throws Exception {
        client = LoncClient.fromConfig(conf).daemon().build();
        assertEquals("msua3", client.myLonId());
        assertEquals(2, client.hosts().size());
        assertTrue(client.hostOf("msua3").orElseThrow().thisHost());
        assertEquals("echo:sethost:msul1:ping", client.reply("msul1", "ping").line());
    }

    @Test
    void criticalFromConfigUsesTheLonnetLocations() throws Exception {
        daemon.dispatch(r -> r.line().equals("reset_retries") ? "ok" : "con_lost");
        client = LoncClient.fromConfig(conf).daemon().build();
        assertEquals(Reply.Kind.CON_DELAYED, client.critical("msul1", "put:x").kind());
        try (var files = Files.list(sockets.resolve("delayed"))) {
            assertEquals(1, files.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith(".")).count());
        }
        assertTrue(Files.readString(tmp.resolve("daemons/logs/lonnet.perm.log")).contains(":D:msul1:put:x:"));
    }

    @Test
    void anotherHostsTabOverridesLonTabDir() throws Exception {
        Path other = Files.writeString(tmp.resolve("other.tab"), "zz1:z:library:z.example.edu\n");
        client = LoncClient.fromConfig(conf, other).build();
        assertEquals(List.of("zz1"), client.hosts().get(0).lonIds());
        assertEquals(Reply.Kind.NO_SUCH_HOST, client.reply("msul1", "ping").kind());
    }

    @Test
    void brokenConfigNamesTheFile() throws Exception {
        Files.writeString(tmp.resolve("lonTabs/hosts.tab"), "msul1:msu\n");
        LoncConfigException e = assertThrows(LoncConfigException.class, () -> LoncClient.fromConfig(conf));
        assertTrue(e.getMessage().contains("hosts.tab"), e.getMessage());
    }

    @Test
    void statusAndDeferredThroughTheAdminSocket() throws Exception {
        HostStatus s1 = new HostStatus("s1.example.edu", List.of("msul1"), HostState.UP, "ssl",
                "version:$Revision: 1.489 $", 0, 2, 0, 0, 5, -1, 7, 7, 0, 0, 0, 0, 100, 200, 300,
                new long[] {1, 2});
        // as the daemon writes a host: its own members, then the HostStatus fields
        Map<String, Object> host = new LinkedHashMap<>();
        host.put("status", "s1.example.edu\tUP");
        host.put("sockets", List.of("s1.example.edu"));
        host.put("connections", 2);
        host.putAll(Json.recordToMap(s1));
        String pending = "1700000000.1.42.putx.msul1";
        String held = "1700000001.2.42.puty.msul1";
        List<String> requests = new CopyOnWriteArrayList<>();
        daemon.admin(".lonc-admin", line -> {
            requests.add(line);
            Map<String, Object> req = Json.parseObject(line);
            switch ((String) req.get("cmd")) {
                case "status":
                    return Json.write(Map.of("ok", true, "pid", 42, "hosts", List.of(host)));
                case "deferred-list":
                    return Json.write(Map.of("ok", true, "items", List.of(
                            item(pending, false, "put:x"), item(held, true, "put:y"))));
                case "deferred-flush":
                case "deferred-hold":
                case "deferred-release":
                    return "{\"ok\":true}";
                default:
                    return "{\"ok\":false,\"error\":\"unknown cmd\"}";
            }
        });
        client = LoncClient.fromConfig(conf).daemon().build();
        List<HostView> all = client.status();
        assertEquals(1, all.size());
        assertEquals(new HostView("s1.example.edu", List.of("msul1"), HostView.State.UP, "ssl",
                "version:$Revision: 1.489 $", new HostView.Connections(0, 2, 0, 0), 5, -1,
                new HostView.Counters(7, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0),
                new HostView.Latency(List.of(1L, 2L), 0)), all.get(0));
        assertEquals(3, all.get(0).latency().p50UpperBoundMicros(), "the bound of bucket 1, [2, 4) µs");
        assertEquals("s1.example.edu", client.status("msul1").orElseThrow().name());

        List<DeferredItem> items = client.deferred().list("msul1");
        assertEquals("{\"cmd\":\"deferred-list\",\"host\":\"s1.example.edu\"}", last(requests));
        assertEquals(List.of(new DeferredItem(pending, "msul1", Instant.ofEpochSecond(1_700_000_000L),
                6, false, "put:x"), new DeferredItem(held, "msul1",
                Instant.ofEpochSecond(1_700_000_001L), 6, true, "put:y")), items);

        assertEquals(new FlushResult(0, 1, true), client.deferred().flush("msul1"));
        // the daemon answers once the line is empty or stopped; then what is left is listed
        assertEquals("{\"cmd\":\"deferred-flush\",\"host\":\"s1.example.edu\"}",
                requests.get(requests.size() - 2));
        assertEquals("{\"cmd\":\"deferred-list\",\"host\":\"s1.example.edu\"}", last(requests));
        assertEquals(1, client.deferred().hold("msul1").size());
        assertEquals("{\"cmd\":\"deferred-hold\",\"file\":\"" + pending + "\"}", last(requests));
        assertEquals(1, client.deferred().release(held).size());
        assertEquals("{\"cmd\":\"deferred-release\",\"file\":\"" + held + "\"}", last(requests));
        assertThrows(java.nio.file.NoSuchFileException.class,
                () -> client.deferred().release("1.2.3.nope.msul1"));
        assertThrows(IOException.class, () -> client.deferred().flush("nosuch"));
    }

    static Map<String, Object> item(String file, boolean held, String cmd) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", file);
        m.put("lonId", "msul1");
        m.put("host", "s1.example.edu");
        m.put("savedAt", Instant.ofEpochSecond(Long.parseLong(file.substring(0, 10))).toString());
        m.put("ageSeconds", 100);
        m.put("description", file + " age PT100S size 6: " + cmd);
        m.put("held", held);
        return m;
    }

    static String last(List<String> l) {
        return l.get(l.size() - 1);
    }

    @Test
    void adminErrorsAreIOExceptionsWithTheDaemonsReason() throws Exception {
        daemon.admin(".lonc-admin", line -> "{\"ok\":false,\"error\":\"unknown host x\"}");
        client = LoncClient.fromConfig(conf).daemon().build();
        IOException e = assertThrows(IOException.class, client::status);
        assertTrue(e.getMessage().contains("unknown host x"), e.getMessage());
    }

    @Test
    void noAdminSocketIsAClearIOException() throws Exception {
        client = LoncClient.fromConfig(conf).daemon().build();
        IOException e = assertThrows(IOException.class, client::status);
        assertTrue(e.getMessage().contains(".lonc-admin"), e.getMessage());
    }
}
