package org.loncapa.lonc.client;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLContext;
import org.loncapa.lonc.client.internal.AdminDeferredTransactions;
import org.loncapa.lonc.client.internal.AdminSocketClient;
import org.loncapa.lonc.client.internal.CallbackFuture;
import org.loncapa.lonc.client.internal.DaemonAdmin;
import org.loncapa.lonc.client.internal.DaemonTransport;
import org.loncapa.lonc.client.internal.EmbeddedTransport;
import org.loncapa.lonc.client.internal.HostViews;
import org.loncapa.lonc.client.internal.LoncExecutors;
import org.loncapa.lonc.client.internal.RequestCheck;
import org.loncapa.lonc.client.internal.StoreDeferredTransactions;
import org.loncapa.lonc.client.internal.Transport;
import org.loncapa.lonc.core.EngineConfig;
import org.loncapa.lonc.core.internal.protocol.Redaction;
import org.loncapa.lonc.core.RemoteHost;
import org.loncapa.lonc.core.internal.util.RepeatedWarnings;
import org.loncapa.lonc.core.Ticker;
import org.loncapa.lonc.core.config.ConfigException;
import org.loncapa.lonc.core.config.HostTable;
import org.loncapa.lonc.core.config.LoncapaConfig;
import org.loncapa.lonc.core.deferred.DeferredStore;
import org.loncapa.lonc.core.deferred.PermLog;
import org.loncapa.lonc.core.deferred.RealStoreIo;
import org.loncapa.lonc.core.deferred.SaveResult;
import org.loncapa.lonc.core.deferred.DeferredReplayer;
import org.loncapa.lonc.core.internal.protocol.LineReader;
import org.loncapa.lonc.core.tls.TlsConfigException;
import org.loncapa.lonc.core.tls.TlsContexts;
import org.loncapa.lonc.core.tls.TlsFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls remote LON-CAPA hosts from Java, with the semantics of lonnet's {@code reply},
 * {@code critical} and an asynchronous {@code send}:
 *
 * <pre>{@code
 * try (LoncClient lonc = LoncClient.fromConfig(Path.of("/etc/httpd/conf/loncapa.conf")).build()) {
 *     Reply r = lonc.reply("msul1", "ping");           // blocking, with the default timeout
 *     if (r.isAnswer()) System.out.println(r.line());  // e.g. "msul1"
 *     lonc.send("msul1", "echo:hi").thenAccept(x -> log(x.line()));
 * }
 * }</pre>
 *
 * <p><b>Two transports, one API.</b> {@linkplain Builder#embedded() Embedded} (the default) runs
 * an in-process engine of the client's own: no daemon, no UNIX sockets; the client connects to
 * each lond itself. {@linkplain Builder#daemon() Daemon} talks to a running lonc daemon over its
 * UNIX sockets exactly as lonnet does ({@code sethost:<lonid>:<cmd>} on {@code
 * <lonSockDir>/<hostname>}, one connection per request).
 *
 * <p><b>Replies.</b> Every call gives a {@link Reply}: lond's line, or one of the error tokens
 * ({@code con_lost}, {@code no_such_host}, {@code refused}, ...), told apart by {@link
 * Reply#kind()}. Calls never throw for network trouble: that is {@code con_lost}, as in lonnet.
 * An unknown lonID is answered {@code no_such_host} without touching the network. A request that
 * is not one line (it contains a newline or another control character except tab and CR) or is
 * longer than {@link Builder#maxRequestBytes} is refused with an {@link
 * IllegalArgumentException} before anything is sent. A leading {@code encrypt:} makes the
 * command travel IDEA-encrypted between lonc and lond.
 *
 * <p><b>Threads.</b> Thread-safe; one client is meant to be shared by a whole application.
 * The futures returned by {@link #send}, {@link #criticalAsync} and {@link #statusAsync} are
 * completed by lonc's own threads, so {@code get}, {@code join} and their timeouts never wait
 * for application code. Their dependent stages, with or without {@code Async}, and those of the
 * futures derived from them, run on the {@linkplain Builder#callbackExecutor callback executor}
 * (default: a pool of daemon threads of this client's own, {@code lonc-callback-*}, at least
 * four and one per processor), never on a lonc thread.
 *
 * <p><b>What blocking in a callback costs.</b> A callback that blocks holds one thread of the
 * callback executor for as long as it blocks; when all of them are held, the other callbacks
 * wait in its queue (the futures themselves still complete, and time out, on time). When the
 * executor rejects a stage (saturated or shut down) that stage fails with a {@link
 * RejectedExecutionException} and its function does not run; lonc never runs it on one of its own
 * threads instead. Do long blocking work with {@code ...Async(fn, yourExecutor)}. Stages of
 * futures that lonc did not create, such as {@code CompletableFuture.allOf(...)}, run wherever
 * the JDK runs them, possibly on a lonc thread: give those an executor too.
 *
 * <p>After {@link #close()} every call answers {@code con_lost}, and {@link #status()} and
 * {@link #statusAsync()} fail with an {@link IllegalStateException}.
 *
 * <p><b>Logging.</b> SLF4J only; like lonnet, replies {@code refused} and {@code rejected} are
 * logged as warnings (with the command name only, never encrypted arguments). Repeated warnings
 * of one kind are logged once per 10 s with a count of the repeats.
 */
public final class LoncClient implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LoncClient.class);

    /** Default of {@link Builder#timeout}: 30 s, as LondConnection's transaction timeout. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** Default of {@link Builder#maxRequestBytes}: 1 MiB, the daemon's request-line limit. */
    public static final int DEFAULT_MAX_REQUEST_BYTES = LineReader.DEFAULT_MAX_LINE_BYTES;
    /** Default of {@link Builder#daemonThreads}: 32 requests to the daemon in progress at once. */
    public static final int DEFAULT_DAEMON_THREADS = 32;
    /** Default of {@link Builder#daemonMaxQueued}: 2,000 requests waiting for a daemon thread. */
    public static final int DEFAULT_DAEMON_MAX_QUEUED = 2_000;
    /** Default of {@link Builder#drainTimeout}: 10 s. */
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(10);

    /** Which transport a client uses. */
    public enum Mode {
        /** An in-process engine; no daemon. */
        EMBEDDED,
        /** A running lonc daemon, through its UNIX sockets. */
        DAEMON
    }

    private final Mode mode;
    private final String myLonId;
    private final List<LondHost> hosts;
    private final Map<String, LondHost> hostsByLonId;
    private final Transport transport;
    private final Duration timeout;
    private final Duration drainTimeout;
    private final int maxRequestBytes;
    private final Executor callbackExecutor;
    private final ScheduledThreadPoolExecutor timer;
    /** criticalAsync's blocking steps (retry reset, deferred save); created on first use. */
    private volatile ThreadPoolExecutor worker;
    private final DeferredStore store;
    private final DeferredTransactions deferred;
    private final RepeatedWarnings warnings = new RepeatedWarnings(log, Ticker.system());
    private volatile boolean closed;
    private final AtomicBoolean closeStarted = new AtomicBoolean();
    private final CompletableFuture<Void> closeDone = new CompletableFuture<>();

    private LoncClient(Builder b, Transport transport, DeferredStore store,
            DeferredTransactions deferred) {
        this.mode = b.mode;
        this.myLonId = b.myLonId;
        this.hosts = List.copyOf(b.hosts);
        Map<String, LondHost> byId = new LinkedHashMap<>();
        for (LondHost h : hosts) {
            for (String id : h.lonIds()) {
                byId.put(id, h);
            }
        }
        this.hostsByLonId = Map.copyOf(byId);
        this.transport = transport;
        this.timeout = b.timeout;
        this.drainTimeout = b.drainTimeout;
        this.maxRequestBytes = b.maxRequestBytes;
        this.callbackExecutor = CallbackFuture.rejectionsExplained(
                b.callbackExecutor != null ? b.callbackExecutor : LoncExecutors.callbacks());
        this.store = store;
        this.deferred = deferred;
        this.timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "lonc-client-timer");
            t.setDaemon(true);
            return t;
        });
        this.timer.setRemoveOnCancelPolicy(true);
        long flush = RepeatedWarnings.DEFAULT_INTERVAL.toNanos();
        this.timer.scheduleWithFixedDelay(warnings::flush, flush, flush, TimeUnit.NANOSECONDS);
    }

    // ------------------------------------------------------------------ construction

    /**
     * A builder configured entirely in code.
     *
     * @param myLonId this node's lonHostID (used in the insecure key exchange)
     */
    public static Builder builder(String myLonId) {
        return new Builder(myLonId);
    }

    /**
     * A builder configured from {@code loncapa.conf}, with the host table from {@code
     * <lonTabDir>/hosts.tab}. Settings not in these files keep their defaults and can still be
     * changed on the builder.
     *
     * @throws LoncConfigException naming the file (and line) of a missing or broken setting, host
     *     table entry or certificate file
     */
    public static Builder fromConfig(Path loncapaConf) throws LoncConfigException {
        return fromConfig(loncapaConf, null);
    }

    /**
     * As {@link #fromConfig(Path)} with the host table from {@code hostsTab} ({@code null}:
     * {@code <lonTabDir>/hosts.tab}).
     *
     * <p>What is read: hosts from the table (a {@link LondHost} per DNS hostname, lond's port from {@code londPort}, the machine of {@code lonHostID} marked as
     * this host for local key mode), {@code loncAllowInsecure}, {@code lonVersion}, local-mode
     * key files in {@code lonIDsDir}, ssl key mode when the CA, host certificate and key named by
     * {@code lonCertificateDirectory} and {@code lonnet*} all exist, the daemon's sockets in
     * {@code lonSockDir}, deferred transactions in {@code <lonSockDir>/delayed} with the perm log
     * in {@code <lonDaemons>/logs/lonnet.perm.log}.
     *
     * @throws LoncConfigException naming the file (and line) of a missing or broken setting, host
     *     table entry or certificate file
     */
    public static Builder fromConfig(Path loncapaConf, Path hostsTab) throws LoncConfigException {
        try {
            LoncapaConfig conf = LoncapaConfig.load(loncapaConf);
            return fromConfig(conf, HostTable.parse(hostsTab != null ? hostsTab : conf.hostsTabFile()));
        } catch (ConfigException e) {
            throw new LoncConfigException(e.getMessage(), e.file().orElse(null), e.line(), e);
        }
    }

    private static Builder fromConfig(LoncapaConfig conf, HostTable table) throws ConfigException {
        Builder b = new Builder(conf.lonHostID());
        for (RemoteHost h : table.remoteHosts(conf.lonHostID(), conf.londPort(), conf.londPorts())) {
            b.host(new LondHost(h.name(), h.lonIds(), h.address(), h.port(), h.thisHost()));
        }
        b.allowInsecure(conf.loncAllowInsecure())
                .localKeyDir(conf.lonIDsDir())
                .lonVersion(conf.lonVersion().orElse(null))
                .deferredStore(conf.delayedDir(), conf.permLogFile());
        b.socketDir = conf.lonSockDir();
        TlsFiles tls = new TlsFiles(conf.caFile(), conf.certFile(), conf.keyFile());
        if (tls.allExist()) {
            try {
                b.sslContext(TlsContexts.forClient(tls));
            } catch (TlsConfigException e) {
                throw new ConfigException(e.file(), 0, e.getMessage(), e);
            }
        } else {
            log.debug("ssl key mode off: missing {}", tls.missing());
        }
        return b;
    }

    // ------------------------------------------------------------------ calls

    /**
     * Sends {@code command} to {@code lonId} and waits for the reply, at most the configured
     * {@linkplain Builder#timeout timeout}. lonnet's {@code reply($cmd, $server)}.
     *
     * @return the reply; {@code con_lost} if none came in time
     * @throws IllegalArgumentException if the request is not one line or is too long
     */
    public Reply reply(String lonId, String command) {
        return reply(lonId, command, timeout);
    }

    /** As {@link #reply(String, String)} with an explicit timeout. */
    public Reply reply(String lonId, String command, Duration timeout) {
        Reply early = precheck(lonId, command, timeout);
        if (early != null) {
            return early;
        }
        CompletableFuture<String> raw = transport.send(lonId, command, timeout);
        try {
            return observe(lonId, command, Reply.of(raw.get(timeout.toNanos(), TimeUnit.NANOSECONDS)));
        } catch (TimeoutException e) {
            raw.cancel(true);
            warnNoReply(lonId, command, timeout);
            return Reply.token(Reply.Kind.CON_LOST);
        } catch (InterruptedException e) {
            raw.cancel(true);
            Thread.currentThread().interrupt();
            return Reply.token(Reply.Kind.CON_LOST);
        } catch (ExecutionException | CancellationException e) {
            return Reply.token(Reply.Kind.CON_LOST);
        }
    }

    /**
     * Sends {@code command} to {@code lonId} without waiting. The future completes, on a lonc
     * thread, with the reply, or with {@code con_lost} after the configured timeout; it never
     * completes exceptionally. Its dependent stages run on the callback executor (see the class
     * comment for what blocking in them costs). Cancelling it withdraws the request if it has not
     * been answered yet.
     *
     * @throws IllegalArgumentException if the request is not one line or is too long
     */
    public CompletableFuture<Reply> send(String lonId, String command) {
        return send(lonId, command, timeout);
    }

    /** As {@link #send(String, String)} with an explicit timeout. */
    public CompletableFuture<Reply> send(String lonId, String command, Duration timeout) {
        Reply early = precheck(lonId, command, timeout);
        if (early != null) {
            return CallbackFuture.completed(callbackExecutor, early);
        }
        CompletableFuture<String> raw = transport.send(lonId, command, timeout);
        CallbackFuture<Reply> out = new CallbackFuture<>(callbackExecutor, () -> raw.cancel(true));
        deliver(raw, lonId, command, timeout, out);
        return out;
    }

    /**
     * Completes {@code out} from {@code raw}, or with {@code con_lost} when {@code timeout} has
     * passed, on lonc's own threads (engine, I/O or timer): never through the application's
     * callback executor, so that a blocked callback cannot hold back a reply or a timeout.
     */
    private void deliver(CompletableFuture<String> raw, String lonId, String command,
            Duration timeout, CompletableFuture<Reply> out) {
        ScheduledFuture<?> deadline;
        try {
            deadline = timer.schedule(() -> {
                if (raw.cancel(true)) {
                    warnNoReply(lonId, command, timeout);
                }
            }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closing) {
            deadline = null;
        }
        ScheduledFuture<?> d = deadline;
        raw.whenComplete((line, err) -> {
            if (d != null) {
                d.cancel(false);
            }
            out.complete(err == null ? observe(lonId, command, Reply.of(line))
                    : Reply.token(Reply.Kind.CON_LOST));
        });
    }

    private void warnNoReply(String lonId, String command, Duration timeout) {
        warnings.warn("No reply from " + lonId + " in time; answered con_lost",
                "No reply from {} in {} ms for {}; answering con_lost", lonId, timeout.toMillis(),
                Redaction.forLog(command));
    }

    /**
     * lonnet's {@code critical($cmd, $server)}: a request that must not be lost. It is sent as
     * with {@link #reply}; on {@code con_lost} the host's retries are reset (lonnet's {@code
     * reconlonc}) and it is sent once more; if that is {@code con_lost} too, it is written to the
     * deferred store ({@code <lonSockDir>/delayed/}, lonnet's file format, crash-safe), read back,
     * logged to {@code lonnet.perm.log} as {@code D:} or {@code F:}, and the answer is {@code
     * con_delayed} (it will be replayed, at least once, when the host is reachable) or {@code
     * con_failed} (it could not be saved). Any other reply is returned as is.
     *
     * <p>While the host has deferred transactions waiting in the store, the request is not sent
     * ahead of them: it is saved behind them at once ({@code con_delayed}) and replayed in its turn.
     *
     * @throws IllegalArgumentException if the request is not one line or is too long
     * @throws IllegalStateException if the client has no deferred store configured
     */
    public Reply critical(String lonId, String command) {
        return critical(lonId, command, timeout);
    }

    /** As {@link #critical(String, String)}; each of the two attempts waits at most {@code timeout}. */
    public Reply critical(String lonId, String command, Duration timeout) {
        checkCritical(lonId, command);
        if (!hasBacklog(lonId)) {
            Reply r = reply(lonId, command, timeout);
            if (r.kind() != Reply.Kind.CON_LOST || closed) {
                return r;
            }
            transport.resetRetries(lonId, timeout);
            r = reply(lonId, command, timeout);
            if (r.kind() != Reply.Kind.CON_LOST) {
                return r;
            }
        }
        return defer(lonId, command);
    }

    /**
     * {@link #critical(String, String)} without waiting: the same two attempts, retry reset and
     * deferral, with the same answers. The future completes on a lonc thread, never
     * exceptionally; its dependent stages run on the callback executor. No thread waits for lond
     * meanwhile: the retry reset and the deferred save (file I/O) run on a small pool of this
     * client's own ({@code lonc-critical-*}). Cancelling the future withdraws the attempt in
     * progress and stops the rest (nothing is deferred); a request already sent may still have
     * reached lond.
     *
     * @throws IllegalArgumentException if the request is not one line or is too long
     * @throws IllegalStateException if the client has no deferred store configured
     */
    public CompletableFuture<Reply> criticalAsync(String lonId, String command) {
        return criticalAsync(lonId, command, timeout);
    }

    /** As {@link #criticalAsync(String, String)}; each of the two attempts waits at most {@code timeout}. */
    public CompletableFuture<Reply> criticalAsync(String lonId, String command, Duration timeout) {
        checkCritical(lonId, command);
        Reply early = precheck(lonId, command, timeout);
        if (early != null) {
            return CallbackFuture.completed(callbackExecutor, early);
        }
        if (hasBacklog(lonId)) {
            // behind the files already waiting for this host, as critical() does
            CallbackFuture<Reply> queued = new CallbackFuture<>(callbackExecutor, null);
            onWorker(queued, () -> queued.complete(defer(lonId, command)));
            return queued;
        }
        AtomicReference<CompletableFuture<String>> inFlight = new AtomicReference<>();
        CallbackFuture<Reply> out = new CallbackFuture<>(callbackExecutor, () -> {
            CompletableFuture<String> raw = inFlight.get();
            if (raw != null) {
                raw.cancel(true);
            }
        });
        attempt(lonId, command, timeout, inFlight).whenComplete((first, e1) -> {
            if (out.isDone() || first.kind() != Reply.Kind.CON_LOST || closed) {
                out.complete(first);
                return;
            }
            onWorker(out, () -> {
                transport.resetRetries(lonId, timeout);
                if (out.isDone()) {
                    return;
                }
                attempt(lonId, command, timeout, inFlight).whenComplete((second, e2) -> {
                    if (out.isDone() || second.kind() != Reply.Kind.CON_LOST) {
                        out.complete(second);
                        return;
                    }
                    onWorker(out, () -> {
                        if (!out.isDone()) {
                            out.complete(defer(lonId, command));
                        }
                    });
                });
            });
        });
        return out;
    }

    /** One attempt of criticalAsync: a lonc-thread future, never exceptional. */
    private CompletableFuture<Reply> attempt(String lonId, String command, Duration timeout,
            AtomicReference<CompletableFuture<String>> inFlight) {
        Reply early = precheck(lonId, command, timeout);
        if (early != null) {
            return CompletableFuture.completedFuture(early);
        }
        CompletableFuture<String> raw = transport.send(lonId, command, timeout);
        inFlight.set(raw);
        CompletableFuture<Reply> r = new CompletableFuture<>();
        deliver(raw, lonId, command, timeout, r);
        return r;
    }

    /** Runs a blocking step of criticalAsync on the worker pool; a full pool gives con_failed. */
    private void onWorker(CompletableFuture<Reply> out, Runnable step) {
        try {
            worker().execute(() -> {
                try {
                    step.run();
                } catch (RuntimeException e) {
                    log.error("Critical request failed unexpectedly; answering con_failed", e);
                    out.complete(Reply.of(SaveResult.failed(e.toString()).replyToken()));
                }
            });
        } catch (RejectedExecutionException e) {
            log.error("Too many critical requests waiting to be deferred; answering con_failed");
            out.complete(Reply.of(SaveResult.failed("worker queue full").replyToken()));
        }
    }

    private ThreadPoolExecutor worker() {
        ThreadPoolExecutor w = worker;
        if (w == null) {
            synchronized (this) {
                w = worker;
                if (w == null) {
                    w = LoncExecutors.worker("lonc-critical", 4, 10_000);
                    worker = w;
                }
            }
        }
        return w;
    }

    private void checkCritical(String lonId, String command) {
        RequestCheck.check(lonId, command, maxRequestBytes);
        DeferredStore.requireSavable(lonId, command);
        if (store == null) {
            throw new IllegalStateException("critical() needs a deferred store: configure"
                    + " lonSockDir (fromConfig) or Builder.deferredStore");
        }
    }

    /** Saves a request both attempts lost; con_delayed or con_failed. */
    private Reply defer(String lonId, String command) {
        SaveResult saved = store.saveVerified(lonId, command);
        if (saved.isDelayed()) {
            log.info("Critical request to {} deferred: {}", lonId, Redaction.forLog(command));
        } else {
            log.error("Critical request to {} could not be deferred ({}): {}", lonId,
                    saved.reason(), Redaction.forLog(command));
        }
        return Reply.of(saved.replyToken());
    }

    /**
     * Whether the lonID's host has deferred files waiting: a critical request then goes into the
     * store behind them instead of reaching lond before them.
     */
    private boolean hasBacklog(String lonId) {
        LondHost h = hostsByLonId.get(lonId);
        if (h == null) {
            return false;
        }
        try {
            for (String id : h.lonIds()) {
                if (!store.list(id).isEmpty()) {
                    return true;
                }
            }
        } catch (java.io.IOException e) {
            log.warn("Cannot list the deferred transactions of {}: {}", lonId, e.toString());
        }
        return false;
    }

    private Reply precheck(String lonId, String command, Duration timeout) {
        RequestCheck.check(lonId, command, maxRequestBytes);
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
        if (!hostsByLonId.containsKey(lonId)) {
            return Reply.token(Reply.Kind.NO_SUCH_HOST);
        }
        if (closed) {
            return Reply.token(Reply.Kind.CON_LOST);
        }
        return null;
    }

    private Reply observe(String lonId, String command, Reply r) {
        if (r.kind() == Reply.Kind.REFUSED || r.kind() == Reply.Kind.REJECTED) {
            warnings.warn(lonId + " returned " + r.line(), "{} to {} returned {}",
                    Redaction.forLog(command), lonId, r.line());
        }
        return r;
    }

    // ------------------------------------------------------------------ observability

    /**
     * A status snapshot of every host: health, key mode, connections, queue, counters and
     * latency. Embedded: from the in-process engine. Daemon: from the daemon's admin socket.
     *
     * @throws IOException if the daemon cannot be asked
     */
    public List<HostView> status() throws IOException {
        checkOpen();
        return HostViews.of(transport.status());
    }

    /**
     * {@link #status()} without waiting. Completes on a lonc thread (exceptionally with an {@link
     * IOException} if the daemon cannot be asked); dependent stages run on the callback executor.
     * On a closed client it is failed at once with an {@link IllegalStateException}.
     */
    public CompletableFuture<List<HostView>> statusAsync() {
        CallbackFuture<List<HostView>> out = new CallbackFuture<>(callbackExecutor, null);
        if (closed) {
            out.completeExceptionally(closedError());
            return out;
        }
        transport.statusAsync().whenComplete((l, e) -> {
            if (e == null) {
                try {
                    out.complete(HostViews.of(l));
                } catch (RuntimeException bad) {
                    out.completeExceptionally(bad);
                }
            } else {
                out.completeExceptionally(e instanceof java.util.concurrent.CompletionException
                        && e.getCause() != null ? e.getCause() : e);
            }
        });
        return out;
    }

    private void checkOpen() {
        if (closed) {
            throw closedError();
        }
    }

    private static IllegalStateException closedError() {
        return new IllegalStateException("this LoncClient is closed");
    }

    /**
     * The metrics of every host as OpenMetrics text ({@code org.loncapa.lonc.core.OpenMetrics}):
     * embedded, rendered from {@link #status()}; daemon, the daemon's own {@code metrics} answer.
     *
     * @throws IOException if the daemon cannot be asked
     */
    public String metrics() throws IOException {
        return transport.metrics();
    }

    /**
     * The status of one host, named by its DNS hostname or by one of its lonIDs.
     *
     * @throws IOException if the daemon cannot be asked
     */
    public Optional<HostView> status(String hostOrLonId) throws IOException {
        LondHost byId = hostsByLonId.get(hostOrLonId);
        String name = byId != null ? byId.name() : hostOrLonId;
        for (HostView s : status()) {
            if (s.name().equalsIgnoreCase(name)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /**
     * The deferred transactions ({@code <lonSockDir>/delayed/}): list, flush, hold, release.
     *
     * @throws IllegalStateException if the client has no deferred store configured (embedded
     *     mode without {@code lonSockDir})
     */
    public DeferredTransactions deferred() {
        if (deferred == null) {
            throw new IllegalStateException("no deferred store configured: configure lonSockDir"
                    + " (fromConfig) or Builder.deferredStore");
        }
        return deferred;
    }

    /** The transport in use. */
    public Mode mode() {
        return mode;
    }

    /** This node's lonHostID. */
    public String myLonId() {
        return myLonId;
    }

    /** The remote hosts this client knows, in configuration order. */
    public List<LondHost> hosts() {
        return hosts;
    }

    /** The host that serves {@code lonId}, if it is in the host table. */
    public Optional<LondHost> hostOf(String lonId) {
        return Optional.ofNullable(hostsByLonId.get(lonId));
    }

    /** A one-line description of the transport, for logs. */
    public String describe() {
        return mode + ": " + transport.describe();
    }

    // ------------------------------------------------------------------ shutdown

    /** Closes with the configured {@linkplain Builder#drainTimeout drain timeout}. */
    @Override
    public void close() {
        close(drainTimeout);
    }

    /**
     * Stops taking requests (new calls answer {@code con_lost}), lets requests in progress finish
     * for up to {@code drain}, answers the rest {@code con_lost}, and closes every connection (to
     * lond in embedded mode, to the daemon in daemon mode). Idempotent and thread-safe: the
     * shutdown runs once, and a concurrent call returns when it has finished.
     */
    public void close(Duration drain) {
        if (!closeStarted.compareAndSet(false, true)) {
            closeDone.join();
            return;
        }
        closed = true;
        try {
            transport.close(drain);
        } finally {
            timer.shutdownNow();
            closeDone.complete(null);
        }
    }

    // ------------------------------------------------------------------ builder

    /**
     * Builds a {@link LoncClient}. Not thread-safe; build once. Every setting has a default;
     * embedded mode needs the host table (hosts), daemon mode needs {@code lonSockDir} too.
     */
    public static final class Builder {
        private final String myLonId;
        private final List<LondHost> hosts = new ArrayList<>();
        private final EngineConfig.Builder engine;
        private Mode mode = Mode.EMBEDDED;
        private Path socketDir;
        private Path adminSocket;
        private Duration adminTimeout = Duration.ofMinutes(5);
        private Duration timeout = DEFAULT_TIMEOUT;
        private Duration drainTimeout = DEFAULT_DRAIN_TIMEOUT;
        private int maxRequestBytes = DEFAULT_MAX_REQUEST_BYTES;
        private int maxReplyBytes = EngineConfig.DEFAULT_MAX_REPLY_BYTES;
        /** Null: a pool of the client's own (LoncExecutors.callbacks). */
        private Executor callbackExecutor;
        private Path delayedDir;
        private Path permLogFile;
        private int daemonThreads = DEFAULT_DAEMON_THREADS;
        private int daemonMaxQueued = DEFAULT_DAEMON_MAX_QUEUED;
        private Clock clock = Clock.systemDefaultZone();
        private DaemonAdmin admin;
        private boolean replayDeferred = true;
        private DeferredReplayer.Settings replay = DeferredReplayer.Settings.defaults();
        private boolean built;

        private Builder(String myLonId) {
            this.myLonId = Objects.requireNonNull(myLonId, "myLonId");
            this.engine = EngineConfig.builder(myLonId);
        }

        /** Adds a remote host (its lonIDs, address and port). */
        public Builder host(LondHost host) {
            hosts.add(Objects.requireNonNull(host, "host"));
            return this;
        }

        /** Adds remote hosts. */
        public Builder hosts(List<LondHost> list) {
            list.forEach(this::host);
            return this;
        }

        /** Uses an in-process engine (the default). */
        public Builder embedded() {
            this.mode = Mode.EMBEDDED;
            return this;
        }

        /** Uses the running daemon whose sockets are in the configured {@code lonSockDir}. */
        public Builder daemon() {
            this.mode = Mode.DAEMON;
            return this;
        }

        /** Uses the running daemon whose sockets are in {@code lonSockDir}. */
        public Builder daemon(Path lonSockDir) {
            this.socketDir = Objects.requireNonNull(lonSockDir, "lonSockDir");
            this.mode = Mode.DAEMON;
            return this;
        }

        /**
         * The daemon's admin socket (status and deferred operations in daemon mode). Default:
         * {@code <lonSockDir>/.lonc-admin}.
         */
        public Builder adminSocket(Path socket) {
            this.adminSocket = socket;
            return this;
        }

        /** How long one admin operation may take (a flush replays many requests). Default 5 min. */
        public Builder adminTimeout(Duration d) {
            this.adminTimeout = positive(d, "adminTimeout");
            return this;
        }

        /** loncAllowInsecure: whether the insecure key exchange may be used. Default false. */
        public Builder allowInsecure(boolean allow) {
            engine.allowInsecure(allow);
            return this;
        }

        /**
         * TLS context for ssl key mode (host certificate, key, LON-CAPA CA); null: no ssl. {@link
         * #sslCertificates} builds one from the PEM files.
         */
        public Builder sslContext(SSLContext ctx) {
            engine.sslContext(ctx);
            return this;
        }

        /**
         * ssl key mode from PEM files, as {@link LoncClient#fromConfig} does with those named in
         * {@code loncapa.conf}: the LON-CAPA CA ({@code loncapaCA.pem} in {@code
         * lonCertificateDirectory}), this host's certificate ({@code lonhostcert.pem}) and its
         * private key ({@code lonhostkey.pem}; PKCS#8 or the PKCS#1/SEC1 forms OpenSSL writes). The
         * files are read now.
         *
         * @throws LoncConfigException naming the file that is missing or cannot be used
         */
        public Builder sslCertificates(Path caFile, Path certFile, Path keyFile)
                throws LoncConfigException {
            TlsFiles files = new TlsFiles(Objects.requireNonNull(caFile, "caFile"),
                    Objects.requireNonNull(certFile, "certFile"), Objects.requireNonNull(keyFile, "keyFile"));
            try {
                return sslContext(TlsContexts.forClient(files));
            } catch (TlsConfigException e) {
                throw new LoncConfigException(e.getMessage(), e.file(), 0, e);
            }
        }

        /** Directory of local key mode's one-time key files. Default: java.io.tmpdir. */
        public Builder localKeyDir(Path dir) {
            engine.localKeyDir(dir);
            return this;
        }

        /** This LON-CAPA version, sent in the {@code init} line; null: the 2005 form. */
        public Builder lonVersion(String version) {
            engine.lonVersion(version);
            return this;
        }

        /**
         * Any other engine setting (pool sizes, engine timeouts, retries, queue bounds, ...), in
         * embedded mode. Example: {@code .engine(e -> e.maxConnectionsPerHost(4))}.
         */
        public Builder engine(Consumer<EngineSettings> settings) {
            settings.accept(new EngineSettings(engine));
            return this;
        }

        /** How long a call waits for its reply before answering {@code con_lost}. Default 30 s. */
        public Builder timeout(Duration d) {
            this.timeout = positive(d, "timeout");
            return this;
        }

        /** How long {@link LoncClient#close()} lets requests in progress finish. Default 10 s. */
        public Builder drainTimeout(Duration d) {
            this.drainTimeout = Objects.requireNonNull(d, "drainTimeout");
            return this;
        }

        /**
         * Longest request accepted, in UTF-8 bytes of {@code sethost:<lonid>:<command>} without
         * the newline (what the daemon reads). Default 1 MiB.
         */
        public Builder maxRequestBytes(int n) {
            if (n < 16) {
                throw new IllegalArgumentException("maxRequestBytes must be at least 16");
            }
            this.maxRequestBytes = n;
            return this;
        }

        /** Longest reply line accepted, in bytes. Default 64 MiB (both transports). */
        public Builder maxReplyBytes(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxReplyBytes must be positive");
            }
            this.maxReplyBytes = n;
            engine.maxReplyBytes(n);
            return this;
        }

        /**
         * Where the dependent stages of the futures from {@link LoncClient#send}, {@link
         * LoncClient#criticalAsync} and {@link LoncClient#statusAsync} run, with or without
         * {@code Async}. Default: daemon threads of the client's own ({@code
         * lonc-callback-<n>-<m>}, at least four and one per processor, ended when idle, with a
         * queue of 65,536 stages). The futures themselves
         * are completed by lonc's threads whatever this executor does. If it rejects a stage,
         * that stage fails with a {@link RejectedExecutionException} instead of running on a
         * lonc thread.
         */
        public Builder callbackExecutor(Executor executor) {
            this.callbackExecutor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * The deferred store for {@link LoncClient#critical}: lonnet-compatible files in {@code
         * delayedDir} ({@code <lonSockDir>/delayed}) and the {@code D:}/{@code F:}/{@code S:}
         * lines in {@code permLogFile} ({@code <lonDaemons>/logs/lonnet.perm.log}). Default:
         * from the configuration; none when built in code.
         */
        public Builder deferredStore(Path delayedDir, Path permLogFile) {
            this.delayedDir = Objects.requireNonNull(delayedDir, "delayedDir");
            this.permLogFile = Objects.requireNonNull(permLogFile, "permLogFile");
            return this;
        }

        /**
         * Embedded mode with a deferred store: whether this client's engine replays the deferred
         * transactions of a host as soon as it is reachable, as the lonc daemon does (at-least-once,
         * rate-limited; requests lond refuses are moved to hold). Default true: with no daemon,
         * nothing else would deliver what {@link LoncClient#critical} deferred. Turn it off when a
         * lonc daemon (Perl or Java) serves the same {@code lonSockDir}, or in short-lived tools;
         * two replayers of one directory may deliver a request twice. Like the daemon, the
         * replayer moves files of lonIDs that are not in this client's host table to {@code
         * hold/} when it starts: give an embedded client that replays the whole host table.
         */
        public Builder replayDeferred(boolean on) {
            this.replayDeferred = on;
            return this;
        }

        /**
         * Embedded replay timings: the pause of a host's replay after a failed attempt (default
         * 30 s, ended early by any sign that the host is reachable), the safety-net rescan of
         * {@code delayed/} (default 30 s; new files are noticed at once), and the minimum age of a
         * file before it is replayed, lonnet's read-back window (default 5 s).
         */
        public Builder replayTimings(Duration retryAfter, Duration rescanInterval, Duration minAge) {
            this.replay = replay.withTimings(Objects.requireNonNull(retryAfter, "retryAfter"),
                    Objects.requireNonNull(rescanInterval, "rescanInterval"),
                    Objects.requireNonNull(minAge, "minAge"));
            return this;
        }

        /**
         * Monotonic time for the engine (timeouts, probes) and the embedded replay (back-off,
         * rescans, rate): nanoseconds, of which only differences mean anything, as {@link
         * System#nanoTime()} (the default). With a fake one (the test kit's {@code FakeTicker}:
         * {@code .ticker(fake::nanoTime)}) and a fake {@link #clock}, an application's tests drive
         * a replay by moving time, without sleeping.
         */
        public Builder ticker(LongSupplier nanoTime) {
            Objects.requireNonNull(nanoTime, "ticker");
            Ticker t = nanoTime::getAsLong;
            this.replay = replay.withTicker(t);
            engine.ticker(t);
            return this;
        }

        /** Daemon mode: requests in progress at once (blocking I/O threads). Default 32. */
        public Builder daemonThreads(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("daemonThreads must be positive");
            }
            this.daemonThreads = n;
            return this;
        }

        /** Daemon mode: requests waiting for a thread; beyond it {@code con_busy}. Default 2,000. */
        public Builder daemonMaxQueued(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("daemonMaxQueued must be positive");
            }
            this.daemonMaxQueued = n;
            return this;
        }

        /** Wall clock for deferred file names and the perm log. Default: the system clock. */
        public Builder clock(Clock c) {
            this.clock = Objects.requireNonNull(c, "clock");
            return this;
        }

        /** Internal, for tests: the daemon admin implementation. */
        Builder daemonAdmin(DaemonAdmin a) {
            this.admin = a;
            return this;
        }

        private static String hostNameOf(List<LondHost> hosts, String lonId) {
            for (LondHost h : hosts) {
                if (h.lonIds().contains(lonId)) {
                    return h.name();
                }
            }
            throw new IllegalArgumentException("unknown lonID " + lonId);
        }

        /** The {@code lonSockDir} this builder would use in daemon mode, or null. */
        public Path socketDir() {
            return socketDir;
        }

        /**
         * Starts the client (embedded: starts the engine thread; no connection is opened until
         * the first request).
         *
         * @throws IllegalStateException if daemon mode has no {@code lonSockDir}, or the builder
         *     was used already
         * @throws IllegalArgumentException if two hosts share a name or a lonID
         */
        public LoncClient build() {
            if (built) {
                throw new IllegalStateException("this builder has built a client already");
            }
            DeferredStore store = null;
            PermLog permLog = null;
            if (delayedDir != null) {
                permLog = new PermLog(permLogFile, clock);
                store = new DeferredStore(delayedDir, clock, ProcessHandle.current().pid(),
                        new RealStoreIo(), permLog);
            }
            Transport transport;
            if (mode == Mode.EMBEDDED) {
                List<RemoteHost> remote = new ArrayList<>(hosts.size());
                for (LondHost h : hosts) {
                    remote.add(new RemoteHost(h.name(), h.lonIds(), h.address(), h.port(), h.thisHost()));
                }
                EmbeddedTransport et = new EmbeddedTransport(engine.hosts(remote).build());
                if (store != null && replayDeferred) {
                    et.replayDeferred(store, permLog, clock, replay);
                }
                transport = et;
            } else {
                if (socketDir == null) {
                    throw new IllegalStateException("daemon mode needs lonSockDir:"
                            + " use daemon(Path) or fromConfig");
                }
                Map<String, String> names = new LinkedHashMap<>();
                for (LondHost h : hosts) {
                    for (String id : h.lonIds()) {
                        if (names.putIfAbsent(id, h.name()) != null) {
                            throw new IllegalArgumentException("lonID " + id + " is on two hosts");
                        }
                    }
                }
                if (admin == null) {
                    admin = new AdminSocketClient(adminSocket != null ? adminSocket
                            : socketDir.resolve(AdminSocketClient.Wire.DEFAULT_SOCKET_NAME),
                            adminTimeout);
                }
                transport = new DaemonTransport(new DaemonTransport.Settings(socketDir, names,
                        daemonThreads, daemonMaxQueued, maxReplyBytes, admin, Ticker.system()));
            }
            built = true;
            DeferredStore s = store;
            LoncClient[] self = new LoncClient[1];
            DeferredTransactions deferred;
            if (mode == Mode.DAEMON) {
                Map<String, String> names = new LinkedHashMap<>();
                for (LondHost h : hosts) {
                    h.lonIds().forEach(id -> names.put(id, h.name()));
                }
                deferred = new AdminDeferredTransactions(admin, names);
            } else if (s != null) {
                DeferredReplayer replayer = transport instanceof EmbeddedTransport et
                        ? et.replayer() : null;
                deferred = new StoreDeferredTransactions(s, clock,
                        (id, cmd) -> self[0].reply(id, cmd), replayer == null ? null
                                : id -> replayer.flush(hostNameOf(List.copyOf(hosts), id)).join());
            } else {
                deferred = null;
            }
            self[0] = new LoncClient(this, transport, s, deferred);
            log.debug("lonc client started: {}", self[0].describe());
            return self[0];
        }

        private static Duration positive(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive");
            }
            return d;
        }
    }
}
