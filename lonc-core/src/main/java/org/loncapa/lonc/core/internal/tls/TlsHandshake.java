package org.loncapa.lonc.core.internal.tls;

import org.loncapa.lonc.core.tls.TlsContexts;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one {@link SSLEngine} through the TLS phase of lond's ssl key exchange (protocol.md
 * §2.3): the handshake, then exactly one line of application data from server to client (the
 * 32-hex-digit IDEA session key and {@code \n}), then hands the socket back to plain text
 * <em>without</em> a TLS close_notify.
 *
 * <p><b>Sans-I/O.</b> This class owns no socket, thread or clock. The caller moves bytes:
 *
 * <pre>
 *   hs.begin();
 *   loop until hs.isDone():
 *     write hs.outbound() to the socket (all of it, in order, before reading the next one)
 *     bytes read from the socket  -> hs.receive(bytes)
 *     end of stream               -> hs.endOfInput()          (throws CLOSED)
 *     server: once hs.isHandshakeComplete() -> hs.sendLine(key)
 *   write hs.outbound() once more (the server's line; the client's is normally empty)
 *   client: hs.receivedLine().get() is the key line
 *   hs.leftoverPlaintext() -> the first bytes of the plain-text phase (normally empty)
 * </pre>
 *
 * <p><b>Record by record.</b> Bytes from {@link #receive} are buffered and handed to
 * {@link SSLEngine#unwrap} one complete TLS record at a time: the record header is parsed here and
 * {@code unwrap} sees a buffer that ends where the record ends. So plain-text bytes that follow the
 * last TLS record in the same read (lond may send its first plain-text reply right behind the key
 * line) never reach the engine, which would reject them as a bad record; they are returned by
 * {@link #leftoverPlaintext()}. The client stops unwrapping as soon as the line is complete; the
 * server unwraps nothing once its handshake is complete.
 *
 * <p><b>TLS 1.3 tickets.</b> A TLS 1.3 server sends NewSessionTicket messages after the handshake.
 * They travel in application-data records, often in the same read as the key line; the engine
 * consumes them without producing application bytes, so only bytes the engine produces count
 * towards the line.
 *
 * <p><b>No close_notify.</b> This class never calls {@link SSLEngine#closeOutbound()} or
 * {@link SSLEngine#closeInbound()}. If the engine ever wants to send a closure while the exchange
 * is healthy (it would only do so after receiving the peer's close_notify), those bytes are
 * dropped and the phase fails with {@link TlsHandshakeException.Reason#CLOSE_NOTIFY}. When the
 * engine itself detects a fatal error (for example an untrusted peer certificate) its fatal alert
 * is placed in {@link #outbound()}, so the peer can log why; the connection is then closed anyway,
 * so the alert cannot disturb a plain-text phase.
 *
 * <p><b>Delegated tasks</b> ({@link SSLEngine#getDelegatedTask()}) run inline on the calling
 * thread: they are certificate-path validation and key agreement for one handshake, a few
 * milliseconds at most, and running them here keeps this class free of threads.
 *
 * <p><b>Logging.</b> At DEBUG: role, negotiated protocol, cipher suite and the peer certificate's
 * subject. The line itself is never logged, and the internal copies of it are zeroed once it has
 * been taken.
 *
 * <p><b>Threading.</b> Not thread-safe: one instance per connection, used by the thread that owns
 * the connection (the event loop). Arguments must not be {@code null}.
 */
public final class TlsHandshake {

    private static final Logger log = LoggerFactory.getLogger(TlsHandshake.class);

    /** TLS record header: content type (1), legacy version (2), length (2). */
    static final int RECORD_HEADER_BYTES = 5;
    /** Largest record body any TLS version may send: 2^14 plus 2048 bytes of expansion (TLS 1.2). */
    static final int MAX_RECORD_BODY_BYTES = (1 << 14) + 2048;
    /** Bytes the server buffers, unprocessed, after its handshake before it must have sent the line. */
    static final int MAX_UNEXPECTED_INBOUND_BYTES = 2 * (RECORD_HEADER_BYTES + MAX_RECORD_BODY_BYTES);
    /** Guard against an engine that neither produces nor consumes: never expected to trigger. */
    private static final int MAX_STEPS_WITHOUT_INPUT = 10_000;

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    /** Lifecycle, in order; FAILED can follow any state before DONE. */
    private enum State {
        NEW,
        HANDSHAKING,
        /** Handshake complete: the client waits for the line, the server for {@link #sendLine}. */
        HANDSHAKE_COMPLETE,
        DONE,
        FAILED
    }

    private final SSLEngine engine;
    private final boolean client;
    private final int maxLineBytes;

    private State state = State.NEW;
    /** Received, not yet processed bytes; read mode: [position, limit). */
    private ByteBuffer inbound = ByteBuffer.allocate(4096).flip(); // grows to the largest read
    /** Bytes for the socket; write mode. */
    private ByteBuffer pendingOut = ByteBuffer.allocate(4096);
    /** Scratch destination for wrap; write mode. */
    private ByteBuffer netScratch;
    /** Scratch destination for unwrap; write mode. */
    private ByteBuffer appScratch;
    /** The client's line so far, without {@code \n}. */
    private byte[] lineBytes = new byte[0];
    private int lineLength;
    private String line;

    /**
     * @param engine a fresh engine, configured by {@link TlsContexts#newClientEngine} or
     *     {@link TlsContexts#newServerEngine}; its client/server mode decides the role. This object
     *     takes it over: nobody else may use it.
     * @param maxLineBytes the longest line the client accepts, in bytes without the {@code \n}; at
     *     least 1 (lond's key line is 32)
     */
    public TlsHandshake(SSLEngine engine, int maxLineBytes) {
        this.engine = Objects.requireNonNull(engine, "engine");
        if (maxLineBytes < 1) {
            throw new IllegalArgumentException("maxLineBytes must be at least 1: " + maxLineBytes);
        }
        this.client = engine.getUseClientMode();
        this.maxLineBytes = maxLineBytes;
        SSLSession s = engine.getSession();
        this.netScratch = ByteBuffer.allocate(s.getPacketBufferSize());
        this.appScratch = ByteBuffer.allocate(s.getApplicationBufferSize());
    }

    /**
     * Starts the handshake. The client's ClientHello is then in {@link #outbound()}; the server
     * waits for it.
     *
     * @throws TlsHandshakeException if the engine cannot start (for example no common protocol)
     * @throws IllegalStateException if called twice
     */
    public void begin() throws TlsHandshakeException {
        requireState(State.NEW, "begin()");
        state = State.HANDSHAKING;
        try {
            engine.beginHandshake();
        } catch (SSLException e) {
            throw failFromEngine(e);
        }
        pump();
    }

    /**
     * Takes all remaining bytes of {@code netIn} (its position moves to its limit): bytes read from
     * the socket, in order. They may hold partial records, several records, or records followed
     * by plain-text bytes of the next protocol phase, which are kept for
     * {@link #leftoverPlaintext()}. Afterwards check {@link #outbound()}, {@link #isDone()} and,
     * on the server, {@link #isHandshakeComplete()}.
     *
     * @throws TlsHandshakeException if the phase failed; the connection must be closed (after
     *     writing {@link #outbound()}, which may hold a fatal alert for the peer)
     * @throws IllegalStateException before {@link #begin()}, once done (further bytes belong to the
     *     plain-text phase), or after a failure
     */
    public void receive(ByteBuffer netIn) throws TlsHandshakeException {
        Objects.requireNonNull(netIn, "netIn");
        if (state != State.HANDSHAKING && state != State.HANDSHAKE_COMPLETE) {
            throw new IllegalStateException("receive() in state " + state
                    + (state == State.DONE ? ": the TLS phase is over, bytes belong to the plain-text phase" : ""));
        }
        append(netIn);
        pump();
        if (state == State.HANDSHAKE_COMPLETE && !client && inbound.remaining() > MAX_UNEXPECTED_INBOUND_BYTES) {
            throw fail(TlsHandshakeException.Reason.UNEXPECTED_DATA, "the TLS client sent "
                    + inbound.remaining() + " bytes after the handshake, before the key line was sent", null);
        }
    }

    /**
     * The socket reached end of stream. Always fails, because the TLS phase is not over.
     *
     * @throws TlsHandshakeException with reason {@link TlsHandshakeException.Reason#CLOSED}
     * @throws IllegalStateException once done or failed
     */
    public void endOfInput() throws TlsHandshakeException {
        if (state == State.DONE || state == State.FAILED) {
            throw new IllegalStateException("endOfInput() in state " + state);
        }
        throw fail(TlsHandshakeException.Reason.CLOSED, state == State.HANDSHAKE_COMPLETE
                ? "connection closed by the peer after the TLS handshake, before the key line was "
                        + (client ? "received" : "sent")
                : "connection closed by the peer during the TLS handshake", null);
    }

    /**
     * Bytes that must be written to the socket now, in order, before anything returned by a later
     * call; possibly empty, never {@code null}. Each call hands over the bytes produced since the
     * previous call: the returned buffer belongs to the caller. Also valid after a failure (it may
     * then hold a fatal alert).
     */
    public ByteBuffer outbound() {
        pendingOut.flip();
        ByteBuffer out = ByteBuffer.allocate(pendingOut.remaining());
        out.put(pendingOut).flip();
        pendingOut.clear();
        return out;
    }

    /** Whether {@link #outbound()} would return any bytes. */
    public boolean hasOutbound() {
        return pendingOut.position() > 0;
    }

    /**
     * Server only: encrypts {@code line} plus {@code \n} into {@link #outbound()} and ends the TLS
     * phase. The line is never logged.
     *
     * @param line the line without terminator: no {@code \n}, only characters up to U+00FF (sent
     *     as ISO-8859-1; lond's key line is ASCII hex)
     * @throws IllegalStateException on the client, or unless {@link #isHandshakeComplete()} and
     *     not yet done
     * @throws IllegalArgumentException if the line contains {@code \n} or a character above U+00FF
     */
    public void sendLine(String line) throws TlsHandshakeException {
        Objects.requireNonNull(line, "line");
        if (client) {
            throw new IllegalStateException("sendLine() is for the TLS server (lond's side)");
        }
        requireState(State.HANDSHAKE_COMPLETE, "sendLine()");
        byte[] bytes = new byte[line.length() + 1];
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\n' || c > 0xFF) {
                throw new IllegalArgumentException("the line contains a newline or a character above U+00FF at index " + i);
            }
            bytes[i] = (byte) c;
        }
        bytes[line.length()] = '\n';
        ByteBuffer src = ByteBuffer.wrap(bytes);
        try {
            while (src.hasRemaining()) {
                wrap(src);
            }
        } catch (SSLException e) {
            throw failFromEngine(e);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
        markDone();
    }

    /**
     * Client only: the line received inside TLS, without its {@code \n} (bytes decoded as
     * ISO-8859-1), once {@link #isDone()}; empty before. The caller checks its content: an empty
     * or malformed key line is a protocol error for the caller to report.
     */
    public Optional<String> receivedLine() {
        return Optional.ofNullable(line);
    }

    /** Whether the TLS handshake has completed (peer authenticated); stays true once done. */
    public boolean isHandshakeComplete() {
        return state == State.HANDSHAKE_COMPLETE || state == State.DONE;
    }

    /**
     * Whether the TLS phase is over: the client has the line, or the server has queued it. The
     * caller then writes {@link #outbound()} and continues in plain text with
     * {@link #leftoverPlaintext()}.
     */
    public boolean isDone() {
        return state == State.DONE;
    }

    /**
     * Bytes received after the last TLS record this side processed: the start of the plain-text
     * phase, to be parsed before anything read from the socket later. Normally empty; never
     * {@code null}. Returns a new buffer with the same content on each call.
     *
     * @throws IllegalStateException unless {@link #isDone()}
     */
    public ByteBuffer leftoverPlaintext() {
        requireState(State.DONE, "leftoverPlaintext()");
        ByteBuffer copy = ByteBuffer.allocate(inbound.remaining());
        copy.put(inbound.duplicate()).flip();
        return copy;
    }

    /**
     * The negotiated session (protocol, cipher suite, peer certificates), for status displays and
     * optional checks of the peer's identity by the caller.
     *
     * @throws IllegalStateException unless {@link #isHandshakeComplete()}
     */
    public SSLSession session() {
        if (!isHandshakeComplete()) {
            throw new IllegalStateException("session() before the handshake completed, in state " + state);
        }
        return engine.getSession();
    }

    // ---------------------------------------------------------------------------------------------

    /** Runs the engine until it needs input from the peer (or the caller, on the server). */
    private void pump() throws TlsHandshakeException {
        try {
            for (int steps = 0; state == State.HANDSHAKING || state == State.HANDSHAKE_COMPLETE; steps++) {
                if (steps > MAX_STEPS_WITHOUT_INPUT) {
                    throw fail(TlsHandshakeException.Reason.HANDSHAKE_FAILED,
                            "the TLS engine made no progress (handshake status " + engine.getHandshakeStatus() + ")", null);
                }
                HandshakeStatus hs = engine.getHandshakeStatus();
                switch (hs) {
                    case NEED_TASK -> runDelegatedTasks();
                    case NEED_WRAP -> wrap(EMPTY);
                    case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                        if (!unwrapOneRecord()) {
                            return; // need more bytes from the peer
                        }
                    }
                    case FINISHED, NOT_HANDSHAKING -> {
                        if (state == State.HANDSHAKING) {
                            onHandshakeComplete();
                        }
                        if (!client) {
                            return; // waits for sendLine(); unwraps nothing more
                        }
                        if (!unwrapOneRecord()) {
                            return;
                        }
                    }
                    default -> throw new IllegalStateException("unknown handshake status " + hs);
                }
            }
        } catch (SSLException e) {
            throw failFromEngine(e);
        }
    }

    private void runDelegatedTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run(); // inline on purpose: see the class comment
        }
    }

    /** One wrap call; its output goes to {@link #pendingOut}. */
    private void wrap(ByteBuffer src) throws SSLException, TlsHandshakeException {
        while (true) {
            netScratch.clear();
            SSLEngineResult r = engine.wrap(src, netScratch);
            switch (r.getStatus()) {
                case OK -> {
                    netScratch.flip();
                    appendOut(netScratch);
                    return;
                }
                case BUFFER_OVERFLOW -> netScratch = ByteBuffer.allocate(
                        Math.max(engine.getSession().getPacketBufferSize(), netScratch.capacity() * 2));
                case CLOSED -> {
                    // The engine produced a closure alert although nobody asked it to close: that
                    // only happens after the peer's close_notify. Drop the bytes, never send them.
                    netScratch.clear();
                    throw fail(TlsHandshakeException.Reason.CLOSE_NOTIFY,
                            "the TLS engine closed its side (after a close_notify from the peer); the closure"
                                    + " alert was not sent", null);
                }
                default -> throw new IllegalStateException("wrap returned " + r);
            }
        }
    }

    /**
     * Unwraps the first record in {@link #inbound} if it is complete.
     *
     * @return false if no complete record is buffered
     */
    private boolean unwrapOneRecord() throws SSLException, TlsHandshakeException {
        int recordBytes = completeRecordLength();
        if (recordBytes < 0) {
            return false;
        }
        ByteBuffer record = inbound.duplicate();
        record.limit(record.position() + recordBytes);
        SSLEngineResult r;
        while (true) {
            r = engine.unwrap(record, appScratch);
            if (r.getStatus() != SSLEngineResult.Status.BUFFER_OVERFLOW) {
                break;
            }
            appScratch = ByteBuffer.allocate(
                    Math.max(engine.getSession().getApplicationBufferSize(), appScratch.capacity() * 2));
        }
        inbound.position(record.position());
        switch (r.getStatus()) {
            case OK -> { }
            case CLOSED -> throw fail(TlsHandshakeException.Reason.CLOSE_NOTIFY,
                    "the TLS peer sent close_notify " + (isHandshakeComplete()
                            ? "before the key line was complete" : "during the handshake"), null);
            case BUFFER_UNDERFLOW -> throw fail(TlsHandshakeException.Reason.HANDSHAKE_FAILED,
                    "the TLS engine wanted more than one complete record (" + recordBytes + " bytes)", null);
            default -> throw new IllegalStateException("unwrap returned " + r);
        }
        if (r.bytesConsumed() != recordBytes) {
            throw fail(TlsHandshakeException.Reason.HANDSHAKE_FAILED, "the TLS engine consumed "
                    + r.bytesConsumed() + " of a " + recordBytes + "-byte record", null);
        }
        if (appScratch.position() > 0) {
            takeApplicationData();
        }
        return true;
    }

    /**
     * Length of the complete record at the head of {@link #inbound}, or -1 if it has not fully
     * arrived. Checks the header as far as it has arrived, so that a peer speaking plain text
     * where TLS belongs is reported at once and its bytes never reach the engine.
     */
    private int completeRecordLength() throws TlsHandshakeException {
        int p = inbound.position();
        int n = inbound.remaining();
        if (n >= 1) {
            int type = inbound.get(p) & 0xFF;
            if (type < 20 || type > 24) {
                throw notTls("content type " + type);
            }
        }
        if (n >= 2 && inbound.get(p + 1) != 3) {
            throw notTls("version byte " + (inbound.get(p + 1) & 0xFF));
        }
        if (n < RECORD_HEADER_BYTES) {
            return -1;
        }
        int length = ((inbound.get(p + 3) & 0xFF) << 8) | (inbound.get(p + 4) & 0xFF);
        if (length > MAX_RECORD_BODY_BYTES) {
            throw notTls("record length " + length);
        }
        return n >= RECORD_HEADER_BYTES + length ? RECORD_HEADER_BYTES + length : -1;
    }

    private TlsHandshakeException notTls(String what) {
        return fail(TlsHandshakeException.Reason.NOT_TLS, "the peer sent data that is not TLS where a TLS record was"
                + " expected (" + what + "; first bytes: " + printable(inbound, 24) + ")", null);
    }

    /** Application bytes from the engine: the client's line; nothing is expected on the server. */
    private void takeApplicationData() throws TlsHandshakeException {
        appScratch.flip();
        try {
            if (!client) {
                throw fail(TlsHandshakeException.Reason.UNEXPECTED_DATA,
                        "the TLS client sent " + appScratch.remaining() + " bytes of application data", null);
            }
            while (appScratch.hasRemaining() && line == null) {
                byte b = appScratch.get();
                if (b == '\n') {
                    line = new String(lineBytes, 0, lineLength, StandardCharsets.ISO_8859_1);
                    Arrays.fill(lineBytes, (byte) 0);
                } else if (lineLength >= maxLineBytes) {
                    throw fail(TlsHandshakeException.Reason.LINE_TOO_LONG, "the line inside TLS is longer than "
                            + maxLineBytes + " bytes (no newline yet)", null);
                } else {
                    if (lineLength == lineBytes.length) {
                        lineBytes = Arrays.copyOf(lineBytes, Math.min(maxLineBytes, Math.max(64, lineLength * 2)));
                    }
                    lineBytes[lineLength++] = b;
                }
            }
            if (line != null) {
                if (appScratch.hasRemaining()) {
                    // Perl's lonssl reads one line and drops the rest of its SSL buffer; so do we.
                    log.warn("TLS peer sent {} more byte(s) of application data after the key line; ignored",
                            appScratch.remaining());
                }
                markDone();
            }
        } finally {
            Arrays.fill(appScratch.array(), 0, appScratch.limit(), (byte) 0);
            appScratch.clear();
        }
    }

    private void onHandshakeComplete() {
        state = State.HANDSHAKE_COMPLETE;
        if (log.isDebugEnabled()) {
            SSLSession s = engine.getSession();
            String peer;
            try {
                peer = s.getPeerPrincipal().getName();
            } catch (SSLPeerUnverifiedException e) {
                peer = "(unverified)";
            }
            log.debug("TLS handshake complete as {}: {} {} peer \"{}\"",
                    client ? "client" : "server", s.getProtocol(), s.getCipherSuite(), peer);
        }
    }

    private void markDone() {
        state = State.DONE;
        if (inbound.remaining() >= 2) {
            int type = inbound.get(inbound.position()) & 0xFF;
            if (type >= 20 && type <= 24 && inbound.get(inbound.position() + 1) == 3) {
                // lond's plain-text replies start with a letter; this looks like another TLS record
                // (a close_notify or a late ticket). Hand it on unchanged but say so.
                log.warn("the {} bytes after the TLS key line look like a TLS record (content type {}); the peer"
                        + " may have sent close_notify. They are passed to the plain-text phase unchanged",
                        inbound.remaining(), type);
            }
        }
        log.debug("TLS phase done as {}; {} byte(s) of plain text already received",
                client ? "client" : "server", inbound.remaining());
    }

    /**
     * Maps an engine exception to a reason and message, after moving the engine's fatal alert (if
     * it has one) to {@link #outbound()}.
     */
    private TlsHandshakeException failFromEngine(SSLException e) {
        String msg = String.valueOf(e.getMessage());
        boolean receivedAlert = msg.startsWith("Received fatal alert") || msg.contains("close_notify");
        if (!receivedAlert) {
            drainFatalAlert();
        }
        CertificateException certProblem = findCause(e, CertificateException.class);
        if (certProblem != null) {
            return fail(TlsHandshakeException.Reason.PEER_CERTIFICATE_UNTRUSTED, certProblem.getMessage(), e);
        }
        if (msg.startsWith("Received fatal alert")) {
            String alert = msg.substring(msg.indexOf(':') + 1).trim();
            String hint;
            if (alert.contains("expired")) {
                hint = "; the peer says this host's certificate has expired";
            } else if (alert.contains("certificate") || alert.contains("unknown_ca") || alert.contains("access_denied")) {
                hint = "; the peer probably does not trust this host's certificate (is it signed by the same LON-CAPA CA?)";
            } else {
                hint = "";
            }
            return fail(TlsHandshakeException.Reason.REJECTED_BY_PEER,
                    "the TLS peer aborted the handshake with alert " + alert + hint, e);
        }
        if (msg.contains("close_notify")) {
            return fail(TlsHandshakeException.Reason.CLOSE_NOTIFY, "the TLS peer sent close_notify during the handshake", e);
        }
        return fail(TlsHandshakeException.Reason.HANDSHAKE_FAILED, "TLS handshake failed: " + msg, e);
    }

    /** After a locally detected fatal error the engine holds a fatal alert for the peer. */
    private void drainFatalAlert() {
        try {
            for (int i = 0; i < 4 && engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP; i++) {
                netScratch.clear();
                SSLEngineResult r = engine.wrap(EMPTY, netScratch);
                netScratch.flip();
                appendOut(netScratch);
                if (r.bytesProduced() == 0) {
                    break;
                }
            }
        } catch (SSLException | RuntimeException ignored) {
            // Best effort: the connection is being closed anyway.
        }
    }

    private TlsHandshakeException fail(TlsHandshakeException.Reason reason, String message, Throwable cause) {
        state = State.FAILED;
        Arrays.fill(lineBytes, (byte) 0);
        return new TlsHandshakeException(reason, message, cause);
    }

    private void requireState(State expected, String what) {
        if (state != expected) {
            throw new IllegalStateException(what + " in state " + state + " (expected " + expected + ")");
        }
    }

    private void append(ByteBuffer src) {
        int needed = inbound.remaining() + src.remaining();
        if (needed > inbound.capacity()) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(needed, inbound.capacity() * 2));
            bigger.put(inbound);
            inbound = bigger; // write mode
        } else {
            inbound.compact(); // write mode
        }
        inbound.put(src);
        inbound.flip();
    }

    private void appendOut(ByteBuffer src) {
        if (pendingOut.remaining() < src.remaining()) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(pendingOut.position() + src.remaining(), pendingOut.capacity() * 2));
            pendingOut.flip();
            bigger.put(pendingOut);
            pendingOut = bigger;
        }
        pendingOut.put(src);
    }

    private static <T extends Throwable> T findCause(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }

    /** Up to {@code max} bytes from the head of {@code buf}, with non-printable bytes escaped. */
    static String printable(ByteBuffer buf, int max) {
        StringBuilder sb = new StringBuilder("\"");
        int end = Math.min(buf.limit(), buf.position() + max);
        for (int i = buf.position(); i < end; i++) {
            int b = buf.get(i) & 0xFF;
            if (b == '\n') {
                sb.append("\\n");
            } else if (b == '\r') {
                sb.append("\\r");
            } else if (b >= 0x20 && b < 0x7F && b != '"' && b != '\\') {
                sb.append((char) b);
            } else {
                sb.append(String.format("\\x%02x", b));
            }
        }
        sb.append('"');
        if (buf.limit() - buf.position() > max) {
            sb.append("...");
        }
        return sb.toString();
    }
}
