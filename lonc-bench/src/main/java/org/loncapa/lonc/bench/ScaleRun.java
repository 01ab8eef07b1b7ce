package org.loncapa.lonc.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.loncapa.lonc.bench.load.ClusterFiles;
import org.loncapa.lonc.bench.load.DaemonProcess;
import org.loncapa.lonc.bench.load.Latencies;
import org.loncapa.lonc.bench.load.LineChannel;
import org.loncapa.lonc.bench.load.ProcStats;
import org.loncapa.lonc.bench.load.Report;
import org.loncapa.lonc.testkit.FakeLond;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The scale run: a daemon configured with many hosts (all served by one FakeLond that answers for
 * every lonID), its time from process start to the first request served, its resident memory at
 * idle, and then many clients connected to its UNIX sockets at the same time, each sending one
 * request while all are connected.
 */
@Command(name = "ScaleRun", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Starts the daemon (its own JVM) with --hosts configured hosts served by one FakeLond, "
                + "measures the time until the first request is served and the idle RSS, then connects "
                + "--clients clients to its UNIX sockets at once and has each send one request while all "
                + "stay connected. Prints the figures and the targets (first request <= 1 s, idle RSS < 128 MB, "
                + "no errors).", ""})
public final class ScaleRun implements Callable<Integer> {
    @Option(names = "--hosts", description = "Configured remote hosts. Default: ${DEFAULT-VALUE}.")
    int hosts = 1000;

    @Option(names = "--clients", description = "Clients connected at the same time. Default: ${DEFAULT-VALUE}.")
    int clients = 10_000;

    @Option(names = "--client-hosts", description = "Hosts the clients are spread over (each host opens its own "
            + "lond connections; the default keeps descriptors within a 20,000 limit). Default: ${DEFAULT-VALUE}.")
    int clientHosts = 100;

    @Option(names = "--idle-seconds", description = "Idle time after start-up before RSS is read. Default: ${DEFAULT-VALUE}.")
    double idleSeconds = 5;

    @Option(names = "--rss-target-mib", description = "Idle RSS target, and the target after one request per host."
            + " Default: ${DEFAULT-VALUE}.")
    long rssTargetMib = 128;

    @Option(names = "--subject", description = "daemon, or relay (ReferenceRelay, for comparison). Default: ${DEFAULT-VALUE}.")
    String subject = "daemon";

    @Option(names = "--launcher", paramLabel = "<bin/lonc>", description = "Start the daemon with the distribution's"
            + " launcher and its JVM options (--daemon-jvm-opts then only adds to them; give \"\" for none)."
            + " Default: java -cp with --daemon-jvm-opts.")
    java.nio.file.Path launcher;

    @Option(names = "--daemon-classpath", description = "Classpath of the daemon. Default: this jar.")
    String daemonClasspath;

    @Option(names = "--daemon-jvm-opts", description = "JVM options of the daemon. Default: \"${DEFAULT-VALUE}\".")
    String daemonJvmOpts = String.join(" ", DaemonProcess.DEFAULT_JVM_OPTIONS);

    @Option(names = "--daemon-set", paramLabel = "name=value", description = "Extra daemon setting (repeatable).")
    List<String> daemonSettings = new ArrayList<>();

    @Option(names = "--start-repeats", description = "Fresh daemon starts measured for the time to the first request"
            + " (the median is checked). Default: ${DEFAULT-VALUE}.")
    int startRepeats = 5;

    @Option(names = "--connect-threads", description = "Threads that connect the clients. Default: ${DEFAULT-VALUE}.")
    int connectThreads = 8;

    @Option(names = "--timeout", description = "Seconds to wait for all replies. Default: ${DEFAULT-VALUE}.")
    int timeoutSeconds = 120;

    private final PrintStream out = System.out;
    private int failures;

    public static void main(String[] args) {
        // the daemon's SLF4J backend, as before it stopped registering itself in the daemon jar
        org.loncapa.lonc.daemon.logging.LoncLogServiceProvider.install();
        System.exit(new CommandLine(new ScaleRun()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Machine.print(out);
        out.printf("ulimit -n of this JVM: %s%n", fdLimit(ProcessHandle.current().pid()));
        List<ClusterFiles.Host> hostList = ClusterFiles.manyHosts(hosts);
        String[] ids = hostList.stream().map(h -> h.lonIds().get(0)).toArray(String[]::new);
        Path dir = Files.createTempDirectory("lonc-bench-scale-");
        try (FakeLond lond = FakeLond.builder().lonIds(ids).clientLonId(ClusterFiles.MY_LON_ID)
                .allowInsecure(true).recordRequests(false).build().start()) {
            ClusterFiles files = ClusterFiles.write(dir, lond.port(), hostList);
            List<String> jvm = daemonJvmOpts.isBlank() ? List.of() : List.of(daemonJvmOpts.trim().split("\\s+"));
            String cp = daemonClasspath != null ? daemonClasspath : System.getProperty("java.class.path");
            out.printf("%s with %d hosts, JVM options \"%s\"%n", subject, hosts, daemonJvmOpts);
            List<Long> starts = new ArrayList<>();
            List<Long> cpus = new ArrayList<>();
            for (int i = 0; i < startRepeats; i++) {
                DaemonProcess d = start(files, cp, jvm, lond.port());
                try {
                    long ms = firstRequest(d, hostList.get(0));
                    if (ms >= 0) {
                        starts.add(ms);
                        cpus.add(TimeUnit.NANOSECONDS.toMillis(ProcStats.sample(d.pid()).cpuNanos()));
                    }
                } finally {
                    d.close();
                }
            }
            if (!starts.isEmpty()) {
                List<Long> sorted = new ArrayList<>(starts);
                sorted.sort(null);
                long median = sorted.get(sorted.size() / 2);
                check(String.format(Locale.ROOT, "time from process start to first request served, %d starts:"
                        + " median %d ms, min %d ms, all %s (target <= 1000 ms)", starts.size(), median,
                        sorted.get(0), starts), median <= 1000);
                List<Long> c = new ArrayList<>(cpus);
                c.sort(null);
                out.printf("          CPU used by the daemon until then (all threads): median %d ms, all %s%n",
                        c.get(c.size() / 2), cpus);
            }
            DaemonProcess d = start(files, cp, jvm, lond.port());
            try {
                out.printf("%s: pid %d; descriptor limit: %s%n", subject, d.pid(), fdLimit(d.pid()));
                long ms = firstRequest(d, hostList.get(0));
                out.printf("  first request served %d ms after process start%n", ms);
                idle(d);
                everyHost(d, hostList);
                manyClients(d, hostList);
                if (!d.isAlive()) {
                    fail("the daemon died: " + d.output());
                }
            } finally {
                d.close();
            }
        } finally {
            LoadTool.deleteTree(dir);
        }
        out.println(failures == 0 ? "scale run: all checks passed" : "scale run: " + failures + " check(s) FAILED");
        return failures == 0 ? 0 : 1;
    }

    private DaemonProcess start(ClusterFiles files, String cp, List<String> jvm, int port) throws IOException {
        return subject.equals("relay")
                ? DaemonProcess.startRelay(files, cp, jvm, port, 10, 1, hosts)
                : launcher != null ? DaemonProcess.startLauncher(files, launcher, jvm, daemonSettings)
                : DaemonProcess.start(files, cp, jvm, daemonSettings);
    }

    /** Milliseconds from process start to the first reply, or -1 (and a failure) if none came. */
    private long firstRequest(DaemonProcess d, ClusterFiles.Host h) throws IOException, InterruptedException {
        Path sock = d.files().socket(h.name());
        String id = h.lonIds().get(0);
        long deadline = d.startedAt() + TimeUnit.SECONDS.toNanos(60);
        String reply = null;
        while (System.nanoTime() - deadline < 0 && d.isAlive()) {
            if (Files.exists(sock)) {
                try (LineChannel c = LineChannel.unix(sock)) {
                    c.writeLine("sethost:" + id + ":ping");
                    reply = c.readLine();
                    break;
                } catch (IOException e) {
                    // not up yet
                }
            }
            Thread.sleep(1);
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - d.startedAt());
        if (reply == null) {
            fail("no first reply within 60 s: " + d.output());
            return -1;
        }
        if (!reply.equals(id)) {
            fail("the first request got '" + reply + "' instead of '" + id + "'");
            return -1;
        }
        return ms;
    }

    private void idle(DaemonProcess d) throws InterruptedException {
        Thread.sleep((long) (idleSeconds * 1000));
        ProcStats.Sample s = ProcStats.sample(d.pid());
        check(String.format(Locale.ROOT, "idle RSS %.0f s after start-up: %s, %d threads, %d fds (target < %d MiB)",
                idleSeconds, Report.mib(s.rssBytes()), s.threads(), s.fds(), rssTargetMib),
                s.rssBytes() > 0 && s.rssBytes() < rssTargetMib * 1024 * 1024);
    }

    /** One request to every host: every pool opens a lond connection. */
    private void everyHost(DaemonProcess d, List<ClusterFiles.Host> hostList) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(connectThreads);
        long t0 = System.nanoTime();
        List<Future<Boolean>> fs = new ArrayList<>();
        for (ClusterFiles.Host h : hostList) {
            fs.add(pool.submit(() -> {
                try (LineChannel c = LineChannel.unix(d.files().socket(h.name()))) {
                    c.writeLine("sethost:" + h.lonIds().get(0) + ":ping");
                    return c.readLine().equals(h.lonIds().get(0));
                } catch (IOException e) {
                    return false;
                }
            }));
        }
        int bad = 0;
        for (Future<Boolean> f : fs) {
            if (!f.get()) {
                bad++;
            }
        }
        pool.shutdown();
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        ProcStats.Sample s = ProcStats.sample(d.pid());
        check(String.format(Locale.ROOT, "one ping to each of the %d hosts (each opens a lond connection): %d ms, %d errors;"
                + " then RSS %s, %d fds (target < %d MiB)", hostList.size(), ms, bad, Report.mib(s.rssBytes()), s.fds(),
                rssTargetMib), bad == 0 && s.rssBytes() < rssTargetMib * 1024 * 1024);
    }

    /** {@link #clients} connections at once, then one request on each while all stay connected. */
    private void manyClients(DaemonProcess d, List<ClusterFiles.Host> hostList) throws Exception {
        int spread = Math.max(1, Math.min(clientHosts, hostList.size()));
        SocketChannel[] chans = new SocketChannel[clients];
        ExecutorService pool = Executors.newFixedThreadPool(connectThreads);
        long t0 = System.nanoTime();
        List<Future<String>> fs = new ArrayList<>();
        int per = (clients + connectThreads - 1) / connectThreads;
        for (int t = 0; t < connectThreads; t++) {
            int from = t * per;
            int to = Math.min(clients, from + per);
            fs.add(pool.submit(() -> {
                for (int i = from; i < to; i++) {
                    ClusterFiles.Host h = hostList.get(i % spread);
                    SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
                    try {
                        ch.connect(UnixDomainSocketAddress.of(d.files().socket(h.name())));
                    } catch (IOException e) {
                        ch.close();
                        return "client " + i + ": " + e;
                    }
                    chans[i] = ch;
                }
                return null;
            }));
        }
        String connectError = null;
        for (Future<String> f : fs) {
            String e = f.get();
            if (e != null && connectError == null) {
                connectError = e;
            }
        }
        pool.shutdown();
        int connected = 0;
        for (SocketChannel c : chans) {
            if (c != null) {
                connected++;
            }
        }
        long connectMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        Thread.sleep(500); // let the daemon accept the last ones
        ProcStats.Sample held = ProcStats.sample(d.pid());
        check(String.format(Locale.ROOT, "%d of %d clients connected in %d ms over %d hosts' sockets; daemon: %d fds, RSS %s",
                connected, clients, connectMs, spread, held.fds(), Report.mib(held.rssBytes())),
                connected == clients);
        if (connectError != null) {
            out.println("    first connect error: " + connectError);
        }

        // every connected client sends one request now, and all wait for their replies
        Latencies lat = new Latencies();
        int ok = 0;
        int errors = 0;
        String firstError = null;
        long[] sentAt = new long[clients];
        StringBuilder[] got = new StringBuilder[clients];
        try (Selector sel = Selector.open()) {
            long s0 = System.nanoTime();
            for (int i = 0; i < clients; i++) {
                SocketChannel ch = chans[i];
                if (ch == null) {
                    continue;
                }
                ClusterFiles.Host h = hostList.get(i % spread);
                ByteBuffer b = ByteBuffer.wrap(("sethost:" + h.lonIds().get(0) + ":echo:client-" + i + "\n")
                        .getBytes(StandardCharsets.US_ASCII));
                sentAt[i] = System.nanoTime();
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.configureBlocking(false);
                ch.register(sel, SelectionKey.OP_READ, i);
                got[i] = new StringBuilder();
            }
            long sendMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - s0);
            int waiting = connected;
            ByteBuffer buf = ByteBuffer.allocate(4096);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            while (waiting > 0 && System.nanoTime() - deadline < 0) {
                sel.select(1000);
                Iterator<SelectionKey> it = sel.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey k = it.next();
                    it.remove();
                    int i = (Integer) k.attachment();
                    SocketChannel ch = (SocketChannel) k.channel();
                    buf.clear();
                    int n;
                    try {
                        n = ch.read(buf);
                    } catch (IOException e) {
                        n = -1;
                    }
                    if (n > 0) {
                        got[i].append(new String(buf.array(), 0, n, StandardCharsets.US_ASCII));
                    }
                    int nl = got[i].indexOf("\n");
                    if (nl >= 0 || n < 0) {
                        k.cancel();
                        waiting--;
                        String reply = nl >= 0 ? got[i].substring(0, nl) : "(closed: " + got[i] + ")";
                        if (reply.equals("client-" + i)) {
                            ok++;
                            lat.record(System.nanoTime() - sentAt[i]);
                        } else {
                            errors++;
                            if (firstError == null) {
                                firstError = "client " + i + " got '" + reply + "'";
                            }
                        }
                    }
                }
            }
            errors += waiting;
            if (waiting > 0 && firstError == null) {
                firstError = waiting + " clients got no reply within " + timeoutSeconds + " s";
            }
            long totalMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - s0);
            ProcStats.Sample peak = ProcStats.sample(d.pid());
            check(String.format(Locale.ROOT, "%d clients each sent one request while all were connected: %d ok, %d errors;"
                    + " sent in %d ms, all answered in %d ms; latency p50 %.1f ms p99 %.1f ms max %.1f ms;"
                    + " daemon RSS %s (peak %s), %d threads, %d fds", connected, ok, errors, sendMs, totalMs,
                    lat.percentileMicros(50) / 1000, lat.percentileMicros(99) / 1000, lat.maxMicros() / 1000,
                    Report.mib(peak.rssBytes()), Report.mib(peak.peakRssBytes()), peak.threads(), peak.fds()),
                    errors == 0 && ok == clients);
            if (firstError != null) {
                out.println("    first error: " + firstError);
            }
        } finally {
            for (SocketChannel c : chans) {
                if (c != null) {
                    c.close();
                }
            }
        }
        Thread.sleep(1000);
        ProcStats.Sample after = ProcStats.sample(d.pid());
        out.printf("after the clients left: daemon %d fds, RSS %s%n", after.fds(), Report.mib(after.rssBytes()));
    }

    private void check(String what, boolean ok) {
        out.println((ok ? "  ok      " : "  FAILED  ") + what);
        if (!ok) {
            failures++;
        }
    }

    private void fail(String what) {
        check(what, false);
    }

    private static String fdLimit(long pid) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid), "limits"))) {
                if (l.startsWith("Max open files")) {
                    String[] f = l.substring("Max open files".length()).trim().split("\\s+");
                    return "soft " + f[0] + ", hard " + f[1];
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return "unknown";
    }
}
