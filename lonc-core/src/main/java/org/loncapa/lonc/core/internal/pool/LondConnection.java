package org.loncapa.lonc.core.internal.pool;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.List;
import org.loncapa.lonc.core.internal.protocol.FailureKind;
import org.loncapa.lonc.core.internal.protocol.LineReader;
import org.loncapa.lonc.core.protocol.WireText;
import org.loncapa.lonc.core.internal.protocol.LondSession;
import org.loncapa.lonc.core.internal.protocol.SessionAction;
import org.loncapa.lonc.core.internal.reactor.EventLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The socket shell around one {@link LondSession}: a non-blocking TCP channel registered with the
 * engine's loop, a line reader, a write queue and (in ssl mode) the TLS phase. It feeds socket events
 * into the session and applies the session's actions; results go to its {@link HostPool}.
 *
 * <p>Owned entirely by the engine thread.
 */
final class LondConnection implements EventLoop.Handler {
    private static final Logger log = LoggerFactory.getLogger(LondConnection.class);

    final int id;
    final HostPool pool;
    final LondSession session;
    final long createdAt;
    /** This connection's own lifetime (jittered by the pool), or 0 for none. */
    long maxLifetimeNanos;
    private final LineReader reader;
    private final ArrayDeque<ByteBuffer> pendingWrites = new ArrayDeque<>();
    private SocketChannel channel;
    private SelectionKey key;
    private TlsPhase tls;
    /** The transaction on the wire, or null. */
    Transaction current;
    /** Engine time when it last became idle. */
    long idleSince;
    /** Engine time of the last real (not health-check) use. */
    long lastUsed;
    /** Close when it next becomes idle (operator asked to close connections). */
    boolean retireWhenIdle;
    boolean handshaking = true;
    /** Engine time the handshake started or last received bytes (stall detection). */
    long lastProgress;

    LondConnection(int id, HostPool pool, LondSession session, int maxReplyBytes, long now) {
        this.id = id;
        this.pool = pool;
        this.session = session;
        this.createdAt = now;
        this.lastUsed = now;
        this.reader = new LineReader(maxReplyBytes);
    }

    /** Marks the start of the connection attempt (before name resolution). */
    void starting(long now) {
        lastProgress = now;
        session.onConnectStarted(now);
    }

    /** Starts the non-blocking connect to a resolved address. */
    void connect(InetSocketAddress address, boolean keepAlive, long now) {
        if (session.isClosed()) {
            return;
        }
        try {
            channel = SocketChannel.open();
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.setOption(StandardSocketOptions.SO_KEEPALIVE, keepAlive);
            boolean connected = channel.connect(address);
            key = pool.engine().loop().register(channel,
                    connected ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT, this);
            if (connected) {
                lastProgress = now;
                apply(session.onConnected(now), now);
            }
        } catch (IOException | RuntimeException e) {
            apply(session.onConnectFailed("cannot connect to " + address + ": " + e.getMessage(), now),
                    now);
        }
    }

    /** Name resolution failed. */
    void resolveFailed(String reason, long now) {
        apply(session.onConnectFailed(reason, now), now);
    }

    @Override
    public void onReady(SelectionKey k) {
        long now = pool.engine().now();
        try {
            if (k.isConnectable()) {
                if (channel.finishConnect()) {
                    lastProgress = now;
                    k.interestOps(SelectionKey.OP_READ | (pendingWrites.isEmpty() ? 0 : SelectionKey.OP_WRITE));
                    apply(session.onConnected(now), now);
                }
                return;
            }
            if (k.isValid() && k.isWritable()) {
                flush();
            }
            if (k.isValid() && k.isReadable()) {
                read(now);
            }
        } catch (IOException e) {
            FailureKind kind = session.state() == LondSession.State.CONNECTING
                    ? FailureKind.CONNECT : FailureKind.IO;
            apply(session.onError(kind, e.getMessage() == null ? e.toString() : e.getMessage(), now),
                    now);
        }
    }

    /**
     * {@link #onReady} threw (a bug, or a listener that threw): the loop closes the channel; the
     * connection fails as after an I/O error, so that the pool forgets it and its transaction is
     * answered {@code con_lost} now instead of at a timeout.
     */
    @Override
    public void onFailed(RuntimeException error) {
        long now = pool.engine().now();
        apply(session.onError(FailureKind.IO, "internal error (" + error.getClass().getName()
                + "), see the log", now), now);
    }

    private void read(long now) throws IOException {
        ByteBuffer buf = pool.engine().readBuffer();
        buf.clear();
        int n = channel.read(buf);
        if (n < 0) {
            boolean partial = reader.pending() > 0 || tls != null; // EOF inside TLS is always mid-record
            apply(session.onPeerClosed(partial, now), now);
            return;
        }
        if (n == 0) {
            return;
        }
        lastProgress = now;
        buf.flip();
        if (tls != null) {
            // TlsPhase takes every byte; on completion it hands leftover plain text to the reader
            tls.receive(buf, now);
            if (tls != null || session.isClosed()) {
                return;
            }
            buf.position(buf.limit());
        }
        try {
            reader.feed(buf);
            String line;
            while (!session.isClosed() && (line = reader.nextLine()) != null) {
                apply(session.onLine(line, now), now);
            }
        } catch (LineReader.LineException e) {
            apply(session.onError(FailureKind.BAD_LINE, "bad line from lond: " + e.getMessage(), now),
                    now);
        }
    }

    /** Sends a transaction; the connection must be idle. */
    void send(Transaction t, long now) {
        current = t;
        t.carrier = this;
        if (t.tag != HostPool.HEALTH_CHECK) {
            lastUsed = now;
        }
        apply(session.send(t.lonId, t.command, now), now);
    }

    /** Timer: lets the session check its deadline. */
    void tick(long now) {
        apply(session.onTimer(now), now);
    }

    /**
     * Applies the session's actions, then reports the outcome to the pool. {@code actions} is the
     * session's own list: a write or TLS start that fails reports the failure through the session,
     * which refills that list, so the rest of it is not read after such a failure.
     */
    void apply(List<SessionAction> actions, long now) {
        SessionAction outcome = null;
        for (int i = 0; i < actions.size(); i++) {
            SessionAction a = actions.get(i);
            if (a instanceof SessionAction.SendLine s) {
                if (!write(s.line())) {
                    return; // the failure has been applied and reported
                }
            } else if (a instanceof SessionAction.Step s) {
                if (log.isDebugEnabled()) {
                    log.debug("{} #{}: {}", pool.name(), id, s.description());
                }
            } else if (a instanceof SessionAction.StartTls) {
                if (!startTls(now)) {
                    return;
                }
            } else {
                outcome = a;
            }
        }
        if (outcome instanceof SessionAction.Failed f) {
            closeChannel();
            Transaction t = current;
            current = null;
            if (t != null) {
                t.carrier = null;
            }
            pool.onConnectionFailed(this, f, t, now);
        } else if (outcome instanceof SessionAction.Ready r) {
            handshaking = false;
            pool.onConnectionReady(this, r, now);
        } else if (outcome instanceof SessionAction.Reply r) {
            Transaction t = current;
            current = null;
            if (t != null) {
                t.carrier = null;
            }
            pool.onReply(this, t, r.reply(), now);
        }
    }

    /** False if TLS could not start; the failure has then been applied and reported. */
    private boolean startTls(long now) {
        if (pool.engine().sslContext() == null) {
            apply(session.onTlsFailed("ssl is not configured on this side", now), now);
            return false;
        }
        tls = new TlsPhase(this, pool.engine().sslContext(), pool.host().address(),
                pool.host().port(), reader);
        tls.begin(now);
        return !session.isClosed();
    }

    /** Called by the TLS phase when it is over (successfully or not). */
    void tlsFinished() {
        tls = null;
    }

    /**
     * Writes raw bytes (also used by the TLS phase). False if the connection is closed or the write
     * failed; a failure has then been applied (the session's action list refilled) and reported.
     */
    boolean writeRaw(ByteBuffer b) {
        if (channel == null || !channel.isOpen()) {
            return false;
        }
        if (pendingWrites.isEmpty()) {
            try {
                channel.write(b);
            } catch (IOException e) {
                long now = pool.engine().now();
                apply(session.onError(FailureKind.IO, "write failed: " + e.getMessage(), now), now);
                return false;
            }
        }
        if (b.hasRemaining()) {
            ByteBuffer copy = ByteBuffer.allocate(b.remaining());
            copy.put(b).flip();
            pendingWrites.add(copy);
            if (key != null && key.isValid()) {
                key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
            }
        }
        return true;
    }

    private boolean write(String line) {
        return writeRaw(ByteBuffer.wrap(WireText.encodeLine(line)));
    }

    private void flush() throws IOException {
        while (!pendingWrites.isEmpty()) {
            ByteBuffer b = pendingWrites.peekFirst();
            channel.write(b);
            if (b.hasRemaining()) {
                return;
            }
            pendingWrites.pollFirst();
        }
        if (key != null && key.isValid()) {
            key.interestOps(key.interestOps() & ~SelectionKey.OP_WRITE);
        }
    }

    /** Closes the socket without any report (pruning, shutdown, abandoning). */
    void close() {
        session.close();
        closeChannel();
    }

    private void closeChannel() {
        tls = null;
        pendingWrites.clear();
        if (key != null) {
            key.cancel();
        }
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                log.debug("close", e);
            }
        }
    }

    boolean isOpen() {
        return !session.isClosed();
    }

    @Override
    public String toString() {
        return pool.name() + "#" + id + " " + session.state();
    }
}
