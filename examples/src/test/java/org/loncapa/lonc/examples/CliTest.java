package org.loncapa.lonc.examples;

import org.loncapa.lonc.testkit.FakeDaemonSockets;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.loncapa.lonc.client.internal.Json;
import org.loncapa.lonc.core.HostState;
import org.loncapa.lonc.core.HostStatus;
import org.loncapa.lonc.testkit.FakeLond;
import org.loncapa.lonc.testkit.RecordedRequest;
import org.loncapa.lonc.testkit.Response;

/** The lonc commands end to end, in-process with captured streams: exit codes and output. */
@Timeout(60)
class CliTest {
    @TempDir
    Path tmp;
    FakeLond lond;
    Path conf;

    record Run(int code, String out, String err) {}

    static Run lonc(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = LoncCli.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    @BeforeEach
    void setUp() throws IOException {
        lond = FakeLond.builder().lonIds("msul1").clientLonId("msua3").allowInsecure(true)
                .dispatcher(r -> r.commandName().equals("put") ? Response.reply("ok") : null)
                .build().start();
        Files.createDirectories(tmp.resolve("tabs"));
        Files.createDirectories(tmp.resolve("sockets"));
        Files.createDirectories(tmp.resolve("daemons/logs"));
        Files.writeString(tmp.resolve("tabs/hosts.tab"),
                "msul1:msu:library:lond.test:127.0.0.1\nmsua3:msu:access:me.test:127.0.0.1\n");
        conf = Files.writeString(tmp.resolve("loncapa.conf"), String.join("\n",
                "PerlSetVar lonHostID msua3",
                "PerlSetVar lonTabDir " + tmp.resolve("tabs"),
                "PerlSetVar lonSockDir " + tmp.resolve("sockets"),
                "PerlSetVar lonDaemons " + tmp.resolve("daemons"),
                "PerlSetVar lonCertificateDirectory " + tmp.resolve("nocerts"),
                "PerlSetVar londPort " + lond.port(),
                "PerlSetVar loncAllowInsecure 1",
                ""));
    }

    @AfterEach
    void tearDown() {
        lond.close();
    }

    String c() {
        return conf.toString();
    }

    // ---------------------------------------------------------------- help and usage

    @Test
    void helpForEveryCommand() {
        Run top = lonc("--help");
        assertEquals(0, top.code());
        assertTrue(top.out().contains("Usage: lonc"), top.out());
        assertTrue(top.out().contains("Exit codes:"), top.out());
        for (String[] cmd : new String[][] {{"ping"}, {"send"}, {"critical"}, {"status"},
                {"deferred"}, {"deferred", "list"}, {"deferred", "flush"}, {"deferred", "hold"},
                {"deferred", "release"}, {"probe"}}) {
            String[] args = Stream.concat(Stream.of(cmd), Stream.of("--help")).toArray(String[]::new);
            Run r = lonc(args);
            assertEquals(0, r.code(), String.join(" ", args));
            assertTrue(r.out().contains("Usage: lonc " + String.join(" ", cmd)), r.out());
        }
    }

    @Test
    void usageErrorsExitTwo() {
        assertEquals(2, lonc().code());
        assertEquals(2, lonc("frobnicate").code());
        Run noConfig = lonc("ping", "msul1");
        assertEquals(2, noConfig.code());
        assertTrue(noConfig.err().contains("--config"), noConfig.err());
        assertEquals(2, lonc("--config", c(), "send", "msul1").code());
        assertEquals(2, lonc("--config", c(), "--timeout", "soon", "ping", "msul1").code());
        assertEquals(2, lonc("--config", c(), "deferred").code());
    }

    @Test
    void brokenConfigExitsTwoNamingTheFile() throws IOException {
        Files.writeString(conf, "PerlSetVar londPort 5663\n");
        Run r = lonc("--config", c(), "ping", "msul1");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("lonHostID") && r.err().contains("loncapa.conf"), r.err());
        assertEquals("", r.out());
    }

    // ---------------------------------------------------------------- requests, embedded

    @Test
    void pingPrintsTheReplyAlone() {
        Run r = lonc("--config", c(), "ping", "msul1");
        assertEquals(new Run(0, "msul1\n", ""), r);
    }

    record ByteRun(int code, byte[] out, String err) {}

    static ByteRun loncBytes(byte[] stdin, String... args) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        int code = LoncCli.run(args, new java.io.ByteArrayInputStream(stdin), out, new PrintWriter(err));
        return new ByteRun(code, out.toByteArray(), err.toString());
    }

    static byte[] latin1(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    @Test
    void sendWritesTheReplysBytesExactlyAsLondSentThem() {
        // lond answers in Latin-1 (old LON-CAPA data): 0xE9 is not UTF-8 and must not become '?'
        lond.dispatcher(r -> r.commandName().equals("name") ? Response.reply("Ren\uDCE9e") : null);
        ByteRun r = loncBytes(new byte[0], "--config", c(), "send", "msul1", "name:jdoe");
        assertEquals(0, r.code(), r.err());
        assertArrayEquals(latin1("Ren\u00e9e\n"), r.out());
    }

    @Test
    void sendStdinCarriesARequestsBytesUnchanged() throws Exception {
        lond.dispatcher(r -> r.commandName().equals("latin") ? Response.reply("got " + r.command()) : null);
        ByteRun r = loncBytes(latin1("latin:\u00e9t\u00e9\n"), "--config", c(), "send", "--stdin", "msul1");
        assertEquals(0, r.code(), r.err());
        assertArrayEquals(latin1("got latin:\u00e9t\u00e9\n"), r.out());
        RecordedRequest seen = lond.takeRequest(Duration.ofSeconds(5));
        assertEquals("latin:\uDCE9t\uDCE9", seen.command());
        // encrypted too: the bytes travel inside enc: and come back out
        ByteRun enc = loncBytes(latin1("encrypt:latin:\u00ff"), "--config", c(), "send", "--stdin", "msul1");
        assertArrayEquals(latin1("got latin:\u00ff\n"), enc.out(), enc.err());
    }

    @Test
    void sendStdinRefusesTwoLinesEmptyInputAndAnArgumentBesideIt() {
        ByteRun two = loncBytes(latin1("echo:a\necho:b\n"), "--config", c(), "send", "--stdin", "msul1");
        assertEquals(2, two.code());
        assertTrue(two.err().contains("one line"), two.err());
        assertEquals(2, loncBytes(new byte[0], "--config", c(), "send", "--stdin", "msul1").code());
        ByteRun both = loncBytes(latin1("echo:a"), "--config", c(), "send", "--stdin", "msul1", "echo:b");
        assertEquals(2, both.code());
        assertTrue(both.err().contains("not both"), both.err());
        assertEquals(0, lond.requestCount());
    }

    @Test
    void sendAndEncryptedSend() throws Exception {
        assertEquals(new Run(0, "hello\n", ""), lonc("--config", c(), "send", "msul1", "echo:hello"));
        assertEquals(0, lonc("--config", c(), "send", "msul1", "encrypt:echo:pw").code());
        lond.takeRequest(Duration.ofSeconds(5));
        RecordedRequest enc = lond.takeRequest(Duration.ofSeconds(5));
        assertTrue(enc.encrypted());
        assertEquals("echo:pw", enc.command());
    }

    @Test
    void errorTokensExitOneAndAreStillPrinted() {
        assertEquals(new Run(1, "no_such_host\n", ""), lonc("--config", c(), "send", "nosuch", "ping"));
        Run unknown = lonc("--config", c(), "send", "msul1", "frobnicate");
        assertEquals(1, unknown.code());
        assertEquals("unknown_cmd\n", unknown.out());
        lond.enqueue(Response.reply("refused"));
        Run refused = lonc("--config", c(), "send", "msul1", "passwd:x");
        assertEquals(1, refused.code());
        assertEquals("refused\n", refused.out());
    }

    @Test
    void hostDownIsConLost() {
        lond.shutdown();
        Run r = lonc("--config", c(), "--timeout", "5s", "ping", "msul1");
        assertEquals(1, r.code());
        assertEquals("con_lost\n", r.out());
    }

    @Test
    void aReplyThatNeverComesIsConLostAfterTheTimeout() {
        lond.enqueue(Response.stall());
        Run r = lonc("--config", c(), "--timeout", "300ms", "send", "msul1", "slow");
        assertEquals(new Run(1, "con_lost\n", r.err()), r);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ping\nping", "a\u0000b"})
    void requestsThatAreNotOneLineExitTwo(String cmd) {
        Run r = lonc("--config", c(), "send", "msul1", cmd);
        assertEquals(2, r.code());
        assertEquals("", r.out());
        assertEquals(0, lond.connectionCount());
    }

    // ---------------------------------------------------------------- critical and deferred

    @Test
    void criticalWhileDownIsDelayedAndCanBeListedHeldAndReleased() throws Exception {
        lond.shutdown();
        Run r = lonc("--config", c(), "critical", "msul1", "encrypt:passwd:msu:jdoe:old:new");
        assertEquals(new Run(3, "con_delayed\n", r.err()), r);
        List<Path> files = delayed();
        assertEquals(1, files.size());
        assertEquals("encrypt:passwd:msu:jdoe:old:new\n", Files.readString(files.get(0)));

        Run list = lonc("--config", c(), "deferred", "list");
        assertEquals(0, list.code());
        assertTrue(list.out().contains("msul1") && list.out().contains("encrypt:passwd"), list.out());
        assertFalse(list.out().contains("jdoe"), "secret shown: " + list.out());

        Run json = lonc("--config", c(), "deferred", "list", "msul1", "--json");
        assertEquals(0, json.code());
        List<?> items = (List<?>) Json.parse(json.out().trim());
        assertEquals(1, items.size());
        assertEquals(false, ((Map<?, ?>) items.get(0)).get("held"));

        Run hold = lonc("--config", c(), "deferred", "hold", "msul1");
        assertEquals(0, hold.code());
        assertEquals(1, hold.out().lines().count());
        String id = hold.out().trim();
        assertTrue(lonc("--config", c(), "deferred", "list").out().contains("yes"));
        assertEquals(1, lonc("--config", c(), "deferred", "hold", "msul1").code(), "nothing left to hold");
        assertEquals(new Run(0, id + "\n", ""), lonc("--config", c(), "deferred", "release", id));
        assertEquals(1, lonc("--config", c(), "deferred", "release", id).code());
    }

    @Test
    void flushReplaysAFileLonnetWrote() throws Exception {
        Path delayed = Files.createDirectories(tmp.resolve("sockets/delayed"));
        // as lonnet's critical() names it: <time>.<counter>.<pid>.<middlename>.<lonid>
        Path file = Files.writeString(delayed.resolve("1700000000.1.4242.putmsujdoex1.msul1"),
                "put:msu:jdoe:x=1\n");
        Run r = lonc("--config", c(), "deferred", "flush", "msul1");
        assertEquals(new Run(0, "delivered=1 pending=0\n", r.err()), r);
        assertTrue(Files.notExists(file));
        RecordedRequest req = lond.takeRequest(Duration.ofSeconds(5));
        assertEquals("put:msu:jdoe:x=1", req.command());
        assertTrue(Files.readString(tmp.resolve("daemons/logs/lonnet.perm.log"))
                .contains(":S:msul1 :sethost:msul1:put:msu:jdoe:x=1:"));
    }

    @Test
    void criticalAnsweredIsExitZero() {
        assertEquals(new Run(0, "ok\n", ""), lonc("--config", c(), "critical", "msul1", "put:x"));
    }

    // ---------------------------------------------------------------- status

    @Test
    void statusTableAndJson() {
        assertEquals(0, lonc("--config", c(), "ping", "msul1").code());
        Run table = lonc("--config", c(), "status");
        assertEquals(0, table.code());
        assertTrue(table.out().startsWith("HOST"), table.out());
        assertTrue(table.out().contains("lond.test") && table.out().contains("me.test"), table.out());

        Run json = lonc("--config", c(), "status", "--json");
        assertEquals(0, json.code());
        assertEquals(2, ((List<?>) Json.parse(json.out().trim())).size());
        Run one = lonc("--config", c(), "status", "msul1", "--json");
        assertEquals(0, one.code());
        assertEquals("lond.test", Json.parseObject(one.out().trim()).get("name"));
        Run none = lonc("--config", c(), "status", "nosuch");
        assertEquals(1, none.code());
        assertTrue(none.err().contains("nosuch"));
    }

    // ---------------------------------------------------------------- --daemon

    @Test
    void daemonModeSendsLonnetLinesAndAsksTheAdminSocket() throws Exception {
        try (FakeDaemonSockets daemon = new FakeDaemonSockets(tmp.resolve("sockets"))) {
            daemon.listen("lond.test").dispatch(req -> "from-daemon:" + req.line());
            HostStatus s = new HostStatus("lond.test", List.of("msul1"), HostState.DEAD, null, null,
                    0, 0, 0, 0, 0, 1200, 9, 0, 5, 0, 9, 0, -1, -1, -1, new long[0]);
            daemon.admin(".lonc-admin", line -> switch ((String) Json.parseObject(line).get("cmd")) {
                case "status" -> Json.write(Map.of("ok", true, "hosts", List.of(s)));
                case "deferred-list" -> Json.write(Map.of("ok", true, "items", List.of(Map.of(
                        "file", "1700000000.1.42.putx.msul1", "lonId", "msul1", "host", "lond.test",
                        "savedAt", "2023-11-14T22:13:20Z", "ageSeconds", 5,
                        "description", "1700000000.1.42.putx.msul1 age PT5S size 6: put:x",
                        "held", false))));
                case "deferred-flush" -> "{\"ok\":true}";
                default -> "{\"ok\":false,\"error\":\"unknown cmd\"}";
            });
            Run r = lonc("--config", c(), "--daemon", "send", "msul1", "echo:x");
            assertEquals(new Run(0, "from-daemon:sethost:msul1:echo:x\n", ""), r);
            Run st = lonc("--config", c(), "--daemon", "status");
            assertEquals(0, st.code());
            assertTrue(st.out().contains("DEAD"), st.out());
            Run list = lonc("--config", c(), "--daemon", "deferred", "list", "msul1");
            assertEquals(0, list.code(), list.err());
            assertTrue(list.out().contains("1700000000.1.42.putx.msul1") && list.out().contains("put:x"),
                    list.out());
            Run flush = lonc("--config", c(), "--daemon", "deferred", "flush", "msul1");
            assertEquals(new Run(3, "delivered=0 pending=1\n", flush.err()), flush,
                    "non-zero while a request remains pending");
            assertTrue(flush.err().contains("still pending"), flush.err());
            assertEquals(0, lond.connectionCount(), "the daemon mode never talks to lond itself");
        }
    }

    @Test
    void daemonModeWithoutADaemon() {
        Run r = lonc("--config", c(), "--daemon", "ping", "msul1");
        assertEquals(new Run(1, "con_lost\n", r.err()), r);
        Run st = lonc("--config", c(), "--daemon", "status");
        assertEquals(4, st.code());
        assertTrue(st.err().contains("admin socket"), st.err());
    }

    List<Path> delayed() throws IOException {
        try (Stream<Path> s = Files.list(tmp.resolve("sockets/delayed"))) {
            return s.filter(Files::isRegularFile).toList();
        }
    }
}
