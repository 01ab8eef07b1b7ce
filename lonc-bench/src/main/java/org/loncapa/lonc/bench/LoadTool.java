package org.loncapa.lonc.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.loncapa.lonc.bench.load.ClusterFiles;
import org.loncapa.lonc.bench.load.DaemonProcess;
import org.loncapa.lonc.bench.load.LineChannel;
import org.loncapa.lonc.bench.load.LoadRunner;
import org.loncapa.lonc.bench.load.MinRelay;
import org.loncapa.lonc.bench.load.ProcStats;
import org.loncapa.lonc.bench.load.PhaseResult;
import org.loncapa.lonc.bench.load.Report;
import org.loncapa.lonc.bench.load.Target;
import org.loncapa.lonc.bench.load.Targets;
import org.loncapa.lonc.core.EngineConfig;
import org.loncapa.lonc.core.LoncEngine;
import org.loncapa.lonc.core.RemoteHost;
import org.loncapa.lonc.testkit.FakeLond;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The end-to-end load tool: FakeLond in fast mode, lonc in front of it, N closed-loop clients for D
 * seconds per path, and in the same run the direct and naive baselines; prints throughput, latency
 * percentiles, errors, CPU and memory per path, and the ratios the targets are stated in.
 */
@Command(name = "LoadTool", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Drives lonc with N concurrent clients for D seconds and compares it, in the same run, with "
                    + "the direct baseline (each client on its own persistent lond connection, handshake "
                    + "once) and the naive alternative (fresh TCP connection and full handshake per "
                    + "request). FakeLond (fast mode) runs in this JVM; the daemon runs as its own JVM.",
            "",
            "Paths: daemon (its UNIX socket; --style picks persistent and/or per-request clients), "
                    + "engine (LoncEngine.submit in this JVM), direct, naive; and for design comparisons relay "
                    + "(ReferenceRelay: minimal UNIX front end on the engine's own thread, as the daemon) and relay2 "
                    + "(the same with a front-end thread of its own, the daemon's layout before one loop); minrelay: the C baseline relay "
                    + "(shared/bench/minrelay.c, built with gcc), the speed limit the daemon is measured against.",
            ""})
public final class LoadTool implements Callable<Integer> {
    static final String MY_LON_ID = ClusterFiles.MY_LON_ID;
    static final String LOND_LON_ID = "msul1";
    static final String LOND_HOST = "lond.bench";

    @Option(names = "--clients", description = "Concurrent clients of the daemon, engine and naive paths. Default: ${DEFAULT-VALUE}.")
    int clients = 64;

    @Option(names = "--seconds", description = "Measured seconds per path. Default: ${DEFAULT-VALUE}.")
    double seconds = 10;

    @Option(names = "--warmup", description = "Warm-up seconds per path before measuring. Default: ${DEFAULT-VALUE}.")
    double warmup = 2;

    @Option(names = "--style", description = "Daemon client style: persistent, per-request or both. Default: ${DEFAULT-VALUE}.")
    String style = "both";

    @Option(names = "--connections", description = "lond connections per host for lonc (maxConnectionsPerHost). Default: ${DEFAULT-VALUE}.")
    int connections = 10;

    @Option(names = "--direct-clients", description = "Clients of the direct baseline. Default: --connections (the same number of lond connections as lonc).")
    Integer directClients;

    @Option(names = "--naive-clients", description = "Clients of the naive baseline. Default: --clients.")
    Integer naiveClients;

    @Option(names = "--paths", split = ",", description = "Paths to run, in order (reversed in every second round): engine, direct, naive, daemon, relay, relay2, minrelay. Default: engine,direct,naive,daemon.")
    List<String> paths = new ArrayList<>(List.of("engine", "direct", "naive", "daemon"));

    @Option(names = "--request-bytes", description = "Length of each echo: request in bytes. Default: ${DEFAULT-VALUE}.")
    int requestBytes = 100;

    @Option(names = "--rounds", description = "Run the whole sequence this many times (ratios per round). Default: ${DEFAULT-VALUE}.")
    int rounds = 1;

    @Option(names = "--lond-port", description = "TCP port for FakeLond (0: any free port). Default: ${DEFAULT-VALUE}.")
    int londPort = 0;

    @Option(names = "--daemon", description = "spawn: start the lonc daemon as a separate JVM for this run; attach: use a running"
            + " one (--daemon-sock-dir); none. Default: ${DEFAULT-VALUE}.")
    String daemonMode = "spawn";

    @Option(names = "--daemon-classpath", description = "Classpath of the spawned daemon. Default: this jar.")
    String daemonClasspath;

    @Option(names = "--daemon-jvm-opts", description = "JVM options of the spawned daemon, space-separated. Default: \"${DEFAULT-VALUE}\".")
    String daemonJvmOpts = String.join(" ", DaemonProcess.DEFAULT_JVM_OPTIONS);

    @Option(names = "--daemon-set", paramLabel = "name=value", description = "Extra daemon setting (repeatable);"
            + " maxConnectionsPerHost is set from --connections.")
    List<String> daemonSettings = new ArrayList<>();

    @Option(names = "--daemon-sock-dir", description = "attach: the daemon's lonSockDir. It must route host "
            + LOND_HOST + " / lonID " + LOND_LON_ID + " to --lond-port.")
    Path daemonSockDir;

    @Option(names = "--daemon-pid", description = "attach: pid of the daemon, for its CPU and RSS.")
    long daemonPid = -1;

    @Option(names = "--minrelay", description = "The C baseline relay: its binary or minrelay.c (built with gcc)."
            + " Default: $LONC_MINRELAY, else shared/bench/minrelay.c beside or above the working directory.")
    Path minrelay;

    @Option(names = "--keep", description = "Keep the spawned daemon's directory (configuration, lonc.log).")
    boolean keep;

    @Option(names = "--csv", description = "Append one CSV line per path to this file.")
    Path csv;

    private final PrintStream out = System.out;

    public static void main(String[] args) {
        // the daemon's SLF4J backend, as before it stopped registering itself in the daemon jar
        org.loncapa.lonc.daemon.logging.LoncLogServiceProvider.install();
        System.exit(new CommandLine(new LoadTool()).execute(args));
    }

    /** Clients of the direct baseline: as many as lonc has lond connections unless given. */
    int directClientCount() {
        return directClients != null ? directClients : connections;
    }

    /** Clients of the naive baseline: as many as lonc has clients unless given. */
    int naiveClientCount() {
        return naiveClients != null ? naiveClients : clients;
    }

    @Override
    public Integer call() throws Exception {
        int direct = directClientCount();
        int naive = naiveClientCount();
        Machine.print(out);
        out.printf(Locale.ROOT, "clients=%d direct-clients=%d naive-clients=%d connections=%d seconds=%.0f"
                + " warmup=%.0f request-bytes=%d style=%s%n", clients, direct, naive, connections,
                seconds, warmup, requestBytes, style);
        LoadRunner runner = new LoadRunner(Duration.ofMillis((long) (warmup * 1000)),
                Duration.ofMillis((long) (seconds * 1000)), requestBytes);
        try (FakeLond lond = FakeLond.builder().lonIds(LOND_LON_ID).clientLonId(MY_LON_ID)
                .allowInsecure(true).recordRequests(false).build().start(londPort)) {
            InetSocketAddress addr = new InetSocketAddress("127.0.0.1", lond.port());
            LoncEngine engine = null;
            DaemonProcess daemon = null;
            List<DaemonProcess> relays = new ArrayList<>();
            List<MinRelay> minRelays = new ArrayList<>();
            Path minRelayDir = null;
            List<Target> targets = new ArrayList<>();
            List<Integer> counts = new ArrayList<>();
            try {
                for (String p : paths) {
                    switch (p.trim()) {
                        case "engine" -> {
                            engine = LoncEngine.start(EngineConfig.builder(MY_LON_ID).allowInsecure(true)
                                    .host(new RemoteHost(LOND_HOST, List.of(LOND_LON_ID), "127.0.0.1",
                                            lond.port(), false))
                                    .maxConnectionsPerHost(connections).build());
                            warm(engine, connections);
                            targets.add(Targets.engine(engine, LOND_LON_ID, connections));
                            counts.add(clients);
                        }
                        case "direct" -> {
                            targets.add(Targets.direct(addr, MY_LON_ID, LOND_LON_ID));
                            counts.add(direct);
                        }
                        case "naive" -> {
                            targets.add(Targets.naive(addr, MY_LON_ID, LOND_LON_ID));
                            counts.add(naive);
                        }
                        case "daemon" -> {
                            Path sock;
                            Target.Meter m = null;
                            if (daemonMode.equals("attach")) {
                                if (daemonSockDir == null) {
                                    throw new CommandLine.ParameterException(new CommandLine(this),
                                            "--daemon attach needs --daemon-sock-dir");
                                }
                                sock = daemonSockDir.resolve(LOND_HOST);
                                if (daemonPid > 0) {
                                    m = Targets.processMeter("daemon pid " + daemonPid, daemonPid);
                                }
                            } else if (daemonMode.equals("spawn") && daemonAvailable()) {
                                daemon = spawnDaemon(lond.port());
                                sock = daemon.files().socket(LOND_HOST);
                                m = Targets.processMeter("daemon pid " + daemon.pid(), daemon.pid());
                                out.printf("daemon: pid %d, %s, rss after start-up %s%n", daemon.pid(),
                                        daemonJvmOpts, Report.mib(ProcStats.sample(daemon.pid()).rssBytes()));
                            } else {
                                out.println("note: no daemon (not on the classpath, or --daemon none); daemon path skipped");
                                continue;
                            }
                            if (!style.equals("per-request")) {
                                targets.add(Targets.daemon("daemon", sock, LOND_LON_ID, true, connections, m));
                                counts.add(clients);
                            }
                            if (!style.equals("persistent")) {
                                targets.add(Targets.daemon("daemon", sock, LOND_LON_ID, false, connections, m));
                                counts.add(clients);
                            }
                        }
                        case "relay", "relay2" -> {
                            int threads = p.trim().equals("relay") ? 1 : 2;
                            DaemonProcess r = spawnRelay(lond.port(), threads);
                            relays.add(r);
                            Path sock = r.files().socket(LOND_HOST);
                            Target.Meter m = Targets.processMeter("relay pid " + r.pid(), r.pid());
                            String label = threads == 1 ? "relay1" : "relay2";
                            if (!style.equals("per-request")) {
                                targets.add(Targets.daemon(label, sock, LOND_LON_ID, true, connections, m));
                                counts.add(clients);
                            }
                            if (!style.equals("persistent")) {
                                targets.add(Targets.daemon(label, sock, LOND_LON_ID, false, connections, m));
                                counts.add(clients);
                            }
                        }
                        case "minrelay" -> {
                            var source = MinRelay.locate(minrelay, System.getenv("LONC_MINRELAY"), Path.of(""));
                            if (source.isEmpty()) {
                                out.println("note: minrelay.c not found (--minrelay or LONC_MINRELAY); minrelay path skipped");
                                continue;
                            }
                            minRelayDir = Files.createTempDirectory("lonc-bench-minrelay-");
                            MinRelay r = MinRelay.start(MinRelay.binary(source.get(), minRelayDir),
                                    minRelayDir.resolve(LOND_HOST), lond.port(), connections, LOND_LON_ID,
                                    Duration.ofSeconds(10));
                            minRelays.add(r);
                            out.printf("minrelay: pid %d, from %s%n", r.pid(), source.get());
                            warmSocket(null, r.socket());
                            Target.Meter m = Targets.processMeter("minrelay pid " + r.pid(), r.pid());
                            if (!style.equals("per-request")) {
                                targets.add(Targets.daemon("minrelay", r.socket(), LOND_LON_ID, true, connections, m));
                                counts.add(clients);
                            }
                            if (!style.equals("persistent")) {
                                targets.add(Targets.daemon("minrelay", r.socket(), LOND_LON_ID, false, connections, m));
                                counts.add(clients);
                            }
                        }
                        default -> throw new CommandLine.ParameterException(new CommandLine(this),
                                "unknown path " + p + " (engine, direct, naive, daemon, relay, relay2, minrelay)");
                    }
                }
                List<Map<String, PhaseResult>> all = new ArrayList<>();
                for (int round = 1; round <= rounds; round++) {
                    if (rounds > 1) {
                        out.println();
                        out.println("round " + round);
                    }
                    out.println(Report.HEADER);
                    Map<String, PhaseResult> byName = new LinkedHashMap<>();
                    // alternate the order, so that no path always runs on a machine warmed (or
                    // loaded) by the same neighbour
                    for (int k = 0; k < targets.size(); k++) {
                        int i = round % 2 == 1 ? k : targets.size() - 1 - k;
                        PhaseResult r = runner.run(targets.get(i), counts.get(i));
                        out.println(Report.row(r));
                        String threads = Report.threads(r);
                        if (threads != null) {
                            out.println("    subject CPU by thread: " + threads);
                        }
                        if (r.firstError() != null) {
                            out.println("    first error: " + r.firstError());
                        }
                        byName.put(r.target(), r);
                        appendCsv(r);
                    }
                    all.add(byName);
                    printRatios(byName);
                }
                if (rounds > 1) {
                    out.println();
                    out.println("over " + rounds + " rounds");
                    List<List<Figure>> perRound = new ArrayList<>();
                    for (Map<String, PhaseResult> byName : all) {
                        perRound.add(figures(byName));
                    }
                    summary(perRound).forEach(out::println);
                }
            } finally {
                // also when a path fails: no spawned JVM may outlive the run
                if (engine != null) {
                    engine.close();
                }
                for (DaemonProcess r : relays) {
                    r.close();
                    deleteTree(r.files().dir());
                }
                for (MinRelay r : minRelays) {
                    r.close();
                }
                if (minRelayDir != null) {
                    deleteTree(minRelayDir);
                }
                if (daemon != null) {
                    daemon.close();
                    if (!keep) {
                        deleteTree(daemon.files().dir());
                    } else {
                        out.println("kept " + daemon.files().dir());
                    }
                }
            }
        }
        return 0;
    }

    private boolean daemonAvailable() {
        if (daemonClasspath != null) {
            return true;
        }
        try {
            Class.forName(DaemonProcess.class.getName().replace("bench.load.DaemonProcess",
                    "daemon.LoncDaemon"), false, getClass().getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private DaemonProcess spawnDaemon(int londPort) throws IOException, InterruptedException {
        ClusterFiles files = ClusterFiles.write(Files.createTempDirectory("lonc-bench-"), londPort,
                ClusterFiles.oneHost(LOND_HOST, LOND_LON_ID));
        List<String> settings = new ArrayList<>();
        settings.add("maxConnectionsPerHost=" + connections);
        settings.addAll(daemonSettings);
        List<String> jvm = daemonJvmOpts.isBlank() ? List.of() : List.of(daemonJvmOpts.trim().split("\\s+"));
        DaemonProcess d = DaemonProcess.start(files,
                daemonClasspath != null ? daemonClasspath : System.getProperty("java.class.path"), jvm,
                settings);
        warmSocket(d, files.socket(LOND_HOST));
        return d;
    }

    private DaemonProcess spawnRelay(int londPort, int threads) throws IOException, InterruptedException {
        ClusterFiles files = ClusterFiles.write(Files.createTempDirectory("lonc-bench-relay-"), londPort,
                ClusterFiles.oneHost(LOND_HOST, LOND_LON_ID));
        List<String> jvm = daemonJvmOpts.isBlank() ? List.of() : List.of(daemonJvmOpts.trim().split("\\s+"));
        DaemonProcess d = DaemonProcess.startRelay(files, System.getProperty("java.class.path"), jvm,
                londPort, connections, threads, 1);
        warmSocket(d, files.socket(LOND_HOST));
        return d;
    }

    private void warmSocket(DaemonProcess d, Path sock) throws IOException, InterruptedException {
        if (d != null) {
            d.awaitSocket(sock, Duration.ofSeconds(30));
        }
        // open the lond connections before measuring (one handshake at a time)
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < connections * 2; i++) {
            Thread t = new Thread(() -> {
                try (LineChannel c = LineChannel.unix(sock)) {
                    for (int j = 0; j < 50; j++) {
                        c.writeLine("sethost:" + LOND_LON_ID + ":ping");
                        c.readLine();
                    }
                } catch (IOException e) {
                    // the load run will show it
                }
            });
            t.start();
            ts.add(t);
        }
        for (Thread t : ts) {
            t.join();
        }
    }

    static void deleteTree(Path dir) {
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }

    private static void warm(LoncEngine engine, int connections) {
        // open every lond connection before measuring (handshakes are done one at a time)
        for (int i = 0; i < 20; i++) {
            List<CompletableFuture<String>> fs = new ArrayList<>();
            for (int j = 0; j < connections * 4; j++) {
                fs.add(engine.submit(LOND_LON_ID, "ping"));
            }
            fs.forEach(CompletableFuture::join);
        }
    }

    /**
     * One figure a round yields: a ratio that must reach its target ({@code kind} "x"), a ratio that
     * must stay at or under it ("x<="), or an added latency that must stay at or under it ("µs");
     * {@code target} is NaN when the run does not have the target's shape.
     */
    record Figure(String label, double value, String kind, double target) {
        boolean hasTarget() {
            return !Double.isNaN(target);
        }

        boolean atLeast() {
            return kind.equals("x");
        }

        boolean met() {
            return atLeast() ? value >= target : value <= target;
        }

        String text() {
            return kind.startsWith("x") ? String.format(Locale.ROOT, "%.2fx", value)
                    : String.format(Locale.ROOT, "%.1f µs", value);
        }

        String targetText() {
            return (atLeast() ? ">= " : "<= ") + (kind.startsWith("x")
                    ? ratioText(target) + "x" : String.format(Locale.ROOT, "%.0f µs", target));
        }

        /** 0.6 as "0.6" and 0.85 as "0.85" (one decimal would show 0.85 as 0.9). */
        private static String ratioText(double r) {
            String s = String.format(Locale.ROOT, "%.2f", r);
            return s.endsWith("0") ? s.substring(0, s.length() - 1) : s;
        }

        String verdict() {
            return hasTarget() ? "   target " + targetText() + ": " + (met() ? "met" : "MISSED") : "";
        }
    }

    /** The ratios and added latencies of one round, in the order they are printed. */
    List<Figure> figures(Map<String, PhaseResult> r) {
        List<Figure> f = new ArrayList<>();
        PhaseResult dp = r.get("daemon/persistent");
        PhaseResult dr = r.get("daemon/per-request");
        PhaseResult direct = r.get("direct");
        PhaseResult naive = r.get("naive");
        PhaseResult engine = r.get("engine");
        // the throughput targets are stated for 64 concurrent clients and 10 lond connections, with
        // the direct baseline on as many connections; elsewhere the ratios are shown without a verdict
        boolean targetShape = clients == 64 && connections == 10;
        double none = Double.NaN;
        ratio(f, "daemon/persistent : direct", dp, direct,
                targetShape && direct != null && direct.clients() == connections ? 0.4 : none);
        ratio(f, "daemon/per-request : naive", dr, naive, targetShape ? 2.0 : none);
        ratio(f, "daemon/per-request : daemon/persistent", dr, dp, targetShape ? 0.6 : none);
        for (String relay : List.of("relay1", "relay2")) {
            ratio(f, relay + "/persistent : direct", r.get(relay + "/persistent"), direct, none);
            ratio(f, relay + "/per-request : naive", r.get(relay + "/per-request"), naive, none);
        }
        // against the C relay: throughput at the target shape, and one client at a time the round trip
        PhaseResult mp = r.get("minrelay/persistent");
        PhaseResult mr = r.get("minrelay/per-request");
        ratio(f, "daemon/persistent : minrelay", dp, mp, targetShape ? 0.9 : none);
        ratio(f, "daemon/per-request : minrelay", dr, mr, targetShape ? 0.85 : none);
        latencyRatio(f, "persistent", dp, mp);
        latencyRatio(f, "per-request", dr, mr);
        ratio(f, "engine : direct", engine, direct, none);
        ratio(f, "engine : naive", engine, naive, none);
        if (dp != null && direct != null && dp.clients() == 1 && direct.clients() == 1) {
            added(f, "p50", dp, direct, 50, 60);
            added(f, "p99", dp, direct, 99, 300);
        }
        if (engine != null && direct != null && engine.clients() == 1 && direct.clients() == 1) {
            added(f, "engine p50", engine, direct, 50, none);
            added(f, "engine p99", engine, direct, 99, none);
        }
        return f;
    }

    private static void ratio(List<Figure> f, String label, PhaseResult a, PhaseResult b, double target) {
        if (a != null && b != null && b.requestsPerSecond() > 0) {
            f.add(new Figure(label, a.requestsPerSecond() / b.requestsPerSecond(), "x", target));
        }
    }

    /**
     * One client at a time: the daemon's p50 and p99 round trip over the relay's, lower is better
     * (targets: p50 at most 1.3x, p99 at most 2x).
     */
    private static void latencyRatio(List<Figure> f, String style, PhaseResult daemon, PhaseResult relay) {
        if (daemon == null || relay == null || daemon.clients() != 1 || relay.clients() != 1) {
            return;
        }
        double r50 = relay.latencies().percentileMicros(50);
        double r99 = relay.latencies().percentileMicros(99);
        if (r50 > 0 && r99 > 0) {
            f.add(new Figure("p50 daemon/" + style + " : minrelay",
                    daemon.latencies().percentileMicros(50) / r50, "x<=", 1.3));
            f.add(new Figure("p99 daemon/" + style + " : minrelay",
                    daemon.latencies().percentileMicros(99) / r99, "x<=", 2.0));
        }
    }

    private static void added(List<Figure> f, String label, PhaseResult lonc, PhaseResult direct,
            double percentile, double limit) {
        f.add(new Figure("added latency " + label, lonc.latencies().percentileMicros(percentile)
                - direct.latencies().percentileMicros(percentile), "µs", limit));
    }

    private void printRatios(Map<String, PhaseResult> r) {
        out.println();
        for (Figure f : figures(r)) {
            out.printf(Locale.ROOT, "%-40s %s%s%n", f.label(), f.text(), f.verdict());
        }
    }

    /**
     * After several rounds: each figure's median and every round's value, and for a target how many
     * rounds met it. One round can be an outlier on a shared machine; the median and the count say
     * more than any single round.
     */
    static List<String> summary(List<List<Figure>> rounds) {
        Map<String, List<Figure>> byLabel = new LinkedHashMap<>();
        for (List<Figure> round : rounds) {
            for (Figure f : round) {
                byLabel.computeIfAbsent(f.label(), k -> new ArrayList<>()).add(f);
            }
        }
        List<String> lines = new ArrayList<>();
        for (Map.Entry<String, List<Figure>> e : byLabel.entrySet()) {
            List<Figure> fs = e.getValue();
            double[] values = fs.stream().mapToDouble(Figure::value).sorted().toArray();
            int n = values.length;
            double median = n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
            Figure first = fs.get(0);
            Figure med = new Figure(first.label(), median, first.kind(), first.target());
            StringBuilder each = new StringBuilder();
            for (Figure f : fs) {
                each.append(each.length() == 0 ? "" : ", ").append(f.text());
            }
            String verdict = "";
            if (first.hasTarget()) {
                long met = fs.stream().filter(Figure::met).count();
                verdict = String.format(Locale.ROOT, "   target %s: median %s, %d of %d rounds",
                        first.targetText(), med.met() ? "met" : "MISSED", met, n);
            }
            lines.add(String.format(Locale.ROOT, "%-40s median %s (%s)%s", first.label(), med.text(),
                    each, verdict));
        }
        return lines;
    }

    private void appendCsv(PhaseResult r) throws IOException {
        if (csv == null) {
            return;
        }
        boolean fresh = !Files.exists(csv);
        String text = (fresh ? Report.CSV_HEADER + "\n" : "") + Report.csv(r) + "\n";
        Files.writeString(csv, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
