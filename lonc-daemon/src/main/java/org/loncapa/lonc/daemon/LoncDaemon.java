package org.loncapa.lonc.daemon;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import org.loncapa.lonc.core.EngineConfig;
import org.loncapa.lonc.core.HostStatus;
import org.loncapa.lonc.core.LoncEngine;
import org.loncapa.lonc.core.RemoteHost;
import org.loncapa.lonc.core.Ticker;
import org.loncapa.lonc.core.config.ConfigException;
import org.loncapa.lonc.core.config.HostTable;
import org.loncapa.lonc.core.config.LoncapaConfig;
import org.loncapa.lonc.core.deferred.DeferredReplayer;
import org.loncapa.lonc.core.deferred.DeferredStore;
import org.loncapa.lonc.core.deferred.PermLog;
import org.loncapa.lonc.core.deferred.RealStoreIo;
import org.loncapa.lonc.core.internal.EngineInternals;
import org.loncapa.lonc.daemon.frontend.AccessPolicy;
import org.loncapa.lonc.daemon.frontend.FrontEnd;
import org.loncapa.lonc.daemon.frontend.SocketFiles;
import org.loncapa.lonc.daemon.logging.LogFile;
import org.loncapa.lonc.daemon.logging.LoncLog;
import org.loncapa.lonc.daemon.logging.Severity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lonc daemon: the engine, the deferred-transaction replay, one UNIX socket per remote host,
 * the admin socket, the pid, log and status files, and the operator actions behind the signals.
 *
 * <p>Lifecycle: {@link #start(Options)} reads and checks every configuration file before it changes
 * anything, then opens the log, checks that no socket path is held by a live process, starts the
 * engine, binds the sockets and writes the pid and status files; any failure undoes what was done,
 * so the daemon is never half started. {@link #shutdown(String)} (SIGTERM) stops listening, lets
 * in-flight requests finish for up to {@code drainTimeout}, writes their replies and exits;
 * {@link #awaitExit()} returns the exit code.
 *
 * <p>Operator actions ({@link #reload}, {@link #reportStatus}, {@link #writeStatus},
 * {@link #shutdown}) may be called from any thread and are serialized; signal handlers and the admin
 * socket run them on the {@code lonc-control} thread.
 */
public final class LoncDaemon implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LoncDaemon.class);

    /** Exit code: stopped normally. */
    public static final int EXIT_OK = 0;
    /** Exit code: a failure while starting or running. */
    public static final int EXIT_FAILURE = 1;
    /** Exit code: a configuration file (or option) is missing or wrong. */
    public static final int EXIT_CONFIG = 2;
    /** Exit code: a socket path is in use by a live process (another lonc?). */
    public static final int EXIT_IN_USE = 3;
    /**
     * A fatal internal error: a lonc thread died (an Error such as OutOfMemoryError, or any
     * exception that escaped a worker). The process exits at once after a CRITICAL line in lonc.log
     * so that the service manager restarts it; see {@link #superviseProcess()}.
     */
    public static final int EXIT_FATAL = 4;
    /** System property that enables the admin socket's {@code test-fail} command (tests only). */
    static final String TEST_HOOKS_PROPERTY = "lonc.testHooks";

    /** The daemon's own status texts, shown on its lonc.log lines (Perl's parent ShowStatus). */
    static final String STATE_STARTING = "Starting";
    static final String STATE_RUNNING = "Parent keeping the flock";
    static final String STATE_RELOADING = "Reloading configuration";
    static final String STATE_DRAINING = "Draining";

    /** What to start. Not thread-safe; build it, then pass it to {@link #start}. */
    public static final class Options {
        private Path config;
        private Path hostsFile;
        private Path settingsFile;
        private List<String> overrides = List.of();
        private DaemonSettings baseSettings = DaemonSettings.defaults();
        private AccessPolicy access;
        private boolean signals;
        private boolean supervise;
        private Map<String, Integer> londPorts = Map.of();
        private Clock clock = Clock.systemDefaultZone();

        /** loncapa.conf (required). */
        public Options config(Path p) {
            this.config = p;
            return this;
        }

        /** hosts.tab to use instead of {@code <lonTabDir>/hosts.tab}; null for that default. */
        public Options hostsFile(Path p) {
            this.hostsFile = p;
            return this;
        }

        /** A settings file ({@code name = value} lines); null for none. */
        public Options settingsFile(Path p) {
            this.settingsFile = p;
            return this;
        }

        /** {@code name=value} overrides, applied after the settings file. */
        public Options overrides(List<String> pairs) {
            this.overrides = List.copyOf(pairs);
            return this;
        }

        /** Settings to start from instead of the defaults (tests, the demo). */
        public Options baseSettings(DaemonSettings s) {
            this.baseSettings = Objects.requireNonNull(s);
            return this;
        }

        /** A fixed access policy instead of the allowedUsers/allowedGroups settings (tests). */
        public Options access(AccessPolicy p) {
            this.access = p;
            return this;
        }

        /** Whether to install the signal handlers (the {@code run} command does). */
        public Options signals(boolean on) {
            this.signals = on;
            return this;
        }

        /**
         * Exit the process with {@link #EXIT_FATAL} when any thread dies (the real daemon process
         * only: the JVM is halted).
         */
        public Options supervise(boolean on) {
            this.supervise = on;
            return this;
        }

        /**
         * lond ports by host DNS name, overriding {@code londPort}: for test rigs and the demo, where
         * several fake londs share one machine.
         */
        public Options londPorts(Map<String, Integer> ports) {
            this.londPorts = Map.copyOf(ports);
            return this;
        }

        /** Wall clock for logs, file names and status files. */
        public Options clock(Clock c) {
            this.clock = Objects.requireNonNull(c);
            return this;
        }
    }

    /** A daemon that could not start; the message says why, for an operator. */
    public static final class StartupException extends Exception {
        private static final long serialVersionUID = 1L;
        private final int exitCode;

        StartupException(int exitCode, String message, Throwable cause) {
            super(message, cause);
            this.exitCode = exitCode;
        }

        /** {@link #EXIT_IN_USE} or {@link #EXIT_FAILURE}. */
        public int exitCode() {
            return exitCode;
        }
    }

    /** The configuration files, read and checked. */
    record Loaded(LoncapaConfig conf, HostLayout layout, DaemonSettings settings,
            List<String> hostTableWarnings) {}

    /** What a reload changed. */
    public record ReloadResult(boolean ok, String error, List<String> hostsAdded,
            List<String> hostsRemoved, List<String> hostsChanged, List<String> socketsAdded,
            List<String> socketsRemoved, List<String> problems) {
        static ReloadResult failed(String error) {
            return new ReloadResult(false, error, List.of(), List.of(), List.of(), List.of(),
                    List.of(), List.of());
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ok", ok);
            if (error != null) {
                m.put("error", error);
            }
            m.put("hostsAdded", hostsAdded);
            m.put("hostsRemoved", hostsRemoved);
            m.put("hostsChanged", hostsChanged);
            m.put("socketsAdded", socketsAdded);
            m.put("socketsRemoved", socketsRemoved);
            m.put("problems", problems);
            return m;
        }
    }

    private final Options options;
    private final LoncapaConfig conf;
    private final long pid = ProcessHandle.current().pid();
    private final Clock clock;
    private final ExecutorService control;
    private final Object ops = new Object();
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private final Signals signals = new Signals();

    private volatile HostLayout layout;
    private volatile DaemonSettings settings;
    private volatile boolean transactionLogging;
    private volatile boolean stopping;
    private volatile long nextStatusWriteNanos;
    private final Map<String, String> shownStatus = new java.util.concurrent.ConcurrentHashMap<>();

    private LogFile logFile;
    private LoncEngine engine;
    private DeferredReplayer deferred;
    private FrontEnd frontEnd;
    private PidFile pidFile;
    private final DaemonMetrics metrics = new DaemonMetrics();
    private DaemonMetrics.Http metricsHttp;
    /** Created on first use: Jackson's start-up (~375 classes) stays off the first request's path. */
    private StatusReport statusReport;

    private final TlsSetup.Result tls;

    private synchronized StatusReport statusReport() {
        if (statusReport == null) {
            statusReport = new StatusReport();
        }
        return statusReport;
    }

    /** Found in hosts.tab at start; logged once the log file is open. */
    private final List<String> hostTableWarnings;

    private LoncDaemon(Options options, Loaded loaded, TlsSetup.Result tls) {
        this.options = options;
        this.tls = tls;
        this.conf = loaded.conf();
        this.layout = loaded.layout();
        this.settings = loaded.settings();
        this.hostTableWarnings = loaded.hostTableWarnings();
        this.clock = options.clock;
        this.control = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "lonc-control");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Reads the configuration and starts the daemon.
     *
     * @throws ConfigException if a configuration file or setting is wrong (nothing was started)
     * @throws StartupException if the daemon could not start (everything started was undone)
     */
    public static LoncDaemon start(Options options) throws ConfigException, StartupException {
        Objects.requireNonNull(options.config, "config");
        Loaded loaded = load(options);
        // certificates are read once, at start: a reload does not use them (a change of their
        // paths is reported as needing a restart), so a renewal in progress cannot fail a HUP
        LoncDaemon d = new LoncDaemon(options, loaded, TlsSetup.clientContext(loaded.conf()));
        d.startUp();
        return d;
    }

    /** Reads and checks loncapa.conf, hosts.tab and the settings. Changes nothing. */
    static Loaded load(Options o) throws ConfigException {
        DaemonSettings s = o.baseSettings;
        if (o.settingsFile != null) {
            s = s.withFile(o.settingsFile);
        }
        s = s.withOverrides(o.overrides);
        LoncapaConfig conf = LoncapaConfig.load(o.config);
        Path hosts = o.hostsFile != null ? o.hostsFile : conf.hostsTabFile();
        HostTable table = HostTable.parse(hosts);
        HostLayout layout = HostLayout.build(conf, table, hosts, s.socketNaming(), o.londPorts);
        return new Loaded(conf, layout, s, table.warnings());
    }

    private void startUp() throws StartupException {
        try {
            prepareDirectories();
            logFile = new LogFile(conf.logFile(), pid, clock);
        } catch (IOException e) {
            control.shutdownNow();
            throw new StartupException(EXIT_FAILURE, "cannot prepare lonc's directories: " + e, e);
        }
        LoncLog.install(logFile);
        if (options.supervise) {
            superviseProcess();
        }
        LoncLog.setDebug(settings.flag(Setting.DEBUG));
        transactionLogging = settings.flag(Setting.TRANSACTION_LOGGING);
        logFile.setHosts(hostNames(layout));
        logFile.setParentStatus(STATE_STARTING);
        logFile.log(Severity.CRITICAL, null, "--------------- Starting lonc " + version()
                + " (Java, pid " + pid + ") ---------------");
        log.info(Severity.INFO.marker(), "Configuration: {}", conf);
        log.info(Severity.INFO.marker(), "Settings: {}", settings);
        hostTableWarnings.forEach(w -> log.warn("hosts.tab: {}", w));
        try {
            checkSocketPaths();
            if (tls.context() != null) {
                log.info(Severity.INFO.marker(), "ssl key mode on: certificates from {}",
                        conf.lonCertificateDirectory());
            } else {
                log.warn("ssl key mode off: {} missing; remote hosts use {}", tls.missing(),
                        conf.loncAllowInsecure() ? "insecure key mode (loncAllowInsecure)"
                                : "no key mode at all (loncAllowInsecure is off): they will fail");
            }
            engine = LoncEngine.start(engineConfig(conf, settings, layout, tls.context()));
            PermLog permLog = new PermLog(conf.permLogFile(), clock);
            DeferredStore store = new DeferredStore(conf.delayedDir(), clock, pid, new RealStoreIo(), permLog);
            deferred = DeferredReplayer.attach(engine, store, permLog, clock, replaySettings(settings));
            // the clients' sockets share the engine's loop: no request crosses a thread inside lonc
            frontEnd = new FrontEnd(accessPolicy(settings), limits(settings), this::tick, Ticker.system(),
                    EngineInternals.loop(engine));
            frontEnd.start();
            if (frontEnd.peerCredentialsMethod().equals("numeric")) {
                log.info(Severity.INFO.marker(), "Client credentials: numeric SO_PEERCRED, names cached per uid");
            } else {
                log.info(Severity.INFO.marker(), "Client credentials: the JDK's SO_PEERCRED with two name-service"
                        + " lookups per connection (start with -jar, or add the JVM options {}, to avoid them)",
                        frontEnd.peerCredentialsJvmOptions());
            }
            for (HostLayout.SocketTarget t : layout.sockets().values()) {
                frontEnd.listen(t.socketName(), socketPath(t.socketName()), settings.mode(Setting.SOCKET_MODE),
                        new HostService(this, t));
            }
            Path admin = adminSocket();
            if (admin != null) {
                frontEnd.listen(admin.getFileName().toString(), admin,
                        settings.mode(Setting.ADMIN_SOCKET_MODE), new AdminService(this));
            }
            int metricsPort = settings.port(Setting.METRICS_PORT);
            if (metricsPort != 0) {
                metricsHttp = new DaemonMetrics.Http(metricsPort, this::metricsText);
                log.info(Severity.INFO.marker(), "Metrics served at http://{}:{}/metrics",
                        java.net.InetAddress.getLoopbackAddress().getHostAddress(), metricsHttp.port());
            }
            pidFile = new PidFile(conf.pidFile(), pid);
            Long old = PidFile.read(conf.pidFile()).orElse(null);
            if (old != null && old != pid && ProcessHandle.of(old).map(ProcessHandle::isAlive).orElse(false)) {
                log.warn("{} named process {}, which is still alive; overwriting it", conf.pidFile(), old);
            }
            pidFile.write();
            if (options.signals) {
                signals.install(this, control);
            }
            logFile.setParentStatus(STATE_RUNNING);
            writeStatus();
            log.info("lonc ready: {} hosts, {} sockets in {}{}", layout.hosts().size(),
                    layout.sockets().size(), conf.lonSockDir(),
                    admin == null ? "" : ", admin socket " + admin.getFileName());
        } catch (StartupException e) {
            log.error("lonc could not start: {}", e.getMessage());
            undoStart();
            throw e;
        } catch (SocketFiles.SocketInUseException e) {
            log.error("lonc could not start: {}", e.getMessage());
            undoStart();
            throw new StartupException(EXIT_IN_USE, e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            log.error("lonc could not start: {}", e.toString(), e);
            undoStart();
            throw new StartupException(EXIT_FAILURE, "lonc could not start: " + e, e);
        }
    }

    private void prepareDirectories() throws IOException {
        Path sockDir = conf.lonSockDir();
        if (!Files.isDirectory(sockDir)) {
            Files.createDirectories(sockDir);
            Files.setPosixFilePermissions(sockDir, SocketFiles.permissions(settings.mode(Setting.SOCKET_DIR_MODE)));
        }
        Files.createDirectories(conf.logDir());
    }

    /** Every socket path must be free or stale before anything listens. */
    private void checkSocketPaths() throws StartupException {
        List<String> problems = new ArrayList<>();
        int stale = 0;
        List<Path> paths = new ArrayList<>();
        for (String name : layout.sockets().keySet()) {
            paths.add(socketPath(name));
        }
        if (adminSocket() != null) {
            paths.add(adminSocket());
        }
        for (Path p : paths) {
            try {
                if (SocketFiles.clearStale(p)) {
                    stale++;
                }
            } catch (IOException e) {
                problems.add(e.getMessage());
            }
        }
        if (stale > 0) {
            log.warn("Removed {} stale socket file(s) left in {} by an earlier lonc", stale, conf.lonSockDir());
        }
        if (!problems.isEmpty()) {
            throw new StartupException(EXIT_IN_USE, String.join("; ", problems), null);
        }
    }

    private void undoStart() {
        stopping = true;
        signals.restore();
        if (metricsHttp != null) {
            metricsHttp.close();
        }
        if (frontEnd != null) {
            frontEnd.close();
        }
        if (deferred != null) {
            deferred.close();
        }
        if (engine != null) {
            engine.close(Duration.ZERO);
        }
        if (pidFile != null) {
            pidFile.delete();
        }
        control.shutdownNow();
        logFile.log(Severity.CRITICAL, null, "Master process exiting (start failed)");
        logFile.close();
        exit.complete(EXIT_FAILURE);
    }

    static EngineConfig engineConfig(LoncapaConfig conf, DaemonSettings s, HostLayout layout, SSLContext ssl) {
        String keyDir = s.text(Setting.LOCAL_KEY_DIR);
        return EngineConfig.builder(conf.lonHostID())
                .hosts(layout.hosts())
                .allowInsecure(conf.loncAllowInsecure())
                .sslContext(ssl)
                .localKeyDir(keyDir.isEmpty() ? conf.lonIDsDir() : Path.of(keyDir))
                .lonVersion(conf.lonVersion().orElse(null))
                .maxConnectionsPerHost(s.count(Setting.MAX_CONNECTIONS_PER_HOST))
                .maxHandshakesPerHost(s.count(Setting.MAX_HANDSHAKES_PER_HOST))
                .retries(s.count(Setting.RETRIES))
                .idleTimeout(s.duration(Setting.IDLE_TIMEOUT))
                .transactionTimeout(s.duration(Setting.TRANSACTION_TIMEOUT))
                .handshakeStepTimeout(s.duration(Setting.HANDSHAKE_STEP_TIMEOUT))
                .handshakeStallTimeout(s.duration(Setting.HANDSHAKE_STALL_TIMEOUT))
                .connectTimeout(s.duration(Setting.CONNECT_TIMEOUT))
                .maxQueuedPerHost(s.count(Setting.MAX_QUEUED_PER_HOST))
                .maxQueuedTotal(s.count(Setting.MAX_QUEUED_TOTAL))
                .maxReplyBytes(s.bytes(Setting.MAX_REPLY_BYTES))
                .probeInitialDelay(s.duration(Setting.PROBE_INITIAL_DELAY))
                .probeMaxDelay(s.duration(Setting.PROBE_MAX_DELAY))
                .idleCheckAfter(s.duration(Setting.IDLE_CHECK_AFTER))
                .maxConnectionLifetime(s.duration(Setting.MAX_CONNECTION_LIFETIME))
                .drainTimeout(s.duration(Setting.DRAIN_TIMEOUT))
                .tcpKeepAlive(s.flag(Setting.TCP_KEEP_ALIVE))
                .build();
    }

    static DeferredReplayer.Settings replaySettings(DaemonSettings s) {
        DeferredReplayer.Settings d = DeferredReplayer.Settings.defaults();
        return new DeferredReplayer.Settings(s.count(Setting.DEFERRED_MAX_IN_FLIGHT),
                s.count(Setting.DEFERRED_RATE), s.duration(Setting.DEFERRED_RETRY_AFTER),
                s.duration(Setting.DEFERRED_RESCAN_INTERVAL), s.duration(Setting.DEFERRED_MAX_AGE),
                d.minAge(), d.ticker());
    }

    private AccessPolicy accessPolicy(DaemonSettings s) {
        if (options.access != null) {
            return options.access;
        }
        return new AccessPolicy(s.allowedUsers(), Set.copyOf(s.list(Setting.ALLOWED_GROUPS)));
    }

    static FrontEnd.Limits limits(DaemonSettings s) {
        return new FrontEnd.Limits(s.bytes(Setting.MAX_REQUEST_BYTES), s.count(Setting.MAX_CLIENTS),
                s.count(Setting.MAX_PIPELINED), s.count(Setting.LISTEN_BACKLOG),
                s.duration(Setting.IDLE_CLIENT_TIMEOUT), s.bytes(Setting.CLIENT_BUFFER_BYTES),
                s.bytes(Setting.TOTAL_BUFFER_BYTES));
    }

    private static Set<String> hostNames(HostLayout l) {
        Set<String> s = new LinkedHashSet<>();
        for (RemoteHost h : l.hosts()) {
            s.add(h.name());
        }
        return s;
    }

    // ------------------------------------------------------------------ accessors

    /** The engine (for the front end's services and tests). */
    public LoncEngine engine() {
        return engine;
    }

    /** The front end's counters (clients, pauses, buffered reply bytes, abandoned clients). */
    Map<String, Long> frontEndCounters() {
        return frontEnd.counters();
    }

    /** The deferred-transaction replayer. */
    public DeferredReplayer deferred() {
        return deferred;
    }

    /** The front end. */
    public FrontEnd frontEnd() {
        return frontEnd;
    }

    /** loncapa.conf as read at start. */
    public LoncapaConfig config() {
        return conf;
    }

    /** The current host and socket layout. */
    public HostLayout layout() {
        return layout;
    }

    /** The path of a socket by name. */
    public Path socketPath(String name) {
        return conf.lonSockDir().resolve(name);
    }

    /** The admin socket, or null if turned off. */
    public Path adminSocket() {
        String n = settings.text(Setting.ADMIN_SOCKET);
        return n.isEmpty() ? null : conf.lonSockDir().resolve(n);
    }

    /** loncstatus.txt. */
    public Path statusFile() {
        return conf.statusFile();
    }

    /** loncstatus.json. */
    public Path statusJsonFile() {
        return StatusReport.jsonFile(conf.statusFile());
    }

    /** The log file. */
    public LogFile logFile() {
        return logFile;
    }

    ExecutorService control() {
        return control;
    }

    public boolean transactionLogging() {
        return transactionLogging;
    }

    /** Turns transaction logging on or off (SIGUSR2 toggles it). */
    public void setTransactionLogging(boolean on) {
        transactionLogging = on;
        log.info("Toggled transaction logging: {}", on ? 1 : 0);
    }

    public boolean debug() {
        return LoncLog.debug();
    }

    /** Turns debug logging on or off (SIGINT toggles it). */
    public void setDebug(boolean on) {
        LoncLog.setDebug(on);
        log.info("New debugging level for {} now {}", LogFile.PARENT, on ? 2 : 0);
    }

    /** This daemon's version, from the jar. */
    public static String version() {
        try (InputStream in = LoncDaemon.class.getResourceAsStream("/lonc-daemon-version.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                return p.getProperty("version", "unknown");
            }
        } catch (IOException e) {
            // fall through
        }
        return "unknown";
    }

    // ------------------------------------------------------------------ housekeeping (engine thread)

    /**
     * Once a second, on the engine's loop: refresh the status texts shown in lonc.log; the status
     * files, when due, are written on the control thread.
     */
    private void tick() {
        if (stopping || engine == null) {
            return;
        }
        engine.statusAsync().thenAccept(this::showStatus);
        Duration every = settings.duration(Setting.STATUS_INTERVAL);
        if (!every.isZero()) {
            long now = System.nanoTime();
            if (now - nextStatusWriteNanos >= 0) {
                nextStatusWriteNanos = now + every.toNanos();
                control.execute(this::writeStatusQuietly);
            }
        }
    }

    /** Perl's ShowStatus: the text is restamped only when it changes. */
    private void showStatus(List<HostStatus> all) {
        for (HostStatus s : all) {
            String text = StatusReport.statusText(s, settings.count(Setting.RETRIES));
            if (!text.equals(shownStatus.put(s.name(), text))) {
                logFile.setStatus(s.name(), text);
            }
        }
    }

    private void writeStatusQuietly() {
        if (!stopping) {
            writeStatus();
        }
    }

    // ------------------------------------------------------------------ operator actions

    /**
     * Writes loncstatus.txt, loncstatus.json and loncstatus.html.
     *
     * @return the text file's path
     */
    public Path writeStatus() {
        synchronized (ops) {
            List<HostStatus> all = engine.status();
            showStatus(all);
            String localtime = logFile.localtime();
            String text = StatusReport.text(localtime, pid, all, logFile::statusOf, logFile::recentEntry);
            try {
                StatusReport.writeAtomically(statusFile(), text);
                StatusReport.writeAtomically(statusJsonFile(), statusReport().toJson(statusDocument(all)));
                StatusReport.writeAtomically(StatusPage.file(statusFile()), StatusPage.html(localtime, pid,
                        version(), conf.lonHostID(), settings.count(Setting.RETRIES), all, deferredByHost()));
            } catch (IOException e) {
                log.warn("Cannot write the status files {}: {}", statusFile(), e.toString());
            }
            return statusFile();
        }
    }

    /** The JSON status document for {@code hosts}. */
    Map<String, Object> statusDocument(List<HostStatus> hosts) {
        Map<String, Object> daemon = new LinkedHashMap<>();
        daemon.put("lonHostID", conf.lonHostID());
        daemon.put("socketDir", conf.lonSockDir().toString());
        daemon.put("socketNaming", settings.socketNaming().name().toLowerCase(java.util.Locale.ROOT));
        daemon.put("state", stopping ? STATE_DRAINING : STATE_RUNNING);
        daemon.put("transactionLogging", transactionLogging);
        daemon.put("debug", LoncLog.debug());
        Map<String, Object> def = null;
        if (deferred != null) {
            try {
                DeferredStore.Stats st = deferred.store().statsAll(clock.instant());
                def = new LinkedHashMap<>();
                def.put("pending", st.pending());
                def.put("oldestPendingSeconds", st.oldestPendingAge().map(Duration::toSeconds).orElse(null));
                def.put("held", st.held());
                def.put("corrupt", st.corrupt());
                def.put("foreignFiles", st.foreignFiles());
                def.put("saveFailures", st.saveFailures());
                def.put("deliveredNotRemoved", deferred.deliveredNotRemoved());
                def.put("replayPaused", deferred.pausedReason().orElse(null));
            } catch (IOException e) {
                def = Map.of("error", e.toString());
            }
        }
        return statusReport().document(settings.count(Setting.RETRIES), Instant.now(clock), logFile.localtime(), pid, version(), daemon,
                frontEnd.counters(), hosts, layout.socketsByHost(), def);
    }

    /**
     * The OpenMetrics text ({@link DaemonMetrics}): the engine's snapshot, the deferred backlog
     * (reads delayed/, so not on the engine's or the front end's thread) and the front end's
     * counters.
     */
    String metricsText() {
        List<HostStatus> all = engine.status();
        List<DeferredReplayer.Item> items = null;
        try {
            items = deferred.listAll();
        } catch (IOException e) {
            log.warn("Metrics: cannot read the deferred store: {}", e.toString());
        }
        return metrics.render(all, items, frontEnd.counters(), Instant.now(clock));
    }

    /** Pending delayed transactions per host: {count, oldest age in seconds}; null if unreadable. */
    private Map<String, long[]> deferredByHost() {
        try {
            return DaemonMetrics.backlog(deferred.listAll());
        } catch (IOException e) {
            log.warn("Status page: cannot read the deferred store: {}", e.toString());
            return null;
        }
    }

    /** The daemon's own counters (requests answered no_such_host by a host socket). */
    DaemonMetrics metrics() {
        return metrics;
    }

    /** USR1: status files, and every host's retries reset (Perl's CheckKids and ChildStatus). */
    public void reportStatus(String why) {
        synchronized (ops) {
            if (stopping) {
                return;
            }
            engine.resetAll().join();
            Path f = writeStatus();
            log.info(Severity.INFO.marker(), "Status written to {} and retries reset on every host ({})", f, why);
        }
    }

    /**
     * HUP: reads loncapa.conf, hosts.tab and the settings file again. Hosts added get sockets;
     * hosts removed stop listening at once and are drained and closed by the engine (in-flight work
     * still gets its reply); hosts whose entry changed reconnect when idle. A file with an error
     * changes nothing: the running configuration stays.
     */
    public ReloadResult reload(String why) {
        synchronized (ops) {
            if (stopping) {
                return ReloadResult.failed("lonc is shutting down");
            }
            logFile.setParentStatus(STATE_RELOADING);
            try {
                return doReload(why);
            } finally {
                logFile.setParentStatus(STATE_RUNNING);
            }
        }
    }

    private ReloadResult doReload(String why) {
        log.info(Severity.INFO.marker(), "Reloading the configuration ({})", why);
        Loaded n;
        try {
            n = load(options);
        } catch (ConfigException e) {
            log.error("Reload failed, the running configuration stays: {}", e.getMessage());
            return ReloadResult.failed(e.getMessage());
        }
        n.hostTableWarnings().forEach(w -> log.warn("hosts.tab: {}", w));
        warnIfRestartNeeded(n);
        HostLayout old = layout;
        Map<String, RemoteHost> oldHosts = new LinkedHashMap<>();
        old.hosts().forEach(h -> oldHosts.put(h.name(), h));
        Map<String, RemoteHost> newHosts = new LinkedHashMap<>();
        n.layout().hosts().forEach(h -> newHosts.put(h.name(), h));
        List<String> hostsAdded = new ArrayList<>();
        List<String> hostsChanged = new ArrayList<>();
        for (RemoteHost h : newHosts.values()) {
            RemoteHost o = oldHosts.get(h.name());
            if (o == null) {
                hostsAdded.add(h.name());
            } else if (!o.equals(h)) {
                hostsChanged.add(h.name());
            }
        }
        List<String> hostsRemoved = new ArrayList<>();
        for (String h : oldHosts.keySet()) {
            if (!newHosts.containsKey(h)) {
                hostsRemoved.add(h);
            }
        }
        List<String> socketsRemoved = new ArrayList<>();
        for (Map.Entry<String, HostLayout.SocketTarget> e : old.sockets().entrySet()) {
            if (!e.getValue().equals(n.layout().sockets().get(e.getKey()))) {
                socketsRemoved.add(e.getKey());
            }
        }
        List<String> socketsAdded = new ArrayList<>();
        for (Map.Entry<String, HostLayout.SocketTarget> e : n.layout().sockets().entrySet()) {
            if (!e.getValue().equals(old.sockets().get(e.getKey()))) {
                socketsAdded.add(e.getKey());
            }
        }
        // 1. removed sockets stop taking new clients; their open clients are still answered
        for (String s : socketsRemoved) {
            frontEnd.unlisten(s).join();
        }
        // 2. the engine learns the new table: removed hosts drain, changed ones reconnect
        engine.updateHosts(n.layout().hosts()).join();
        layout = n.layout();
        settings = n.settings();
        Set<String> names = new LinkedHashSet<>(hostNames(n.layout()));
        names.addAll(hostsRemoved); // lines about draining hosts still name them
        logFile.setHosts(names);
        if (options.access == null) {
            frontEnd.setAccessPolicy(accessPolicy(n.settings()));
        }
        // 3. new sockets listen
        List<String> problems = new ArrayList<>();
        for (String s : socketsAdded) {
            HostLayout.SocketTarget t = n.layout().sockets().get(s);
            try {
                frontEnd.listen(s, socketPath(s), n.settings().mode(Setting.SOCKET_MODE), new HostService(this, t));
            } catch (IOException | RuntimeException e) {
                problems.add(s + ": " + e.getMessage());
                log.error("Cannot listen on {}: {}", socketPath(s), e.getMessage());
            }
        }
        writeStatus();
        log.info("Configuration reloaded: hosts added {}, removed {}, changed {}", hostsAdded,
                hostsRemoved, hostsChanged);
        return new ReloadResult(problems.isEmpty(), problems.isEmpty() ? null : String.join("; ", problems),
                hostsAdded, hostsRemoved, hostsChanged, socketsAdded, socketsRemoved, problems);
    }

    private void warnIfRestartNeeded(Loaded n) {
        LoncapaConfig c = n.conf();
        List<String> changed = new ArrayList<>();
        if (!c.lonHostID().equals(conf.lonHostID())) {
            changed.add(LoncapaConfig.LON_HOST_ID);
        }
        if (!c.lonSockDir().equals(conf.lonSockDir())) {
            changed.add(LoncapaConfig.LON_SOCK_DIR);
        }
        if (!c.lonDaemons().equals(conf.lonDaemons())) {
            changed.add(LoncapaConfig.LON_DAEMONS);
        }
        if (!c.lonDocRoot().equals(conf.lonDocRoot())) {
            changed.add(LoncapaConfig.LON_DOC_ROOT);
        }
        if (c.loncAllowInsecure() != conf.loncAllowInsecure()) {
            changed.add(LoncapaConfig.LONC_ALLOW_INSECURE);
        }
        if (!c.caFile().equals(conf.caFile()) || !c.certFile().equals(conf.certFile())
                || !c.keyFile().equals(conf.keyFile())) {
            changed.add("certificate files");
        }
        if (!c.lonVersion().equals(conf.lonVersion())) {
            changed.add(LoncapaConfig.LON_VERSION);
        }
        DaemonSettings s = n.settings();
        for (Setting x : Setting.values()) {
            if (x == Setting.ALLOWED_USERS || x == Setting.ALLOWED_GROUPS || x == Setting.STATUS_INTERVAL
                    || x == Setting.SOCKET_MODE || x == Setting.DEBUG || x == Setting.TRANSACTION_LOGGING) {
                continue;
            }
            if (!s.value(x).equals(settings.value(x))) {
                changed.add(x.key());
            }
        }
        if (!changed.isEmpty()) {
            log.warn("Changed on reload but only taking effect after a restart: {}", changed);
        }
    }

    /**
     * TERM: stop listening (socket files removed), let queued and in-flight requests finish for up
     * to {@code drainTimeout} (what is left is answered con_lost), write every reply, remove the
     * pid file and exit 0. Idempotent; returns when done.
     */
    public void shutdown(String why) {
        synchronized (ops) {
            if (stopping) {
                return;
            }
            stopping = true;
        }
        logFile.setParentStatus(STATE_DRAINING);
        log.error(Severity.CRITICAL.marker(), "Asked to stop ({}): no new clients; draining {} open"
                + " client connection(s)", why, frontEnd.openClients());
        signals.restore();
        if (metricsHttp != null) {
            metricsHttp.close();
        }
        frontEnd.closeListeners().join();
        // the loop keeps running after the engine's work is done: the front end on it writes the
        // last replies, then the engine stops it
        engine.finishWork(settings.duration(Setting.DRAIN_TIMEOUT));
        deferred.close();
        try {
            frontEnd.drain().get(5, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            log.warn("Some replies could not be written to their clients in time");
        } catch (Exception e) {
            log.warn("Drain: {}", e.toString());
        }
        frontEnd.close();
        engine.close();
        pidFile.delete();
        log.error(Severity.CRITICAL.marker(), "Master process exiting");
        logFile.close();
        control.shutdown();
        exit.complete(EXIT_OK);
    }

    /**
     * Makes any throwable that escapes a thread of this process (the engine's loop, which serves
     * the clients too, the replayer, the resolvers, the control thread), and any OutOfMemoryError,
     * end the process at once with {@link #EXIT_FATAL} after a CRITICAL line in lonc.log: a daemon
     * whose loop died would otherwise keep its sockets and answer nobody. Only for the real process
     * ({@code run}); the handler halts the JVM.
     */
    private void superviseProcess() {
        Thread.setDefaultUncaughtExceptionHandler(this::fatal);
    }

    private void fatal(Thread t, Throwable e) {
        String line = "Fatal error: thread " + t.getName() + " died of " + e
                + "; exiting with status " + EXIT_FATAL + " so that the service manager restarts lonc";
        try {
            System.err.println("lonc: " + line);
            e.printStackTrace();
        } catch (Throwable ignored) {
            // out of memory: the log line below matters more
        }
        try {
            logFile.log(Severity.CRITICAL, null, line);
            logFile.close();
        } catch (Throwable ignored) {
            // nothing more can be done; exit anyway
        }
        try {
            if (pidFile != null) {
                pidFile.delete();
            }
        } catch (Throwable ignored) {
            // a stale pid file is tolerated at the next start
        }
        Runtime.getRuntime().halt(EXIT_FATAL);
    }

    /** Waits until the daemon has stopped; returns the exit code. */
    public int awaitExit() {
        return exit.join();
    }

    /** Shuts down (as SIGTERM does) if still running. */
    @Override
    public void close() {
        shutdown("close");
    }
}
