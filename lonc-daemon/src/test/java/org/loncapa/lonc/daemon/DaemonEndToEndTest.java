package org.loncapa.lonc.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.loncapa.lonc.core.HostState;
import org.loncapa.lonc.core.ReplyTokens;
import org.loncapa.lonc.core.deferred.DelayedFileName;
import org.loncapa.lonc.daemon.frontend.AccessPolicy;
import org.loncapa.lonc.testkit.Await;
import org.loncapa.lonc.testkit.FakeLond;
import org.loncapa.lonc.testkit.RecordedRequest;
import org.loncapa.lonc.testkit.TestPki;
import org.loncapa.lonc.core.internal.protocol.KeyMode;
import org.loncapa.lonc.core.tls.TlsContexts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real daemon on real UNIX sockets in a temporary directory, in front of fake lond hosts, with a
 * client that behaves like lonnet.
 */
class DaemonEndToEndTest {
    private static final String A = "a.example.edu";
    private static final String B = "b.example.edu";
    private static final String C = "c.example.edu";

    @TempDir
    Path dir;

    private DaemonRig rig;

    private DaemonRig rig() throws IOException {
        rig = new DaemonRig(dir);
        return rig;
    }

    @AfterEach
    void stop() {
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void lonnetStyleRequestsAreRoutedByLonIdThroughTheHostnameSocket() throws Exception {
        rig().host(A, "msul1", "msul2").host(B, "msub1").start();
        assertEquals("msul1", rig.send(A, "sethost:msul1:ping"));
        assertEquals("msul2", rig.send(A, "sethost:msul2:ping"), "two lonIDs share one socket");
        assertEquals("msub1", rig.send(B, "sethost:msub1:ping"));
        assertEquals("msul1", rig.send(A, "ping"), "without sethost: the host's first lonID");
        assertEquals("hello", rig.send(B, "sethost:msub1:echo:hello"));
        assertEquals(ReplyTokens.NO_SUCH_HOST, rig.send(A, "sethost:nosuch:ping"));
        assertTrue(Files.exists(rig.socket(DaemonRig.MY_HOST)), "this node has a socket too");
    }

    @Test
    void sethostWithAnEmptyLonIdIsAnsweredNoSuchHostAndNeverReachesLond() throws Exception {
        rig().host(A, "msul1", "msul2").start();
        assertEquals(ReplyTokens.NO_SUCH_HOST, rig.send(A, "sethost::ping"));
        assertEquals(ReplyTokens.NO_SUCH_HOST, rig.send(A, "sethost:"));
        assertEquals(ReplyTokens.NO_SUCH_HOST, rig.send(A, "sethost::encrypt:currentauth:msu:jdoe"));
        assertEquals("msul2", rig.send(A, "sethost:msul2:ping"));
        assertEquals(1, rig.lond(A).requestCount(), "only the good request reached lond");
    }

    @Test
    void severalRequestsOnOneConnectionAreAnsweredInOrder() throws Exception {
        rig().host(A, "msul1").set("maxHandshakesPerHost=2").start();
        List<String> replies = TestClient.pipeline(rig.socket(A), List.of("sethost:msul1:slow:first",
                "sethost:msul1:echo:second", "sethost:msul1:ping", "sethost:msul1:slow:fourth"));
        assertEquals(List.of("first", "second", "msul1", "fourth"), replies);
    }

    @Test
    void encryptedRequestsArriveDecryptedAtLond() throws Exception {
        rig().host(A, "msul1").start();
        assertEquals("internal:", rig.send(A, "sethost:msul1:encrypt:currentauth:msu:jdoe"));
        RecordedRequest r = rig.lond(A).takeRequest(Duration.ofSeconds(5));
        assertNotNull(r);
        assertTrue(r.encrypted());
        assertEquals("currentauth:msu:jdoe", r.command());
        assertTrue(r.rawLine().startsWith("enc:") || r.rawLine().startsWith("sethost:msul1:enc:"), r.rawLine());
        assertFalse(r.rawLine().contains("jdoe"), "never in clear text on the wire");
    }

    @Test
    void bytesThatAreNotUtf8PassBothWaysUnchangedAsInPerlLonc() throws Exception {
        rig().host(A, "msul1").start();
        // "echo:caf\xe9 J\xfcrgen" in Latin-1, plain and through enc:
        for (String prefix : List.of("sethost:msul1:echo:", "sethost:msul1:encrypt:echo:")) {
            byte[] latin1 = "café Jürgen".getBytes(StandardCharsets.ISO_8859_1);
            try (TestClient c = TestClient.connect(rig.socket(A))) {
                byte[] line = new byte[prefix.length() + latin1.length + 1];
                System.arraycopy(prefix.getBytes(StandardCharsets.US_ASCII), 0, line, 0, prefix.length());
                System.arraycopy(latin1, 0, line, prefix.length(), latin1.length);
                line[line.length - 1] = '\n';
                c.write(line);
                String reply = c.readLine();
                assertArrayEquals(latin1, org.loncapa.lonc.core.protocol.WireText.encode(reply), prefix + reply);
            }
            RecordedRequest r = rig.lond(A).takeRequest(Duration.ofSeconds(5));
            assertNotNull(r);
            assertArrayEquals(("echo:" + new String(latin1, StandardCharsets.ISO_8859_1))
                    .getBytes(StandardCharsets.ISO_8859_1), org.loncapa.lonc.core.protocol.WireText.encode(r.command()),
                    "lond got the very bytes");
            assertEquals(prefix.contains("encrypt"), r.encrypted());
        }
        org.loncapa.lonc.core.HostStatus st = rig.daemon.engine().status().stream()
                .filter(h -> h.name().equals(A)).findFirst().orElseThrow();
        assertEquals(0, st.failures() + st.conLost(), "no failure counted, nothing con_lost");
    }

    @Test
    void deadHostAnswersConLostAtOnceAndResetRetriesRevivesIt() throws Exception {
        rig().host(A, "msul1").start();
        FakeLond lond = rig.lond(A);
        lond.shutdown();
        assertEquals(ReplyTokens.CON_LOST, rig.send(A, "sethost:msul1:ping"));
        assertEquals(ReplyTokens.CON_LOST, rig.send(A, "sethost:msul1:ping"));
        assertEquals(HostState.DEAD, rig.daemon.engine().status(A).orElseThrow().state());
        int connects = lond.connectionCount();
        long t = System.nanoTime();
        assertEquals(ReplyTokens.CON_LOST, rig.send(A, "sethost:msul1:ping"));
        assertTrue(System.nanoTime() - t < TimeUnit.SECONDS.toNanos(1), "answered at once");
        assertEquals(connects, lond.connectionCount(), "no connection attempted for a DEAD host");
        assertTrue(rig.log().contains("Host marked DEAD " + A));

        lond.restart();
        assertEquals(ReplyTokens.OK, rig.send(A, "reset_retries"));
        assertEquals("msul1", rig.send(A, "sethost:msul1:ping"));
        assertEquals(HostState.UP, rig.daemon.engine().status(A).orElseThrow().state());
    }

    @Test
    void closeConnectionExitClosesLondConnectionsWithoutReplyAndTheDaemonStaysUp() throws Exception {
        rig().host(A, "msul1").start();
        assertEquals("msul1", rig.send(A, "sethost:msul1:ping"));
        assertTrue(rig.lond(A).awaitOpenConnections(1, Duration.ofSeconds(5)));
        try (TestClient c = TestClient.connect(rig.socket(A))) {
            c.writeLine("close_connection_exit");
            assertNull(c.readLine(), "no reply, connection closed");
        }
        assertTrue(rig.lond(A).awaitOpenConnections(0, Duration.ofSeconds(5)));
        assertEquals("msul1", rig.send(A, "sethost:msul1:ping"), "still serving");
        assertTrue(rig.log().contains("Request Close Connection"));
    }

    @Test
    void overLongAndBinaryRequestsAreRefusedWhileOthersAreServed() throws Exception {
        rig().host(A, "msul1").set("maxRequestBytes=4KiB").start();
        try (TestClient big = TestClient.connect(rig.socket(A))) {
            big.write(("sethost:msul1:put:msu:jdoe:" + "x".repeat(10_000) + "\n").getBytes(StandardCharsets.UTF_8));
            assertEquals(ReplyTokens.REJECTED_TOO_LONG, big.readLine());
            assertEquals("msul1", rig.send(A, "sethost:msul1:ping"), "others are served meanwhile");
            assertNull(big.readLine(), "and the long one's connection is closed");
        }
        try (TestClient bin = TestClient.connect(rig.socket(A))) {
            bin.write(new byte[] {'p', 'i', 0x01, 0x02, '\n'});
            assertEquals(ReplyTokens.REJECTED_MALFORMED, bin.readLine());
        }
        assertEquals("msul1", rig.send(A, "sethost:msul1:ping"));
        String log = rig.log();
        assertTrue(log.contains("Rejected a request on socket " + A), log);
        assertEquals(2, rig.lond(A).requestCount(), "only the two pings reached lond");
    }

    @Test
    void clientOfADisallowedUserIsRefusedAndLogged() throws Exception {
        rig().host(A, "msul1").access(new AccessPolicy(Set.of("lonc-test-nobody"), Set.of())).start();
        assertNull(TestClient.requestOrNull(rig.socket(A), "sethost:msul1:ping"));
        assertEquals(0, rig.lond(A).requestCount());
        String me = System.getProperty("user.name");
        Await.until("refusal logged", () -> logContains("WARNING: Refused a client of socket " + A
                + ": user '" + me + "'"));
        rig.daemon.frontEnd().setAccessPolicy(AccessPolicy.ownUserAndRoot());
        assertEquals("msul1", rig.send(A, "sethost:msul1:ping"));
    }

    @Test
    void clientRunningAsAnotherUidIsRefusedWhileOursIsServed() throws Exception {
        Path python = Path.of("/usr/bin/python3");
        Path setpriv = Path.of("/usr/bin/setpriv");
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name"))
                && Files.isExecutable(python) && Files.isExecutable(setpriv),
                "needs root, setpriv and python3 to run a client as 'nobody'");
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        rig().host(A, "msul1").set("socketMode=0666").start();
        Process p = new ProcessBuilder(setpriv.toString(), "--reuid=65534", "--regid=65534", "--clear-groups",
                python.toString(), "-c",
                "import socket,sys\n"
                        + "s=socket.socket(socket.AF_UNIX)\n"
                        + "s.connect(sys.argv[1])\n"
                        + "try:\n"
                        + "  s.sendall(b'sethost:msul1:ping\\n'); d=s.recv(100)\n"
                        + "except OSError as e:\n"
                        + "  d=b''\n"
                        + "print('REPLY:'+d.decode())\n",
                rig.socket(A).toString()).redirectErrorStream(true).start();
        assertEquals("msul1", rig.send(A, "sethost:msul1:ping"), "our own user is served meanwhile");
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals("REPLY:", out, "the other uid got no reply");
        Await.until("refusal logged", () -> logContains("user 'nobody'"));
        assertEquals(1, rig.lond(A).requestCount());
    }

    @Test
    void reloadAddsAndRemovesHostsWithoutLosingInFlightWork() throws Exception {
        rig().host(A, "msul1").host(B, "msub1").host(C, "msuc1");
        rig.writeConfig(A, B);
        rig.start();
        assertFalse(Files.exists(rig.socket(C)));
        CompletableFuture<String> inFlight = CompletableFuture.supplyAsync(() -> {
            try {
                return rig.send(B, "sethost:msub1:slow:finished anyway");
            } catch (IOException e) {
                return "IOException " + e;
            }
        });
        Await.until("the slow request reached lond", () -> rig.lond(B).requestCount() == 1);

        rig.writeConfig(A, C);
        LoncDaemon.ReloadResult r = rig.daemon.reload("test (what SIGHUP does)");
        assertTrue(r.ok(), String.valueOf(r));
        assertEquals(List.of(C), r.hostsAdded());
        assertEquals(List.of(B), r.hostsRemoved());

        assertEquals("finished anyway", inFlight.get(10, TimeUnit.SECONDS), "in-flight work is not lost");
        assertEquals("msuc1", rig.send(C, "sethost:msuc1:ping"), "the new host has its socket");
        assertFalse(Files.exists(rig.socket(B)), "the removed host's socket is gone");
        assertThrows(IOException.class, () -> TestClient.connect(rig.socket(B)));
        assertEquals("msul1", rig.send(A, "sethost:msul1:ping"), "the unchanged host is untouched");
        assertTrue(rig.lond(B).awaitOpenConnections(0, Duration.ofSeconds(10)), "B's connections closed");
    }

    @Test
    void reloadWithABrokenFileKeepsTheRunningConfiguration() throws Exception {
        rig().host(A, "msul1").start();
        Files.writeString(rig.hostsTab, "msul1:msu:library\n");
        LoncDaemon.ReloadResult r = rig.daemon.reload("test");
        assertFalse(r.ok());
        assertTrue(r.error().contains("hosts.tab:1"), r.error());
        assertEquals("msul1", rig.send(A, "sethost:msul1:ping"));
        assertTrue(rig.log().contains("Reload failed, the running configuration stays"));
    }

    @Test
    void usr1WritesTheStatusFilesAndResetsRetries() throws Exception {
        rig().host(A, "msul1").host(B, "msub1").start();
        assertEquals("msul1", rig.send(A, "sethost:msul1:ping"));
        rig.lond(B).shutdown();
        rig.send(B, "sethost:msub1:ping");
        rig.send(B, "sethost:msub1:ping");
        assertEquals(HostState.DEAD, rig.daemon.engine().status(B).orElseThrow().state());

        rig.daemon.writeStatus();
        String text = Files.readString(rig.daemon.statusFile());
        long pid = ProcessHandle.current().pid();
        assertTrue(text.startsWith("LONC status "), text);
        assertTrue(Pattern.compile("^LONC status \\w{3} \\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\d{4} - parent "
                + pid + " \n\n").matcher(text).find(), text);
        assertTrue(Pattern.compile("(?m)^" + pid + "\t" + Pattern.quote(A) + "\t.*: " + Pattern.quote(A)
                + " Connection count: 1 Retries remaining: 2 \\(insecure\\)\t.*$").matcher(text).find(), text);
        assertTrue(Pattern.compile("(?m)^" + pid + "\t" + Pattern.quote(B) + "\t[^\t]*: " + Pattern.quote(B)
                + " >> DEAD <<\t").matcher(text).find(), text);
        assertTrue(text.contains("LONC Parent process listening for " + DaemonRig.MY_HOST + "\n"), text);

        JsonNode json = new ObjectMapper().readTree(rig.daemon.statusJsonFile().toFile());
        assertEquals(pid, json.path("pid").asLong());
        assertEquals(3, json.path("hosts").size());
        JsonNode b = null;
        for (JsonNode h : json.path("hosts")) {
            if (h.path("name").asText().equals(B)) {
                b = h;
            }
        }
        assertNotNull(b);
        assertEquals("DEAD", b.path("state").asText());
        assertEquals(List.of(B), List.of(b.path("sockets").get(0).asText()));
        assertTrue(json.path("frontEnd").path("requests").asLong() >= 3);

        rig.daemon.reportStatus("test (what SIGUSR1 does)");
        String after = Files.readString(rig.daemon.statusFile());
        assertTrue(Pattern.compile("(?m)^" + pid + "\t" + Pattern.quote(B) + "\t[^\t]*: " + Pattern.quote(B)
                + " Connection count: 0 Retries remaining: 2 \\(\\)\t").matcher(after).find(),
                "retries were reset: " + after);
        assertEquals(HostState.UNKNOWN, rig.daemon.engine().status(B).orElseThrow().state());
    }

    @Test
    void termDrainsInFlightRequestsThenExits() throws Exception {
        rig().host(A, "msul1").start();
        Path pidFile = rig.daemon.config().pidFile();
        assertEquals(ProcessHandle.current().pid() + "\n", Files.readString(pidFile));
        CompletableFuture<String> inFlight = CompletableFuture.supplyAsync(() -> {
            try {
                return rig.send(A, "sethost:msul1:slow:drained");
            } catch (IOException e) {
                return "IOException " + e;
            }
        });
        Await.until("the slow request reached lond", () -> rig.lond(A).requestCount() == 1);
        CompletableFuture<Void> stop = CompletableFuture.runAsync(() -> rig.daemon.shutdown("SIGTERM (test)"));
        assertEquals("drained", inFlight.get(10, TimeUnit.SECONDS));
        stop.get(10, TimeUnit.SECONDS);
        assertEquals(LoncDaemon.EXIT_OK, rig.daemon.awaitExit());
        assertFalse(Files.exists(rig.socket(A)), "socket files removed");
        assertFalse(Files.exists(pidFile), "pid file removed");
        assertThrows(IOException.class, () -> TestClient.connect(rig.socket(A)));
        String log = rig.log();
        assertTrue(log.contains("CRITICAL: Asked to stop (SIGTERM (test))"), log);
        assertTrue(log.strip().endsWith("CRITICAL: Master process exiting</font>"), log);
    }

    @Test
    void lonidSocketNamingServesOneSocketPerLonId() throws Exception {
        rig().host(A, "msul1", "msul2").set("socketNaming=lonid").start();
        assertTrue(Files.exists(rig.socket("msul1")));
        assertTrue(Files.exists(rig.socket("msul2")));
        assertFalse(Files.exists(rig.socket(A)));
        assertEquals("msul2", rig.send("msul2", "ping"), "1.x lonnet: the socket names the lonID");
        assertEquals("msul1", rig.send("msul1", "ping"));
        assertEquals(1, rig.daemon.engine().status().stream().filter(s -> s.name().equals(A)).count(),
                "one pool for the machine");
    }

    @Test
    void lonclogHasThePerlFormatAndTransactionLoggingHidesArguments() throws Exception {
        rig().host(A, "msul1").start();
        rig.daemon.setTransactionLogging(true);
        assertEquals("internal:", rig.send(A, "sethost:msul1:encrypt:currentauth:msu:secretuser"));
        rig.daemon.setTransactionLogging(false);
        Await.until("reply logged", () -> logContains("Reply from lond to 'sethost:msul1:encrypt:currentauth'"));
        String log = rig.log();
        long pid = ProcessHandle.current().pid();
        Pattern ready = Pattern.compile("(?m)^\\w{3} \\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\d{4} \\(" + pid
                + "\\) \\[" + Pattern.quote(A) + "\\] \\[[^\\]]*\\] <font color='green'>SUCCESS: Connection 1 to "
                + Pattern.quote(A) + " now ready for action \\(insecure\\).*</font>$");
        assertTrue(ready.matcher(log).find(), log);
        assertTrue(log.contains("<font color='green'>SUCCESS: Transaction: 'sethost:msul1:encrypt:currentauth'"), log);
        assertTrue(log.contains("<font color='green'>SUCCESS: Toggled transaction logging: 1</font>"), log);
        assertTrue(log.contains("[Parent] ["), log);
        assertTrue(log.contains("<font color='red'>CRITICAL: --------------- Starting lonc"), log);
        assertFalse(log.contains("secretuser"), "arguments never reach the log");
    }

    @Test
    void adminRequestWithADuplicateKeyIsRefusedAndRunsNothing() throws Exception {
        rig().host(A, "msul1").start();
        Path admin = rig.daemon.adminSocket();
        List<String> replies = TestClient.pipeline(admin, List.of(
                "{\"cmd\":\"status\",\"cmd\":\"reload\"}",
                "{\"cmd\":\"pause\",\"host\":\"nosuch\",\"host\":\"" + A + "\"}",
                "{\"cmd\":\"status\"}"));
        for (int i = 0; i < 2; i++) {
            String r = replies.get(i);
            assertTrue(r.startsWith("{\"ok\":false,\"error\":\"malformed JSON: Duplicate field '"), r);
        }
        assertTrue(replies.get(0).contains("'cmd'"), replies.get(0));
        assertTrue(replies.get(1).contains("'host'"), replies.get(1));
        assertTrue(replies.get(2).startsWith("{\"ok\":true"), "the connection still serves");
        assertFalse(rig.log().contains("Reloading the configuration"), "no reload ran");
        assertEquals("msul1", rig.send(A, "sethost:msul1:ping"), "the host was not paused");
    }

    @Test
    void adminSocketSpeaksJsonLines() throws Exception {
        rig().host(A, "msul1").start();
        Path admin = rig.daemon.adminSocket();
        assertEquals(".lonc-admin", admin.getFileName().toString());
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(admin)));
        ObjectMapper json = new ObjectMapper();
        JsonNode st = json.readTree(TestClient.request(admin, "{\"cmd\":\"status\",\"host\":\"" + A + "\"}"));
        assertTrue(st.path("ok").asBoolean(), st.toString());
        assertEquals(1, st.path("hosts").size());
        assertEquals(A, st.path("hosts").get(0).path("name").asText());

        assertTrue(json.readTree(TestClient.request(admin, "{\"cmd\":\"pause\",\"host\":\"" + A + "\"}")).path("ok").asBoolean());
        assertEquals(ReplyTokens.CON_LOST, rig.send(A, "sethost:msul1:ping"), "a paused host answers con_lost");
        assertTrue(json.readTree(TestClient.request(admin, "{\"cmd\":\"resume\",\"host\":\"" + A + "\"}")).path("ok").asBoolean());
        assertEquals("msul1", rig.send(A, "sethost:msul1:ping"));

        List<String> replies = TestClient.pipeline(admin, List.of("not json", "{\"cmd\":\"frobnicate\"}",
                "{\"cmd\":\"pause\"}", "{\"cmd\":\"reset\",\"host\":\"nosuch\"}", "{\"cmd\":\"txlog\",\"on\":true}",
                "{\"cmd\":\"reload\"}", "{\"cmd\":\"help\"}"));
        assertTrue(replies.get(0).contains("\"ok\":false") && replies.get(0).contains("malformed JSON"), replies.get(0));
        assertTrue(replies.get(1).contains("unknown cmd 'frobnicate'"), replies.get(1));
        assertTrue(replies.get(2).contains("needs \\\"host\\\""), replies.get(2));
        assertTrue(replies.get(3).contains("unknown host nosuch"), replies.get(3));
        assertEquals("{\"ok\":true,\"transactionLogging\":true}", replies.get(4));
        assertTrue(rig.daemon.transactionLogging());
        assertTrue(replies.get(5).startsWith("{\"ok\":true,\"hostsAdded\":[]"), replies.get(5));
        assertTrue(replies.get(6).contains("deferred-flush"), replies.get(6));
    }

    @Test
    void deferredTransactionsAreListedHeldReleasedAndReplayedWhenTheHostIsBack() throws Exception {
        rig().host(A, "msul1").start();
        FakeLond lond = rig.lond(A);
        lond.shutdown();
        assertEquals(ReplyTokens.CON_LOST, rig.send(A, "sethost:msul1:ping"));
        Path delayed = rig.daemon.config().delayedDir();
        Files.createDirectories(delayed);
        String cmd = "encrypt:passwd:msu:jdoe:oldsecret:newsecret";
        String name = DelayedFileName.of(System.currentTimeMillis() / 1000 - 30, 7, 4242, cmd, "msul1").fileName();
        Files.writeString(delayed.resolve(name), cmd + "\n");
        Path admin = rig.daemon.adminSocket();
        ObjectMapper json = new ObjectMapper();
        JsonNode list = json.readTree(TestClient.request(admin, "{\"cmd\":\"deferred-list\",\"host\":\"" + A + "\"}"));
        assertEquals(1, list.path("items").size(), list.toString());
        assertEquals(name, list.path("items").get(0).path("file").asText());
        assertFalse(list.toString().contains("secret"), "no encrypted arguments in listings: " + list);

        assertTrue(json.readTree(TestClient.request(admin, "{\"cmd\":\"deferred-hold\",\"file\":\"" + name + "\"}")).path("ok").asBoolean());
        assertFalse(Files.exists(delayed.resolve(name)));
        assertTrue(json.readTree(TestClient.request(admin, "{\"cmd\":\"deferred-release\",\"file\":\"" + name + "\"}")).path("ok").asBoolean());
        assertTrue(Files.exists(delayed.resolve(name)));

        lond.restart();
        assertTrue(json.readTree(TestClient.request(admin, "{\"cmd\":\"deferred-flush\",\"host\":\"" + A + "\"}")).path("ok").asBoolean());
        Await.until("replayed and deleted", () -> !Files.exists(delayed.resolve(name)));
        RecordedRequest r = lond.takeRequest(Duration.ofSeconds(5));
        assertEquals("passwd:msu:jdoe:oldsecret:newsecret", r.command());
        assertTrue(r.encrypted());
        Await.until("perm log S: line", () -> {
            try {
                return Files.readString(rig.daemon.config().permLogFile()).contains(":S:");
            } catch (IOException e) {
                return false;
            }
        });
    }

    @Test
    void sslKeyModeIsUsedWhenTheCertificateFilesExist() throws Exception {
        TestPki pki = TestPki.create(dir.resolve("pki/ca"));
        pki.issueHost(DaemonRig.MY_LON_ID, dir.resolve("lonCerts"));
        rig().sslHost(A, TlsContexts.forServer(pki.issueHost("msul1", dir.resolve("pki/msul1"))), "msul1")
                .host(B, "msub1").start();
        assertEquals("internal:", rig.send(A, "sethost:msul1:encrypt:currentauth:msu:jdoe"));
        RecordedRequest r = rig.lond(A).takeRequest(Duration.ofSeconds(5));
        assertEquals(KeyMode.SSL, r.mode());
        assertEquals("currentauth:msu:jdoe", r.command());
        assertEquals("ssl", rig.daemon.engine().status(A).orElseThrow().keyMode());
        assertEquals("msub1", rig.send(B, "sethost:msub1:ping"), "a lond without certificates: insecure fallback");
        assertEquals("insecure", rig.daemon.engine().status(B).orElseThrow().keyMode());
        assertTrue(rig.log().contains("INFO: ssl key mode on: certificates from " + dir.resolve("lonCerts")));
    }

    @Test
    void anUnusableCertificateFileRefusesTheStart() throws Exception {
        TestPki pki = TestPki.create(dir.resolve("pki/ca"));
        pki.issueHost(DaemonRig.MY_LON_ID, dir.resolve("lonCerts"));
        Path key = dir.resolve("lonCerts/lonhostkey.pem");
        Files.writeString(key, "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n");
        rig().host(A, "msul1");
        org.loncapa.lonc.core.config.ConfigException e = assertThrows(
                org.loncapa.lonc.core.config.ConfigException.class, rig::start);
        assertTrue(e.getMessage().startsWith(key.toString()), e.getMessage());
        assertFalse(Files.exists(rig.socket(A)), "nothing started");
    }

    private boolean logContains(String s) {
        try {
            return rig.log().contains(s);
        } catch (IOException e) {
            return false;
        }
    }
}
