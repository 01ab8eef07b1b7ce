package org.loncapa.lonc.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import org.loncapa.lonc.core.internal.protocol.LineReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A scriptable lond on loopback TCP, in the spirit of OkHttp's MockWebServer: it speaks the server
 * side of the lond protocol (protocol.md §2–§4) in all three key modes, answers requests from a queue
 * of {@link Response}s, a dispatcher or a few built-ins, records what it received, and misbehaves on
 * demand.
 *
 * <pre>{@code
 * try (FakeLond lond = FakeLond.builder().lonIds("msul1", "msul2").clientLonId("msua3").build()) {
 *     lond.start();
 *     lond.enqueue(Response.reply("ok"));
 *     ... point the code under test at lond.address() ...
 *     RecordedRequest r = lond.takeRequest(Duration.ofSeconds(5));
 * }
 * }</pre>
 *
 * <h2>The handshake</h2>
 * Per connection, the first line selects the key mode, as in lond ({@code split /:/}):
 * <ul>
 *   <li>{@code init}, {@code init::<ver>} (or any other type): insecure. Only when
 *       {@linkplain Builder#allowInsecure(boolean) allowed}; otherwise the connection is closed
 *       without a reply. A digit challenge (pid and time) is sent; an echo that does not match after
 *       removing non-word characters closes the connection, else {@code ok}.</li>
 *   <li>{@code init:local:<path>}: only from a loopback address; the 32-hex-digit key is read from
 *       the file (newline removed) and the file is deleted; {@code ok:local}. A missing or bad file
 *       closes the connection. With {@link Builder#allowLocal(boolean) allowLocal(false)} FakeLond acts
 *       like a lond older than local mode and runs the insecure exchange instead (key file
 *       untouched).</li>
 *   <li>{@code init:ssl...}: with an {@link Builder#ssl(SSLContext) SSLContext}: {@code ok:ssl} in
 *       plain text, then a TLS server handshake on the same socket (client certificate required by
 *       default), 32 random hex digits and a newline inside TLS, then plain text again without
 *       close_notify. Without an SSLContext it acts like a lond without certificates: the insecure
 *       exchange.</li>
 * </ul>
 * Insecure connections get their session key from {@code ekey}: a lond-style buildkey, and the key
 * protocol.md §2.4 derives from {@code <current lonID> . clientLonId} and the buildkey.
 *
 * <h2>Requests and who answers them</h2>
 * After the init exchange every line is handled in this order:
 * <ol>
 *   <li><b>Protocol commands</b>, answered by FakeLond itself and never recorded as requests (see
 *       {@link ConnectionInfo#controlLines()}): {@code version} / {@code version:<x>} →
 *       {@code version:$Revision: 1.<N> $}; {@code sethost:<id>} → {@code ok} if {@code id} is one of
 *       the {@linkplain Builder#lonIds(String...) lonIDs} (it becomes the connection's current lonID),
 *       else {@code unable_to_set}; {@code ekey} → a new buildkey (and a new session key).</li>
 *   <li>An inline {@code sethost:<id>:<cmd>} is applied and stripped when the revision is above 321
 *       (then {@code <cmd>} is handled, including protocol commands); an {@code enc:} frame is
 *       decrypted with the session key.</li>
 *   <li>Every other line is a <b>request</b>: it is recorded ({@link #takeRequest()}) before it is
 *       answered.</li>
 *   <li><b>Protocol errors</b> are answered by FakeLond itself: {@code unknown_cmd} for an inline
 *       sethost toward a revision of at most 321; {@code unable_to_set} for an inline sethost to a
 *       foreign lonID (the command is not run); {@value #NO_KEY_ERROR} for an {@code enc:} frame
 *       without a session key; {@code unknown_cmd} for a frame that does not decrypt, as lond
 *       (which would decrypt it to junk) does; FakeLond also logs a warning that names the key it
 *       expected (how it was made, e.g. from which lonIDs) and records the request with
 *       {@link RecordedRequest#decryptionFailed()}.</li>
 *   <li>Otherwise the <b>queue</b> answers first: {@linkplain #enqueue(Response) queued} responses are
 *       used in FIFO order, by whatever connection asks next.</li>
 *   <li>Else the {@linkplain #dispatcher(Function) dispatcher}, if set and if it returns non-null.
 *       A dispatcher that throws closes the connection (the exception is logged).</li>
 *   <li>Else the <b>built-ins</b>: {@code ping} → the current lonID (as lond does);
 *       {@code echo:<x>} → {@code <x>}; the lonnet commands that critical requests use,
 *       {@code put}, {@code inc}, {@code del}, {@code log} (and {@code get} to read back), on an
 *       in-memory {@link #store()}; anything else → {@code unknown_cmd}.</li>
 * </ol>
 *
 * <h2>Threads and lifecycle</h2>
 * One daemon thread accepts; each connection is served with blocking I/O by a daemon thread of a
 * cached pool (TCP_NODELAY, one flush per reply). All public methods are thread-safe. The instance
 * can be {@linkplain #start() started} once, its listener {@linkplain #shutdown() shut down} and
 * {@linkplain #restart() restarted} on the same port any number of times, and {@linkplain #close()
 * closed} once for good. Counters, recorded requests and connection indexes continue across
 * restarts.
 */
public final class FakeLond implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FakeLond.class);

    /** lond revision used by default, i.e. {@code $Revision: 1.489 $}. */
    public static final int DEFAULT_REVISION = 489;
    /** The lonID used when none is configured. */
    public static final String DEFAULT_LON_ID = "msul1";
    /** The client lonID used for the insecure key when none is configured. */
    public static final String DEFAULT_CLIENT_LON_ID = "msua3";
    /** lond's reply to a command it does not know. */
    public static final String UNKNOWN_CMD = "unknown_cmd";
    /** lond's reply to a sethost for a lonID that is not its own. */
    public static final String UNABLE_TO_SET = "unable_to_set";
    /** lond's reply to an {@code enc:} frame before a key exists (spelling as in lond). */
    public static final String NO_KEY_ERROR = "error: Encrypted data without negotated key";
    /** What {@link Fault#WRONG_CHALLENGE_OK} answers instead of {@code ok}. */
    public static final String WRONG_CHALLENGE_REPLY = "notok";

    private static final int BACKLOG = 1024;

    // configuration (immutable)
    private final List<String> lonIds;
    private final String clientLonId;
    private final boolean allowInsecure;
    private final SSLContext sslContext;
    private final boolean sslNeedClientAuth;
    private final boolean allowLocal;
    private final int revision;
    private final int maxLineBytes;
    private final boolean recordRequests;
    private final SecureRandom random = new SecureRandom();
    private final long basePid = ProcessHandle.current().pid();
    private final LondEntropy entropy;
    private final LondStore store = new LondStore();

    // scripting (any thread)
    private volatile Fault fault;
    private volatile Function<RecordedRequest, Response> dispatcher;
    private final ConcurrentLinkedQueue<Response> queue = new ConcurrentLinkedQueue<>();

    // recording (connection threads write, any thread reads)
    private final LinkedBlockingQueue<RecordedRequest> requests = new LinkedBlockingQueue<>();
    private final AtomicInteger requestCount = new AtomicInteger();
    private final AtomicInteger decryptionFailures = new AtomicInteger();
    private volatile String lastDecryptionError;
    private final AtomicInteger handshakeCount = new AtomicInteger();
    private final AtomicInteger connectionCount = new AtomicInteger();
    /** Index of the next accepted connection (may run ahead of connectionCount briefly). */
    private final AtomicInteger nextIndex = new AtomicInteger();
    private final AtomicInteger openConnections = new AtomicInteger();
    /** Open connections by index; an ended one moves to {@link #ended} (or is forgotten). */
    private final Map<Integer, ServerConnection> connections = new ConcurrentHashMap<>();
    /** Final snapshots of ended connections, kept only while recording (so long runs stay flat). */
    private final Map<Integer, ConnectionInfo> ended = new ConcurrentHashMap<>();
    private final Set<ServerConnection> live = ConcurrentHashMap.newKeySet();
    /** Notified whenever a counter changes, for the await methods. */
    private final Object changes = new Object();

    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "FakeLond-conn");
        t.setDaemon(true);
        return t;
    });

    // lifecycle, guarded by this
    private ServerSocket listener;
    private Thread acceptThread;
    private int port = -1;
    private volatile int portForNames;
    private boolean closed;

    private FakeLond(Builder b) {
        this.lonIds = List.copyOf(b.lonIds);
        this.clientLonId = b.clientLonId;
        this.allowInsecure = b.allowInsecure;
        this.sslContext = b.sslContext;
        this.sslNeedClientAuth = b.sslNeedClientAuth;
        this.allowLocal = b.allowLocal;
        this.revision = b.revision;
        this.maxLineBytes = b.maxLineBytes;
        this.recordRequests = b.recordRequests;
        this.fault = b.fault;
        this.dispatcher = b.dispatcher;
        this.entropy = b.entropy != null ? b.entropy : LondEntropy.system(random);
    }

    /** A builder with the defaults listed on its setters. */
    public static Builder builder() {
        return new Builder();
    }

    // ---------------------------------------------------------------- lifecycle

    /** Starts listening on a free loopback port. */
    public FakeLond start() throws IOException {
        return start(0);
    }

    /**
     * Starts listening on {@code port} of the loopback address (0: any free port).
     *
     * @throws IllegalStateException if already started or closed
     */
    public synchronized FakeLond start(int port) throws IOException {
        if (closed) {
            throw new IllegalStateException("FakeLond is closed");
        }
        if (this.port >= 0) {
            throw new IllegalStateException("FakeLond was already started; use restart()");
        }
        listen(port);
        return this;
    }

    /**
     * Closes the listener and every connection (as when lond is restarted), then listens again on the
     * same port. Works after {@link #shutdown()} too.
     *
     * @throws IllegalStateException if never started, or closed
     */
    public synchronized void restart() throws IOException {
        if (closed) {
            throw new IllegalStateException("FakeLond is closed");
        }
        if (port < 0) {
            throw new IllegalStateException("FakeLond was never started");
        }
        shutdown();
        closeAllConnections();
        listen(port);
    }

    /**
     * Closes the listener only: new connects are refused, open connections carry on. Idempotent.
     */
    public synchronized void shutdown() {
        ServerSocket s = listener;
        listener = null;
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                log.debug("closing the listener: {}", e.toString());
            }
        }
        Thread t = acceptThread;
        acceptThread = null;
        if (t != null) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Drops every open connection (the listener stays), like a lond whose children all died. */
    public void closeAllConnections() {
        for (ServerConnection c : live) {
            c.closeQuietly();
        }
    }

    /** Closes the listener and all connections and stops the threads; the instance cannot be reused. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        shutdown();
        closeAllConnections();
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                log.warn("FakeLond connection threads did not stop within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The port listened on (kept after {@link #shutdown()}, for {@link #restart()}).
     *
     * @throws IllegalStateException if never started
     */
    public synchronized int port() {
        if (port < 0) {
            throw new IllegalStateException("FakeLond was never started");
        }
        return port;
    }

    /** The loopback address and {@link #port()} to connect to. */
    public InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port());
    }

    private void listen(int requestedPort) throws IOException {
        ServerSocket s = new ServerSocket();
        try {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), requestedPort), BACKLOG);
        } catch (IOException e) {
            s.close();
            throw e;
        }
        listener = s;
        port = s.getLocalPort();
        portForNames = port;
        Thread t = new Thread(() -> acceptLoop(s), "FakeLond-" + port + "-accept");
        t.setDaemon(true);
        acceptThread = t;
        t.start();
        log.debug("FakeLond listening on {}", s.getLocalSocketAddress());
    }

    private void acceptLoop(ServerSocket s) {
        while (true) {
            Socket socket;
            try {
                socket = s.accept();
            } catch (IOException e) {
                if (s.isClosed()) {
                    return;
                }
                log.warn("FakeLond accept failed: {}", e.toString());
                try {
                    Thread.sleep(10); // e.g. out of file descriptors: do not spin
                } catch (InterruptedException ie) {
                    return;
                }
                continue;
            }
            ServerConnection c = new ServerConnection(this, nextIndex.getAndIncrement(), socket, fault);
            connections.put(c.index(), c);
            live.add(c);
            openConnections.incrementAndGet();
            connectionCount.incrementAndGet();
            signal();
            try {
                executor.execute(c);
            } catch (RejectedExecutionException e) {
                c.closeQuietly();
                return; // closing down
            }
        }
    }

    // ---------------------------------------------------------------- scripting

    /** Adds a response to the queue; queued responses answer requests first, in FIFO order. */
    public void enqueue(Response response) {
        queue.add(Objects.requireNonNull(response, "response"));
    }

    /** Responses still waiting in the queue. */
    public int queuedResponses() {
        return queue.size();
    }

    /**
     * Sets the function that answers requests when the queue is empty; it may return null to leave
     * the request to the built-ins. Called on connection threads, possibly concurrently.
     *
     * @param dispatcher the dispatcher, or null for none
     */
    public void dispatcher(Function<RecordedRequest, Response> dispatcher) {
        this.dispatcher = dispatcher;
    }

    /** Sets the fault applied to connections accepted from now on ({@link Fault#NONE} to stop). */
    public void fault(Fault fault) {
        this.fault = Objects.requireNonNull(fault, "fault");
    }

    /** The fault applied to newly accepted connections. */
    public Fault fault() {
        return fault;
    }

    // ---------------------------------------------------------------- recording

    /**
     * The next recorded request, waiting as long as needed.
     *
     * @throws IllegalStateException if recording is off
     */
    public RecordedRequest takeRequest() throws InterruptedException {
        checkRecording();
        return requests.take();
    }

    /**
     * The next recorded request, or null if none arrives within {@code timeout}.
     *
     * @throws IllegalStateException if recording is off
     */
    public RecordedRequest takeRequest(Duration timeout) throws InterruptedException {
        checkRecording();
        return requests.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * How many {@code enc:} requests did not decrypt with their connection's key (counted even when
     * recording is off); see {@link RecordedRequest#decryptionFailed()}.
     */
    public int decryptionFailureCount() {
        return decryptionFailures.get();
    }

    /** The {@link RecordedRequest#decryptionError()} of the last request that did not decrypt, or null. */
    public String lastDecryptionError() {
        return lastDecryptionError;
    }

    /** Requests received so far (counted even when recording is off). */
    public int requestCount() {
        return requestCount.get();
    }

    /** Connections whose init exchange succeeded so far. */
    public int handshakeCount() {
        return handshakeCount.get();
    }

    /** Connections accepted so far. */
    public int connectionCount() {
        return connectionCount.get();
    }

    /** Connections open now. */
    public int openConnections() {
        return openConnections.get();
    }

    /**
     * A snapshot of every connection accepted so far, in accept order (with recording off, of the
     * open ones only).
     */
    public List<ConnectionInfo> connections() {
        int n = connectionCount.get();
        List<ConnectionInfo> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ConnectionInfo info = info(i);
            if (info != null) {
                out.add(info);
            }
        }
        return out;
    }

    private ConnectionInfo info(int index) {
        ServerConnection c = connections.get(index);
        return c != null ? c.snapshot() : ended.get(index);
    }

    /**
     * A snapshot of connection {@code index}.
     *
     * @throws IndexOutOfBoundsException if no such connection was accepted
     */
    public ConnectionInfo connection(int index) {
        ConnectionInfo info = info(index);
        if (info == null) {
            throw new IndexOutOfBoundsException("no connection " + index + " (accepted "
                    + connectionCount.get() + ")");
        }
        return info;
    }

    /** Waits until exactly {@code n} connections are open; false on timeout. */
    public boolean awaitOpenConnections(int n, Duration timeout) throws InterruptedException {
        return await(() -> openConnections.get() == n, timeout);
    }

    /** Waits until at least {@code n} connections have been accepted; false on timeout. */
    public boolean awaitConnectionCount(int n, Duration timeout) throws InterruptedException {
        return await(() -> connectionCount.get() >= n, timeout);
    }

    /** Waits until at least {@code n} init exchanges have succeeded; false on timeout. */
    public boolean awaitHandshakeCount(int n, Duration timeout) throws InterruptedException {
        return await(() -> handshakeCount.get() >= n, timeout);
    }

    private boolean await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (changes) {
            while (!condition.getAsBoolean()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(changes, left);
            }
            return true;
        }
    }

    private void checkRecording() {
        if (!recordRequests) {
            throw new IllegalStateException("request recording is off (Builder.recordRequests)");
        }
    }

    // ---------------------------------------------------------------- configuration

    /** The lonIDs this lond answers for; the first is every connection's initial lonID. */
    public List<String> lonIds() {
        return lonIds;
    }

    /** The client lonID used in the insecure key derivation. */
    public String clientLonId() {
        return clientLonId;
    }

    /** The revision N of {@code $Revision: 1.N $}. */
    public int revision() {
        return revision;
    }

    /** The reply to {@code version}: {@code version:$Revision: 1.<N> $}. */
    public String versionReply() {
        return "version:$Revision: 1." + revision + " $";
    }

    @Override
    public String toString() {
        return "FakeLond[" + lonIds + " port " + portForNames + "]";
    }

    // ---------------------------------------------------------------- for ServerConnection

    boolean allowInsecure() {
        return allowInsecure;
    }

    boolean allowLocal() {
        return allowLocal;
    }

    SSLContext sslContext() {
        return sslContext;
    }

    boolean sslNeedClientAuth() {
        return sslNeedClientAuth;
    }

    int maxLineBytes() {
        return maxLineBytes;
    }

    boolean recordRequests() {
        return recordRequests;
    }

    SecureRandom random() {
        return random;
    }

    long basePid() {
        return basePid;
    }

    LondEntropy entropy() {
        return entropy;
    }

    /**
     * What the built-in lonnet commands ({@code put}, {@code inc}, {@code del}, {@code get},
     * {@code log}) stored; see {@link LondStore}.
     */
    public LondStore store() {
        return store;
    }

    int portOrZero() {
        return portForNames;
    }

    void record(RecordedRequest request) {
        requestCount.incrementAndGet();
        if (request.decryptionFailed()) {
            lastDecryptionError = request.decryptionError();
            decryptionFailures.incrementAndGet();
        }
        if (recordRequests) {
            requests.add(request);
        }
    }

    /** Queue first, then dispatcher; null means built-ins. */
    Response responseFor(RecordedRequest request) {
        Response queued = queue.poll();
        if (queued != null) {
            return queued;
        }
        Function<RecordedRequest, Response> d = dispatcher;
        if (d == null) {
            return null;
        }
        try {
            return d.apply(request);
        } catch (RuntimeException e) {
            log.warn("FakeLond dispatcher failed on {}; closing the connection", request, e);
            return Response.disconnect();
        }
    }

    void handshakeCompleted() {
        handshakeCount.incrementAndGet();
        signal();
    }

    void connectionEnded(ServerConnection c) {
        if (recordRequests) {
            ended.put(c.index(), c.snapshot());
        }
        connections.remove(c.index());
        live.remove(c);
        openConnections.decrementAndGet();
        signal();
    }

    private void signal() {
        synchronized (changes) {
            changes.notifyAll();
        }
    }

    // ---------------------------------------------------------------- builder

    /** Settings of a {@link FakeLond}; not thread-safe. */
    public static final class Builder {
        private List<String> lonIds = List.of(DEFAULT_LON_ID);
        private String clientLonId = DEFAULT_CLIENT_LON_ID;
        private boolean allowInsecure = true;
        private SSLContext sslContext;
        private boolean sslNeedClientAuth = true;
        private boolean allowLocal = true;
        private int revision = DEFAULT_REVISION;
        private int maxLineBytes = LineReader.DEFAULT_MAX_LINE_BYTES;
        private boolean recordRequests = true;
        private Fault fault = Fault.NONE;
        private Function<RecordedRequest, Response> dispatcher;
        private LondEntropy entropy;

        private Builder() {}

        /** Fixed pids, clock and draws (golden transcript tests). */
        Builder entropy(LondEntropy entropy) {
            this.entropy = entropy;
            return this;
        }

        /**
         * The lonIDs this lond answers for (a multihomed lond has several); the first is the
         * initial lonID of every connection. Default: {@value FakeLond#DEFAULT_LON_ID}.
         */
        public Builder lonIds(String... lonIds) {
            if (lonIds.length == 0) {
                throw new IllegalArgumentException("at least one lonID");
            }
            this.lonIds = List.of(lonIds);
            return this;
        }

        /**
         * The client's lonID as lond would resolve it from the client IP; used for the insecure key.
         * Default: {@value FakeLond#DEFAULT_CLIENT_LON_ID}.
         */
        public Builder clientLonId(String clientLonId) {
            this.clientLonId = Objects.requireNonNull(clientLonId, "clientLonId");
            return this;
        }

        /**
         * londAllowInsecure: whether the insecure exchange is offered (also as the fallback for ssl
         * without an SSLContext and for local with {@code allowLocal(false)}). When false such a
         * connection is closed without a reply. Default: true (the shipped loncapa.conf value).
         */
        public Builder allowInsecure(boolean allowInsecure) {
            this.allowInsecure = allowInsecure;
            return this;
        }

        /**
         * The TLS server context (key manager with the host certificate, trust manager with the CA)
         * for ssl mode. Default: none, i.e. {@code init:ssl} gets the insecure exchange, as from a
         * lond without certificates.
         */
        public Builder ssl(SSLContext sslContext) {
            this.sslContext = sslContext;
            return this;
        }

        /** Whether the TLS server requires a client certificate (lond: VERIFY_PEER). Default: true. */
        public Builder sslNeedClientAuth(boolean needClientAuth) {
            this.sslNeedClientAuth = needClientAuth;
            return this;
        }

        /**
         * Whether local mode is known. When false, FakeLond acts like a lond older than local mode
         * and answers {@code init:local:...} with the insecure exchange, leaving the key file alone.
         * Default: true.
         */
        public Builder allowLocal(boolean allowLocal) {
            this.allowLocal = allowLocal;
            return this;
        }

        /**
         * The lond revision N announced as {@code $Revision: 1.N $}; at most 321 means no inline
         * {@code sethost:<id>:<cmd>}. Default: {@value FakeLond#DEFAULT_REVISION}.
         */
        public Builder revision(int revision) {
            this.revision = revision;
            return this;
        }

        /**
         * The longest accepted line in bytes (newline excluded); a longer line or a binary line closes
         * the connection (bytes that are not UTF-8 pass, as {@code WireText} escapes). Default: 1 MiB
         * ({@link LineReader#DEFAULT_MAX_LINE_BYTES}).
         */
        public Builder maxLineBytes(int maxLineBytes) {
            if (maxLineBytes < 1) {
                throw new IllegalArgumentException("maxLineBytes must be positive");
            }
            this.maxLineBytes = maxLineBytes;
            return this;
        }

        /**
         * Whether requests and control lines are kept for {@link #takeRequest()} and
         * {@link ConnectionInfo#controlLines()}. Turn it off for benchmarks and long runs so that
         * memory stays flat; counters keep counting. Default: true.
         */
        public Builder recordRequests(boolean recordRequests) {
            this.recordRequests = recordRequests;
            return this;
        }

        /** The initial connection fault. Default: {@link Fault#NONE}. */
        public Builder fault(Fault fault) {
            this.fault = Objects.requireNonNull(fault, "fault");
            return this;
        }

        /** The initial dispatcher (see {@link FakeLond#dispatcher(Function)}). Default: none. */
        public Builder dispatcher(Function<RecordedRequest, Response> dispatcher) {
            this.dispatcher = dispatcher;
            return this;
        }

        /** A new, not yet started, FakeLond. */
        public FakeLond build() {
            return new FakeLond(this);
        }
    }
}
