package org.loncapa.lonc.client.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.loncapa.lonc.core.internal.util.RepeatedWarnings;
import org.loncapa.lonc.core.HostStatus;
import org.loncapa.lonc.core.ReplyTokens;
import org.loncapa.lonc.core.protocol.WireText;
import org.loncapa.lonc.core.Ticker;
import org.loncapa.lonc.core.protocol.ProtocolChoices;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon transport: talks to a running lonc daemon exactly as lonnet's {@code subreply}
 * does. For each request it waits while {@code <lonSockDir>/<hostname>.lock} exists (the moment
 * in which the Perl daemon re-arms a host's socket), connects to {@code <lonSockDir>/<hostname>},
 * writes {@code sethost:<lonid>:<cmd>\n}, reads one line and closes. A connection that cannot be
 * made, an end of stream before a whole line, a reply over the length limit or a timeout is
 * answered {@code con_lost}, as lonnet answers it.
 *
 * <p>One connection per request, as lonnet: the daemon may close an idle connection at any time,
 * and a request written to a connection the daemon had already given up could not be retried
 * without the risk of running it twice. UNIX-socket connects cost microseconds.
 *
 * <p>Blocking I/O runs on this transport's own bounded pool of daemon threads ({@code
 * lonc-daemon-io-N}); when the pool and its queue are full a request is answered {@code
 * con_busy} at once. Thread-safe.
 */
public final class DaemonTransport implements Transport {
    private static final Logger log = LoggerFactory.getLogger(DaemonTransport.class);

    /** Suffix of the lock file beside a host socket (protocol.md §5, "Lock file"). */
    static final String LOCK_SUFFIX = ".lock";
    /** Connect attempts per request (lonnet tries repeatedly before giving up with con_lost). */
    static final int CONNECT_ATTEMPTS = 3;
    /** How often a lock file is looked at again while it exists (lonnet: 0.1 s). */
    private static final long LOCK_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    /** The reset request lonnet's {@code reconlonc} writes (protocol.md §4.3). */
    static final String RESET_RETRIES = "reset_retries";

    /**
     * Settings.
     *
     * @param socketDir {@code lonSockDir}
     * @param hostnameByLonId the socket name (DNS hostname) of each lonID
     * @param threads the most requests in progress at once
     * @param maxQueued the most requests waiting for a thread; beyond it {@code con_busy}
     * @param maxReplyBytes the longest reply line accepted, without newline
     * @param admin the daemon's admin interface, for status
     * @param ticker time source
     */
    public record Settings(Path socketDir, Map<String, String> hostnameByLonId, int threads,
            int maxQueued, int maxReplyBytes, DaemonAdmin admin, Ticker ticker) {
        public Settings {
            Objects.requireNonNull(socketDir, "socketDir");
            hostnameByLonId = Map.copyOf(hostnameByLonId);
            Objects.requireNonNull(admin, "admin");
            Objects.requireNonNull(ticker, "ticker");
            if (threads < 1 || maxQueued < 1 || maxReplyBytes < 1) {
                throw new IllegalArgumentException("threads, maxQueued and maxReplyBytes must be positive");
            }
        }
    }

    private final Settings settings;
    private final ThreadPoolExecutor io;
    /** Calls in progress (any I/O thread adds and removes; close() reads). */
    private final Set<Call> calls = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    private final AtomicBoolean closeStarted = new AtomicBoolean();
    private final CompletableFuture<Void> closeDone = new CompletableFuture<>();
    /** Connect failures repeat per request while the daemon is down: once per kind and 10 s. */
    private final RepeatedWarnings warnings;

    public DaemonTransport(Settings settings) {
        this.settings = settings;
        this.warnings = new RepeatedWarnings(log, settings.ticker());
        AtomicInteger n = new AtomicInteger();
        this.io = new ThreadPoolExecutor(settings.threads(), settings.threads(), 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(settings.maxQueued()), r -> {
                    Thread t = new Thread(r, "lonc-daemon-io-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        io.allowCoreThreadTimeOut(true);
    }

    /** The socket of the host that serves {@code lonId}, or null for an unknown lonID. */
    public Path socketOf(String lonId) {
        String host = settings.hostnameByLonId().get(lonId);
        return host == null ? null : settings.socketDir().resolve(host);
    }

    @Override
    public CompletableFuture<String> send(String lonId, String command, Duration timeout) {
        Path socket = socketOf(lonId);
        if (socket == null) {
            return CompletableFuture.completedFuture(ReplyTokens.NO_SUCH_HOST);
        }
        if (closed) {
            return CompletableFuture.completedFuture(ReplyTokens.CON_LOST);
        }
        String line = ProtocolChoices.SETHOST_PREFIX + lonId + ":" + command;
        Call call = new Call(socket, line, settings.ticker().nanoTime() + timeout.toNanos());
        try {
            io.execute(call);
        } catch (RejectedExecutionException e) {
            call.complete(closed ? ReplyTokens.CON_LOST : ReplyTokens.CON_BUSY);
        }
        return call;
    }

    @Override
    public void resetRetries(String lonId, Duration timeout) {
        Path socket = socketOf(lonId);
        if (socket == null || !Files.exists(socket)) {
            return;
        }
        // lonnet's reconlonc writes the bare command (no sethost prefix) and reads one line.
        Call call = new Call(socket, RESET_RETRIES, settings.ticker().nanoTime() + timeout.toNanos());
        call.run();
        log.debug("reset_retries on {}: {}", socket.getFileName(), call.getNow("?"));
    }

    @Override
    public List<HostStatus> status() throws IOException {
        return settings.admin().status();
    }

    @Override
    public CompletableFuture<List<HostStatus>> statusAsync() {
        CompletableFuture<List<HostStatus>> f = new CompletableFuture<>();
        if (closed) {
            f.completeExceptionally(new IllegalStateException("the daemon transport is closed"));
            return f;
        }
        try {
            io.execute(() -> {
                try {
                    f.complete(settings.admin().status());
                } catch (IOException | RuntimeException e) {
                    f.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            f.completeExceptionally(closed
                    ? new IllegalStateException("the daemon transport is closed")
                    : new IOException("too many requests to the daemon in progress", e));
        }
        return f;
    }

    @Override
    public String metrics() throws IOException {
        return settings.admin().metrics();
    }

    @Override
    public String describe() {
        return "lonc daemon at " + settings.socketDir();
    }

    @Override
    public void close(Duration drain) {
        if (!closeStarted.compareAndSet(false, true)) {
            closeDone.join(); // a concurrent close returns when the shutdown it raced has finished
            return;
        }
        closed = true;
        try {
            shutDown(drain);
        } finally {
            closeDone.complete(null);
        }
    }

    private void shutDown(Duration drain) {
        io.shutdown();
        try {
            if (!io.awaitTermination(drain.toNanos(), TimeUnit.NANOSECONDS)) {
                log.warn("Requests to the daemon still running after {} ms; answering con_lost",
                        drain.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Runnable r : io.shutdownNow()) {
            if (r instanceof Call c) {
                c.complete(ReplyTokens.CON_LOST);
            }
        }
        for (Call c : calls) {
            c.abort();
        }
        warnings.flush();
    }

    /** One request on one connection; the future is its reply. Cancelling closes the socket. */
    private final class Call extends CompletableFuture<String> implements Runnable {
        private final Path socketPath;
        private final String line;
        private final long deadline;
        private volatile AFUNIXSocket socket;

        Call(Path socketPath, String line, long deadline) {
            this.socketPath = socketPath;
            this.line = line;
            this.deadline = deadline;
        }

        @Override
        public void run() {
            if (isDone()) {
                return;
            }
            calls.add(this);
            if (closed) { // read after the add: close() either sees this call or we see closed
                calls.remove(this);
                complete(ReplyTokens.CON_LOST);
                return;
            }
            try {
                complete(exchange());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                complete(ReplyTokens.CON_LOST);
            } catch (RuntimeException e) {
                log.warn("Unexpected failure talking to {}", socketPath, e);
                complete(ReplyTokens.CON_LOST);
            } finally {
                calls.remove(this);
                closeSocket();
            }
        }

        private String exchange() throws InterruptedException {
            Path lock = socketPath.resolveSibling(socketPath.getFileName() + LOCK_SUFFIX);
            while (Files.exists(lock)) {
                long left = deadline - settings.ticker().nanoTime();
                if (left <= 0) {
                    log.warn("Lock file {} did not go away in time; answering con_lost", lock);
                    return ReplyTokens.CON_LOST;
                }
                // An external file, not engine state: poll it as lonnet does (bounded by the deadline).
                TimeUnit.NANOSECONDS.sleep(Math.min(left, LOCK_POLL_NANOS));
            }
            AFUNIXSocket s = connect();
            if (s == null) {
                return ReplyTokens.CON_LOST;
            }
            try {
                OutputStream out = s.getOutputStream();
                out.write(RequestCheck.wireBytes(line));
                out.flush();
                return readLine(s);
            } catch (SocketTimeoutException e) {
                log.warn("No reply from the daemon on {} in time; answering con_lost",
                        socketPath.getFileName());
                return ReplyTokens.CON_LOST;
            } catch (IOException e) {
                if (!isDone()) {
                    log.warn("Lost the connection to the daemon on {}: {}", socketPath.getFileName(),
                            e.toString());
                }
                return ReplyTokens.CON_LOST;
            }
        }

        private AFUNIXSocket connect() {
            IOException last = null;
            for (int attempt = 1; attempt <= CONNECT_ATTEMPTS && !isDone(); attempt++) {
                if (!Files.exists(socketPath)) {
                    warnings.warn("No lonc socket at " + socketPath, "No lonc socket at {}; is the"
                            + " daemon running? Answering con_lost", socketPath);
                    return null;
                }
                try {
                    AFUNIXSocket s = AFUNIXSocket.newInstance();
                    socket = s;
                    if (isDone()) {
                        return null;
                    }
                    s.connect(AFUNIXSocketAddress.of(socketPath));
                    return s;
                } catch (IOException e) {
                    last = e;
                    closeSocket();
                }
            }
            if (last != null) {
                warnings.warn("Cannot connect to " + socketPath, "Cannot connect to {}: {};"
                        + " answering con_lost", socketPath, last.toString());
            }
            return null;
        }

        private String readLine(AFUNIXSocket s) throws IOException {
            InputStream in = s.getInputStream();
            ByteArrayOutputStream buf = new ByteArrayOutputStream(128);
            byte[] chunk = new byte[8192];
            while (true) {
                long left = deadline - settings.ticker().nanoTime();
                if (left <= 0) {
                    throw new SocketTimeoutException("deadline passed");
                }
                s.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE,
                        TimeUnit.NANOSECONDS.toMillis(left))));
                int n = in.read(chunk);
                if (n < 0) {
                    if (buf.size() > 0) {
                        log.warn("The daemon on {} closed the connection in the middle of a reply;"
                                + " answering con_lost", socketPath.getFileName());
                    }
                    return ReplyTokens.CON_LOST;
                }
                for (int i = 0; i < n; i++) {
                    if (chunk[i] == '\n') {
                        buf.write(chunk, 0, i);
                        return decode(buf.toByteArray());
                    }
                }
                buf.write(chunk, 0, n);
                if (buf.size() > settings.maxReplyBytes()) {
                    log.warn("Reply from the daemon on {} is over {} bytes; answering con_lost",
                            socketPath.getFileName(), settings.maxReplyBytes());
                    return ReplyTokens.CON_LOST;
                }
            }
        }

        private String decode(byte[] b) {
            if (b.length > settings.maxReplyBytes()) {
                log.warn("Reply from the daemon on {} is over {} bytes; answering con_lost",
                        socketPath.getFileName(), settings.maxReplyBytes());
                return ReplyTokens.CON_LOST;
            }
            // as in embedded mode: UTF-8 where valid, other bytes as WireText escapes
            return WireText.decode(b, 0, b.length);
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            if (cancelled) {
                closeSocket();
            }
            return cancelled;
        }

        /** Fails the call with con_lost and closes its socket (transport closing). */
        void abort() {
            complete(ReplyTokens.CON_LOST);
            closeSocket();
        }

        private void closeSocket() {
            AFUNIXSocket s = socket;
            if (s != null) {
                try {
                    s.close();
                } catch (IOException e) {
                    log.debug("close", e);
                }
            }
        }
    }
}
