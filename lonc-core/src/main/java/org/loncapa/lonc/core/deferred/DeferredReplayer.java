package org.loncapa.lonc.core.deferred;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.loncapa.lonc.core.LoncEngine;
import org.loncapa.lonc.core.Redaction;
import org.loncapa.lonc.core.protocol.ProtocolChoices;
import org.loncapa.lonc.core.RemoteHost;
import org.loncapa.lonc.core.ReplyTokens;
import org.loncapa.lonc.core.Ticker;
import org.loncapa.lonc.core.pool.HostPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays deferred (critical) transactions from the {@link DeferredStore} through a
 * {@link LoncEngine}, and offers the operator tools and lonnet's {@code critical()}.
 *
 * <p><b>When.</b> As soon as a host has a ready connection after having none (Perl replayed when
 * the connection count went from 0 to 1), and again while the host is up and files remain, rescanning
 * the directory every {@link Settings#rescanInterval} otherwise.
 *
 * <p><b>How.</b> Files of all the host's lonIDs, in time order, through a {@link ReplayPlan} per host:
 * at most {@link Settings#maxInFlight} at once and {@link Settings#ratePerSecond} per second, so a
 * backlog shares the host's connections with live traffic instead of flooding its queue. Each file
 * is sent as {@code sethost:<lonid>:<cmd>} where the host has several lonIDs.
 *
 * <p><b>Guarantee: at-least-once.</b> A file is deleted only after lond's reply arrived; if the
 * process dies between lond executing a request and the reply being read, the file is replayed
 * again later. A reply of {@code con_lost} or {@code con_busy} leaves the file for the next round
 * (after a back-off). A reply in which lond refuses the request ({@code refused}, {@code rejected},
 * {@code unknown_cmd}, {@code error...}) moves the file to the hold area with a warning, where Perl
 * lonc deleted it: replaying it would not help, and deleting it would lose it.
 *
 * <p><b>Threads.</b> All file I/O runs on one worker thread of this class, never on the engine
 * thread; the per-host plans are owned by that worker. Public methods may be called from any thread.
 */
public final class DeferredReplayer implements HostPool.HostListener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DeferredReplayer.class);

    /**
     * Replay settings.
     *
     * @param maxInFlight replayed transactions outstanding per host at once (default 2)
     * @param ratePerSecond replayed transactions per second per host at most (default 20)
     * @param retryAfter pause after a failed replay (default 30 s)
     * @param rescanInterval how often the directory is looked at again while a host is up (default
     *     30 s)
     * @param maxAge files older than this are moved to the hold area instead of being replayed;
     *     {@link Duration#ZERO} turns it off (default off)
     * @param ticker monotonic time for the rate limit (default the system ticker)
     */
    public record Settings(int maxInFlight, int ratePerSecond, Duration retryAfter,
            Duration rescanInterval, Duration maxAge, Ticker ticker) {
        /** The defaults listed above. */
        public static Settings defaults() {
            return new Settings(2, 20, Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ZERO,
                    Ticker.system());
        }

        public Settings withRate(int maxInFlight, int ratePerSecond) {
            return new Settings(maxInFlight, ratePerSecond, retryAfter, rescanInterval, maxAge, ticker);
        }

        public Settings withMaxAge(Duration age) {
            return new Settings(maxInFlight, ratePerSecond, retryAfter, rescanInterval, age, ticker);
        }
    }

    /** A deferred transaction as an operator sees it (no secret arguments). */
    public record Item(String file, String lonId, String host, Instant savedAt, Duration age,
            String description, boolean held) {}

    private final LoncEngine engine;
    private final DeferredStore store;
    private final PermLog permLog;
    private final Clock clock;
    private final Settings settings;
    private final java.util.concurrent.ScheduledExecutorService worker;
    /** Worker thread only. */
    private final Map<String, HostReplay> replays = new HashMap<>();
    /** Hosts with a pass already posted to the worker (to keep the worker queue short). */
    private final Set<String> posted = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();

    /** Replay state of one host (worker thread). */
    private static final class HostReplay {
        final ReplayPlan plan;
        /** Files found by the last scan and not yet handed out, in replay order. */
        final java.util.ArrayDeque<DeferredEntry> pending = new java.util.ArrayDeque<>();
        long nextScanAt;

        HostReplay(ReplayPlan plan, long now) {
            this.plan = plan;
            this.nextScanAt = now;
        }
    }

    private DeferredReplayer(LoncEngine engine, DeferredStore store, PermLog permLog, Clock clock,
            Settings settings) {
        this.engine = engine;
        this.store = store;
        this.permLog = permLog;
        this.clock = clock;
        this.settings = settings;
        // a failing task must not leave a silently dead replayer behind (supervision)
        this.worker = new org.loncapa.lonc.core.reactor.SupervisedScheduler("lonc-deferred");
    }

    /**
     * Creates a replayer and makes it the engine's host listener. Files of lonIDs that are not in
     * the engine's host table are moved to the hold area at once (never replayed to the wrong place).
     */
    public static DeferredReplayer attach(LoncEngine engine, DeferredStore store, PermLog permLog,
            Clock clock, Settings settings) {
        DeferredReplayer r = new DeferredReplayer(engine, store, permLog, clock, settings);
        r.holdUnknownHosts();
        engine.setHostListener(r).join();
        long period = Math.max(1, settings.rescanInterval().toMillis());
        r.worker.scheduleWithFixedDelay(r::scanAll, 0, period, TimeUnit.MILLISECONDS);
        return r;
    }

    public DeferredStore store() {
        return store;
    }

    // ------------------------------------------------------------------ engine callbacks

    @Override
    public void hostReady(HostPool pool, long now) {
        post(pool.name(), true);
    }

    @Override
    public void hostTick(HostPool pool, long now) {
        post(pool.name(), false);
    }

    private void post(String host, boolean force) {
        if (closed.get()) {
            return;
        }
        if (posted.add(host)) {
            worker.execute(() -> {
                posted.remove(host);
                pass(host, force);
            });
        }
    }

    /**
     * Finds hosts with files waiting, including hosts nobody has used since start (Perl replayed
     * only when a client's request opened a connection, so such files could wait forever).
     */
    private void scanAll() {
        if (closed.get()) {
            return;
        }
        try {
            // directory-wide housekeeping, once per scan (not in every host's rescan)
            Instant wall = clock.instant();
            store.holdStaleTemps(DeferredStore.STALE_TEMP_AGE, wall);
            if (!settings.maxAge().isZero()) {
                for (DeferredEntry old : store.holdAllOlderThan(settings.maxAge(), wall)) {
                    log.warn("Deferred transaction {} is older than {} and was moved to hold",
                            old.name().forLog(), settings.maxAge());
                }
            }
            Set<String> hosts = new HashSet<>();
            for (DeferredEntry e : store.listAll()) {
                engine.hostOf(e.lonid()).ifPresent(h -> hosts.add(h.name()));
            }
            for (String h : hosts) {
                pass(h, false);
            }
        } catch (IOException | RuntimeException e) {
            log.warn("Cannot scan deferred transactions: {}", e.toString());
        }
    }

    /** One replay pass for a host (worker thread): rescan if due, then hand out what the plan allows. */
    private void pass(String hostName, boolean force) {
        Optional<RemoteHost> host = engine.host(hostName);
        if (host.isEmpty() || closed.get()) {
            return;
        }
        long now = settings.ticker().nanoTime();
        HostReplay r = replays.computeIfAbsent(hostName, k -> new HostReplay(new ReplayPlan(
                settings.maxInFlight(), settings.ratePerSecond(), settings.retryAfter().toNanos()), now));
        if (r.plan.isBackingOff(now)) {
            return;
        }
        if (force || (r.pending.isEmpty() && now - r.nextScanAt >= 0)) {
            rescan(host.get(), r, now);
        }
        while (!r.pending.isEmpty()) {
            List<DeferredEntry> head = new ArrayList<>();
            for (DeferredEntry e : r.pending) {
                if (head.size() >= settings.maxInFlight()) {
                    break;
                }
                head.add(e);
            }
            List<DeferredEntry> batch = r.plan.nextBatch(head, now);
            if (batch.isEmpty()) {
                return; // in flight at the maximum, rate-limited, or backing off
            }
            r.pending.removeAll(batch);
            for (DeferredEntry e : batch) {
                Optional<String> cmd = store.readCommand(e);
                if (cmd.isEmpty()) {
                    r.plan.onSkipped(e); // moved aside as corrupt, or gone
                    continue;
                }
                String command = cmd.get();
                engine.submit(e.lonid(), command).whenComplete((reply, err) ->
                        worker.execute(() -> done(hostName, r, e, command, err == null ? reply : null)));
            }
        }
    }

    private void rescan(RemoteHost host, HostReplay r, long now) {
        r.nextScanAt = now + settings.rescanInterval().toNanos();
        List<DeferredEntry> onDisk = new ArrayList<>();
        Instant wall = clock.instant();
        try {
            for (String lonId : host.lonIds()) {
                onDisk.addAll(store.listReplayable(lonId, wall));
            }
        } catch (IOException e) {
            log.warn("Cannot list deferred transactions for {}: {}", host.name(), e.toString());
            return;
        }
        onDisk.sort(Comparator.comparing(DeferredEntry::name, DelayedFileName.REPLAY_ORDER));
        r.pending.clear();
        for (DeferredEntry e : onDisk) {
            if (!r.plan.isInFlight(e)) {
                r.pending.add(e);
            }
        }
        if (!r.pending.isEmpty()) {
            log.info("{} deferred transaction(s) to replay to {}", r.pending.size(), host.name());
        }
    }

    private void done(String hostName, HostReplay r, DeferredEntry e, String command, String reply) {
        long now = settings.ticker().nanoTime();
        if (reply == null || ReplyTokens.CON_LOST.equals(reply) || ReplyTokens.CON_BUSY.equals(reply)
                || ReplyTokens.NO_SUCH_HOST.equals(reply)) {
            log.info("Replay of deferred transaction {} to {} failed ({}); it stays for a later try",
                    e.name().forLog(), hostName, reply);
            r.plan.onFailed(e, now);
            return;
        }
        String request = ProtocolChoices.SETHOST_PREFIX + e.lonid() + ":" + command;
        try {
            if (store.finishReplay(e, hostName, request, reply) == DeferredStore.ReplayOutcome.HELD) {
                log.warn("lond refused deferred transaction {} ({}): moved to hold for an operator",
                        e.name().forLog(), reply.length() > 60 ? reply.substring(0, 60) + "…" : reply);
            } else {
                log.info("A delayed transaction was completed: {} to {}", Redaction.forLog(command),
                        hostName);
            }
        } catch (IOException ex) {
            log.warn("Cannot move refused deferred transaction {} to hold: {}", e.name().forLog(),
                    ex.toString());
        }
        r.plan.onReplied(e);
        if (!closed.get()) {
            pass(hostName, false);
        }
    }

    private void holdUnknownHosts() {
        Set<String> known = new HashSet<>();
        for (RemoteHost h : engine.hosts()) {
            known.addAll(h.lonIds());
        }
        try {
            for (DeferredEntry e : store.holdUnknownHosts(known)) {
                log.warn("Deferred transaction {} is for a lonID not in the host table: held",
                        e.name().forLog());
            }
        } catch (IOException e) {
            log.warn("Cannot check deferred transactions for unknown hosts: {}", e.toString());
        }
    }

    // ------------------------------------------------------------------ lonnet critical()

    /**
     * lonnet's {@code critical()}: send; on {@code con_lost} reset the host and try once more
     * ({@code reconlonc}); on a second {@code con_lost} save the request to the deferred store and
     * answer {@code con_delayed}, or {@code con_failed} if it could not be saved and verified.
     * Other replies are returned as they are.
     */
    public CompletableFuture<String> critical(String lonId, String command) {
        DeferredStore.requireSavable(lonId, command);
        return engine.submit(lonId, command).thenComposeAsync(first -> {
            if (!ReplyTokens.CON_LOST.equals(first)) {
                return CompletableFuture.completedFuture(first);
            }
            Optional<RemoteHost> h = engine.hostOf(lonId);
            CompletableFuture<Void> reset = h.isPresent() ? engine.resetHost(h.get().name())
                    : CompletableFuture.completedFuture(null);
            return reset.thenCompose(x -> engine.submit(lonId, command)).thenApplyAsync(second -> {
                if (!ReplyTokens.CON_LOST.equals(second)) {
                    return second;
                }
                SaveResult s = store.saveVerified(lonId, command);
                if (!s.isDelayed()) {
                    log.error("Could not save critical transaction {} for {}: {}",
                            Redaction.forLog(command), lonId, s.reason());
                }
                return s.replyToken();
            }, worker);
        }, worker);
    }

    // ------------------------------------------------------------------ operator tools

    /** Deferred transactions of a host (all its lonIDs), pending then held, oldest first. */
    public List<Item> list(String hostName) throws IOException {
        RemoteHost h = engine.host(hostName).orElseThrow(() ->
                new IllegalArgumentException("unknown host " + hostName));
        Instant now = clock.instant();
        List<Item> items = new ArrayList<>();
        for (String lonId : h.lonIds()) {
            for (DeferredEntry e : store.list(lonId)) {
                items.add(item(e, h.name(), now, false));
            }
            for (DeferredEntry e : store.listHeld(lonId)) {
                items.add(item(e, h.name(), now, true));
            }
        }
        return items;
    }

    /** Every deferred transaction, pending then held, including lonIDs not in the host table. */
    public List<Item> listAll() throws IOException {
        Instant now = clock.instant();
        List<Item> items = new ArrayList<>();
        for (DeferredEntry e : store.listAll()) {
            items.add(item(e, hostNameOf(e), now, false));
        }
        for (DeferredEntry e : store.listHeldAll()) {
            items.add(item(e, hostNameOf(e), now, true));
        }
        return items;
    }

    private String hostNameOf(DeferredEntry e) {
        return engine.hostOf(e.lonid()).map(RemoteHost::name).orElse("?");
    }

    private Item item(DeferredEntry e, String host, Instant now, boolean held) {
        return new Item(e.name().fileName(), e.lonid(), host, e.savedAt(), e.age(now),
                store.describe(e, now), held);
    }

    /** Replays a host's files now: resets the host's retries and starts a pass at once. */
    public CompletableFuture<Void> flush(String hostName) {
        return engine.resetHost(hostName).thenRunAsync(() -> {
            HostReplay r = replays.get(hostName);
            if (r != null) {
                r.plan.clearBackOff();
            }
            pass(hostName, true);
        }, worker);
    }

    /** Moves one file (by name) to the hold area. */
    public boolean hold(String fileName) throws IOException {
        Optional<DeferredEntry> e = find(fileName, false);
        if (e.isEmpty()) {
            return false;
        }
        store.hold(e.get());
        return true;
    }

    /** Moves one held file (by name) back for replay. */
    public boolean release(String fileName) throws IOException {
        Optional<DeferredEntry> e = find(fileName, true);
        if (e.isEmpty()) {
            return false;
        }
        store.release(e.get());
        return true;
    }

    /** Deletes one pending or held file (by name); the operator takes responsibility. */
    public boolean delete(String fileName) throws IOException {
        Optional<DeferredEntry> e = find(fileName, false);
        if (e.isEmpty()) {
            e = find(fileName, true);
        }
        if (e.isEmpty()) {
            return false;
        }
        log.warn("Deferred transaction {} deleted by an operator", e.get().name().forLog());
        return store.delete(e.get());
    }

    private Optional<DeferredEntry> find(String fileName, boolean held) throws IOException {
        Optional<DelayedFileName> n = DelayedFileName.parse(fileName);
        if (n.isEmpty()) {
            return Optional.empty();
        }
        List<DeferredEntry> l = held ? store.listHeld(n.get().lonid()) : store.list(n.get().lonid());
        return l.stream().filter(x -> x.name().equals(n.get())).findFirst();
    }

    /** Replay progress of a host: files found by the last scan and not yet sent, and files in flight. */
    public record Progress(int pending, int inFlight) {}

    /** Replay progress of a host, read on the worker thread. */
    public CompletableFuture<Progress> progress(String hostName) {
        return CompletableFuture.supplyAsync(() -> {
            HostReplay r = replays.get(hostName);
            return r == null ? new Progress(0, 0) : new Progress(r.pending.size(), r.plan.inFlightCount());
        }, worker);
    }

    /** Counts and oldest age for a host's lonIDs, summed. */
    public DeferredStore.Stats stats(String lonId) throws IOException {
        return store.stats(lonId, clock.instant());
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            worker.shutdown();
            try {
                worker.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
