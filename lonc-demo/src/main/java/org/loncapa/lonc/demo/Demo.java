package org.loncapa.lonc.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import org.loncapa.lonc.core.HostStatus;
import org.loncapa.lonc.core.deferred.DelayedFileName;
import org.loncapa.lonc.core.tls.TlsContexts;
import org.loncapa.lonc.daemon.LoncDaemon;
import org.loncapa.lonc.testkit.FakeLond;
import org.loncapa.lonc.testkit.LoncapaSandbox;
import org.loncapa.lonc.testkit.RecordedRequest;
import org.loncapa.lonc.testkit.Response;
import org.loncapa.lonc.testkit.TestPki;

/**
 * {@code java -jar lonc-demo-<version>-all.jar}: the daemon at work in one command, with no
 * configuration. It lives apart from the daemon so that the production daemon artifact carries no
 * test-kit class.
 *
 * <p>It starts three {@link FakeLond} hosts on loopback ("this host" in local key mode, a machine
 * with two lonIDs sharing one socket and no certificates (insecure key mode), and one in ssl key
 * mode with {@link TestPki} certificates that is down at first), writes a loncapa.conf and a
 * hosts.tab into a temporary directory, starts the real daemon in this process, and then acts like
 * lonnet on the real UNIX sockets: plain, encrypted and pipelined requests, a dead host, a critical
 * request saved to {@code delayed/} and replayed once its host is back, the admin socket and the
 * status file. It prints what happened and returns 0 only if every step did what it should.
 *
 * <p>Runs in a few seconds; {@code .ci/run} runs it after the tests so that the README's first
 * command cannot silently break.
 */
final class Demo {
    private static final Duration WAIT = Duration.ofSeconds(8);
    private static final String SELF = "lonc-demo-self";
    private static final String MULTI = "lonc-demo-multi";
    private static final String LATE = "lonc-demo-late";

    private final PrintWriter out;
    private final boolean keep;
    private final boolean stay;
    private final List<String> failures = new ArrayList<>();
    private int steps;

    /**
     * @param keep keep the temporary directory
     * @param stay after the scripted requests, keep the daemon and the fake londs running until the
     *     process is interrupted (Ctrl-C), so that the example commands can be tried
     */
    Demo(PrintWriter out, boolean keep, boolean stay) {
        this.out = out;
        this.keep = keep;
        this.stay = stay;
    }

    int run() {
        long t0 = System.nanoTime();
        Path dir = null;
        List<FakeLond> londs = new ArrayList<>();
        LoncDaemon daemon = null;
        try {
            dir = Files.createTempDirectory("lonc-demo-");
            FakeLond self = track(londs, FakeLond.builder().lonIds("demo1").clientLonId("demo1").build());
            FakeLond multi = track(londs, FakeLond.builder().lonIds("demo2", "demo2b").clientLonId("demo1")
                    .allowInsecure(true).build());
            // a throw-away LON-CAPA CA: lonc's certificate goes where loncapa.conf says, the late
            // host's lond gets its own, so that lonc talks to it in ssl key mode
            TestPki pki = TestPki.create(dir.resolve("pki/ca"));
            pki.issueHost("demo1", dir.resolve("lonCerts"));
            SSLContext lateTls = TlsContexts.forServer(pki.issueHost("demo3", dir.resolve("pki/demo3")));
            FakeLond late = track(londs, FakeLond.builder().lonIds("demo3").clientLonId("demo1")
                    .ssl(lateTls).build());
            for (FakeLond l : londs) {
                l.dispatcher(Demo::answer);
                l.start();
            }
            late.shutdown(); // down for now: its port stays reserved for restart()

            Path conf = writeConfiguration(dir, self.port(), multi.port(), late.port());
            heading("lonc demo: three fake lond hosts on loopback, the real daemon in front of them");
            out.printf("  working directory  %s%n", dir);
            out.printf("  loncapa.conf       %s%n", conf);
            out.printf("  fake lond hosts    %s (this host, local key mode) on port %d%n", SELF, self.port());
            out.printf("                     %s (lonIDs demo2, demo2b; no certificates: insecure key mode)"
                    + " on port %d%n", MULTI, multi.port());
            out.printf("                     %s (lonID demo3; ssl key mode; down until later) on port %d%n",
                    LATE, late.port());

            daemon = LoncDaemon.start(new LoncDaemon.Options().config(conf)
                    .overrides(List.of("retries=2", "connectTimeout=1s", "transactionTimeout=5s",
                            "probeInitialDelay=60s", "drainTimeout=2s")));
            Path sockets = daemon.config().lonSockDir();
            out.printf("%n  daemon started (pid %d); its UNIX sockets, one per remote host:%n",
                    ProcessHandle.current().pid());
            for (String s : daemon.layout().sockets().keySet()) {
                out.printf("    %s%n", sockets.resolve(s));
            }
            out.printf("  admin socket       %s%n", daemon.adminSocket());
            out.printf("  log                %s%n", daemon.logFile().path());

            heading("1. lonnet-style requests, one connection each");
            expect("sethost:demo1:ping to this host (local key mode)", send(daemon, SELF, "sethost:demo1:ping"), "demo1");
            expect("sethost:demo2:ping", send(daemon, MULTI, "sethost:demo2:ping"), "demo2");
            expect("sethost:demo2b:ping on the same socket reaches the other lonID",
                    send(daemon, MULTI, "sethost:demo2b:ping"), "demo2b");

            heading("2. an encrypted request");
            String enc = send(daemon, MULTI, "sethost:demo2:encrypt:currentauth:demo:jdoe");
            expect("sethost:demo2:encrypt:currentauth:demo:jdoe", enc, "internal:");
            RecordedRequest seen = lastRequest(multi, "currentauth");
            if (seen != null && seen.encrypted() && seen.command().equals("currentauth:demo:jdoe")) {
                pass("fake lond received '" + shorten(seen.rawLine()) + "' and decrypted it to '"
                        + seen.command() + "'");
            } else {
                fail("fake lond did not see the request encrypted: " + seen);
            }

            heading("3. three requests pipelined on one connection");
            List<String> piped = exchange(sockets.resolve(MULTI),
                    List.of("sethost:demo2:echo:one", "sethost:demo2:echo:two", "sethost:demo2:echo:three"));
            expect("replies in request order", String.join(" ", piped), "one two three");

            heading("4. a host that is down");
            expect("sethost:demo3:ping while its lond is down", send(daemon, LATE, "sethost:demo3:ping"), "con_lost");
            expect("again: the second failure marks it DEAD", send(daemon, LATE, "sethost:demo3:ping"), "con_lost");
            long ts = System.nanoTime();
            String dead = send(daemon, LATE, "sethost:demo3:ping");
            long ms = (System.nanoTime() - ts) / 1_000_000;
            expect("a DEAD host answers at once (" + ms + " ms)", dead, "con_lost");
            daemon.writeStatus();
            String status = Files.readString(daemon.statusFile());
            check("loncstatus.txt says '" + LATE + " >> DEAD <<'", status.contains(LATE + " >> DEAD <<"));

            heading("5. a critical request is deferred, then replayed when its host is back");
            String critical = "put:demo:jdoe:lastlogin=now";
            Path delayed = writeDelayedLikeLonnet(daemon, critical, "demo3");
            pass("lonnet's critical() got con_lost twice and saved " + delayed.getFileName()
                    + " in delayed/ (written here as lonnet would, dated 10 s ago)");
            late.restart();
            expect("the lond is back; reset_retries (lonnet's reconlonc)", send(daemon, LATE, "reset_retries"), "ok");
            expect("sethost:demo3:ping", send(daemon, LATE, "sethost:demo3:ping"), "demo3");
            check("lonc reached it in ssl key mode", "ssl".equals(
                    daemon.engine().status(LATE).map(HostStatus::keyMode).orElse(null)));
            check("the delayed request was replayed and its file deleted",
                    await(() -> !Files.exists(delayed)));
            RecordedRequest replayed = lastRequest(late, "put");
            check("fake lond received '" + (replayed == null ? "nothing" : replayed.command()) + "'",
                    replayed != null && replayed.command().equals(critical));
            Path perm = daemon.config().permLogFile();
            check("lonnet.perm.log has its S: line", await(() -> contains(perm, ":S:")));

            heading("6. operating it");
            String adminReply = exchange(daemon.adminSocket(), List.of("{\"cmd\":\"status\"}")).get(0);
            JsonNode st = new ObjectMapper().readTree(adminReply);
            StringBuilder states = new StringBuilder();
            for (JsonNode h : st.path("hosts")) {
                states.append(h.path("name").asText()).append('=').append(h.path("state").asText())
                        .append('(').append(h.path("keyMode").asText()).append(") ");
            }
            check("admin socket {\"cmd\":\"status\"}: " + states.toString().strip(), st.path("ok").asBoolean());
            daemon.reportStatus("demo (what SIGUSR1 does)");
            out.printf("  %s now reads:%n", daemon.statusFile());
            for (String line : Files.readAllLines(daemon.statusFile())) {
                out.printf("    | %s%n", shorten(line.replace("\t", "  "), 150));
            }
            check("loncstatus.json was written", Files.size(daemon.statusJsonFile()) > 0);

            heading(stay ? "try it yourself: the daemon keeps running until you press Ctrl-C"
                    : "try it yourself (run the demo with --stay to keep this daemon running)");
            out.printf("  java -jar lonc-daemon/target/lonc-daemon-%s-all.jar send --socket %s 'sethost:demo2:ping'%n",
                    LoncDaemon.version(), sockets.resolve(MULTI));
            out.printf("  echo 'sethost:demo2:ping' | socat - UNIX-CONNECT:%s%n", sockets.resolve(MULTI));
            out.printf("  java -jar lonc-daemon/target/lonc-daemon-%s-all.jar admin --socket %s status%n",
                    LoncDaemon.version(), daemon.adminSocket());

            if (stay && failures.isEmpty()) {
                out.flush();
                LoncDaemon running = daemon;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    running.shutdown("Ctrl-C");
                    londs.forEach(FakeLond::close);
                }, "lonc-demo-stop"));
                running.awaitExit();
                return LoncDaemon.EXIT_OK;
            }
            daemon.shutdown("end of demo");
            daemon.awaitExit();
            List<String> logLines = Files.readAllLines(daemon.logFile().path());
            heading("lonc.log (" + logLines.size() + " lines), a few of them");
            for (String l : logLines) {
                if (l.contains("now ready for action") || l.contains("Host marked DEAD")
                        || l.contains("delayed transaction was completed") || l.contains("Master process")) {
                    out.printf("    %s%n", shorten(l, 200));
                }
            }
        } catch (Exception e) {
            fail("the demo stopped: " + e);
        } finally {
            if (daemon != null) {
                daemon.shutdown("end of demo");
            }
            for (FakeLond l : londs) {
                l.close();
            }
            if (dir != null && !keep) {
                deleteTree(dir);
            }
        }
        long secs = (System.nanoTime() - t0) / 1_000_000;
        heading(failures.isEmpty() ? "demo passed: " + steps + " checks in " + secs + " ms"
                : "demo FAILED: " + failures.size() + " of " + steps + " checks");
        for (String f : failures) {
            out.printf("  FAILED: %s%n", f);
        }
        if (keep && dir != null) {
            out.printf("  kept %s%n", dir);
        }
        out.flush();
        return failures.isEmpty() ? LoncDaemon.EXIT_OK : LoncDaemon.EXIT_FAILURE;
    }

    /** The fake londs' answers: what a real lond might say to the demo's commands. */
    static Response answer(RecordedRequest r) {
        switch (r.commandName()) {
            case "currentauth":
                return Response.reply("internal:");
            case "put":
                return Response.reply("ok");
            default:
                return null; // built-ins: ping, echo:<x>
        }
    }

    private static FakeLond track(List<FakeLond> l, FakeLond f) {
        l.add(f);
        return f;
    }

    /** loncapa.conf with each fake host's own port (loncLondPorts), so it also works embedded. */
    private static Path writeConfiguration(Path dir, int selfPort, int multiPort, int latePort)
            throws IOException {
        LoncapaSandbox s = LoncapaSandbox.in(dir, "demo1").londPort(selfPort).londPort(SELF, selfPort)
                .londPort(MULTI, multiPort).londPort(LATE, latePort).comment("written by lonc-demo");
        s.writeHostsTab(
                "# id:domain:role:name:ip (1.x layout: the IP saves a DNS lookup)",
                "demo1:demo:library:" + SELF + ":127.0.0.1",
                "demo2:demo:access:" + MULTI + ":127.0.0.1",
                "demo2b:demo2:access:" + MULTI + ":127.0.0.1",
                "demo3:demo:library:" + LATE + ":127.0.0.1");
        return s.writeConfig();
    }

    /** A delayed/ file named and filled as lonnet's critical() writes it, dated 10 s ago. */
    private static Path writeDelayedLikeLonnet(LoncDaemon d, String cmd, String lonId) throws IOException {
        long time = System.currentTimeMillis() / 1000 - 10;
        String name = DelayedFileName.of(time, 1, ProcessHandle.current().pid(), cmd, lonId).fileName();
        Path dir = d.config().delayedDir();
        Files.createDirectories(dir);
        Path f = dir.resolve(name);
        Files.writeString(f, cmd + "\n", StandardCharsets.UTF_8);
        return f;
    }

    private static String send(LoncDaemon d, String socket, String request) throws IOException {
        List<String> r = exchange(d.config().lonSockDir().resolve(socket), List.of(request));
        return r.isEmpty() ? "(no reply)" : r.get(0);
    }

    private static RecordedRequest lastRequest(FakeLond l, String commandName) throws InterruptedException {
        RecordedRequest found = null;
        RecordedRequest r;
        while ((r = l.takeRequest(Duration.ofMillis(found == null ? 2000 : 1))) != null) {
            if (r.commandName().equals(commandName)) {
                found = r;
            }
        }
        return found;
    }

    private static boolean contains(Path f, String s) {
        try {
            return Files.exists(f) && Files.readString(f).contains(s);
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean await(BooleanSupplier c) {
        long end = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < end) {
            if (c.getAsBoolean()) {
                return true;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000);
        }
        return c.getAsBoolean();
    }

    private void heading(String s) {
        out.printf("%n%s%n", s);
        out.flush();
    }

    private void expect(String what, String got, String want) {
        check(what + " -> " + got, want.equals(got));
        if (!want.equals(got)) {
            failures.set(failures.size() - 1, what + ": expected '" + want + "', got '" + got + "'");
        }
    }

    private void check(String what, boolean ok) {
        if (ok) {
            pass(what);
        } else {
            fail(what);
        }
    }

    private void pass(String what) {
        steps++;
        out.printf("  ok    %s%n", what);
        out.flush();
    }

    private void fail(String what) {
        steps++;
        failures.add(what);
        out.printf("  FAIL  %s%n", what);
        out.flush();
    }

    private static String shorten(String s) {
        return shorten(s, 60);
    }

    private static String shorten(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n) + "...";
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort
                }
            });
        } catch (IOException e) {
            // best effort
        }
    }

    /** The daemon's own socket exchange (as lonnet: the lines, then one reply line each). */
    static List<String> exchange(Path socket, List<String> requests) throws IOException {
        return org.loncapa.lonc.daemon.Main.exchange(socket, requests);
    }
}
