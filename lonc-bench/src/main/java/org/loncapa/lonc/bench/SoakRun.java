package org.loncapa.lonc.bench;

import java.io.EOFException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.loncapa.lonc.bench.load.ClusterFiles;
import org.loncapa.lonc.bench.load.DaemonProcess;
import org.loncapa.lonc.bench.load.JvmProbe;
import org.loncapa.lonc.bench.load.LineChannel;
import org.loncapa.lonc.bench.load.ProcStats;
import org.loncapa.lonc.bench.load.Report;
import org.loncapa.lonc.core.ReplyTokens;
import org.loncapa.lonc.core.deferred.DeferredStore;
import org.loncapa.lonc.core.deferred.PermLog;
import org.loncapa.lonc.core.deferred.RealStoreIo;
import org.loncapa.lonc.core.deferred.SaveResult;
import org.loncapa.lonc.testkit.Fault;
import org.loncapa.lonc.testkit.FakeLond;
import org.loncapa.lonc.testkit.RecordedRequest;
import org.loncapa.lonc.testkit.Response;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The soak run: the daemon (its own JVM) under mixed load for a long time while FakeLond misbehaves
 * (bad replies, stalls, disconnects, connection faults, restarts and outages), checking that every
 * request gets exactly one reply (its own, or lonc's {@code con_lost}/{@code con_busy}), that the
 * daemon's descriptors, live heap and RSS do not grow, and that every critical request deferred by
 * the clients (as lonnet's {@code critical()} does on {@code con_lost}) is replayed once the faults
 * stop.
 */
@Command(name = "SoakRun", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Mixed load through the daemon with faults injected into FakeLond; checks exactly one reply "
                + "per request, no descriptor or memory growth, and no deferred transaction lost.", ""})
public final class SoakRun implements Callable<Integer> {
    @Option(names = "--minutes", description = "Length of the loaded, faulty phase. Default: ${DEFAULT-VALUE}.")
    double minutes = 10;

    @Option(names = "--hosts", description = "Remote hosts (one FakeLond answers for all). Default: ${DEFAULT-VALUE}.")
    int hosts = 4;

    @Option(names = "--persistent", description = "Clients that keep one connection. Default: ${DEFAULT-VALUE}.")
    int persistent = 8;

    @Option(names = "--per-request", description = "Clients that connect per request (lonnet). Default: ${DEFAULT-VALUE}.")
    int perRequest = 8;

    @Option(names = "--critical", description = "Clients of critical requests, deferred on con_lost. Default: ${DEFAULT-VALUE}.")
    int critical = 2;

    @Option(names = "--think-ms", description = "Pause of each client between requests. Default: ${DEFAULT-VALUE}.")
    int thinkMs = 1;

    @Option(names = "--fault-rate", description = "Share of requests FakeLond answers badly (stall, disconnect,"
            + " cut-off reply, garbage, delay). Default: ${DEFAULT-VALUE}.")
    double faultRate = 0.002;

    @Option(names = "--chaos-interval", description = "Seconds between connection faults, restarts and outages."
            + " Default: ${DEFAULT-VALUE}.")
    double chaosInterval = 15;

    @Option(names = "--recovery", description = "Seconds allowed, after the faults stop, for every deferred"
            + " transaction to be replayed. Default: ${DEFAULT-VALUE}.")
    int recovery = 90;

    @Option(names = "--sample-interval", description = "Seconds between samples of the daemon. Default: ${DEFAULT-VALUE}.")
    int sampleInterval = 10;

    @Option(names = "--seed", description = "Seed of the fault schedule. Default: ${DEFAULT-VALUE}.")
    long seed = 7;

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

    @Option(names = "--keep", description = "Keep the daemon's directory (lonc.log, delayed/).")
    boolean keep;

    /** Fast failure detection so that stalls and outages resolve within seconds. */
    static final List<String> SOAK_SETTINGS = List.of("transactionTimeout=2s", "handshakeStepTimeout=2s",
            "connectTimeout=1s", "probeInitialDelay=1s", "probeMaxDelay=4s", "deferredRetryAfter=2s",
            "deferredRescanInterval=2s", "deferredRate=200", "deferredMaxInFlight=4");

    private static final long REPLY_TIMEOUT_MS = 30_000;

    private final PrintStream out = System.out;
    private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong violationCount = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong ok = new AtomicLong();
    private final AtomicLong lonclErrors = new AtomicLong();
    private final AtomicLong criticalSent = new AtomicLong();
    private final AtomicLong criticalBusy = new AtomicLong();
    private final AtomicLong saveFailed = new AtomicLong();
    private final Set<String> deferred = ConcurrentHashMap.newKeySet();
    private final Set<String> executedCritical = ConcurrentHashMap.newKeySet();
    private final AtomicLong faultsInjected = new AtomicLong();
    private volatile boolean faulty = true;
    private volatile boolean running = true;

    public static void main(String[] args) {
        // the daemon's SLF4J backend, as before it stopped registering itself in the daemon jar
        org.loncapa.lonc.daemon.logging.LoncLogServiceProvider.install();
        System.exit(new CommandLine(new SoakRun()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Machine.print(out);
        List<ClusterFiles.Host> hostList = new ArrayList<>();
        for (int i = 1; i <= hosts; i++) {
            hostList.add(new ClusterFiles.Host("soak" + i + ".bench", List.of(String.format("s%03d", i))));
        }
        String[] ids = hostList.stream().map(h -> h.lonIds().get(0)).toArray(String[]::new);
        Path dir = Files.createTempDirectory("lonc-bench-soak-");
        try (FakeLond lond = FakeLond.builder().lonIds(ids).clientLonId(ClusterFiles.MY_LON_ID)
                .allowInsecure(true).recordRequests(false).dispatcher(this::answer).build().start()) {
            ClusterFiles files = ClusterFiles.write(dir, lond.port(), hostList);
            List<String> settings = new ArrayList<>(SOAK_SETTINGS);
            settings.addAll(daemonSettings);
            List<String> jvm = daemonJvmOpts.isBlank() ? List.of() : List.of(daemonJvmOpts.trim().split("\\s+"));
            try (DaemonProcess d = launcher != null ? DaemonProcess.startLauncher(files, launcher, jvm, settings)
                    : DaemonProcess.start(files,
                    daemonClasspath != null ? daemonClasspath : System.getProperty("java.class.path"), jvm, settings)) {
                d.awaitSocket(files.socket(hostList.get(0).name()), Duration.ofSeconds(60));
                out.printf("daemon pid %d, %d hosts, %s; settings %s%n", d.pid(), hosts, daemonJvmOpts, settings);
                out.printf("clients: %d persistent, %d per-request, %d critical; fault rate %.3f; chaos every %.0f s;"
                        + " %.1f minutes%n", persistent, perRequest, critical, faultRate, chaosInterval, minutes);
                DeferredStore store = new DeferredStore(files.delayedDir(), Clock.systemUTC(),
                        ProcessHandle.current().pid(), new RealStoreIo(),
                        new PermLog(files.dir().resolve("perl/logs/lonnet.perm.log"), Clock.systemUTC()));
                List<Thread> threads = new ArrayList<>();
                for (int i = 0; i < persistent; i++) {
                    threads.add(start("persistent-" + i, persistentClient(files, hostList.get(i % hosts), i)));
                }
                for (int i = 0; i < perRequest; i++) {
                    threads.add(start("per-request-" + i, perRequestClient(files, hostList.get(i % hosts), i)));
                }
                for (int i = 0; i < critical; i++) {
                    threads.add(start("critical-" + i, criticalClient(files, hostList.get(i % hosts), i, store)));
                }
                Thread chaos = start("chaos", () -> chaos(lond));
                List<long[]> samples = sampleUntil(d, System.nanoTime() + (long) (minutes * 60e9));

                // stop the faults; the clients go on for a while against a healthy lond
                faulty = false;
                chaos.interrupt();
                chaos.join();
                lond.fault(Fault.NONE);
                lond.restart();
                out.println("faults stopped; lond restarted healthy; clients keep going for 10 s");
                Thread.sleep(10_000);
                running = false;
                for (Thread t : threads) {
                    t.join(TimeUnit.SECONDS.toMillis(60));
                }
                for (ClusterFiles.Host h : hostList) {
                    send(files, h, "reset_retries"); // lonnet's reconlonc
                }
                recoverDeferred(files, store);
                Thread.sleep(2000);
                ProcStats.Sample end = ProcStats.sample(d.pid());
                long endHeap = JvmProbe.liveHeapBytes(d.pid());
                out.printf("after the run: daemon %d fds, %d threads, RSS %s, live heap %s%n", end.fds(),
                        end.threads(), Report.mib(end.rssBytes()), Report.mib(endHeap));
                verdict(samples, end, d, files);
            } finally {
                if (keep) {
                    out.println("kept " + dir);
                }
            }
        } finally {
            if (!keep) {
                LoadTool.deleteTree(dir);
            }
        }
        return violationCount.get() == 0 ? 0 : 1;
    }

    // ------------------------------------------------------------------ FakeLond

    /** FakeLond's dispatcher: echo and put, with the occasional bad answer while faulty. */
    private Response answer(RecordedRequest r) {
        String cmd = r.command();
        if (faulty && ThreadLocalRandom.current().nextDouble() < faultRate) {
            faultsInjected.incrementAndGet();
            switch (ThreadLocalRandom.current().nextInt(5)) {
                case 0:
                    return Response.disconnect();
                case 1:
                    return Response.stall();
                case 2:
                    return Response.garbage();
                case 3:
                    return Response.midReply("cut-off");
                default:
                    return executed(cmd).delay(Duration.ofMillis(50 + ThreadLocalRandom.current().nextInt(450)));
            }
        }
        return executed(cmd);
    }

    /**
     * The answer to a request this lond carries out; only here does a critical request count as
     * delivered (one cut off by a fault was not, and must come back through the deferred store).
     */
    private Response executed(String cmd) {
        if (cmd.startsWith("put:soak:")) {
            executedCritical.add(cmd.substring("put:soak:".length()));
        }
        return reply(cmd);
    }

    private static Response reply(String cmd) {
        if (cmd.startsWith("echo:")) {
            return Response.reply(cmd.substring("echo:".length()));
        }
        if (cmd.startsWith("put:")) {
            return Response.reply("ok");
        }
        return null; // built-ins (ping)
    }

    /** Connection faults, restarts and outages at random intervals around {@link #chaosInterval}. */
    private void chaos(FakeLond lond) {
        Random rnd = new Random(seed);
        Fault[] faults = {Fault.REFUSE, Fault.DISCONNECT_AT_START, Fault.GARBAGE_HANDSHAKE,
            Fault.STALL_HANDSHAKE, Fault.WRONG_CHALLENGE_OK};
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Thread.sleep((long) (chaosInterval * 1000 * (0.5 + rnd.nextDouble())));
                int what = rnd.nextInt(4);
                switch (what) {
                    case 0 -> {
                        out.println("chaos: lond restart");
                        lond.restart();
                    }
                    case 1 -> {
                        int s = 2 + rnd.nextInt(5);
                        out.println("chaos: lond down for " + s + " s");
                        lond.shutdown();
                        lond.closeAllConnections();
                        try {
                            Thread.sleep(s * 1000L);
                        } finally {
                            lond.restart();
                        }
                    }
                    case 2 -> {
                        Fault f = faults[rnd.nextInt(faults.length)];
                        out.println("chaos: " + f + " on new connections for 5 s, open ones dropped");
                        lond.fault(f);
                        lond.closeAllConnections();
                        try {
                            Thread.sleep(5000);
                        } finally {
                            lond.fault(Fault.NONE);
                        }
                    }
                    default -> {
                        out.println("chaos: all lond connections dropped");
                        lond.closeAllConnections();
                    }
                }
            }
        } catch (InterruptedException e) {
            // faults over
        } catch (IOException e) {
            violation("chaos could not restart FakeLond: " + e);
        }
    }

    // ------------------------------------------------------------------ clients

    private Runnable persistentClient(ClusterFiles files, ClusterFiles.Host h, int index) {
        return () -> {
            String id = h.lonIds().get(0);
            long seq = 0;
            LineChannel c = null;
            try {
                while (running) {
                    if (c == null) {
                        c = LineChannel.unix(files.socket(h.name())).timed();
                    }
                    String token = "p" + index + "-" + seq++;
                    sent.incrementAndGet();
                    c.writeLine("sethost:" + id + ":echo:" + token);
                    String reply;
                    try {
                        reply = c.readLine(REPLY_TIMEOUT_MS);
                    } catch (SocketTimeoutException | EOFException e) {
                        violation("persistent client " + index + ": no reply to " + token + " (" + e.getMessage() + ")");
                        c.close();
                        c = null;
                        continue;
                    }
                    check(reply, token);
                    think();
                }
                if (c != null) {
                    int extra = c.drainToEof(REPLY_TIMEOUT_MS);
                    if (extra != 0) {
                        violation("persistent client " + index + ": " + extra + " bytes after its last reply");
                    }
                }
            } catch (IOException e) {
                violation("persistent client " + index + ": " + e);
            } finally {
                closeQuietly(c);
            }
        };
    }

    private Runnable perRequestClient(ClusterFiles files, ClusterFiles.Host h, int index) {
        return () -> {
            String id = h.lonIds().get(0);
            long seq = 0;
            while (running) {
                String token = "r" + index + "-" + seq++;
                String reply = exchange(files, h, "sethost:" + id + ":echo:" + token, "per-request client " + index);
                if (reply != null) {
                    check(reply, token);
                }
                think();
            }
        };
    }

    private Runnable criticalClient(ClusterFiles files, ClusterFiles.Host h, int index, DeferredStore store) {
        return () -> {
            String id = h.lonIds().get(0);
            long seq = 0;
            while (running) {
                String token = "k" + index + "-" + seq++;
                String cmd = "put:soak:" + token;
                criticalSent.incrementAndGet();
                String reply = exchange(files, h, "sethost:" + id + ":" + cmd, "critical client " + index);
                if (reply == null) {
                    continue;
                }
                if (reply.equals(ReplyTokens.CON_LOST)) {
                    lonclErrors.incrementAndGet();
                    SaveResult r = store.saveVerified(id, cmd); // what lonnet's critical() does
                    if (r.status() == SaveResult.Status.DELAYED) {
                        deferred.add(token);
                    } else {
                        saveFailed.incrementAndGet();
                        violation("could not defer " + cmd + ": " + r);
                    }
                } else if (reply.equals(ReplyTokens.CON_BUSY)) {
                    criticalBusy.incrementAndGet();
                } else if (reply.equals("ok")) {
                    ok.incrementAndGet();
                } else {
                    violation("critical " + cmd + " got '" + reply + "'");
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        };
    }

    /**
     * One request on a fresh connection, half-closed after the request so that exactly one reply
     * line followed by EOF can be checked. Returns the reply, or null after a violation.
     */
    private String exchange(ClusterFiles files, ClusterFiles.Host h, String line, String who) {
        sent.incrementAndGet();
        try (LineChannel c = LineChannel.unix(files.socket(h.name())).timed()) {
            c.writeLine(line);
            String reply;
            try {
                reply = c.readLine(REPLY_TIMEOUT_MS);
            } catch (SocketTimeoutException | EOFException e) {
                violation(who + ": no reply to '" + line + "' (" + e.getMessage() + ")");
                return null;
            }
            int extra = c.drainToEof(REPLY_TIMEOUT_MS);
            if (extra != 0) {
                violation(who + ": " + extra + " bytes after the reply to '" + line + "'");
            }
            return reply;
        } catch (IOException e) {
            violation(who + ": '" + line + "': " + e);
            return null;
        }
    }

    private void send(ClusterFiles files, ClusterFiles.Host h, String line) {
        exchange(files, h, line, "reset_retries");
    }

    private void check(String reply, String token) {
        if (reply.equals(token)) {
            ok.incrementAndGet();
        } else if (reply.equals(ReplyTokens.CON_LOST) || reply.equals(ReplyTokens.CON_BUSY)) {
            lonclErrors.incrementAndGet();
        } else {
            violation("reply '" + reply + "' to request " + token);
        }
    }

    private void think() {
        if (thinkMs > 0) {
            try {
                Thread.sleep(thinkMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ------------------------------------------------------------------ sampling and checks

    /** Samples {rss, fds, threads, liveHeap, cpu, ok, errors} until {@code end}. */
    private List<long[]> sampleUntil(DaemonProcess d, long end) throws InterruptedException {
        List<long[]> samples = new ArrayList<>();
        long t0 = System.nanoTime();
        long lastOk = 0;
        while (System.nanoTime() - end < 0) {
            Thread.sleep(Math.min(sampleInterval * 1000L, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            if (!d.isAlive()) {
                violation("the daemon died: " + d.output());
                break;
            }
            ProcStats.Sample s = ProcStats.sample(d.pid());
            long heap = JvmProbe.liveHeapBytes(d.pid());
            long okNow = ok.get();
            samples.add(new long[] {s.rssBytes(), s.fds(), s.threads(), heap, s.cpuNanos()});
            out.printf(Locale.ROOT, "t=%4ds  daemon RSS %s, live heap %s, %d fds, %d threads;"
                    + " %d replies/s; totals: %d sent, %d ok, %d con_lost/busy, %d deferred, %d faults injected,"
                    + " %d violations%n",
                    (System.nanoTime() - t0) / 1_000_000_000L, Report.mib(s.rssBytes()), Report.mib(heap),
                    s.fds(), s.threads(), (okNow - lastOk) / Math.max(1, sampleInterval), sent.get(), okNow,
                    lonclErrors.get(), deferred.size(), faultsInjected.get(), violationCount.get());
            lastOk = okNow;
        }
        return samples;
    }

    private void recoverDeferred(ClusterFiles files, DeferredStore store) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(recovery);
        long t0 = System.nanoTime();
        while (System.nanoTime() - deadline < 0) {
            if (pendingFiles(files.delayedDir()) == 0 && executedCritical.containsAll(deferred)) {
                break;
            }
            Thread.sleep(500);
        }
        long pending = pendingFiles(files.delayedDir());
        List<String> lost = new ArrayList<>();
        for (String t : deferred) {
            if (!executedCritical.contains(t)) {
                lost.add(t);
            }
        }
        out.printf("deferred: %d critical requests got con_lost and were deferred; %.1f s after the faults stopped,"
                + " %d file(s) still pending, %d never reached lond%n", deferred.size(),
                (System.nanoTime() - t0) / 1e9, pending, lost.size());
        if (pending != 0 || !lost.isEmpty()) {
            violation("deferred transactions not delivered: " + pending + " files pending, lost "
                    + lost.subList(0, Math.min(10, lost.size())));
        }
        long held = countFiles(files.delayedDir().resolve(DeferredStore.HOLD_DIR))
                + countFiles(files.delayedDir().resolve(DeferredStore.CORRUPT_DIR));
        if (held != 0) {
            violation(held + " deferred file(s) were moved to hold/ or corrupt/");
        }
    }

    private static long pendingFiles(Path delayed) throws IOException {
        if (!Files.isDirectory(delayed)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(delayed)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith(".")).count();
        }
    }

    private static long countFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    private void verdict(List<long[]> samples, ProcStats.Sample end, DaemonProcess d, ClusterFiles files)
            throws IOException {
        out.println();
        out.printf("requests: %d sent, %d answered with their own reply, %d answered con_lost/con_busy;"
                + " critical: %d sent, %d deferred, %d busy; %d faults injected by the dispatcher%n",
                sent.get(), ok.get(), lonclErrors.get(), criticalSent.get(), deferred.size(), criticalBusy.get(),
                faultsInjected.get());
        if (samples.size() >= 4) {
            int n = samples.size();
            double[] early = mean(samples.subList(n / 4, n / 2));
            double[] late = mean(samples.subList(n - n / 4, n));
            out.printf(Locale.ROOT, "growth (2nd quarter -> last quarter of the run): fds %.0f -> %.0f, live heap %.1f -> %.1f MiB,"
                    + " RSS %.1f -> %.1f MiB, threads %.0f -> %.0f%n", early[1], late[1], early[3] / 1048576,
                    late[3] / 1048576, early[0] / 1048576, late[0] / 1048576, early[2], late[2]);
            if (late[1] > early[1] + 10) {
                violation(String.format(Locale.ROOT, "descriptors grew: %.0f -> %.0f", early[1], late[1]));
            }
            if (early[3] > 0 && late[3] > early[3] * 1.2 + 2 * 1048576) {
                violation(String.format(Locale.ROOT, "live heap grew: %.1f -> %.1f MiB", early[3] / 1048576,
                        late[3] / 1048576));
            }
            if (late[0] > early[0] * 1.15 + 8 * 1048576) {
                violation(String.format(Locale.ROOT, "RSS grew: %.1f -> %.1f MiB", early[0] / 1048576,
                        late[0] / 1048576));
            }
            if (late[2] > early[2] + 2) {
                violation(String.format(Locale.ROOT, "threads grew: %.0f -> %.0f", early[2], late[2]));
            }
        } else {
            out.println("run too short for a growth check (fewer than 4 samples)");
        }
        long exceptions = 0;
        if (Files.exists(files.logFile())) {
            try (Stream<String> s = Files.lines(files.logFile())) {
                exceptions = s.filter(l -> l.contains("Exception")).count();
            }
        }
        out.printf("lonc.log: %d lines mentioning an exception%n", exceptions);
        if (!d.isAlive()) {
            violation("the daemon is not running at the end");
        }
        out.println();
        if (violationCount.get() == 0) {
            out.println("soak run: every request got exactly one reply, no growth, no deferred transaction lost");
        } else {
            out.println("soak run: " + violationCount.get() + " violation(s); the first ones:");
            synchronized (violations) {
                violations.forEach(v -> out.println("  " + v));
            }
        }
    }

    private static double[] mean(List<long[]> rows) {
        double[] m = new double[rows.get(0).length];
        for (long[] r : rows) {
            for (int i = 0; i < m.length; i++) {
                m[i] += r[i];
            }
        }
        for (int i = 0; i < m.length; i++) {
            m[i] /= rows.size();
        }
        return m;
    }

    private void violation(String what) {
        violationCount.incrementAndGet();
        if (violations.size() < 20) {
            violations.add(what);
        }
    }

    private static Thread start(String name, Runnable r) {
        Thread t = new Thread(r, "soak-" + name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void closeQuietly(LineChannel c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException e) {
                // ignore
            }
        }
    }
}
