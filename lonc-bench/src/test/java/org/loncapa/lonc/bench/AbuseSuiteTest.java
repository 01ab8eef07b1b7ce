package org.loncapa.lonc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loncapa.lonc.bench.load.ClusterFiles;
import org.loncapa.lonc.bench.load.DaemonProcess;
import org.loncapa.lonc.bench.load.LineChannel;
import org.loncapa.lonc.bench.load.ProcStats;
import org.loncapa.lonc.core.ReplyTokens;
import org.loncapa.lonc.core.deferred.DeferredStore;
import org.loncapa.lonc.core.deferred.PermLog;
import org.loncapa.lonc.core.deferred.RealStoreIo;
import org.loncapa.lonc.testkit.Await;
import org.loncapa.lonc.testkit.FakeLond;
import org.loncapa.lonc.testkit.FaultProxy;
import org.loncapa.lonc.testkit.LoncapaSandbox;
import org.loncapa.lonc.testkit.RecordedRequest;
import org.loncapa.lonc.testkit.Response;

/**
 * The black-box abuse suite: the real daemon (its own JVM, {@code -Xmx256m}) in front of FakeLond,
 * attacked from both sides while well-behaved clients keep working, with invariants checked at the
 * end of every run.
 *
 * <p>Hosts: {@code lib-a} (lonID msula) is reached through a {@link FaultProxy} that cycles through
 * stall, delay, cut-mid-line, reset and black-hole, and its lond restarts once; {@code lib-b}
 * (msulb) is healthy and carries the well-behaved clients whose latency is measured;
 * {@code lib-c} (msulc) answers {@code big:<n>} with n bytes and is the target of a client that
 * sends 1,000 requests for 1 MB replies and never reads. Other abusers on lib-b: slowloris clients
 * (a byte every 200 ms, never a newline), connection floods, over-long and binary lines, half-close
 * clients; the daemon gets HUP and USR1 during the load. Then: descriptors and threads back to
 * their baseline; SIGKILL while deferred files are being replayed, a new daemon, and every file
 * must reach lond; finally TERM and exit status 0.
 *
 * <p>Invariants: every request of a well-behaved client gets exactly one reply, its own (its echo,
 * or a lonc token: con_lost, con_busy); their p99 on the healthy host stays under
 * {@link #P99_BOUND_MILLIS}; the daemon's RSS stays under {@link #RSS_BOUND_MIB} MiB; descriptors and
 * threads return to baseline; no deferred file is lost.
 *
 * <p>Short form (this test, in {@code mvn verify}): {@value #DEFAULT_SECONDS} s of abuse. Long form:
 * {@code mvn -B -ntp -pl lonc-bench -am verify -Dtest=AbuseSuiteTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Dlonc.abuse.seconds=600} (docs/performance.md).
 */
class AbuseSuiteTest {
    static final int DEFAULT_SECONDS = 20;
    /** Generous: a healthy echo normally takes well under 10 ms. */
    static final long P99_BOUND_MILLIS = 2_000;
    static final long RSS_BOUND_MIB = 400;

    private static final String A = "lib-a.abuse";
    private static final String B = "lib-b.abuse";
    private static final String C = "lib-c.abuse";
    private static final Set<String> LONC_TOKENS = Set.of(ReplyTokens.CON_LOST, ReplyTokens.CON_BUSY);
    private static final List<String> SETTINGS = List.of("transactionTimeout=3s", "handshakeStepTimeout=3s", "connectTimeout=1s",
            "retries=3", "probeInitialDelay=1s", "probeMaxDelay=2s", "idleTimeout=1s",
            "maxConnectionsPerHost=4", "deferredRescanInterval=1s", "deferredRetryAfter=1s",
            "deferredRate=5", "drainTimeout=3s", "idleClientTimeout=0");

    @TempDir
    Path dir;

    private final AtomicBoolean abusing = new AtomicBoolean(true);
    private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    private final List<Long> healthyMicros = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong healthyRequests = new AtomicLong();
    private final AtomicLong maxRssBytes = new AtomicLong();
    private final Set<String> deferredSeen = ConcurrentHashMap.newKeySet();
    /** Every daemon started, killed at the end whatever happened (no JVM may outlive the test). */
    private final List<DaemonProcess> daemons = Collections.synchronizedList(new ArrayList<>());

    @Test
    void theDaemonServesWellBehavedClientsWhileAttackedFromBothSides() throws Exception {
        int seconds = Integer.getInteger("lonc.abuse.seconds", DEFAULT_SECONDS);
        String big = "x".repeat(1_000_000);
        try (FakeLond main = FakeLond.builder().lonIds("msulb", "msulc").clientLonId(ClusterFiles.MY_LON_ID)
                        .allowInsecure(true).recordRequests(false).build();
                FakeLond faulty = FakeLond.builder().lonIds("msula").clientLonId(ClusterFiles.MY_LON_ID)
                        .allowInsecure(true).recordRequests(false).build()) {
            main.dispatcher(r -> r.command().equals("big:1000000") ? Response.reply(big) : null);
            faulty.dispatcher(this::recordDeferred);
            main.start();
            faulty.start();
            InetAddress second = InetAddress.getByName("127.0.0.2");
            try (FaultProxy proxy = FaultProxy.start(new InetSocketAddress(second, main.port()),
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), faulty.port()))) {
                ClusterFiles files = ClusterFiles.write(dir, main.port(), List.of());
                LoncapaSandbox.in(dir, ClusterFiles.MY_LON_ID).writeHostsTab(List.of(
                        ClusterFiles.MY_LON_ID + ":abuse:library:" + ClusterFiles.MY_HOST + ":127.0.0.1",
                        "msula:abuse:library:" + A + ":127.0.0.2",
                        "msulb:abuse:library:" + B + ":127.0.0.1",
                        "msulc:abuse:library:" + C + ":127.0.0.1"));
                try {
                    run(files, proxy, faulty, seconds);
                } finally {
                    abusing.set(false);
                    for (DaemonProcess d : daemons) {
                        ProcessHandle.of(d.pid()).ifPresent(ProcessHandle::destroyForcibly);
                    }
                }
            }
        }
    }

    private Response recordDeferred(RecordedRequest r) {
        if (r.command().startsWith("echo:deferred-")) {
            deferredSeen.add(r.command());
        }
        return null;
    }

    private DaemonProcess startDaemon(ClusterFiles files) throws IOException {
        DaemonProcess d = DaemonProcess.start(files, daemonClasspath(),
                List.of("-Xms64m", "-Xmx256m"), SETTINGS);
        daemons.add(d);
        d.awaitSocket(files.socket(B), Duration.ofSeconds(60));
        d.awaitSocket(files.socket(A), Duration.ofSeconds(10));
        d.awaitSocket(files.socket(C), Duration.ofSeconds(10));
        return d;
    }

    private void run(ClusterFiles files, FaultProxy proxy, FakeLond faulty, int seconds) throws Exception {
        DaemonProcess d = startDaemon(files);
        long pid = d.pid();
        // warm-up: every host connected once, the JIT past its first burst
        for (int i = 0; i < 200; i++) {
            for (String[] h : new String[][] {{A, "msula"}, {B, "msulb"}, {C, "msulc"}}) {
                assertEquals("w" + i, request(files.socket(h[0]), "sethost:" + h[1] + ":echo:w" + i));
            }
        }
        ProcStats.Sample base = ProcStats.sample(pid);

        List<Thread> threads = new ArrayList<>();
        Thread sampler = daemonThread("rss", () -> {
            while (abusing.get()) {
                maxRssBytes.accumulateAndGet(ProcStats.sample(pid).rssBytes(), Math::max);
                pause(250);
            }
        });
        for (int k = 0; k < 3; k++) {
            int n = k;
            threads.add(daemonThread("healthy-" + k, () -> persistent(files.socket(B), "msulb", "b" + n, true)));
        }
        threads.add(daemonThread("half-close", () -> halfClosing(files.socket(B))));
        threads.add(daemonThread("faulty-host", () -> persistent(files.socket(A), "msula", "a", false)));
        SocketChannel hog = hog(files.socket(C));
        List<SocketChannel> slow = slowloris(files.socket(B), 20);
        threads.add(daemonThread("slowloris", () -> dribble(slow)));
        threads.add(daemonThread("flood", () -> flood(files.socket(B))));
        threads.add(daemonThread("bad-lines", () -> badLines(files.socket(B))));

        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        FaultProxy.Mode[] cycle = {FaultProxy.Mode.DELAY, FaultProxy.Mode.STALL, FaultProxy.Mode.PASS,
            FaultProxy.Mode.CUT_MID_LINE, FaultProxy.Mode.RESET, FaultProxy.Mode.BLACK_HOLE, FaultProxy.Mode.PASS};
        int step = 0;
        boolean hupped = false;
        boolean usr1 = false;
        boolean restarted = false;
        long started = System.nanoTime();
        while (System.nanoTime() - end < 0) {
            proxy.mode(cycle[step++ % cycle.length]);
            double done = (System.nanoTime() - started) / (double) TimeUnit.SECONDS.toNanos(seconds);
            if (!hupped && done > 0.3) {
                signal(pid, "HUP");
                hupped = true;
            }
            if (!restarted && done > 0.5) {
                faulty.restart();
                restarted = true;
            }
            if (!usr1 && done > 0.7) {
                signal(pid, "USR1");
                usr1 = true;
            }
            pause(1500);
            assertTrue(d.isAlive(), "the daemon is alive: " + d.output());
        }
        proxy.mode(FaultProxy.Mode.PASS);
        abusing.set(false);
        for (Thread t : threads) {
            t.join(30_000);
            assertTrue(!t.isAlive(), t.getName() + " finished; daemon alive: " + d.isAlive()
                    + ", RSS " + (maxRssBytes.get() >> 20) + " MiB, output: " + d.output());
        }
        sampler.join(5_000);
        String during = admin(files, "{\"cmd\":\"status\"}");
        assertTrue(counter(during, "clientsPaused") >= 1, "the client that does not read is paused: " + during);
        hog.close();
        for (SocketChannel s : slow) {
            s.close();
        }

        Await.until("the buffers of the client that left are released", Duration.ofSeconds(20),
                () -> counter(admin(files, "{\"cmd\":\"status\"}"), "replyBytesBuffered") == 0);

        // ---- invariants of the abuse phase
        assertEquals(List.of(), violations, "every request of a well-behaved client got one reply, its own");
        assertTrue(healthyRequests.get() > 100, "the healthy clients made progress: " + healthyRequests);
        long p99 = percentile(healthyMicros, 0.99) / 1000;
        assertTrue(p99 < P99_BOUND_MILLIS, "healthy p99 " + p99 + " ms under " + P99_BOUND_MILLIS + " ms");
        long rssMib = maxRssBytes.get() >> 20;
        assertTrue(rssMib < RSS_BOUND_MIB, "daemon RSS " + rssMib + " MiB under " + RSS_BOUND_MIB + " MiB");
        awaitBaseline(pid, base);
        System.out.println("daemon class path: " + daemonClasspath());
        System.out.printf("abuse suite: %d s, %d healthy requests, p99 %d ms, max RSS %d MiB, fds %d -> %d,"
                + " threads %d%n", seconds, healthyRequests.get(), p99, rssMib, base.fds(),
                ProcStats.sample(pid).fds(), ProcStats.sample(pid).threads());

        // ---- SIGKILL while deferred files are being replayed: none may be lost
        DeferredStore store = new DeferredStore(files.delayedDir(), Clock.systemUTC(),
                ProcessHandle.current().pid(), new RealStoreIo(),
                new PermLog(files.dir().resolve("perl/logs/lonnet.perm.log"), Clock.systemUTC()));
        int deferred = 30;
        for (int i = 0; i < deferred; i++) {
            store.save("msula", "echo:deferred-" + i);
        }
        Await.until("replay started", Duration.ofSeconds(30), () -> deferredSeen.size() >= 3);
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        ProcessHandle.of(pid).ifPresent(h -> h.onExit().join());
        d = startDaemon(files);
        Await.until("delayed/ emptied by the second daemon", Duration.ofSeconds(60), () -> delayedFiles(files) == 0);
        for (int i = 0; i < deferred; i++) {
            assertTrue(deferredSeen.contains("echo:deferred-" + i), "deferred file " + i + " reached lond");
        }
        for (String sub : List.of("hold", "corrupt")) {
            Path p = files.delayedDir().resolve(sub);
            assertTrue(!Files.isDirectory(p) || isEmpty(p), sub + "/ is empty");
        }

        // ---- TERM: exit status 0
        assertEquals("msulb", request(files.socket(B), "sethost:msulb:ping"));
        d.close();
        assertEquals(0, d.exitValue(), "TERM ends the daemon with status 0: " + d.output());
    }

    // ------------------------------------------------------------------ well-behaved clients

    /** One request at a time on one connection; each reply must be its own. */
    private void persistent(Path socket, String lonId, String tag, boolean measure) {
        long seq = 0;
        LineChannel c = null;
        try {
            while (abusing.get()) {
                if (c == null) {
                    c = LineChannel.unix(socket).timed();
                }
                String payload = tag + "-" + seq++;
                long t0 = System.nanoTime();
                c.writeLine("sethost:" + lonId + ":echo:" + payload);
                String reply = c.readLine(20_000);
                long micros = (System.nanoTime() - t0) / 1000;
                if (!reply.equals(payload) && !LONC_TOKENS.contains(reply)) {
                    violations.add(tag + ": asked for " + payload + ", got " + abbreviate(reply));
                } else if (!reply.equals(payload)) {
                    pause(50); // a failing host answers at once: do not spin
                }
                if (measure) {
                    healthyMicros.add(micros);
                    healthyRequests.incrementAndGet();
                }
            }
            int extra = c == null ? 0 : c.drainToEof(10_000);
            if (extra != 0) {
                violations.add(tag + ": " + extra + " bytes after the last reply");
            }
        } catch (IOException e) {
            violations.add(tag + ": " + e);
        } finally {
            closeQuietly(c);
        }
    }

    /** lonnet with a half-close after the request: one reply, then EOF. */
    private void halfClosing(Path socket) {
        long seq = 0;
        while (abusing.get()) {
            String payload = "h-" + seq++;
            try (LineChannel c = LineChannel.unix(socket).timed()) {
                c.writeLine("sethost:msulb:echo:" + payload);
                c.shutdownOutput();
                String reply = c.readLine(20_000);
                if (!reply.equals(payload) && !LONC_TOKENS.contains(reply)) {
                    violations.add("half-close: asked for " + payload + ", got " + abbreviate(reply));
                }
                int extra = c.drainToEof(10_000);
                if (extra != 0) {
                    violations.add("half-close: " + extra + " bytes after the reply");
                }
            } catch (IOException e) {
                violations.add("half-close: " + e);
            }
        }
    }

    // ------------------------------------------------------------------ abusers

    /** 1,000 requests for 1 MB replies, written from a thread (the writes block), never read. */
    private SocketChannel hog(Path socket) throws IOException {
        SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        byte[] all = "sethost:msulc:big:1000000\n".repeat(1000).getBytes(StandardCharsets.US_ASCII);
        daemonThread("hog-writer", () -> {
            try {
                ByteBuffer b = ByteBuffer.wrap(all);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
            } catch (IOException e) {
                // closed at the end of the phase
            }
        });
        return ch;
    }

    private static List<SocketChannel> slowloris(Path socket, int n) throws IOException {
        List<SocketChannel> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            l.add(SocketChannel.open(UnixDomainSocketAddress.of(socket)));
        }
        return l;
    }

    private void dribble(List<SocketChannel> conns) {
        byte[] text = "sethost:msulb:echo:slowloris-never-ends".getBytes(StandardCharsets.US_ASCII);
        int i = 0;
        while (abusing.get()) {
            for (SocketChannel c : conns) {
                try {
                    c.write(ByteBuffer.wrap(text, i % text.length, 1));
                } catch (IOException e) {
                    // the daemon may close it; that is allowed
                }
            }
            i++;
            pause(200);
        }
    }

    /** Bursts of 200 connections opened and closed at once, some with half a request. */
    private void flood(Path socket) {
        while (abusing.get()) {
            List<SocketChannel> burst = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                try {
                    SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
                    burst.add(ch);
                    ch.connect(UnixDomainSocketAddress.of(socket));
                    if (i % 2 == 0) {
                        ch.write(ByteBuffer.wrap("sethost:msulb:echo:flo".getBytes(StandardCharsets.US_ASCII)));
                    }
                } catch (IOException e) {
                    // backlog full: allowed
                }
            }
            for (SocketChannel ch : burst) {
                closeQuietly(ch);
            }
            pause(300);
        }
    }

    /** Over-long and binary requests are answered with a rejection and cost nobody else. */
    private void badLines(Path socket) {
        byte[] longLine = ("sethost:msulb:echo:" + "y".repeat(2 << 20) + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] binary = "sethost:msulb:echo:\u0000\u0001\u0002\n".getBytes(StandardCharsets.US_ASCII);
        while (abusing.get()) {
            for (byte[] bad : List.of(longLine, binary)) {
                try (LineChannel c = LineChannel.unix(socket).timed()) {
                    c.writeRaw(bad);
                    String reply = c.readLine(20_000);
                    if (!reply.startsWith("rejected")) {
                        violations.add("bad line answered " + abbreviate(reply));
                    }
                } catch (IOException e) {
                    // a rejected client may be closed while it still writes: allowed
                }
            }
            pause(500);
        }
    }

    // ------------------------------------------------------------------ helpers

    private void awaitBaseline(long pid, ProcStats.Sample base) {
        // lond connections opened under load close one per idleTimeout per host; JIT threads come and go
        Await.value("descriptors (+2) and threads (+4) back to the baseline " + base,
                () -> ProcStats.sample(pid),
                now -> now.fds() <= base.fds() + 2 && now.threads() <= base.threads() + 4);
    }

    private static String request(Path socket, String line) throws IOException {
        try (LineChannel c = LineChannel.unix(socket).timed()) {
            c.writeLine(line);
            return c.readLine(20_000);
        }
    }

    /**
     * This build's class path, or with {@code -Dlonc.abuse.daemonBuild=<checkout>} the lonc modules'
     * classes of another (compiled) checkout: a before/after comparison against an older daemon.
     */
    private static String daemonClasspath() {
        String cp = System.getProperty("java.class.path");
        String other = System.getProperty("lonc.abuse.daemonBuild");
        if (other == null) {
            return cp;
        }
        List<String> out = new ArrayList<>();
        for (String e : cp.split(java.io.File.pathSeparator)) {
            // <module>/target/classes or <module>/target/<module>-<version>.jar of a lonc module
            Path p = Path.of(e);
            Path target = p.getParent();
            Path module = target == null ? null : target.getParent();
            boolean lonc = module != null && target.getFileName().toString().equals("target")
                    && module.getFileName().toString().startsWith("lonc-");
            out.add(lonc ? Path.of(other).resolve(module.getFileName()).resolve("target/classes").toString() : e);
        }
        return String.join(java.io.File.pathSeparator, out);
    }

    private static String admin(ClusterFiles files, String json) {
        try {
            return request(files.sockDir().resolve(".lonc-admin"), json);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A front-end counter from the admin status JSON, or -1 if absent. */
    private static long counter(String statusJson, String name) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"" + name + "\":(\\d+)").matcher(statusJson);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static int delayedFiles(ClusterFiles files) {
        try (Stream<Path> s = Files.list(files.delayedDir())) {
            return (int) s.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith(".")).count();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static boolean isEmpty(Path p) throws IOException {
        try (Stream<Path> s = Files.list(p)) {
            return s.findAny().isEmpty();
        }
    }

    private static void signal(long pid, String sig) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).inheritIO().start();
        assertEquals(0, p.waitFor(), "kill -" + sig);
    }

    static long percentile(List<Long> values, double q) {
        List<Long> l;
        synchronized (values) {
            l = new ArrayList<>(values);
        }
        if (l.isEmpty()) {
            return 0;
        }
        Collections.sort(l);
        return l.get(Math.min(l.size() - 1, (int) Math.ceil(q * l.size()) - 1));
    }

    private static Thread daemonThread(String name, Runnable r) {
        Thread t = new Thread(r, "abuse-" + name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /**
     * The pace of an abuser or of the RSS sampler (a slowloris byte every 200 ms, a flood burst every
     * 300 ms): the load this suite applies, never a wait for the daemon, which goes through
     * {@link Await}. The daemon is another process, so there is no ticker to move.
     */
    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String abbreviate(String s) {
        return s == null ? null : s.length() > 60 ? s.substring(0, 60) + "…" : s;
    }

    private static void closeQuietly(java.io.Closeable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (IOException e) {
            // nothing to do
        }
    }
}
