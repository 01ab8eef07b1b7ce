package org.loncapa.lonc.daemon.frontend;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.loncapa.lonc.core.ReplyTokens;
import org.loncapa.lonc.core.Ticker;
import org.loncapa.lonc.core.internal.protocol.LineReader;
import org.loncapa.lonc.core.protocol.ProtocolChoices;
import org.loncapa.lonc.core.protocol.WireText;
import org.loncapa.lonc.core.internal.reactor.EventLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * lonc's client side: every listening UNIX socket and every client connection, on one selector
 * thread, a core {@link EventLoop}. In the daemon that is the engine's own loop: a request read
 * from a client is handed to the engine on the thread that read it, and its reply, completed by
 * the engine on that same thread, is written to the client at once, so no request crosses a
 * thread inside lonc. Standalone (tests) the front end runs a loop of its own,
 * {@code lonc-frontend}.
 *
 * <p>Framing is protocol.md §4.1: a request is one line ending in {@code \n}; each request gets
 * exactly one reply line; a client may send several requests on one connection, also without
 * waiting (pipelining), and the replies come back in request order. A request is handed to the
 * socket's {@link LineService} (the engine for host sockets) and its reply written when the future
 * completes: on the loop's thread at once (the socket is non-blocking; what it does not take waits
 * for OP_WRITE), from any other thread by posting a task to the loop. A client that hangs up before
 * its replies is forgotten, and so is its work: requests still queued for lond are withdrawn
 * ({@link LineService#abandon}), replies to requests already sent are dropped when they come. A
 * client that only half-closes (EOF, but still reading) is served to the end; {@link HangUp} tells
 * the two apart.
 *
 * <p>Refusals: a peer whose SO_PEERCRED user (or primary group) is not in the {@link AccessPolicy}
 * is closed at once and logged (WARNING, at most once per 10 s per user). A request longer than
 * {@link Limits#maxRequestBytes} or that is not text (NUL or control bytes) is
 * answered {@link ReplyTokens#REJECTED_TOO_LONG} / {@link ReplyTokens#REJECTED_MALFORMED} after the replies to the
 * requests before it, and the connection is closed; nobody else notices.
 *
 * <p>Bounds: at most {@link Limits#maxClients} connections (beyond it new clients wait in the
 * listen backlog), and at most {@link Limits#maxPipelined} unanswered requests per connection
 * (beyond it the connection is not read until replies have gone out). Backpressure on replies:
 * a client holding more than {@link Limits#clientBufferBytes} of finished replies it has not read is
 * not read from (so sends no new work) until it has read them down to half of that, as with Netty's
 * write-buffer watermarks; and when all clients together hold more than
 * {@link Limits#totalBufferBytes}, the largest holders are paused first until the clients still
 * read hold at most a quarter of it, and resumed once the total is back to half. Replies already
 * requested still arrive and are written (a reply larger than the bound goes through on its own),
 * so a client can hold at most its bound plus {@link Limits#maxPipelined} replies.
 *
 * <p>Threading: public methods may be called from any thread; all connection state belongs to the
 * loop's thread.
 */
public final class FrontEnd implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FrontEnd.class);


    private static final long REFUSAL_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final int ACCEPTS_PER_WAKEUP = 256;

    /**
     * Bounds of the front end.
     *
     * @param maxRequestBytes longest request line, newline excluded
     * @param maxClients client connections open at once
     * @param maxPipelined unanswered requests per connection
     * @param backlog listen backlog of each socket
     * @param idleClientTimeout quiet clients are closed after this long (zero: never)
     * @param clientBufferBytes finished reply bytes one client may leave unread before it is no
     *     longer read from (resumed at half)
     * @param totalBufferBytes finished reply bytes all clients together may leave unread before the
     *     largest holders are paused
     */
    public record Limits(int maxRequestBytes, int maxClients, int maxPipelined, int backlog,
            Duration idleClientTimeout, long clientBufferBytes, long totalBufferBytes) {
        public static final long DEFAULT_CLIENT_BUFFER_BYTES = 4L << 20;
        public static final long DEFAULT_TOTAL_BUFFER_BYTES = 64L << 20;

        /** With the default reply-buffer bounds. */
        public Limits(int maxRequestBytes, int maxClients, int maxPipelined, int backlog,
                Duration idleClientTimeout) {
            this(maxRequestBytes, maxClients, maxPipelined, backlog, idleClientTimeout,
                    DEFAULT_CLIENT_BUFFER_BYTES, DEFAULT_TOTAL_BUFFER_BYTES);
        }

        /** Without an idle-client timeout. */
        public Limits(int maxRequestBytes, int maxClients, int maxPipelined, int backlog) {
            this(maxRequestBytes, maxClients, maxPipelined, backlog, Duration.ZERO);
        }
    }

    private final EventLoop loop;
    /** Whether the loop is this front end's own, started and stopped by it (standalone). */
    private final boolean ownLoop;
    private final Runnable tickTask = this::tick;
    private final Limits limits;
    private volatile AccessPolicy access;
    private final Runnable onTick;
    private final Ticker ticker;

    // ---- loop thread only
    private final Map<String, Listener> listeners = new LinkedHashMap<>();
    private final Set<Client> clients = new LinkedHashSet<>();
    private final Map<String, long[]> refusals = new HashMap<>();
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(64 * 1024);
    private boolean acceptPaused;
    private CompletableFuture<Void> drained;
    private int nextClientId = 1;
    private final PeerCredentials credentials;
    /** Finished reply bytes not yet written, over all clients. */
    private long buffered;
    /** Clients holding unwritten reply bytes (the candidates for a global pause). */
    private final Set<Client> holding = new LinkedHashSet<>();
    /** Clients paused by the global bound. */
    private final Set<Client> heldBackClients = new LinkedHashSet<>();
    private long lastPauseLog = System.nanoTime() - REFUSAL_LOG_INTERVAL_NANOS;
    private long pausesNotLogged;

    // ---- counters, any thread
    private volatile int openClients;
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong idleClosed = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong pauses = new AtomicLong();
    private final AtomicLong abandoned = new AtomicLong();
    private volatile long bufferedBytes;
    private volatile int pausedClients;

    /**
     * A front end on a loop of its own ({@code lonc-frontend}).
     *
     * @param access who may connect
     * @param limits bounds
     * @param onTick run on the loop's thread about once a second (the daemon's housekeeping)
     */
    public FrontEnd(AccessPolicy access, Limits limits, Runnable onTick) {
        this(access, limits, onTick, Ticker.system());
    }

    /**
     * As {@link #FrontEnd(AccessPolicy, Limits, Runnable)}, with the time source for the
     * idle-client timeout (tests pass a fake and call {@link #tickNow()}).
     */
    public FrontEnd(AccessPolicy access, Limits limits, Runnable onTick, Ticker ticker) {
        this(access, limits, onTick, ticker, null);
    }

    /**
     * A front end on {@code loop}, which its owner starts before {@link #start} and stops after
     * {@link #close} (the daemon passes the engine's loop); null for a loop of its own. Its
     * housekeeping runs on the loop's ticks.
     */
    public FrontEnd(AccessPolicy access, Limits limits, Runnable onTick, Ticker ticker, EventLoop loop) {
        this.ticker = ticker;
        this.access = access;
        this.limits = limits;
        this.onTick = onTick;
        this.credentials = PeerCredentials.best(ticker);
        this.ownLoop = loop == null;
        this.loop = ownLoop ? new EventLoop("lonc-frontend", TimeUnit.SECONDS.toNanos(1), () -> { }) : loop;
    }

    public void start() {
        loop.everyTick(tickTask);
        if (ownLoop) {
            loop.start();
        }
    }

    /** Replaces the access policy for connections accepted from now on. */
    public void setAccessPolicy(AccessPolicy p) {
        this.access = p;
        loop.execute(credentials::clear);
    }

    /**
     * How peers are identified: {@code "numeric"} (one getsockopt per connection, names cached per
     * uid/gid for a minute) or {@code "names"} (the JDK's public SO_PEERCRED, which looks both names
     * up in the name service for every connection).
     */
    public String peerCredentialsMethod() {
        return credentials.numeric() ? "numeric" : "names";
    }

    /** The JVM options that turn the numeric method on when the daemon is not run with -jar. */
    public String peerCredentialsJvmOptions() {
        return PeerCredentials.JVM_OPTIONS;
    }

    /**
     * Starts listening on {@code path} under {@code name}. The path must be free or hold a stale
     * socket (see {@link SocketFiles#clearStale}); Perl lonc's {@code .lock} file beside it is
     * removed once the socket listens, so that lonnet stops waiting.
     *
     * @throws IOException if the path is in use or cannot be bound
     */
    public void listen(String name, Path path, int mode, LineService service) throws IOException {
        SocketFiles.clearStale(path);
        ServerSocketChannel ch = SocketFiles.bind(path, limits.backlog(), mode);
        Object fileKey = SocketFiles.fileKey(path);
        Listener l = new Listener(name, path, ch, fileKey, service);
        CompletableFuture<Void> f = new CompletableFuture<>();
        onLoopNow(() -> {
            try {
                Listener old = listeners.put(name, l);
                if (old != null) {
                    old.close(false);
                }
                l.key = loop.register(ch, acceptPaused ? 0 : SelectionKey.OP_ACCEPT, l);
                f.complete(null);
            } catch (IOException | RuntimeException e) {
                listeners.remove(name, l);
                l.close(true);
                f.completeExceptionally(e);
            }
        });
        try {
            join(f);
        } catch (IllegalStateException e) {
            if (e.getCause() instanceof IOException) {
                throw (IOException) e.getCause();
            }
            throw e;
        }
        java.nio.file.Files.deleteIfExists(SocketFiles.lockFile(path));
    }

    /** Stops listening on {@code name} and removes its socket file; its open clients are served on. */
    public CompletableFuture<Void> unlisten(String name) {
        return onLoop(() -> {
            Listener l = listeners.remove(name);
            if (l != null) {
                l.close(true);
            }
        });
    }

    /** Closes every listening socket and removes its file (shutdown step one). */
    public CompletableFuture<Void> closeListeners() {
        return onLoop(() -> {
            for (Listener l : listeners.values()) {
                l.close(true);
            }
            listeners.clear();
        });
    }

    /**
     * Completes when no client has a request waiting for its reply or a reply waiting to be written;
     * from then on connections are closed as soon as they are quiet. Call after
     * {@link #closeListeners()} and after the engine has answered everything.
     */
    public CompletableFuture<Void> drain() {
        CompletableFuture<Void> f = new CompletableFuture<>();
        loop.execute(() -> {
            drained = f;
            for (Client c : new ArrayList<>(clients)) {
                if (c.quiet()) {
                    c.close();
                }
            }
            checkDrained();
        });
        return f;
    }

    /** Client connections open now. */
    public int openClients() {
        return openClients;
    }

    /** Counters since start: accepted, refused (peer check), rejected (framing), requests. */
    public Map<String, Long> counters() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("clientsOpen", (long) openClients);
        m.put("clientsAccepted", accepted.get());
        m.put("clientsRefused", refused.get());
        m.put("requestsRejected", rejected.get());
        m.put("idleClientsClosed", idleClosed.get());
        m.put("requests", requests.get());
        m.put("clientsPaused", (long) pausedClients);
        m.put("clientPauses", pauses.get());
        m.put("replyBytesBuffered", bufferedBytes);
        m.put("clientsAbandoned", abandoned.get());
        return m;
    }

    /**
     * {@link #counters()} as read on the loop's thread between two events, so that they show a
     * settled state (a client paused then is paused until it reads or goes).
     */
    public CompletableFuture<Map<String, Long>> countersBetweenEvents() {
        CompletableFuture<Map<String, Long>> f = new CompletableFuture<>();
        loop.execute(() -> f.complete(counters()));
        return f;
    }

    /** Closes every client and listener, and stops the loop if it is the front end's own. */
    @Override
    public void close() {
        try {
            CompletableFuture<Void> closed = loop.submit(this::closeAll);
            if (ownLoop) {
                loop.close();
                loop.terminated().get(10, TimeUnit.SECONDS);
            } else {
                // a loop its owner has already stopped does not run closeAll; the socket files
                // left then are stale ones, which the next start replaces
                CompletableFuture.anyOf(closed, loop.terminated()).get(10, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            log.warn("the front end's loop did not answer in time: {}", e.toString());
        }
    }

    // ------------------------------------------------------------------ loop thread

    private void closeAll() {
        loop.stopTicking(tickTask);
        for (Listener l : listeners.values()) {
            l.close(true);
        }
        listeners.clear();
        for (Client c : new ArrayList<>(clients)) {
            c.close();
        }
    }

    private void tick() {
        closeIdleClients();
        dropHungUpClients();
        if (onTick != null) {
            onTick.run();
        }
    }

    /** Runs the once-a-second housekeeping now (tests advance a fake ticker first). */
    public CompletableFuture<Void> tickNow() {
        return loop.submit(this::tick);
    }

    /**
     * Closes client connections that have no request outstanding and have been silent for the
     * idle-client timeout, so that clients that connect and never write cannot use up maxClients.
     */
    private void closeIdleClients() {
        long limit = limits.idleClientTimeout().toNanos();
        if (limit <= 0) {
            return;
        }
        long now = ticker.nanoTime();
        for (Client c : new ArrayList<>(clients)) {
            if (c.quiet() && now - c.lastActivity >= limit) {
                log.debug("Closing client {} of {}: silent for {} s", c.peer, c.listener.name,
                        TimeUnit.NANOSECONDS.toSeconds(now - c.lastActivity));
                idleClosed.incrementAndGet();
                c.close();
            }
        }
    }

    /**
     * A client that is not being read (pipeline full, paused, or after its EOF) and still waits for
     * replies cannot show us that it has gone by a read; ask the kernel once a second instead.
     */
    private void dropHungUpClients() {
        for (Client c : new ArrayList<>(clients)) {
            if ((c.readPaused || c.inputDone) && c.waiting() && HangUp.detected(c.channel)) {
                c.abandon("hung up while not being read");
            }
        }
    }

    /** Unwritten reply bytes changed by {@code delta} for {@code c}. */
    private void account(Client c, long delta) {
        c.held += delta;
        buffered += delta;
        bufferedBytes = buffered;
        if (c.held > 0) {
            holding.add(c);
        } else {
            holding.remove(c);
        }
        if (delta > 0 && buffered > limits.totalBufferBytes()) {
            balance(); // at once: a client dispatching a burst must stop within it
        }
        long high = limits.clientBufferBytes();
        if (!c.overOwn && c.held > high) {
            c.overOwn = true;
            notePause(c, "over its own bound of " + high + " bytes");
        } else if (c.overOwn && c.held <= high / 2) {
            c.overOwn = false;
            notePaused(c);
        }
    }

    /**
     * The global bound: over it, pause the largest holders until the clients still read hold at
     * most a quarter of it; back at half, resume them. Holders are few (clients that keep up hold
     * nothing between passes), so the sort is cheap and only runs while over the bound.
     */
    private void balance() {
        long limit = limits.totalBufferBytes();
        if (buffered > limit) {
            List<Client> reading = new ArrayList<>();
            long readingHeld = 0;
            for (Client c : holding) {
                if (!c.heldBack) {
                    reading.add(c);
                    readingHeld += c.held;
                }
            }
            reading.sort((a, b) -> Long.compare(b.held, a.held));
            for (Client c : reading) {
                if (readingHeld <= limit / 4) {
                    break;
                }
                c.heldBack = true;
                heldBackClients.add(c);
                readingHeld -= c.held;
                notePause(c, "all clients together hold " + buffered + " bytes, over the bound of "
                        + limit);
                c.updateReading();
            }
        } else if (!heldBackClients.isEmpty() && buffered <= limit / 2) {
            List<Client> resume = new ArrayList<>(heldBackClients);
            heldBackClients.clear();
            for (Client c : resume) {
                c.heldBack = false;
                notePaused(c);
                // not from inside this client's flush: the resumed client may dispatch at once
                loop.execute(c::resume);
            }
        }
    }

    private void notePause(Client c, String why) {
        notePaused(c);
        pauses.incrementAndGet();
        long now = System.nanoTime();
        if (now - lastPauseLog >= REFUSAL_LOG_INTERVAL_NANOS) {
            log.warn("Client {} of socket {} has {} bytes of replies it has not read ({}); its"
                    + " requests are not read until it catches up{}", c.peer, c.listener.name, c.held,
                    why, pausesNotLogged > 0 ? " (" + pausesNotLogged + " more pauses since the last"
                    + " report)" : "");
            lastPauseLog = now;
            pausesNotLogged = 0;
        } else {
            pausesNotLogged++;
        }
    }

    /** Keeps the count of paused clients for the status report. */
    private void notePaused(Client c) {
        boolean p = !c.closed && (c.overOwn || c.heldBack);
        if (p != c.countedPaused) {
            c.countedPaused = p;
            pausedClients += p ? 1 : -1;
        }
    }

    private void checkDrained() {
        if (drained != null && !drained.isDone()) {
            for (Client c : clients) {
                if (!c.quiet()) {
                    return;
                }
            }
            drained.complete(null);
        }
    }

    private void pauseAccepting(boolean pause) {
        if (pause == acceptPaused) {
            return;
        }
        acceptPaused = pause;
        if (pause) {
            log.warn("{} client connections are open (maxClients); new clients wait in the listen"
                    + " backlog", openClients);
        } else {
            log.info("Accepting client connections again ({} open)", openClients);
        }
        for (Listener l : listeners.values()) {
            if (l.key != null && l.key.isValid()) {
                l.key.interestOps(pause ? 0 : SelectionKey.OP_ACCEPT);
            }
        }
    }

    private void logRefusal(String user, String group, Listener l) {
        long now = System.nanoTime();
        if (refusals.size() > 1000) {
            refusals.clear();
        }
        long[] r = refusals.computeIfAbsent(user, u -> new long[] {now - REFUSAL_LOG_INTERVAL_NANOS, 0});
        if (now - r[0] >= REFUSAL_LOG_INTERVAL_NANOS) {
            log.warn("Refused a client of socket {}: user '{}' (group '{}') is not allowed{}",
                    l.name, user, group, r[1] > 0 ? " (" + r[1] + " more refused since the last report)" : "");
            r[0] = now;
            r[1] = 0;
        } else {
            r[1]++;
        }
    }

    /** One listening socket. Loop thread. */
    private final class Listener implements EventLoop.Handler {
        final String name;
        final Path path;
        final ServerSocketChannel channel;
        final Object fileKey;
        final LineService service;
        SelectionKey key;

        Listener(String name, Path path, ServerSocketChannel channel, Object fileKey, LineService service) {
            this.name = name;
            this.path = path;
            this.channel = channel;
            this.fileKey = fileKey;
            this.service = service;
        }

        @Override
        public void onReady(SelectionKey k) {
            for (int i = 0; i < ACCEPTS_PER_WAKEUP; i++) {
                if (openClients >= limits.maxClients()) {
                    pauseAccepting(true);
                    return;
                }
                SocketChannel ch;
                try {
                    ch = channel.accept();
                } catch (IOException e) {
                    log.warn("accept on {} failed: {}", name, e.toString());
                    return;
                }
                if (ch == null) {
                    return;
                }
                accept(ch);
            }
        }

        private Client accept(SocketChannel ch) {
            String user;
            String group;
            try {
                PeerCredentials.Identity id = credentials.identify(ch);
                user = id.user();
                group = id.group();
            } catch (IOException | RuntimeException e) {
                log.warn("Cannot read the credentials of a client of {}: {}; refusing it", name, e.toString());
                closeQuietly(ch);
                refused.incrementAndGet();
                return null;
            }
            if (!access.allows(user, group)) {
                refused.incrementAndGet();
                logRefusal(user, group, this);
                closeQuietly(ch);
                return null;
            }
            Client c = new Client(this, ch, new LineService.Peer(user, group, nextClientId++));
            try {
                c.key = loop.register(ch, SelectionKey.OP_READ, c);
            } catch (IOException e) {
                closeQuietly(ch);
                return null;
            }
            clients.add(c);
            openClients = clients.size();
            accepted.incrementAndGet();
            log.debug("Client {} connected to {}", c.peer, name);
            return c;
        }

        /**
         * Stops listening. The socket file goes first, so that no new client finds it; then the
         * clients already waiting in the listen backlog are accepted (beyond maxClients if need be:
         * closing the socket would reset them) and their requests read at once, so that they are
         * served during the drain like every other open client.
         */
        void close(boolean deleteFile) {
            if (deleteFile) {
                SocketFiles.deleteIfOurs(path, fileKey);
            }
            if (key != null) {
                key.cancel();
            }
            int taken = 0;
            if (channel.isOpen()) {
                for (int i = 0; i < limits.backlog() + ACCEPTS_PER_WAKEUP; i++) {
                    SocketChannel ch;
                    try {
                        ch = channel.accept();
                    } catch (IOException e) {
                        break;
                    }
                    if (ch == null) {
                        break;
                    }
                    Client c = accept(ch);
                    if (c != null) {
                        taken++;
                        c.read();
                    }
                }
            }
            if (taken > 0) {
                log.info("Socket {} closed; {} client(s) waiting in its backlog were taken in to be"
                        + " served", name, taken);
            }
            closeQuietly(channel);
        }
    }

    /** A request waiting for its reply, in request order. */
    private static final class Slot {
        boolean done;
        /** The reply line, or null for "no reply, close the connection". */
        String reply;
        /** Bytes of {@link #reply} counted as held (its length plus the newline). */
        int bytes;
        /** The service's future, to withdraw the work if the client goes away first. */
        CompletableFuture<String> future;
    }

    /** One client connection. Loop thread. */
    private final class Client implements EventLoop.Handler {
        final Listener listener;
        final SocketChannel channel;
        final LineService.Peer peer;
        final LineReader reader;
        final ArrayDeque<Slot> slots = new ArrayDeque<>();
        final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
        SelectionKey key;
        /** No more requests will be read (EOF, rejection or close_connection_exit). */
        boolean inputDone;
        /** Close once the slots and the output are empty. */
        boolean closeWhenFlushed;
        boolean readPaused;
        boolean closed;
        /** Finished reply bytes not yet written (in {@link #slots} and {@link #out}). */
        long held;
        /** Over the per-client bound, until read down to half of it. */
        boolean overOwn;
        /** Paused by the global bound. */
        boolean heldBack;
        boolean countedPaused;

        /** Ticker time of the last request read or reply written. */
        long lastActivity = ticker.nanoTime();

        Client(Listener listener, SocketChannel channel, LineService.Peer peer) {
            this.listener = listener;
            this.channel = channel;
            this.peer = peer;
            this.reader = new LineReader(limits.maxRequestBytes());
        }

        boolean quiet() {
            return slots.isEmpty() && out.isEmpty();
        }

        /** Whether a request of this client still waits for its reply. */
        boolean waiting() {
            for (Slot s : slots) {
                if (!s.done) {
                    return true;
                }
            }
            return false;
        }

        /** Whether more requests may be read and dispatched now. */
        boolean mayDispatch() {
            return !inputDone && !closed && slots.size() < limits.maxPipelined() && !overOwn && !heldBack;
        }

        void updateReading() {
            if (!inputDone && !closed) {
                setReading(mayDispatch());
            }
        }

        /** After a global pause: dispatch what is held and read again, if allowed. */
        void resume() {
            if (!closed && readPaused && mayDispatch()) {
                processLines();
            }
        }

        @Override
        public void onReady(SelectionKey k) {
            if (k.isValid() && k.isWritable()) {
                flush();
            }
            if (!closed && k.isValid() && k.isReadable()) {
                read();
            }
        }

        private void read() {
            readBuffer.clear();
            int n;
            try {
                n = channel.read(readBuffer);
            } catch (IOException e) {
                log.debug("Client {} of {}: read failed: {}", peer, listener.name, e.toString());
                abandon(null);
                return;
            }
            if (n < 0) {
                if (reader.pending() > 0) {
                    log.debug("Client {} of {} hung up in the middle of a request", peer, listener.name);
                }
                inputDone = true;
                stopReading();
                if (waiting() && HangUp.detected(channel)) {
                    abandon("hung up before its replies");
                    return;
                }
                flush();
                return;
            }
            readBuffer.flip();
            try {
                reader.feed(readBuffer);
            } catch (LineReader.LineException e) {
                reject(e);
                return;
            }
            processLines();
        }

        /** Dispatches the complete lines held, as long as the pipeline has room. */
        private void processLines() {
            while (mayDispatch()) {
                String line;
                try {
                    line = reader.nextLine();
                } catch (LineReader.LineException e) {
                    reject(e);
                    return;
                }
                if (line == null) {
                    break;
                }
                lastActivity = ticker.nanoTime();
                dispatch(ProtocolChoices.withoutTrailingCr(line));
            }
            updateReading();
            flush();
        }

        private void dispatch(String line) {
            requests.incrementAndGet();
            Slot s = new Slot();
            slots.addLast(s);
            CompletableFuture<String> f = call(line);
            if (f.isDone()) {
                complete(s, f);
            } else {
                s.future = f;
                f.whenComplete((r, e) -> onLoopNow(() -> {
                    if (!closed) { // else the client has gone: the reply is dropped here
                        complete(s, f);
                        flush();
                    }
                }));
            }
        }

        private CompletableFuture<String> call(String line) {
            try {
                CompletableFuture<String> f = listener.service.request(line, peer);
                return f != null ? f : CompletableFuture.completedFuture(ReplyTokens.CON_LOST);
            } catch (RuntimeException e) {
                log.error("Request handling failed on {}", listener.name, e);
                return CompletableFuture.completedFuture(ReplyTokens.CON_LOST);
            }
        }

        private void complete(Slot s, CompletableFuture<String> f) {
            s.done = true;
            try {
                s.reply = f.join();
            } catch (RuntimeException e) {
                log.warn("Request on {} failed: {}", listener.name, e.toString());
                s.reply = ReplyTokens.CON_LOST;
            }
            s.future = null;
            if (s.reply == null) {
                // close_connection_exit: nothing after it on this connection is read
                inputDone = true;
                stopReading();
            } else {
                s.bytes = s.reply.length() + 1;
                account(this, s.bytes);
            }
        }

        private void reject(LineReader.LineException e) {
            rejected.incrementAndGet();
            String reply = e.kind() == LineReader.LineException.Kind.TOO_LONG
                    ? ReplyTokens.REJECTED_TOO_LONG : ReplyTokens.REJECTED_MALFORMED;
            log.warn("Rejected a request on socket {} from {} ({}): {}; closing the connection",
                    listener.name, peer, e.getMessage(), reply);
            reader.clear();
            Slot s = new Slot();
            s.done = true;
            s.reply = reply;
            slots.addLast(s);
            inputDone = true;
            closeWhenFlushed = true;
            stopReading();
            flush();
        }

        /** Moves finished replies (in order) to the output and writes what the socket takes. */
        void flush() {
            if (closed) {
                return;
            }
            while (!slots.isEmpty() && slots.peekFirst().done) {
                Slot s = slots.pollFirst();
                if (s.reply == null) {
                    // close_connection_exit: no reply, and this connection ends here
                    slots.clear();
                    inputDone = true;
                    closeWhenFlushed = true;
                    stopReading();
                    break;
                }
                byte[] line = WireText.encodeLine(s.reply);
                if (line.length != s.bytes) {
                    account(this, line.length - s.bytes);
                }
                out.addLast(ByteBuffer.wrap(line));
            }
            try {
                while (!out.isEmpty()) {
                    ByteBuffer b = out.peekFirst();
                    int written = channel.write(b);
                    if (written > 0) {
                        account(this, -written);
                    }
                    if (b.hasRemaining()) {
                        break;
                    }
                    out.pollFirst();
                    lastActivity = ticker.nanoTime();
                }
            } catch (IOException e) {
                log.debug("Client {} of {} went away before its reply: {}", peer, listener.name, e.toString());
                abandon(null);
                return;
            }
            balance();
            if (key.isValid()) {
                int ops = key.interestOps();
                key.interestOps(out.isEmpty() ? ops & ~SelectionKey.OP_WRITE : ops | SelectionKey.OP_WRITE);
            }
            if (quiet() && (inputDone || closeWhenFlushed || drained != null)) {
                close();
                return;
            }
            if (readPaused && mayDispatch()) {
                processLines();
            }
        }

        private void setReading(boolean on) {
            readPaused = !on;
            if (key.isValid()) {
                int ops = key.interestOps();
                key.interestOps(on ? ops | SelectionKey.OP_READ : ops & ~SelectionKey.OP_READ);
            }
        }

        private void stopReading() {
            if (key.isValid()) {
                key.interestOps(key.interestOps() & ~SelectionKey.OP_READ);
            }
        }

        /**
         * The client has gone ({@code why} for the log, or null when a write failed): its queued
         * work is withdrawn, replies already on their way will be dropped, and its buffers go.
         */
        void abandon(String why) {
            if (closed) {
                return;
            }
            if (why != null) {
                log.debug("Client {} of {} {}", peer, listener.name, why);
            }
            if (waiting()) {
                abandoned.incrementAndGet();
            }
            close();
        }

        void close() {
            if (closed) {
                return;
            }
            closed = true;
            for (Slot s : slots) {
                if (!s.done && s.future != null) {
                    try {
                        listener.service.abandon(s.future);
                    } catch (RuntimeException e) {
                        log.warn("Withdrawing a request of {} failed: {}", listener.name, e.toString());
                    }
                }
            }
            slots.clear();
            out.clear();
            if (held != 0) {
                account(this, -held);
            }
            heldBackClients.remove(this);
            notePaused(this);
            balance();
            loop.closeAfterDeregistration(key);
            clients.remove(this);
            openClients = clients.size();
            if (acceptPaused && openClients < limits.maxClients()) {
                pauseAccepting(false);
            }
            checkDrained();
        }
    }

    // ------------------------------------------------------------------ helpers

    private CompletableFuture<Void> onLoop(Runnable r) {
        return loop.submit(r);
    }

    /**
     * Runs {@code r} at once when called on the loop's thread (a reply completed by the engine that
     * shares the loop), else posts it there. A failure is handled as in a task of the loop: an
     * exception is logged (it must not reach the completing engine code), an Error is thrown again
     * from a task, so that it ends the loop as any other would (a future's callback would swallow it).
     */
    private void onLoopNow(Runnable r) {
        if (!loop.inLoop()) {
            loop.execute(r);
            return;
        }
        try {
            r.run();
        } catch (RuntimeException e) {
            log.error("front-end task failed", e);
        } catch (Error e) {
            loop.execute(() -> {
                throw e;
            });
        }
    }

    private static <T> T join(CompletableFuture<T> f) {
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException) {
                throw (RuntimeException) c;
            }
            throw new IllegalStateException(c);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("the front end's loop did not answer", e);
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // nothing to do
        }
    }
}
