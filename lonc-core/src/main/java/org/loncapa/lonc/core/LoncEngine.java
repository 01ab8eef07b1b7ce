package org.loncapa.lonc.core;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.loncapa.lonc.core.internal.EngineInternals;
import org.loncapa.lonc.core.internal.pool.HostPool;
import org.loncapa.lonc.core.internal.pool.PoolContext;
import org.loncapa.lonc.core.internal.pool.PoolSettings;
import org.loncapa.lonc.core.internal.pool.Transaction;
import org.loncapa.lonc.core.internal.protocol.LocalKeyFiles;
import org.loncapa.lonc.core.internal.protocol.RealLocalKeyFiles;
import org.loncapa.lonc.core.internal.protocol.RequestLine;
import org.loncapa.lonc.core.internal.reactor.EventLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lonc engine: many callers' one-line requests multiplexed over a few authenticated lond
 * connections per remote host, on one non-blocking event loop.
 *
 * <p>Thread-safety: every public method may be called from any thread. Work is handed to the engine
 * thread through a queue; callers never touch pool or connection state. The futures returned by
 * {@code submit} are completed <em>on the engine thread</em>: do not block in their callbacks (use
 * the {@code ...Async} variants of {@link CompletableFuture} with your own executor instead).
 *
 * <p>Replies are lond's reply line (without newline), or one of the {@link ReplyTokens} that lonc
 * itself produces. A future never completes exceptionally, except when its caller cancels it, or
 * with {@link EngineDiedException} when made after the engine thread died.
 */
public final class LoncEngine implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LoncEngine.class);

    private final EngineConfig config;
    private final PoolSettings settings;
    private final EventLoop loop;
    private final ExecutorService resolver;
    private final LocalKeyFiles keyFiles;
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(64 * 1024);
    /** Engine thread only. */
    private final Map<String, HostPool> pools = new HashMap<>();
    /**
     * The host table by lonID and by name, replaced as one (never mutated) on reload, so that a
     * request is never routed with the names of one table and the lonIDs of another; read from any
     * thread, once per use.
     */
    private volatile Routes routes;

    private record Routes(Map<String, RemoteHost> byLonId, Map<String, RemoteHost> byName) {}
    /** Engine thread only. */
    private int queuedTotal;
    private volatile boolean closing;
    private final java.util.concurrent.atomic.AtomicBoolean closeStarted =
            new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicBoolean workFinished =
            new java.util.concurrent.atomic.AtomicBoolean();
    private volatile boolean shutDown;
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    private HostListener listener = HostListener.NONE;
    /** What the pools get of the engine (so none of it is a public method here). */
    private final PoolContext context = new Context();
    /** What killed the engine thread, or null while it lives. */
    private volatile Throwable deathCause;

    /**
     * The engine thread has died (an Error escaped it): requests made since fail with this at once.
     * Requests that were pending when it died were answered {@code con_lost}.
     */
    public static final class EngineDiedException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        EngineDiedException(Throwable cause) {
            super("the lonc engine thread died of " + cause, cause);
        }
    }

    private LoncEngine(EngineConfig config) {
        this.config = config;
        this.settings = new PoolSettings(config.maxConnectionsPerHost, config.maxHandshakesPerHost,
                config.retries, config.maxQueuedPerHost, config.allowInsecure, config.lonVersion,
                config.connectTimeoutNanos, config.handshakeStepTimeoutNanos,
                config.transactionTimeoutNanos, config.maxReplyBytes, config.probeInitialNanos,
                config.probeMaxNanos, config.idleTimeoutNanos, config.idleCheckNanos,
                config.maxLifetimeNanos, config.tcpKeepAlive, config.handshakeStallNanos);
        this.keyFiles = new RealLocalKeyFiles(config.localKeyDir, config.random);
        setHostMaps(config.hosts);
        AtomicInteger n = new AtomicInteger();
        this.resolver = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "lonc-resolver-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.loop = new EventLoop("lonc-engine", config.tickIntervalNanos, () -> tick(now()));
        this.loop.onDeath(this::died);
    }

    /**
     * On the dying engine thread, before the tasks still posted run: from now on every request fails
     * at once, and every queued or in-flight one is answered {@code con_lost} (best effort: the
     * pools may be in any state after the error).
     */
    private void died(Throwable cause) {
        deathCause = cause;
        closing = true;
        log.error("The lonc engine thread died of {}: every pending request is answered {} and every"
                + " new one fails", cause.toString(), ReplyTokens.CON_LOST, cause);
        for (HostPool p : pools.values()) {
            try {
                p.shutdown();
            } catch (RuntimeException | Error e) {
                log.warn("Failing the requests of {} after the engine died: {}", p.name(), e.toString());
            }
        }
        drained.complete(null);
        resolver.shutdownNow();
    }

    /** What killed the engine thread, or empty while it lives. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(deathCause);
    }

    static {
        EngineInternals.install(new EngineInternals.Access() {
            @Override
            public EventLoop loop(LoncEngine engine) {
                return engine.loop;
            }

            @Override
            public boolean isClosing(LoncEngine engine) {
                return engine.closing;
            }

            @Override
            public void injectFailure(LoncEngine engine, Error error) {
                engine.injectFailure(error);
            }
        });
    }

    /**
     * Test hook: throws {@code error} on the engine thread, which kills it as any escaping Error
     * would (the daemon then exits; see docs/operations.md).
     */
    private void injectFailure(Error error) {
        loop.execute(() -> {
            throw error;
        });
    }

    /** Creates and starts an engine. */
    public static LoncEngine start(EngineConfig config) {
        LoncEngine e = new LoncEngine(config);
        e.loop.start();
        return e;
    }

    private void setHostMaps(List<RemoteHost> hosts) {
        Map<String, RemoteHost> byId = new HashMap<>();
        Map<String, RemoteHost> byName = new LinkedHashMap<>();
        for (RemoteHost h : hosts) {
            if (byName.putIfAbsent(h.name(), h) != null) {
                throw new IllegalArgumentException("host " + h.name() + " is listed twice");
            }
            for (String id : h.lonIds()) {
                if (byId.putIfAbsent(id, h) != null) {
                    throw new IllegalArgumentException("lonID " + id + " is on two hosts");
                }
            }
        }
        routes = new Routes(Collections.unmodifiableMap(byId), Collections.unmodifiableMap(byName));
    }

    // ------------------------------------------------------------------ public API

    /**
     * Sends {@code command} to the host that serves {@code lonId}.
     *
     * @param lonId the target lonID; unknown lonIDs are answered {@code no_such_host} at once
     * @param command one line without newline; a leading {@code encrypt:} makes it travel encrypted
     * @return the reply line, or {@code con_lost} / {@code con_busy} (see {@link ReplyTokens})
     */
    public CompletableFuture<String> submit(String lonId, String command) {
        return submit(lonId, command, null);
    }

    /**
     * As {@link #submit(String, String)}, but a request still queued after {@code timeout} is
     * answered {@code con_lost} (a request already sent is bounded by the transaction timeout).
     */
    public CompletableFuture<String> submit(String lonId, String command, Duration timeout) {
        RemoteHost h = routes.byLonId().get(lonId);
        if (h == null) {
            return CompletableFuture.completedFuture(ReplyTokens.NO_SUCH_HOST);
        }
        return enqueue(h, lonId, command, timeout);
    }

    /**
     * The daemon's path: a request line as a client wrote it to the UNIX socket of host
     * {@code hostName}. A leading {@code sethost:<id>:} selects the lonID (it must live on this
     * host, else {@code no_such_host}); without it the host's default lonID is meant.
     */
    public CompletableFuture<String> submitLine(String hostName, String line) {
        Routes table = routes;
        RemoteHost h = table.byName().get(hostName);
        if (h == null) {
            return CompletableFuture.completedFuture(ReplyTokens.NO_SUCH_HOST);
        }
        RequestLine r = RequestLine.parse(line);
        if (r.lonId() != null && !h.lonIds().contains(r.lonId())) {
            RemoteHost other = table.byLonId().get(r.lonId());
            if (other == null) {
                return CompletableFuture.completedFuture(ReplyTokens.NO_SUCH_HOST);
            }
            h = other; // routed by lonID, as lonnet means it
        }
        return enqueue(h, r.lonId(), r.command(), null);
    }

    private CompletableFuture<String> enqueue(RemoteHost h, String lonId, String command,
            Duration timeout) {
        Throwable dead = deathCause;
        if (dead != null) {
            return CompletableFuture.failedFuture(new EngineDiedException(dead));
        }
        if (closing) {
            return CompletableFuture.completedFuture(ReplyTokens.CON_LOST);
        }
        if (RequestLine.namesEmptyLonId(command)) {
            return CompletableFuture.completedFuture(ReplyTokens.NO_SUCH_HOST);
        }
        long now = now();
        long deadline = timeout == null ? Long.MAX_VALUE : now + timeout.toNanos();
        String target = lonId == null || lonId.equals(h.defaultLonId()) ? null : lonId;
        Transaction t = new Transaction(context, target, command, now, deadline, null);
        String name = h.name();
        boolean posted = loop.execute(() -> {
            if (deathCause != null) {
                t.future().completeExceptionally(new EngineDiedException(deathCause));
                return;
            }
            HostPool p = poolFor(name);
            if (p == null) {
                t.future().complete(ReplyTokens.NO_SUCH_HOST);
            } else {
                p.submit(t, now());
            }
        });
        if (!posted && deathCause == null) {
            // a close() finished between the closing check above and this post: the loop will
            // never run the task, so answer as a closing engine does
            t.future().complete(ReplyTokens.CON_LOST);
        }
        if (deathCause != null) {
            // died after the check above: this task may have been posted after its last drain
            t.future().completeExceptionally(new EngineDiedException(deathCause));
        }
        return t.future();
    }

    /** The host serving {@code lonId}, if configured. */
    public Optional<RemoteHost> hostOf(String lonId) {
        return Optional.ofNullable(routes.byLonId().get(lonId));
    }

    /** The host named {@code name}, if configured. */
    public Optional<RemoteHost> host(String name) {
        return Optional.ofNullable(routes.byName().get(name));
    }

    /** All configured hosts, in configuration order. */
    public List<RemoteHost> hosts() {
        return List.copyOf(routes.byName().values());
    }

    /**
     * A snapshot of every configured host. Once the engine is closed it fails at once with an
     * {@link IllegalStateException}.
     */
    public CompletableFuture<List<HostStatus>> statusAsync() {
        CompletableFuture<List<HostStatus>> f = new CompletableFuture<>();
        if (loop.terminated().isDone()) {
            f.completeExceptionally(closedError()); // a task posted now would never run
            return f;
        }
        loop.execute(() -> {
            long now = now();
            List<HostStatus> l = new ArrayList<>();
            for (RemoteHost h : routes.byName().values()) {
                HostPool p = pools.get(h.name());
                l.add(p != null ? p.status(now) : idleStatus(h));
            }
            f.complete(l);
        });
        return f;
    }

    /** Blocking form of {@link #statusAsync()} (waits at most 5 s). */
    public List<HostStatus> status() {
        return await(statusAsync());
    }

    /** Status of one host by name. */
    public Optional<HostStatus> status(String hostName) {
        return status().stream().filter(s -> s.name().equals(hostName)).findFirst();
    }

    private static IllegalStateException closedError() {
        return new IllegalStateException("the lonc engine is closed");
    }

    private static HostStatus idleStatus(RemoteHost h) {
        return new HostStatus(h.name(), h.lonIds(), HostState.UNKNOWN, null, null, 0, 0, 0, 0,
                -1, -1, 0, 0, 0, 0, 0, 0, -1, -1, -1, new long[0]);
    }

    /** {@code reset_retries}: full retry budget for the host; a dead host is tried again at once. */
    public CompletableFuture<Void> resetHost(String hostName) {
        return onPool(hostName, p -> p.reset(now()));
    }

    /** USR1: resets every host. */
    public CompletableFuture<Void> resetAll() {
        return onLoop(() -> {
            long now = now();
            pools.values().forEach(p -> p.reset(now));
        });
    }

    /** {@code close_connection_exit}: closes the host's connections (busy ones after their reply). */
    public CompletableFuture<Void> closeConnections(String hostName) {
        return onPool(hostName, p -> p.closeConnections(now()));
    }

    /** Pauses a host: its work fails with {@code con_lost} until {@link #resume}. */
    public CompletableFuture<Void> pause(String hostName) {
        return onPool(hostName, p -> p.pause(now()));
    }

    /** Ends a pause. */
    public CompletableFuture<Void> resume(String hostName) {
        return onPool(hostName, p -> p.resume(now()));
    }

    /**
     * Replaces the host table (configuration reload). New hosts become usable; removed hosts finish
     * their queued and in-flight work and then close; changed hosts reconnect when idle.
     */
    public CompletableFuture<Void> updateHosts(List<RemoteHost> hosts) {
        return onLoop(() -> {
            Map<String, RemoteHost> old = routes.byName();
            setHostMaps(hosts);
            long now = now();
            for (Map.Entry<String, HostPool> e : new ArrayList<>(pools.entrySet())) {
                RemoteHost nh = routes.byName().get(e.getKey());
                HostPool p = e.getValue();
                if (nh == null) {
                    log.info("Host {} removed from the configuration; draining", e.getKey());
                    p.retire(now);
                    if (p.isGone()) {
                        pools.remove(e.getKey());
                    }
                } else if (!nh.equals(old.get(e.getKey()))) {
                    log.info("Host {} changed in the configuration; reconnecting", e.getKey());
                    p.updateHost(nh);
                    p.recycleConnections();
                }
            }
        });
    }

    /** Runs the housekeeping tick now (tests advance a fake ticker, then call this). */
    public CompletableFuture<Void> tickNow() {
        return onLoop(() -> tick(now()));
    }

    /** Sets the listener told when hosts become ready (deferred replay). */
    public CompletableFuture<Void> setHostListener(HostListener l) {
        return onLoop(() -> {
            listener = l;
            pools.values().forEach(p -> p.setListener(l));
        });
    }

    /** Closes with the configured drain timeout. */
    @Override
    public void close() {
        close(Duration.ofNanos(config.drainTimeoutNanos));
    }

    /**
     * Stops accepting work (new requests get {@code con_lost}), lets queued and in-flight
     * transactions finish for up to {@code drain}, fails the rest with {@code con_lost}, closes every
     * connection and stops the engine thread.
     */
    public void close(Duration drain) {
        if (!closeStarted.compareAndSet(false, true)) {
            if (!loop.inLoop()) {
                EventLoop.wakePendingNow();
                loop.terminated().join();
            }
            return;
        }
        closing = true;
        if (loop.inLoop()) {
            // Called from a callback on the engine thread: waiting here would wait for ourselves.
            Thread t = new Thread(() -> shutDown(drain), "lonc-engine-close");
            t.setDaemon(true);
            t.start();
            return;
        }
        shutDown(drain);
    }

    /**
     * The first half of {@link #close(Duration)}, for a caller that shares the engine's loop (the
     * daemon's front end): stops accepting work, lets queued and in-flight transactions finish for
     * up to {@code drain}, then fails the rest with {@code con_lost} and closes every connection,
     * but leaves the loop running, so that the sharer can still deliver those replies; {@link #close}
     * then stops it. Not on the engine thread; a second call returns at once.
     */
    public void finishWork(Duration drain) {
        if (loop.inLoop()) {
            throw new IllegalStateException("finishWork waits for the engine thread; not on it");
        }
        if (!workFinished.compareAndSet(false, true)) {
            return;
        }
        closing = true;
        loop.execute(this::checkDrained);
        EventLoop.wakePendingNow();
        try {
            drained.get(drain.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            log.warn("Drain timeout of {} ms reached; failing what is left", drain.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            log.warn("drain", e);
        }
        loop.execute(() -> {
            shutDown = true;
            pools.values().forEach(HostPool::shutdown);
        });
    }

    private void shutDown(Duration drain) {
        finishWork(drain);
        loop.close();
        EventLoop.wakePendingNow();
        try {
            loop.terminated().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("engine thread did not stop in time");
        }
        resolver.shutdownNow();
    }

    // ------------------------------------------------------------------ for the pools (engine thread)

    /** Current engine time (nanos). */
    private long now() {
        return config.ticker.nanoTime();
    }

    /** This host's lonID. */
    public String myLonId() {
        return config.myLonId;
    }

    /** Completes the drain when closing and nothing is left in flight. */
    private void checkDrained() {
        if (!closing || drained.isDone()) {
            return;
        }
        for (HostPool p : pools.values()) {
            if (!p.isDrained()) {
                return;
            }
        }
        drained.complete(null);
    }

    /** The engine as its pools see it. */
    private final class Context implements PoolContext {
        @Override
        public long now() {
            return LoncEngine.this.now();
        }

        @Override
        public EventLoop loop() {
            return loop;
        }

        @Override
        public ByteBuffer readBuffer() {
            return readBuffer;
        }

        @Override
        public SSLContext sslContext() {
            return config.sslContext;
        }

        @Override
        public String myLonId() {
            return config.myLonId;
        }

        @Override
        public LocalKeyFiles keyFiles() {
            return keyFiles;
        }

        @Override
        public SecureRandom random() {
            return config.random;
        }

        @Override
        public Executor resolver() {
            return resolver;
        }

        @Override
        public boolean reserveQueueSlot() {
            if (queuedTotal >= config.maxQueuedTotal) {
                return false;
            }
            queuedTotal++;
            return true;
        }

        @Override
        public void releaseQueueSlot() {
            queuedTotal--;
        }

        @Override
        public boolean isClosing() {
            return closing;
        }

        @Override
        public boolean isShutDown() {
            return shutDown;
        }

        @Override
        public void checkDrained() {
            LoncEngine.this.checkDrained();
        }
    }

    private HostPool poolFor(String name) {
        HostPool p = pools.get(name);
        if (p == null) {
            RemoteHost h = routes.byName().get(name);
            if (h == null) {
                return null;
            }
            p = new HostPool(context, h, settings, now());
            p.setListener(listener);
            pools.put(name, p);
        }
        return p;
    }

    private void tick(long now) {
        for (HostPool p : new ArrayList<>(pools.values())) {
            p.tick(now);
            if (p.isGone()) {
                pools.remove(p.name());
            }
        }
    }

    private CompletableFuture<Void> onPool(String hostName, java.util.function.Consumer<HostPool> action) {
        return onLoop(() -> {
            HostPool p = poolFor(hostName);
            if (p != null) {
                action.accept(p);
            }
        });
    }

    private CompletableFuture<Void> onLoop(Runnable r) {
        return loop.submit(r);
    }

    private <T> T await(CompletableFuture<T> f) {
        if (loop.inLoop() && !f.isDone()) {
            throw new IllegalStateException("blocking engine call made on the engine thread;"
                    + " use the ...Async variant from a callback");
        }
        EventLoop.wakePendingNow();
        try {
            return f.get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IllegalStateException closedOrFailed) {
                throw closedOrFailed;
            }
            throw new IllegalStateException("engine did not answer", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("engine did not answer", e);
        }
    }
}
