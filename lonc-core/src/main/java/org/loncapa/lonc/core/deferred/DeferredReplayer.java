package org.loncapa.lonc.core.deferred;

import java.io.IOException;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
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
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.loncapa.lonc.core.HostListener;
import org.loncapa.lonc.core.LoncEngine;
import org.loncapa.lonc.core.internal.protocol.Redaction;
import org.loncapa.lonc.core.protocol.ProtocolChoices;
import org.loncapa.lonc.core.RemoteHost;
import org.loncapa.lonc.core.ReplyTokens;
import org.loncapa.lonc.core.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays deferred (critical) transactions from the {@link DeferredStore} through a
 * {@link LoncEngine}, and offers the operator tools and lonnet's {@code critical()}.
 *
 * <p><b>Order.</b> Per host, one line of files (all its lonIDs) in replay order (time, then
 * counter). A file is sent only after every earlier file of the line was answered by lond or moved
 * aside: a failed attempt keeps its place at the head and stops the line until the retry. With
 * {@link Settings#maxInFlight} above 1 (an operator's choice) several are outstanding at once and
 * lond may execute them out of order.
 *
 * <p><b>When.</b> Within a moment of any sign that the host is reachable: a connection becoming
 * ready, a reply from lond, {@code reset_retries} or USR1 (both reset the host), a flush. Each of
 * these ends a failure back-off at once. A file appearing in {@code delayed/} is noticed through a
 * {@link WatchService}; the rescan every {@link Settings#rescanInterval} is only a safety net. A
 * file younger than {@link Settings#minAge} (lonnet may still be reading it back) is sent when it
 * becomes old enough: the worker wakes for it then.
 *
 * <p><b>Guarantee: at-least-once, bounded.</b> A file is deleted only after lond's reply arrived;
 * if the process dies between lond executing a request and the reply being read, the file is
 * replayed again later. A reply of {@code con_lost} or {@code con_busy} leaves the file at the head
 * of its line (after a back-off). A reply in which lond refuses the request ({@code refused},
 * {@code rejected}, {@code unknown_cmd}, {@code error...}) moves the file to the hold area with a
 * warning. A file that was delivered but cannot be deleted is remembered and never sent again by
 * this process; replay then pauses until {@code delayed/} is writable again (a later process may
 * send such a file once more).
 *
 * <p><b>Threads.</b> All file I/O runs on one worker thread of this class, never on the engine
 * thread; the per-host lines are owned by that worker. Public methods may be called from any thread.
 */
public final class DeferredReplayer implements HostListener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DeferredReplayer.class);

    /** How long a flush waits for the host's eligible files before it reports what is left. */
    public static final Duration FLUSH_WAIT = Duration.ofSeconds(30);

    /** Remembered delivered-but-undeletable files at most (each is also on disk, and logged). */
    private static final int MAX_NOT_REMOVED = 100_000;

    /**
     * Replay settings.
     *
     * @param maxInFlight replayed transactions outstanding per host at once (default 1: strict
     *     order; more lets lond execute a host's files out of order)
     * @param ratePerSecond replayed transactions per second per host at most (default 20)
     * @param retryAfter pause of a host's line after a failed replay, unless the host shows sooner
     *     that it is reachable (default 30 s)
     * @param rescanInterval how often the directory is looked at again in any case, a safety net
     *     for missed file notifications (default 30 s)
     * @param maxAge files older than this are moved to the hold area instead of being replayed;
     *     {@link Duration#ZERO} turns it off (default off)
     * @param minAge files younger than this are left to lonnet's read-back (default {@link
     *     DeferredStore#REPLAY_MIN_AGE}, 5 s)
     * @param ticker monotonic time for the rate limit, back-off and rescans (default the system
     *     ticker)
     */
    public record Settings(int maxInFlight, int ratePerSecond, Duration retryAfter,
            Duration rescanInterval, Duration maxAge, Duration minAge, Ticker ticker) {
        public Settings {
            if (maxInFlight < 1 || ratePerSecond < 1) {
                throw new IllegalArgumentException("maxInFlight and ratePerSecond must be >= 1");
            }
            if (retryAfter.isNegative() || rescanInterval.isNegative() || rescanInterval.isZero()
                    || maxAge.isNegative() || minAge.isNegative()) {
                throw new IllegalArgumentException("replay durations must be >= 0 (rescan > 0)");
            }
            java.util.Objects.requireNonNull(ticker, "ticker");
        }

        /** The defaults listed above. */
        public static Settings defaults() {
            return new Settings(1, 20, Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ZERO,
                    DeferredStore.REPLAY_MIN_AGE, Ticker.system());
        }

        public Settings withRate(int maxInFlight, int ratePerSecond) {
            return new Settings(maxInFlight, ratePerSecond, retryAfter, rescanInterval, maxAge, minAge,
                    ticker);
        }

        public Settings withMaxAge(Duration age) {
            return new Settings(maxInFlight, ratePerSecond, retryAfter, rescanInterval, age, minAge,
                    ticker);
        }

        /** These settings with other timings (back-off after a failure, safety rescan, minimum age). */
        public Settings withTimings(Duration retryAfter, Duration rescanInterval, Duration minAge) {
            return new Settings(maxInFlight, ratePerSecond, retryAfter, rescanInterval, maxAge, minAge,
                    ticker);
        }

        public Settings withTicker(Ticker t) {
            return new Settings(maxInFlight, ratePerSecond, retryAfter, rescanInterval, maxAge, minAge, t);
        }
    }

    /**
     * A deferred transaction as an operator sees it (no secret arguments).
     *
     * @param deliveredNotRemoved lond answered it but the file could not be deleted: this process
     *     will not send it again
     */
    public record Item(String file, String lonId, String host, Instant savedAt, Duration age,
            String description, boolean held, boolean deliveredNotRemoved) {}

    /**
     * What a {@link #flush} did and what is left.
     *
     * @param delivered files of the host answered by lond during the flush
     * @param remaining files of the host still in {@code delayed/} to be sent (in line, in
     *     flight, or younger than the minimum age)
     * @param waiting of those, files younger than the minimum age
     * @param waitingUntil when the last waiting file becomes old enough (null if none)
     * @param stopped why the line stopped, if it did (a failed attempt and its retry time, or a
     *     pause); null otherwise
     */
    public record FlushReport(int delivered, int remaining, int waiting, Instant waitingUntil,
            String stopped) {}

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
    /** Hosts whose line is stopped by a back-off: a sign of life from them is worth a pass. */
    private final Set<String> stalled = ConcurrentHashMap.newKeySet();
    /** Hosts that showed a sign of life: end the back-off, look at the directory again. */
    private final Set<String> woken = ConcurrentHashMap.newKeySet();
    /** Hosts with a new file in delayed/: look at the directory again (once not backing off). */
    private final Set<String> dirty = ConcurrentHashMap.newKeySet();
    /** Delivered but not deleted (worker writes): never sent again by this process. */
    private final Map<java.nio.file.Path, DeferredEntry> notRemoved = new ConcurrentHashMap<>();
    /** Files this replayer saved and read back itself: no lonnet read-back to wait for. */
    private final Set<java.nio.file.Path> ownSaved = ConcurrentHashMap.newKeySet();
    /** Why replay is paused (delayed/ not writable), or null. */
    private volatile String paused;
    private volatile Thread watcher;
    /** Worker thread only: the failure to watch delayed/ was logged. */
    private boolean watchFailed;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** Replay state of one host (worker thread). */
    private static final class HostReplay {
        final ReplayPlan plan;
        /** Files not yet handed out (a failed one comes back), in replay order. */
        final TreeSet<DeferredEntry> pending = new TreeSet<>(IN_ORDER);
        long nextScanAt;
        /** Files younger than the minimum age, and when the first and last become old enough. */
        int young;
        Instant youngFrom;
        Instant youngUntil;
        String lastFailure;
        long delivered;
        ScheduledFuture<?> timer;
        long timerAt;
        final List<Runnable> idleWaiters = new ArrayList<>();

        HostReplay(ReplayPlan plan, long now) {
            this.plan = plan;
            this.nextScanAt = now;
        }
    }

    private static final Comparator<DeferredEntry> IN_ORDER =
            Comparator.comparing(DeferredEntry::name, DelayedFileName.REPLAY_ORDER);

    private DeferredReplayer(LoncEngine engine, DeferredStore store, PermLog permLog, Clock clock,
            Settings settings) {
        this.engine = engine;
        this.store = store;
        this.permLog = permLog;
        this.clock = clock;
        this.settings = settings;
        // a failing task must not leave a silently dead replayer behind (supervision)
        org.loncapa.lonc.core.internal.reactor.SupervisedScheduler w =
                new org.loncapa.lonc.core.internal.reactor.SupervisedScheduler("lonc-deferred");
        // wake-up timers are dropped at close, not waited for; cancelled ones do not pile up
        w.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        w.setRemoveOnCancelPolicy(true);
        this.worker = w;
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
        r.startWatcher();
        long period = Math.max(1, settings.rescanInterval().toMillis());
        r.worker.scheduleWithFixedDelay(r::scanAll, 0, period, TimeUnit.MILLISECONDS);
        return r;
    }

    public DeferredStore store() {
        return store;
    }

    /** Why replay is paused ({@code delayed/} not writable), if it is. */
    public Optional<String> pausedReason() {
        return Optional.ofNullable(paused);
    }

    /** Files delivered to lond that could not be deleted (this process will not send them again). */
    public int deliveredNotRemoved() {
        return notRemoved.size();
    }

    // ------------------------------------------------------------------ engine callbacks

    @Override
    public void hostReady(String host, long now) {
        wake(host);
    }

    @Override
    public void hostReachable(String host, long now) {
        // every reply passes here: only a stopped line is worth waking
        if (stalled.contains(host)) {
            wake(host);
        }
    }

    @Override
    public void hostTick(String host, long now) {
        post(host);
    }

    /** A sign of life: end the host's back-off and look at its files again now. */
    private void wake(String host) {
        woken.add(host);
        post(host);
    }

    private void post(String host) {
        if (closed.get()) {
            return;
        }
        if (posted.add(host)) {
            try {
                worker.execute(() -> {
                    posted.remove(host);
                    pass(host);
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                posted.remove(host); // closing
            }
        }
    }

    /**
     * Looks at every host's line now, as the timers would once the fake time given by the ticker
     * and clock has come: for tests that drive time themselves, and harmless otherwise.
     */
    public CompletableFuture<Void> runDue() {
        return CompletableFuture.runAsync(() -> {
            for (String h : new ArrayList<>(replays.keySet())) {
                pass(h);
            }
        }, worker);
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
            checkPause();
            if (watcher == null && java.nio.file.Files.isDirectory(store.directory())) {
                startWatcher(); // delayed/ created after the start
            }
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
                pass(h);
            }
        } catch (IOException | RuntimeException e) {
            log.warn("Cannot scan deferred transactions: {}", e.toString());
        }
    }

    /** Pauses replay while delayed/ is not writable, resumes when it is (worker thread). */
    private void checkPause() {
        Optional<String> why = store.checkWritable();
        if (why.isPresent() && paused == null) {
            pause(why.get());
        } else if (why.isEmpty() && paused != null) {
            log.warn("Replay of deferred transactions resumes: {} is writable again", store.directory());
            paused = null;
            // delivered before: remove them now instead of sending them again
            for (DeferredEntry e : List.copyOf(notRemoved.values())) {
                if (store.delete(e)) {
                    notRemoved.remove(e.path());
                    ownSaved.remove(e.path());
                }
            }
            for (String h : replays.keySet()) {
                woken.add(h);
                post(h);
            }
        }
    }

    private void pause(String why) {
        if (paused == null) {
            log.error("Replay of deferred transactions paused, so that nothing is sent twice: {}",
                    why);
        }
        paused = why;
    }

    /**
     * One replay pass for a host (worker thread): take in signs of life, rescan if due, hand out
     * what the line allows, and set the timer for the next thing that will be due.
     */
    private void pass(String hostName) {
        Optional<RemoteHost> host = engine.host(hostName);
        if (host.isEmpty() || closed.get()) {
            return;
        }
        long now = settings.ticker().nanoTime();
        HostReplay r = replays.computeIfAbsent(hostName, k -> new HostReplay(new ReplayPlan(
                settings.maxInFlight(), settings.ratePerSecond(), settings.retryAfter().toNanos()), now));
        boolean rescanNow = false;
        if (woken.remove(hostName)) {
            r.plan.clearBackOff();
            rescanNow = true;
        }
        if (paused != null) {
            finishWaiters(r);
            return;
        }
        if (r.plan.isBackingOff(now)) {
            schedule(hostName, r, now);
            finishWaiters(r);
            return;
        }
        stalled.remove(hostName);
        Instant wall = clock.instant();
        boolean newFile = dirty.remove(hostName);
        if (newFile || rescanNow || now - r.nextScanAt >= 0
                || (r.youngFrom != null && !wall.isBefore(r.youngFrom))) {
            rescan(host.get(), r, now, wall);
        }
        while (!r.pending.isEmpty() && paused == null) {
            List<DeferredEntry> head = new ArrayList<>(settings.maxInFlight());
            for (DeferredEntry e : r.pending) {
                if (head.size() >= settings.maxInFlight()) {
                    break;
                }
                head.add(e);
            }
            List<DeferredEntry> batch = r.plan.nextBatch(head, now);
            if (batch.isEmpty()) {
                break; // in flight at the maximum, or rate-limited
            }
            for (DeferredEntry e : batch) {
                r.pending.remove(e);
                Optional<String> cmd = store.readCommand(e);
                if (cmd.isEmpty()) {
                    r.plan.onSkipped(e); // moved aside as corrupt, or gone
                    continue;
                }
                String command = cmd.get();
                engine.submit(e.lonid(), command).whenComplete((reply, err) -> {
                    try {
                        worker.execute(() -> done(hostName, r, e, command, err == null ? reply : null));
                    } catch (java.util.concurrent.RejectedExecutionException closing) {
                        // the file stays on disk for the next process
                    }
                });
            }
        }
        schedule(hostName, r, now);
        finishWaiters(r);
    }

    /** Arms the host's timer for the next thing due: a retry, a token, a young file, a rescan. */
    private void schedule(String hostName, HostReplay r, long now) {
        long wait = r.nextScanAt - now;
        if (!r.pending.isEmpty()) {
            wait = Math.min(wait, r.plan.nanosUntilReady(now));
        }
        if (r.youngFrom != null) {
            long untilYoung = Duration.between(clock.instant(), r.youngFrom).toNanos();
            wait = Math.min(wait, Math.max(0, untilYoung));
        }
        wait = Math.max(wait, 1_000_000); // at most a thousand wake-ups a second
        long at = now + wait;
        if (r.timer != null && !r.timer.isDone() && r.timerAt - at <= 0) {
            return; // an earlier (or the same) wake-up is set already
        }
        if (r.timer != null) {
            r.timer.cancel(false);
        }
        r.timerAt = at;
        r.timer = worker.schedule(() -> pass(hostName), wait, TimeUnit.NANOSECONDS);
    }

    private void rescan(RemoteHost host, HostReplay r, long now, Instant wall) {
        r.nextScanAt = now + settings.rescanInterval().toNanos();
        List<DeferredEntry> onDisk = new ArrayList<>();
        try {
            for (String lonId : host.lonIds()) {
                onDisk.addAll(store.list(lonId));
            }
        } catch (IOException e) {
            log.warn("Cannot list deferred transactions for {}: {}", host.name(), e.toString());
            r.youngFrom = null; // the next rescan finds them; no wake-up for a list that failed
            return;
        }
        int before = r.pending.size();
        r.pending.clear();
        r.young = 0;
        r.youngFrom = null;
        r.youngUntil = null;
        for (DeferredEntry e : onDisk) {
            if (r.plan.isInFlight(e) || notRemoved.containsKey(e.path())) {
                continue;
            }
            if (e.age(wall).compareTo(settings.minAge()) < 0 && !ownSaved.contains(e.path())) {
                Instant eligible = e.savedAt().plus(settings.minAge());
                r.young++;
                r.youngFrom = r.youngFrom == null || eligible.isBefore(r.youngFrom) ? eligible : r.youngFrom;
                r.youngUntil = r.youngUntil == null || eligible.isAfter(r.youngUntil) ? eligible : r.youngUntil;
                continue;
            }
            r.pending.add(e);
        }
        if (r.pending.size() > before) {
            log.info("{} deferred transaction(s) to replay to {}", r.pending.size(), host.name());
        }
    }

    private void done(String hostName, HostReplay r, DeferredEntry e, String command, String reply) {
        long now = settings.ticker().nanoTime();
        if (reply == null || ReplyTokens.CON_LOST.equals(reply) || ReplyTokens.CON_BUSY.equals(reply)
                || ReplyTokens.NO_SUCH_HOST.equals(reply)) {
            log.info("Replay of deferred transaction {} to {} failed ({}); it stays at the head of"
                    + " the line for a later try", e.name().forLog(), hostName, reply);
            r.plan.onFailed(e, now);
            r.pending.add(e); // keeps its place: nothing later overtakes it
            r.lastFailure = reply;
            stalled.add(hostName);
            pass(hostName);
            return;
        }
        String request = ProtocolChoices.SETHOST_PREFIX + e.lonid() + ":" + command;
        try {
            switch (store.finishReplay(e, hostName, request, reply)) {
                case HELD:
                    log.warn("lond refused deferred transaction {} ({}): moved to hold for an operator",
                            e.name().forLog(), reply.length() > 60 ? reply.substring(0, 60) + "…" : reply);
                    break;
                case DELIVERED_NOT_REMOVED:
                    notRemoved(e, "delivered, but it could not be deleted");
                    r.delivered++;
                    break;
                default:
                    log.info("A delayed transaction was completed: {} to {}", Redaction.forLog(command),
                            hostName);
                    r.delivered++;
            }
        } catch (IOException ex) {
            notRemoved(e, "refused by lond (" + Redaction.forLog(reply, 60)
                    + "), but it could not be moved to hold: " + ex);
        }
        ownSaved.remove(e.path());
        r.plan.onReplied(e);
        r.lastFailure = null;
        if (!closed.get()) {
            pass(hostName);
        }
    }

    /** A file lond has answered stays on disk: never send it again, and stop replaying. */
    private void notRemoved(DeferredEntry e, String what) {
        if (notRemoved.size() < MAX_NOT_REMOVED) {
            notRemoved.put(e.path(), e);
        }
        log.error("Deferred transaction {} was {}; this lonc will not send it again (a restarted"
                + " lonc may, once)", e.name().forLog(), what);
        Optional<String> why = store.checkWritable();
        pause(why.orElse("a delivered file in " + store.directory() + " could not be deleted"));
    }

    /** Completes flushes waiting for this line once it is idle or stopped. */
    private void finishWaiters(HostReplay r) {
        if (r.idleWaiters.isEmpty()) {
            return;
        }
        boolean idle = r.pending.isEmpty() && r.plan.inFlightCount() == 0;
        boolean stopped = paused != null || r.plan.isBackingOff(settings.ticker().nanoTime());
        if (idle || stopped) {
            List<Runnable> w = new ArrayList<>(r.idleWaiters);
            r.idleWaiters.clear();
            w.forEach(Runnable::run);
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

    // ------------------------------------------------------------------ file notifications

    /** Notices new files in delayed/ within moments (the periodic scan stays as a safety net). */
    private void startWatcher() {
        WatchService ws;
        try {
            ws = store.directory().getFileSystem().newWatchService();
            // a file renamed into the directory is reported as created too
            store.directory().register(ws, StandardWatchEventKinds.ENTRY_CREATE);
        } catch (IOException | RuntimeException e) {
            if (!watchFailed) {
                watchFailed = true;
                log.warn("Cannot watch {} for new deferred transactions ({}); the rescan every {}"
                        + " finds them", store.directory(), e.toString(), settings.rescanInterval());
            }
            return;
        }
        Thread t = new Thread(() -> watch(ws), "lonc-deferred-watch");
        t.setDaemon(true);
        watcher = t;
        t.start();
    }

    private void watch(WatchService ws) {
        try (ws) {
            while (!closed.get()) {
                WatchKey key = ws.take();
                boolean overflow = false;
                Set<String> hosts = new HashSet<>();
                for (WatchEvent<?> ev : key.pollEvents()) {
                    if (ev.kind() == StandardWatchEventKinds.OVERFLOW) {
                        overflow = true;
                    } else if (ev.context() instanceof java.nio.file.Path p) {
                        DelayedFileName.parse(p.toString()).flatMap(n -> engine.hostOf(n.lonid()))
                                .ifPresent(h -> hosts.add(h.name()));
                    }
                }
                if (overflow) {
                    worker.execute(this::scanAll);
                }
                hosts.forEach(this::noticeNewFile);
                if (!key.reset()) {
                    log.warn("{} can no longer be watched; the rescan every {} finds new files",
                            store.directory(), settings.rescanInterval());
                    return;
                }
            }
        } catch (InterruptedException | java.nio.file.ClosedWatchServiceException e) {
            // closing
        } catch (IOException | RuntimeException e) {
            if (!closed.get()) {
                log.warn("Watching {} stopped ({}); the rescan every {} finds new files",
                        store.directory(), e.toString(), settings.rescanInterval());
            }
        }
    }
    // ------------------------------------------------------------------ lonnet critical()

    /**
     * lonnet's {@code critical()}: send; on {@code con_lost} reset the host and try once more
     * ({@code reconlonc}); on a second {@code con_lost} save the request to the deferred store and
     * answer {@code con_delayed}, or {@code con_failed} if it could not be saved and verified.
     * Other replies are returned as they are.
     *
     * <p>While the host has deferred files waiting, the request is not sent ahead of them: it is
     * saved behind them at once (answer {@code con_delayed}) and replayed in its turn, so that a
     * newer request never reaches lond before an older one.
     */
    public CompletableFuture<String> critical(String lonId, String command) {
        DeferredStore.requireSavable(lonId, command);
        return CompletableFuture.supplyAsync(() -> hasBacklog(lonId), worker).thenCompose(backlog -> {
            if (backlog) {
                return CompletableFuture.supplyAsync(() -> saveBehind(lonId, command), worker);
            }
            return engine.submit(lonId, command).thenComposeAsync(first -> {
                if (!ReplyTokens.CON_LOST.equals(first)) {
                    return CompletableFuture.completedFuture(first);
                }
                Optional<RemoteHost> h = engine.hostOf(lonId);
                CompletableFuture<Void> reset = h.isPresent() ? engine.resetHost(h.get().name())
                        : CompletableFuture.completedFuture(null);
                return reset.thenCompose(x -> engine.submit(lonId, command)).thenApplyAsync(second ->
                        ReplyTokens.CON_LOST.equals(second) ? saveBehind(lonId, command) : second, worker);
            }, worker);
        });
    }

    /** Whether the lonID's host has deferred files not yet delivered (worker thread). */
    private boolean hasBacklog(String lonId) {
        Optional<RemoteHost> h = engine.hostOf(lonId);
        if (h.isEmpty()) {
            return false;
        }
        HostReplay r = replays.get(h.get().name());
        if (r != null && (!r.pending.isEmpty() || r.plan.inFlightCount() > 0)) {
            return true;
        }
        try {
            for (String id : h.get().lonIds()) {
                for (DeferredEntry e : store.list(id)) {
                    if (!notRemoved.containsKey(e.path())) {
                        return true;
                    }
                }
            }
        } catch (IOException e) {
            log.warn("Cannot list deferred transactions for {}: {}", lonId, e.toString());
        }
        return false;
    }

    /** Saves a critical request to the store and lets the host's line pick it up (worker thread). */
    private String saveBehind(String lonId, String command) {
        SaveResult s = store.saveVerified(lonId, command);
        if (s.isDelayed()) {
            ownSaved.add(s.file()); // read back already: no lonnet read-back window to respect
            engine.hostOf(lonId).ifPresent(h -> noticeNewFile(h.name()));
        } else {
            log.error("Could not save critical transaction {} for {}: {}",
                    Redaction.forLog(command), lonId, s.reason());
        }
        return s.replyToken();
    }

    /** A new file: the host's line looks at the directory again, but a back-off stays. */
    private void noticeNewFile(String host) {
        dirty.add(host);
        post(host);
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
                store.describe(e, now), held, !held && notRemoved.containsKey(e.path()));
    }

    /**
     * Replays a host's files now: resets the host's retries, ends any back-off, looks at the
     * directory again and sends what is old enough. Completes when the host's line is empty or
     * stopped (a failed attempt, a pause), or after {@link #FLUSH_WAIT}, with what is left.
     */
    public CompletableFuture<FlushReport> flush(String hostName) {
        CompletableFuture<FlushReport> result = new CompletableFuture<>();
        engine.resetHost(hostName).whenComplete((v, err) -> onWorker(result, () -> {
            HostReplay before = replays.get(hostName);
            long deliveredBefore = before == null ? 0 : before.delivered;
            if (paused != null) {
                checkPause(); // an operator may have fixed the directory
            }
            woken.add(hostName);
            pass(hostName);
            HostReplay r = replays.get(hostName);
            if (r == null) {
                result.complete(new FlushReport(0, 0, 0, null, paused));
                return;
            }
            Runnable report = () -> result.complete(report(r, deliveredBefore));
            r.idleWaiters.add(report);
            finishWaiters(r);
            worker.schedule(() -> {
                if (r.idleWaiters.remove(report)) {
                    report.run();
                }
            }, FLUSH_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }));
        return result;
    }

    /** Runs {@code task} on the worker, or fails {@code result} if the replayer is closing. */
    private void onWorker(CompletableFuture<?> result, Runnable task) {
        try {
            worker.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            result.completeExceptionally(new IllegalStateException("the replayer is closed"));
        }
    }

    private FlushReport report(HostReplay r, long deliveredBefore) {
        String stopped = paused != null ? "paused: " + paused : null;
        long now = settings.ticker().nanoTime();
        if (stopped == null && r.plan.isBackingOff(now)) {
            stopped = "the last attempt failed (" + r.lastFailure + "); next try at "
                    + clock.instant().plusNanos(r.plan.nanosUntilReady(now));
        }
        int remaining = r.pending.size() + r.plan.inFlightCount() + r.young;
        return new FlushReport((int) (r.delivered - deliveredBefore), remaining, r.young, r.youngUntil,
                stopped);
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

    /**
     * Replay progress of a host: files in line and not yet sent, files in flight, and files
     * waiting for the minimum age.
     */
    public record Progress(int pending, int inFlight, int waiting) {}

    /** Replay progress of a host, read on the worker thread. */
    public CompletableFuture<Progress> progress(String hostName) {
        return CompletableFuture.supplyAsync(() -> {
            HostReplay r = replays.get(hostName);
            return r == null ? new Progress(0, 0, 0)
                    : new Progress(r.pending.size(), r.plan.inFlightCount(), r.young);
        }, worker);
    }

    /** Counts and oldest age for a host's lonIDs, summed. */
    public DeferredStore.Stats stats(String lonId) throws IOException {
        return store.stats(lonId, clock.instant());
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            Thread w = watcher;
            if (w != null) {
                w.interrupt();
            }
            worker.shutdown();
            try {
                if (worker.awaitTermination(5, TimeUnit.SECONDS)) {
                    // flushes still waiting get what is known (the worker is gone: no race)
                    replays.values().forEach(r -> {
                        List<Runnable> waiting = new ArrayList<>(r.idleWaiters);
                        r.idleWaiters.clear();
                        waiting.forEach(Runnable::run);
                    });
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
