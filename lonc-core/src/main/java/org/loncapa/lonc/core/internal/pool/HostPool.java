package org.loncapa.lonc.core.internal.pool;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.loncapa.lonc.core.HostState;
import org.loncapa.lonc.core.HostStatus;
import org.loncapa.lonc.core.HostListener;
import org.loncapa.lonc.core.RemoteHost;
import org.loncapa.lonc.core.internal.util.RepeatedWarnings;
import org.loncapa.lonc.core.ReplyTokens;
import org.loncapa.lonc.core.internal.protocol.FailureKind;
import org.loncapa.lonc.core.internal.protocol.KeyMode;
import org.loncapa.lonc.core.internal.protocol.LondSession;
import org.loncapa.lonc.core.internal.protocol.SessionAction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything lonc keeps for one remote host: its connections (opened lazily up to a maximum, at most
 * a few handshakes at a time), the LIFO stack of idle connections, the FIFO work queue, the retry
 * budget and health, dead-host probing, and counters for the status report. Behaviour follows the
 * Perl daemon's {@code Tick}, {@code QueueTransaction}, {@code ServerToIdle}, {@code KillSocket} and
 * {@code EmptyQueue}, with the differences documented on each method.
 *
 * <p>Internal to the engine: every method runs on the engine thread, which owns all fields.
 */
public final class HostPool {
    private static final Logger log = LoggerFactory.getLogger(HostPool.class);

    /** Tag of the internal {@code ping} that checks a connection idle for a long time. */
    static final Object HEALTH_CHECK = new Object() {
        @Override
        public String toString() {
            return "health-check";
        }
    };

    private final PoolContext engine;
    private final PoolSettings settings;
    private RemoteHost host;

    private final ArrayDeque<Transaction> queue = new ArrayDeque<>();
    /** Idle connections; the head is the most recently used (LIFO reuse). */
    private final ArrayDeque<LondConnection> idle = new ArrayDeque<>();
    private final Set<LondConnection> connections = new LinkedHashSet<>();
    private int handshaking;
    private int nextConnectionId = 1;

    private HostState state = HostState.UNKNOWN;
    private int retriesLeft;
    private long nextProbeAt = -1;
    private long probeDelay;
    private long lastPrune;
    private int queuedWithDeadline;
    private boolean everReady;
    /** Removed from the configuration: finish the queue, then close and disappear. */
    private boolean retiring;

    private String keyMode;
    private String peerVersion;
    private long requests;
    private long replies;
    private long failures;
    private long timeouts;
    private long conLost;
    private long busy;
    private final LatencyHistogram latency = new LatencyHistogram();
    private long opens;
    private final long[] londErrors = new long[HostStatus.LOND_ERROR_WORDS.size()];
    private HostListener listener = HostListener.NONE;
    /** Overload repeats a warning per request (con_busy, DEAD host): once per kind and 10 s. */
    private final RepeatedWarnings warnings;

    public HostPool(PoolContext engine, RemoteHost host, PoolSettings settings, long now) {
        this.engine = engine;
        this.host = host;
        this.settings = settings;
        this.retriesLeft = settings.retries();
        this.probeDelay = settings.probeInitialNanos();
        this.lastPrune = now;
        this.warnings = new RepeatedWarnings(log, engine::now);
    }

    public String name() {
        return host.name();
    }

    public RemoteHost host() {
        return host;
    }

    /** Replaces the host entry (configuration reload); new connections use it. */
    public void updateHost(RemoteHost h) {
        this.host = h;
    }

    /** What the engine lends this pool. */
    public PoolContext engine() {
        return engine;
    }

    public HostState state() {
        return state;
    }

    public void setListener(HostListener l) {
        this.listener = l == null ? HostListener.NONE : l;
    }

    /** True if the pool holds nothing: no connection, no work, not dead. */
    public boolean isQuiet() {
        return connections.isEmpty() && queue.isEmpty() && state != HostState.DEAD;
    }

    public int queued() {
        return queue.size();
    }

    // ------------------------------------------------------------------ work

    private Transaction newTransaction(String lonId, String command, long now, long deadline,
            Object tag) {
        return new Transaction(engine, lonId, command, now, deadline, tag);
    }

    /**
     * Queues a transaction and dispatches what can be dispatched. A dead or paused host answers
     * {@code con_lost} at once; a full queue answers {@code con_busy} at once.
     */
    public void submit(Transaction t, long now) {
        t.pool = this;
        requests++;
        if (t.isDone()) {
            return;
        }
        if (state == HostState.DEAD || state == HostState.PAUSED) {
            if (state == HostState.DEAD) {
                warnings.warn(name() + ": DEAD, answered " + ReplyTokens.CON_LOST + " at once",
                        "{} is DEAD (next probe in {} s); answering {} at once", name(),
                        nextProbeAt < 0 ? 0 : Math.max(0, TimeUnit.NANOSECONDS.toSeconds(nextProbeAt - now)),
                        ReplyTokens.CON_LOST);
            }
            fail(t, ReplyTokens.CON_LOST);
            return;
        }
        if (queue.size() >= settings.maxQueuedPerHost() || !engine.reserveQueueSlot()) {
            warnings.warn(name() + ": queue full, answered " + ReplyTokens.CON_BUSY,
                    "{}: queue full ({} queued here), answering {}", name(), queue.size(),
                    ReplyTokens.CON_BUSY);
            fail(t, ReplyTokens.CON_BUSY);
            return;
        }
        queue.addLast(t);
        if (t.deadline != Long.MAX_VALUE) {
            queuedWithDeadline++;
        }
        pump(now);
    }

    /** Dispatches queued work to idle connections (FIFO), opening a connection if needed. */
    void pump(long now) {
        while (!queue.isEmpty()) {
            Transaction t = queue.peekFirst();
            if (t.isDone()) {
                dequeue();
                continue;
            }
            LondConnection c = takeIdle(now);
            if (c == null) {
                break;
            }
            dequeue();
            c.send(t, now);
        }
        if (!queue.isEmpty()) {
            maybeOpen(now);
        }
    }

    private Transaction dequeue() {
        Transaction t = queue.pollFirst();
        engine.releaseQueueSlot();
        if (t != null && t.deadline != Long.MAX_VALUE) {
            queuedWithDeadline--;
        }
        return t;
    }

    /** Pops the most recently used idle connection, retiring any that are too old. */
    private LondConnection takeIdle(long now) {
        LondConnection c;
        while ((c = idle.pollFirst()) != null) {
            if (!c.isOpen()) {
                continue;
            }
            if (tooOld(c, now)) {
                retire(c, "reached its maximum lifetime");
                continue;
            }
            return c;
        }
        return null;
    }

    private boolean tooOld(LondConnection c, long now) {
        return c.maxLifetimeNanos > 0 && now - c.createdAt >= c.maxLifetimeNanos;
    }

    /** Share of maxConnectionLifetime by which one connection's lifetime may be shorter. */
    static final double LIFETIME_JITTER = 0.10;

    /**
     * One connection's lifetime: between 90% and 100% of the setting, drawn from the engine's
     * random, so that connections opened together are not all retired in the same tick.
     */
    private long jitteredLifetime() {
        long max = settings.maxLifetimeNanos();
        if (max <= 0) {
            return 0;
        }
        return max - (long) (engine.random().nextDouble() * LIFETIME_JITTER * max);
    }

    /** Opens a connection if below the maximum and no other handshake is in progress. */
    private void maybeOpen(long now) {
        if (engine.isClosing()) {
            // no new connections during the drain: work that no connection is left to carry fails
            // now instead of at the drain timeout
            failQueueIfNoConnection(now, false);
            return;
        }
        if (state == HostState.DEAD || state == HostState.PAUSED) {
            return;
        }
        if (connections.size() < settings.maxConnections() && handshaking < settings.maxHandshakes()) {
            open(now);
        }
    }

    private void open(long now) {
        RemoteHost h = host;
        Optional<KeyMode> mode = KeyMode.choose(h.thisHost(), engine.sslContext() != null,
                settings.allowInsecure());
        if (mode.isEmpty()) {
            countFailure("no key mode can be used: the ssl certificate files are missing and"
                    + " insecure connections are not allowed (loncAllowInsecure)", now);
            failQueueIfNoConnection(now, false);
            return;
        }
        LondSession session = new LondSession(new LondSession.Params(engine.myLonId(),
                h.defaultLonId(), mode.get(), settings.allowInsecure(), settings.lonVersion(),
                settings.connectTimeoutNanos(), settings.handshakeStepTimeoutNanos(),
                settings.transactionTimeoutNanos()), engine.keyFiles(), engine.random());
        LondConnection c = new LondConnection(nextConnectionId++, this, session,
                settings.maxReplyBytes(), now);
        c.maxLifetimeNanos = jitteredLifetime();
        connections.add(c);
        handshaking++;
        opens++;
        c.starting(now);
        String target = h.thisHost() ? "127.0.0.1" : h.address();
        log.debug("{}: opening connection #{} to {}:{} ({})", name(), c.id, target, h.port(),
                mode.get().label());
        if (isLiteral(target)) {
            connectResolved(c, target, now);
        } else {
            // Resolve off the loop: a slow DNS server must not stall every other host. Each new
            // connection resolves again, so a host that moved is found at its new address.
            engine.resolver().execute(() -> {
                try {
                    InetAddress a = InetAddress.getByName(target);
                    engine.loop().execute(() -> {
                        if (c.isOpen()) {
                            c.connect(new InetSocketAddress(a, h.port()), settings.keepAlive(),
                                    engine.now());
                        }
                    });
                } catch (UnknownHostException e) {
                    engine.loop().execute(() -> c.resolveFailed("cannot resolve " + target, engine.now()));
                }
            });
        }
    }

    private void connectResolved(LondConnection c, String literal, long now) {
        try {
            c.connect(new InetSocketAddress(InetAddress.getByName(literal), host.port()),
                    settings.keepAlive(), now);
        } catch (UnknownHostException e) {
            c.resolveFailed("bad address " + literal, now);
        }
    }

    private static boolean isLiteral(String s) {
        if (s.equals("localhost") || s.indexOf(':') >= 0) {
            return true;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '.' && (c < '0' || c > '9')) {
                return false;
            }
        }
        return true;
    }

    // ------------------------------------------------------------------ connection events

    void onConnectionReady(LondConnection c, SessionAction.Ready r, long now) {
        handshaking--;
        boolean firstReady = !hasReadyConnection(c);
        retriesLeft = settings.retries();
        probeDelay = settings.probeInitialNanos();
        nextProbeAt = -1;
        if (state != HostState.PAUSED) {
            state = HostState.UP;
        }
        keyMode = r.mode().label();
        peerVersion = r.peerVersion();
        if (!everReady || firstReady) {
            log.info("Connection {} to {} now ready for action ({}{}), lond {}", c.id, name(),
                    keyMode, r.fellBackToInsecure() ? ", fell back to insecure" : "", peerVersion);
        }
        everReady = true;
        c.idleSince = now;
        if (firstReady) {
            listener.hostReady(host.name(), now);
        }
        becameIdle(c, now);
    }

    private boolean hasReadyConnection(LondConnection except) {
        for (LondConnection x : connections) {
            if (x != except && !x.handshaking) {
                return true;
            }
        }
        return false;
    }

    void onReply(LondConnection c, Transaction t, String reply, long now) {
        if (t != null && t.tag != HEALTH_CHECK && t.future.complete(reply)) {
            replies++;
            latency.record(now - t.submittedAt);
            countLondError(reply);
            listener.hostReachable(host.name(), now);
        }
        becameIdle(c, now);
    }

    /** Counts a reply that is one of lond's refusal words (alone or followed by ':'). */
    private void countLondError(String reply) {
        if (reply == null) {
            return;
        }
        for (int i = 0; i < londErrors.length; i++) {
            String w = HostStatus.LOND_ERROR_WORDS.get(i);
            if (reply.startsWith(w) && (reply.length() == w.length() || reply.charAt(w.length()) == ':')) {
                londErrors[i]++;
                return;
            }
        }
    }

    /** A connection is free: give it the next queued transaction, else put it on the idle stack. */
    private void becameIdle(LondConnection c, long now) {
        if (state == HostState.PAUSED || c.retireWhenIdle || engine.isShutDown()
                || (retiring && queue.isEmpty())) {
            retire(c, "closing on request");
            pump(now);
            engine.checkDrained();
            return;
        }
        if (tooOld(c, now)) {
            retire(c, "reached its maximum lifetime");
            pump(now);
            return;
        }
        c.idleSince = now;
        idle.addFirst(c);
        pump(now);
        engine.checkDrained();
    }

    /**
     * A connection failed. Failures while connecting, negotiating or carrying a transaction count
     * against the retries (as in Perl); lond closing an idle connection does not. When the last
     * connection is gone after a connect or handshake failure, queued work fails with
     * {@code con_lost} at once (Perl's EmptyQueue) so callers can defer it; after a failure of a
     * working connection, queued work gets a fresh connection instead.
     */
    void onConnectionFailed(LondConnection c, SessionAction.Failed f, Transaction t, long now) {
        boolean probeFailed = state == HostState.DEAD;
        connections.remove(c);
        idle.remove(c);
        boolean wasHandshaking = c.handshaking;
        if (wasHandshaking) {
            handshaking--;
        }
        boolean healthCheck = t != null && t.tag == HEALTH_CHECK;
        if (t != null && !healthCheck && !t.isDone()) {
            if (f.kind() == org.loncapa.lonc.core.internal.protocol.FailureKind.TIMEOUT) {
                timeouts++;
                log.warn("A socket timeout was detected on {} #{}: failing transaction {}", name(),
                        c.id, commandForLog(t.command));
            } else {
                log.warn("Failing transaction {} on {} #{}: {}", commandForLog(t.command), name(),
                        c.id, f.reason());
            }
            fail(t, ReplyTokens.CON_LOST);
        }
        boolean counts = f.during() != LondSession.State.IDLE && !healthCheck;
        if (counts) {
            warnings.warn(name() + ": connection failed during " + f.during() + ": " + f.reason(),
                    "Lond connection to {} #{} failed during {}: {}", name(), c.id, f.during(),
                    f.reason());
            countFailure(f.reason(), now);
        } else {
            log.info("Connection {} to {} closed while idle: {}", c.id, name(), f.reason());
        }
        if (state == HostState.DEAD) {
            if (probeFailed) {
                scheduleProbe(now); // markDead schedules the first probe itself
            }
            engine.checkDrained(); // markDead failed the queue: a closing engine may be done
            return;
        }
        if (wasHandshaking) {
            // a handshake step that timed out is a hung lond child, not a refusal: a fresh
            // connection may well succeed, so work with time left waits for it
            failQueueIfNoConnection(now, f.kind() == FailureKind.TIMEOUT);
        }
        pump(now);
        engine.checkDrained();
    }

    /**
     * A handshake that has received nothing for the stall timeout while work waits is abandoned,
     * counting one failure, and a fresh connection is tried for the work that has time left:
     * lond forks a child per connection, and one hung child must not hold the host's handshake
     * slot for the whole step timeout.
     */
    private void abandonStalledHandshakes(long now) {
        long stall = settings.handshakeStallNanos();
        if (stall <= 0 || queue.isEmpty()) {
            return;
        }
        for (LondConnection c : new ArrayList<>(connections)) {
            if (c.handshaking && c.isOpen() && now - c.lastProgress >= stall) {
                String why = "handshake made no progress for "
                        + TimeUnit.NANOSECONDS.toMillis(now - c.lastProgress) + " ms ("
                        + c.session.state() + ")";
                warnings.warn(name() + ": handshake stalled", "Lond connection to {} #{}: {};"
                        + " abandoning it and trying a fresh connection", name(), c.id, why);
                retire(c, why);
                countFailure(why, now);
                if (state == HostState.DEAD) {
                    return; // markDead has failed the queue
                }
                failQueueIfNoConnection(now, true);
            }
        }
        pump(now);
    }

    private void countFailure(String reason, long now) {
        failures++;
        retriesLeft--;
        if (retriesLeft <= 0) {
            if (state != HostState.DEAD) {
                markDead(reason, now);
            }
        } else if (state != HostState.DEAD && state != HostState.PAUSED) {
            state = HostState.FAILING;
        }
    }

    /**
     * Perl's EmptyQueue: with no connection left after a failed attempt, queued work fails with
     * {@code con_lost} at once so that callers can defer it. With {@code keepTimeLeft} (the
     * attempt hung rather than failed) work that has a deadline still ahead is kept for a fresh
     * attempt, if one can be made; work without a deadline (the daemon's) still fails at once.
     */
    private void failQueueIfNoConnection(long now, boolean keepTimeLeft) {
        if (!connections.isEmpty() || queue.isEmpty()) {
            return;
        }
        if (!keepTimeLeft || !canOpen()) {
            warnings.warn(name() + ": no connection could be made, queue failed",
                    "No connection to {} could be made; failing {} queued transaction(s) with {}",
                    name(), queue.size(), ReplyTokens.CON_LOST);
            failQueue();
            return;
        }
        int failed = 0;
        Iterator<Transaction> it = queue.iterator();
        while (it.hasNext()) {
            Transaction t = it.next();
            if (t.deadline == Long.MAX_VALUE || now - t.deadline >= 0) {
                it.remove();
                engine.releaseQueueSlot();
                if (t.deadline != Long.MAX_VALUE) {
                    queuedWithDeadline--;
                }
                if (fail(t, ReplyTokens.CON_LOST)) {
                    failed++;
                }
            }
        }
        if (failed > 0) {
            warnings.warn(name() + ": no connection could be made, work without time left failed",
                    "No connection to {} could be made; failing {} queued transaction(s) without"
                    + " time left with {}, trying a fresh connection for {}", name(), failed,
                    ReplyTokens.CON_LOST, queue.size());
        }
    }

    private boolean canOpen() {
        return state != HostState.DEAD && state != HostState.PAUSED && !engine.isClosing();
    }

    private void failQueue() {
        Transaction t;
        while ((t = queue.peekFirst()) != null) {
            dequeue();
            fail(t, ReplyTokens.CON_LOST);
        }
    }

    private void markDead(String reason, long now) {
        state = HostState.DEAD;
        retriesLeft = 0;
        log.error("Host marked DEAD {} (last failure: {})", name(), reason);
        failQueue();
        for (LondConnection c : new ArrayList<>(idle)) {
            retire(c, "host marked dead");
        }
        probeDelay = settings.probeInitialNanos();
        scheduleProbe(now);
    }

    /** Next probe after a jittered delay (between half and all of the current backoff). */
    private void scheduleProbe(long now) {
        long d = probeDelay;
        long jitter = d / 2 == 0 ? 0 : (long) (engine.random().nextDouble() * (d / 2));
        nextProbeAt = now + d / 2 + jitter;
        probeDelay = Math.min(settings.probeMaxNanos(), probeDelay * 2);
    }

    /** Completes {@code t} with a lonc token, counting it only if this completed it. */
    private boolean fail(Transaction t, String token) {
        if (!t.future.complete(token)) {
            return false;
        }
        if (ReplyTokens.CON_BUSY.equals(token)) {
            busy++;
        } else {
            conLost++;
        }
        return true;
    }

    /** The caller went away: forget it if still queued; a reply already asked for is dropped. */
    void onAbandoned(Transaction t) {
        if (removeQueued(t)) {
            t.future.complete(ReplyTokens.CON_LOST); // nobody reads it; it only ends the future
        }
    }

    private boolean removeQueued(Transaction t) {
        if (!queue.remove(t)) {
            return false;
        }
        engine.releaseQueueSlot();
        if (t.deadline != Long.MAX_VALUE) {
            queuedWithDeadline--;
        }
        return true;
    }

    /** The caller cancelled: forget it if queued, abandon its connection if on the wire. */
    void onCancelled(Transaction t) {
        long now = engine.now();
        if (removeQueued(t)) {
            return;
        }
        LondConnection c = t.carrier;
        if (c != null && c.current == t) {
            // The reply may still come; it must never be read as the answer to another request.
            c.current = null;
            t.carrier = null;
            retire(c, "its transaction was cancelled");
            pump(now);
            engine.checkDrained();
        }
    }

    private void retire(LondConnection c, String why) {
        connections.remove(c);
        idle.remove(c);
        if (c.handshaking) {
            handshaking--;
            c.handshaking = false;
        }
        log.debug("{}: closing connection #{}: {}", name(), c.id, why);
        c.close();
    }

    // ------------------------------------------------------------------ timer

    /**
     * The once-a-second housekeeping: transaction and handshake timeouts, queued deadlines, pruning
     * one idle connection per idle-timeout period, health checks of long-idle connections, retiring
     * old connections, and probing a dead host.
     */
    public void tick(long now) {
        for (LondConnection c : new ArrayList<>(connections)) {
            if (c.isOpen() && c.session.deadline() != Long.MAX_VALUE) {
                c.tick(now);
            }
        }
        if (queuedWithDeadline > 0) {
            expireQueued(now);
        }
        if (!queue.isEmpty()) {
            lastPrune = now;
        } else if (!idle.isEmpty() && now - lastPrune >= settings.idleTimeoutNanos()) {
            // at most one connection per idle-timeout period, the one unused for longest
            LondConnection lru = null;
            for (LondConnection c : idle) {
                if (lru == null || c.lastUsed - lru.lastUsed < 0) {
                    lru = c;
                }
            }
            if (now - lru.lastUsed >= settings.idleTimeoutNanos()) {
                retire(lru, "idle for " + TimeUnit.NANOSECONDS.toSeconds(now - lru.lastUsed) + " s");
                lastPrune = now;
            }
        }
        if (settings.idleCheckNanos() > 0) {
            for (LondConnection c : new ArrayList<>(idle)) {
                if (now - c.lastUsed >= settings.idleCheckNanos() && now - c.idleSince >= settings.idleCheckNanos()) {
                    idle.remove(c);
                    Transaction ping = newTransaction(null, "ping", now, Long.MAX_VALUE, HEALTH_CHECK);
                    c.send(ping, now);
                }
            }
        }
        if (settings.maxLifetimeNanos() > 0) {
            for (LondConnection c : new ArrayList<>(idle)) {
                if (tooOld(c, now)) {
                    retire(c, "reached its maximum lifetime");
                }
            }
        }
        if (state == HostState.DEAD && nextProbeAt >= 0 && now - nextProbeAt >= 0
                && connections.isEmpty()) {
            log.info("Probing dead host {}", name());
            nextProbeAt = -1;
            probe(now);
        }
        abandonStalledHandshakes(now);
        if (!queue.isEmpty()) {
            pump(now);
        }
        warnings.flush();
        listener.hostTick(host.name(), now);
    }

    /** A probe is one connection attempt while dead; success makes the host UP again. */
    private void probe(long now) {
        open(now);
    }

    private void expireQueued(long now) {
        Iterator<Transaction> it = queue.iterator();
        while (it.hasNext()) {
            Transaction t = it.next();
            if (t.deadline != Long.MAX_VALUE && now - t.deadline >= 0) {
                it.remove();
                engine.releaseQueueSlot();
                queuedWithDeadline--;
                if (fail(t, ReplyTokens.CON_LOST)) {
                    timeouts++;
                }
            }
        }
    }

    // ------------------------------------------------------------------ operator actions

    /** {@code reset_retries} / USR1: full retry budget again; a dead host is tried at once. */
    public void reset(long now) {
        retriesLeft = settings.retries();
        probeDelay = settings.probeInitialNanos();
        nextProbeAt = -1;
        if (state == HostState.DEAD || state == HostState.FAILING) {
            log.info("Retries reset for {}; host will be tried again", name());
            state = HostState.UNKNOWN;
        }
        listener.hostReachable(host.name(), now);
        pump(now);
    }

    /**
     * The host was removed from the configuration: queued and in-flight work still completes, then
     * every connection closes. {@link #isGone()} tells when the pool can be forgotten.
     */
    public void retire(long now) {
        retiring = true;
        if (queue.isEmpty()) {
            for (LondConnection c : new ArrayList<>(idle)) {
                retire(c, "host removed from the configuration");
            }
        }
    }

    /** True once a retiring pool has nothing left. */
    public boolean isGone() {
        return retiring && connections.isEmpty() && queue.isEmpty();
    }

    /** Connections that are not carrying work close when they next become idle. */
    public void recycleConnections() {
        for (LondConnection c : new ArrayList<>(connections)) {
            if (c.current == null && !c.handshaking) {
                retire(c, "host entry changed");
            } else {
                c.retireWhenIdle = true;
            }
        }
    }

    /** {@code close_connection_exit}: close idle connections now, busy ones when they finish. */
    public void closeConnections(long now) {
        for (LondConnection c : new ArrayList<>(connections)) {
            if (c.handshaking) {
                continue; // opened for queued work after the request; it is not an old connection
            }
            if (c.current == null) {
                retire(c, "close requested");
            } else {
                c.retireWhenIdle = true;
            }
        }
        pump(now);
    }

    /** Pauses the host: queued and new work fails with {@code con_lost}; connections close. */
    public void pause(long now) {
        state = HostState.PAUSED;
        failQueue();
        closeConnections(now);
    }

    /** Ends a pause. */
    public void resume(long now) {
        if (state == HostState.PAUSED) {
            state = HostState.UNKNOWN;
            retriesLeft = settings.retries();
        }
    }

    /** Shutdown: fail everything left and close every connection. */
    public void shutdown() {
        failQueue();
        for (LondConnection c : new ArrayList<>(connections)) {
            Transaction t = c.current;
            if (t != null && t.tag != HEALTH_CHECK) {
                fail(t, ReplyTokens.CON_LOST);
            }
            c.current = null;
            retire(c, "shutting down");
        }
    }

    /** True when nothing is queued or on the wire. */
    public boolean isDrained() {
        if (!queue.isEmpty()) {
            return false;
        }
        for (LondConnection c : connections) {
            if (c.current != null && c.current.tag != HEALTH_CHECK) {
                return false;
            }
        }
        return true;
    }

    public HostStatus status(long now) {
        int act = 0;
        int idl = 0;
        int conn = 0;
        for (LondConnection c : connections) {
            if (c.handshaking) {
                conn++;
            } else if (c.current != null) {
                act++;
            } else {
                idl++;
            }
        }
        long probeMs = nextProbeAt < 0 ? -1 : Math.max(0, TimeUnit.NANOSECONDS.toMillis(nextProbeAt - now));
        return new HostStatus(name(), host.lonIds(), state, keyMode, peerVersion, act, idl, conn,
                queue.size(), retriesLeft, probeMs, requests, replies, failures, timeouts, conLost, busy,
                latency.percentileMicros(0.50), latency.percentileMicros(0.90),
                latency.percentileMicros(0.99), latency.snapshot(), opens, londErrors.clone(),
                latency.sumMicros());
    }

    /** Command and subcommand only: the arguments of a request may be secret. */
    static String commandForLog(String command) {
        int first = command.indexOf(':');
        if (first < 0) {
            return command.length() > 40 ? command.substring(0, 40) + "…" : command;
        }
        int second = command.indexOf(':', first + 1);
        return second < 0 ? command.substring(0, first) : command.substring(0, second);
    }

    @Override
    public String toString() {
        return "HostPool[" + name() + " " + state + " conns=" + connections.size() + " queued="
                + queue.size() + "]";
    }
}
