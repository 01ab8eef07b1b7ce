package org.loncapa.lonc.core.internal.protocol;

import org.loncapa.lonc.core.protocol.ProtocolChoices;

import org.loncapa.lonc.core.internal.protocol.Redaction;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The client side of one lond TCP connection as a pure state machine (protocol.md §2–§4): the
 * handshake in each key mode with its fallbacks, then one transaction at a time, with sethost
 * switching and {@code enc:} encryption. No sockets, threads or clocks: the socket shell feeds events
 * together with the current time and applies the returned {@link SessionAction}s in order.
 *
 * <p>Every event method returns the session's own action list, which is cleared at the next call:
 * consume it before calling again. Owned by one loop thread; not thread-safe.
 */
public final class LondSession {

    /** Lifecycle of a connection, in order. */
    public enum State {
        /** Created; no connect started. */
        NEW,
        /** TCP connect in progress. */
        CONNECTING,
        /** The hailing {@code init...} line was sent; waiting for the challenge or the mode's ok. */
        INIT_SENT,
        /** The challenge was echoed; waiting for {@code ok}. */
        CHALLENGE_REPLIED,
        /** ssl mode: TLS handshake and key line in progress (driven by the shell). */
        TLS,
        /** {@code version} sent; waiting for lond's version string. */
        VERSION_REQUESTED,
        /** {@code sethost:<id>} sent; waiting for {@code ok}. */
        SETHOST_SENT,
        /** insecure mode: {@code ekey} sent; waiting for the buildkey. */
        EKEY_SENT,
        /** Ready for a transaction. */
        IDLE,
        /** Old lond: a separate {@code sethost:<id>} was sent before the command. */
        SWITCHING_HOST,
        /** A request was sent; waiting for its reply. */
        AWAITING_REPLY,
        /** Closed or failed; no further events are accepted. */
        CLOSED
    }

    /**
     * Fixed settings of one session.
     *
     * @param myLonId this host's lonHostID (used in the insecure key derivation)
     * @param remoteLonId the lonID the connection is opened for (named in the handshake's sethost)
     * @param mode the key mode chosen for this connection ({@link KeyMode#choose})
     * @param allowInsecure whether falling back to insecure mode is allowed (loncAllowInsecure)
     * @param lonVersion this LON-CAPA version for the hailing line, or null
     * @param connectTimeoutNanos limit for the TCP connect
     * @param handshakeStepTimeoutNanos limit for each handshake step
     * @param transactionTimeoutNanos limit for one transaction (request sent to reply read)
     */
    public record Params(String myLonId, String remoteLonId, KeyMode mode, boolean allowInsecure,
            String lonVersion, long connectTimeoutNanos, long handshakeStepTimeoutNanos,
            long transactionTimeoutNanos) {
        public Params {
            Objects.requireNonNull(myLonId, "myLonId");
            Objects.requireNonNull(remoteLonId, "remoteLonId");
            Objects.requireNonNull(mode, "mode");
            if (mode == KeyMode.INSECURE && !allowInsecure) {
                throw new IllegalArgumentException("insecure mode is not allowed by the configuration");
            }
        }
    }

    private static final long NO_DEADLINE = Long.MAX_VALUE;

    private final Params params;
    private final LocalKeyFiles keyFiles;
    private final SecureRandom random;
    private final List<SessionAction> out = new ArrayList<>(4);

    private State state = State.NEW;
    private KeyMode mode;
    private boolean fellBack;
    private long deadline = NO_DEADLINE;
    private Path localKeyFile;
    private String localKey;
    private IdeaCipher cipher;
    private String peerVersion;
    private int peerRevision = -1;
    /** The lonID lond currently serves on this connection, or null when unknown. */
    private String currentLonId;
    /** For old londs: the wire line to send once the separate sethost is answered. */
    private String pendingWireLine;
    private String pendingTarget;
    private boolean plainSetHostRequest;

    public LondSession(Params params, LocalKeyFiles keyFiles, SecureRandom random) {
        this.params = Objects.requireNonNull(params);
        this.keyFiles = keyFiles;
        this.random = random;
        this.mode = params.mode();
    }

    public State state() {
        return state;
    }

    /** The mode in effect (after any fallback). */
    public KeyMode mode() {
        return mode;
    }

    /** lond's version reply, or null before the version step. */
    public String peerVersion() {
        return peerVersion;
    }

    /** N of lond's {@code $Revision: 1.N $}, or -1 when unknown. */
    public int peerRevision() {
        return peerRevision;
    }

    /** The lonID lond serves on this connection now, or null when unknown. */
    public String currentLonId() {
        return currentLonId;
    }

    public Params params() {
        return params;
    }

    /** When the current step or transaction times out (nanos), or {@link Long#MAX_VALUE}. */
    public long deadline() {
        return deadline;
    }

    public boolean isIdle() {
        return state == State.IDLE;
    }

    public boolean isClosed() {
        return state == State.CLOSED;
    }

    // ---------------------------------------------------------------- events

    /** The shell has started a non-blocking TCP connect. */
    public List<SessionAction> onConnectStarted(long now) {
        out.clear();
        expect(State.NEW);
        state = State.CONNECTING;
        deadline = now + params.connectTimeoutNanos();
        return out;
    }

    /** The TCP connection is established: send the hailing line of the chosen mode. */
    public List<SessionAction> onConnected(long now) {
        out.clear();
        expect(State.CONNECTING);
        switch (mode) {
            case INSECURE -> sendStep(ProtocolChoices.insecureInit(params.lonVersion()),
                    "hailing in insecure mode", now);
            case SSL -> sendStep(ProtocolChoices.sslInit(params.lonVersion()),
                    "hailing in ssl mode", now);
            case LOCAL -> {
                localKey = SessionKeys.randomHexKey(random);
                try {
                    localKeyFile = keyFiles.write(localKey);
                } catch (IOException e) {
                    localKey = null;
                    fail(FailureKind.LOCAL_KEY, "cannot write the local key file: " + e.getMessage());
                    return out;
                }
                sendStep(ProtocolChoices.localInit(localKeyFile.toString()),
                        "hailing in local mode with key file " + localKeyFile, now);
            }
        }
        state = State.INIT_SENT;
        return out;
    }

    /** A complete line (newline removed) arrived from lond. */
    public List<SessionAction> onLine(String line, long now) {
        out.clear();
        switch (state) {
            case INIT_SENT -> onInitReply(line, now);
            case CHALLENGE_REPLIED -> {
                if (ProtocolChoices.OK.equals(line)) {
                    step("challenge accepted");
                    requestVersion(now);
                } else {
                    fail(FailureKind.HANDSHAKE, "lond did not accept the challenge echo: '"
                            + Redaction.forLog(line, 80) + "'");
                }
            }
            case VERSION_REQUESTED -> {
                peerVersion = line;
                peerRevision = ProtocolChoices.parseRevision(line);
                step("lond version '" + Redaction.forLog(line, 80) + "' (revision "
                        + (peerRevision < 0 ? "unknown" : peerRevision) + ")");
                sendStep(ProtocolChoices.setHost(params.remoteLonId()), null, now);
                state = State.SETHOST_SENT;
            }
            case SETHOST_SENT -> {
                if (!ProtocolChoices.OK.equals(line)) {
                    fail(FailureKind.HANDSHAKE, "lond answered sethost:" + params.remoteLonId()
                            + " with '" + Redaction.forLog(line, 80) + "'");
                    return out;
                }
                currentLonId = params.remoteLonId();
                step("lond serves " + currentLonId);
                if (mode == KeyMode.INSECURE) {
                    sendStep(ProtocolChoices.EKEY_REQUEST, "requesting the insecure key", now);
                    state = State.EKEY_SENT;
                } else {
                    becomeReady();
                }
            }
            case EKEY_SENT -> {
                if (line.isEmpty()) {
                    fail(FailureKind.HANDSHAKE, "lond sent an empty buildkey");
                    return out;
                }
                cipher = new IdeaCipher(
                        SessionKeys.insecureKey(params.remoteLonId(), params.myLonId(), line));
                step("insecure session key derived");
                becomeReady();
            }
            case SWITCHING_HOST -> {
                if (ProtocolChoices.OK.equals(line)) {
                    currentLonId = pendingTarget;
                    String wire = pendingWireLine;
                    pendingWireLine = null;
                    pendingTarget = null;
                    out.add(new SessionAction.SendLine(wire));
                    state = State.AWAITING_REPLY;
                    deadline = now + params.transactionTimeoutNanos();
                } else {
                    // lond could not switch: answer the request with lond's own word rather than run
                    // the command against the wrong lonID.
                    pendingWireLine = null;
                    pendingTarget = null;
                    currentLonId = null;
                    finishTransaction(line);
                }
            }
            case AWAITING_REPLY -> onReply(line);
            case IDLE -> fail(FailureKind.PROTOCOL,
                    "lond sent a line while no request was outstanding: '" + Redaction.forLog(line, 80) + "'");
            case TLS -> fail(FailureKind.TLS, "plain-text line during the TLS phase");
            case NEW, CONNECTING, CLOSED -> {
                // Lines after close are ignored; before connect they cannot happen.
            }
        }
        return out;
    }

    /** ssl mode: the key line arrived inside TLS and TLS has been left without close_notify. */
    public List<SessionAction> onTlsKey(String keyLine, long now) {
        out.clear();
        expect(State.TLS);
        if (!SessionKeys.isHexKey(keyLine)) {
            fail(FailureKind.TLS, "the key line received over TLS is not 32 hex digits (length "
                    + keyLine.length() + ")");
            return out;
        }
        cipher = new IdeaCipher(SessionKeys.fromHex(keyLine));
        step("ssl session key received");
        requestVersion(now);
        return out;
    }

    /** ssl mode: the TLS handshake or the key line failed. */
    public List<SessionAction> onTlsFailed(String reason, long now) {
        out.clear();
        if (state == State.TLS) {
            fail(FailureKind.TLS, reason);
        }
        return out;
    }

    /**
     * Starts a transaction; only in {@link State#IDLE}.
     *
     * @param lonId the target lonID, or null for the connection's default lonID
     * @param command the command without newline; a leading {@code encrypt:} means it is sent as
     *     {@code enc:<L>:<hex>}
     */
    public List<SessionAction> send(String lonId, String command, long now) {
        out.clear();
        expect(State.IDLE);
        String target = lonId == null ? params.remoteLonId() : lonId;
        String wire = command.startsWith(EncFrame.ENCRYPT_PREFIX)
                ? EncFrame.encode(cipher, command.substring(EncFrame.ENCRYPT_PREFIX.length()))
                : command;
        plainSetHostRequest = command.startsWith(ProtocolChoices.SETHOST_PREFIX);
        deadline = now + params.transactionTimeoutNanos();
        if (target.equals(currentLonId)) {
            out.add(new SessionAction.SendLine(wire));
            state = State.AWAITING_REPLY;
        } else if (ProtocolChoices.supportsInlineSetHost(peerRevision)) {
            out.add(new SessionAction.SendLine(ProtocolChoices.SETHOST_PREFIX + target + ":" + wire));
            currentLonId = target;
            state = State.AWAITING_REPLY;
        } else {
            pendingWireLine = wire;
            pendingTarget = target;
            out.add(new SessionAction.SendLine(ProtocolChoices.setHost(target)));
            state = State.SWITCHING_HOST;
        }
        return out;
    }

    /** Called by the shell's timer; fails the connection if its deadline has passed. */
    public List<SessionAction> onTimer(long now) {
        out.clear();
        if (state != State.CLOSED && now - deadline >= 0 && deadline != NO_DEADLINE) {
            String what = switch (state) {
                case CONNECTING -> "connect";
                case AWAITING_REPLY, SWITCHING_HOST -> "transaction";
                default -> "handshake step " + state;
            };
            fail(state == State.CONNECTING ? FailureKind.CONNECT : FailureKind.TIMEOUT,
                    what + " timed out");
        }
        return out;
    }

    /** The TCP connect failed. */
    public List<SessionAction> onConnectFailed(String reason, long now) {
        out.clear();
        if (state != State.CLOSED) {
            fail(FailureKind.CONNECT, reason);
        }
        return out;
    }

    /** lond closed the connection (EOF); {@code partialLine} tells whether a line was cut off. */
    public List<SessionAction> onPeerClosed(boolean partialLine, long now) {
        out.clear();
        if (state != State.CLOSED) {
            fail(FailureKind.CLOSED, partialLine ? "lond closed the connection in the middle of a line"
                    : "lond closed the connection");
        }
        return out;
    }

    /** A read or write error, or a bad line (too long, binary). */
    public List<SessionAction> onError(FailureKind kind, String reason, long now) {
        out.clear();
        if (state != State.CLOSED) {
            fail(kind, reason);
        }
        return out;
    }

    /**
     * Closes the session on our own initiative (pruning, shutdown, or abandoning a cancelled
     * transaction). No action results; any key file is removed.
     */
    public void close() {
        cleanUpLocalKey();
        state = State.CLOSED;
        deadline = NO_DEADLINE;
        pendingWireLine = null;
    }

    // ---------------------------------------------------------------- internals

    private void onInitReply(String line, long now) {
        switch (mode) {
            case INSECURE -> {
                if (ProtocolChoices.looksLikeChallenge(line)) {
                    echoChallenge(line, now);
                } else {
                    failInit(line);
                }
            }
            case SSL -> {
                if (ProtocolChoices.OK_SSL.equals(line)) {
                    step("lond agreed to ssl; starting TLS");
                    state = State.TLS;
                    deadline = now + params.handshakeStepTimeoutNanos();
                    out.add(new SessionAction.StartTls());
                } else {
                    maybeFallBack(line, now);
                }
            }
            case LOCAL -> {
                if (line.startsWith(ProtocolChoices.OK_LOCAL_PREFIX)) {
                    String key = localKey;
                    cleanUpLocalKey();
                    cipher = new IdeaCipher(SessionKeys.fromHex(key));
                    step("lond read the local key");
                    requestVersion(now);
                } else {
                    cleanUpLocalKey();
                    maybeFallBack(line, now);
                }
            }
        }
    }

    private void maybeFallBack(String line, long now) {
        if (!ProtocolChoices.looksLikeChallenge(line)) {
            failInit(line);
            return;
        }
        if (!params.allowInsecure()) {
            fail(FailureKind.HANDSHAKE, "lond answered init:" + mode.label()
                    + " with an insecure challenge (an old lond?) and insecure connections are not"
                    + " allowed (loncAllowInsecure)");
            return;
        }
        step("lond does not know " + mode.label() + " mode; falling back to insecure");
        mode = KeyMode.INSECURE;
        fellBack = true;
        echoChallenge(line, now);
    }

    private void failInit(String line) {
        if (ProtocolChoices.REFUSED.equals(line)) {
            fail(FailureKind.REFUSED, "lond refused the connection (this host is not in its host"
                    + " table, or the mode is not allowed)");
        } else {
            fail(FailureKind.HANDSHAKE, "unexpected reply to init:" + mode.label() + ": '"
                    + Redaction.forLog(line, 80) + "'");
        }
    }

    private void echoChallenge(String challenge, long now) {
        sendStep(challenge, "echoing the challenge", now);
        state = State.CHALLENGE_REPLIED;
    }

    private void requestVersion(long now) {
        sendStep(ProtocolChoices.versionRequest(params.lonVersion()), null, now);
        state = State.VERSION_REQUESTED;
    }

    private void becomeReady() {
        state = State.IDLE;
        deadline = NO_DEADLINE;
        out.add(new SessionAction.Ready(mode, peerVersion, peerRevision, fellBack));
    }

    private void onReply(String line) {
        if (line.startsWith(EncFrame.ENC_PREFIX)) {
            try {
                line = EncFrame.decode(cipher, line);
            } catch (EncFrame.MalformedFrameException e) {
                fail(FailureKind.BAD_LINE, "undecryptable enc: reply: " + e.getMessage());
                return;
            }
        }
        if (plainSetHostRequest) {
            currentLonId = null;
        } else if (line.startsWith("unable_to_set")) {
            // an inline sethost that lond refused: we no longer know which lonID it serves
            currentLonId = null;
        }
        finishTransaction(line);
    }

    private void finishTransaction(String reply) {
        state = State.IDLE;
        deadline = NO_DEADLINE;
        plainSetHostRequest = false;
        out.add(new SessionAction.Reply(reply));
    }

    private void sendStep(String line, String description, long now) {
        if (description != null) {
            step(description);
        }
        out.add(new SessionAction.SendLine(line));
        deadline = now + params.handshakeStepTimeoutNanos();
    }

    private void step(String description) {
        out.add(new SessionAction.Step(description));
    }

    private void fail(FailureKind kind, String reason) {
        State during = state;
        boolean lost = during == State.AWAITING_REPLY || during == State.SWITCHING_HOST;
        close();
        out.add(new SessionAction.Failed(kind, reason, during, lost));
    }

    private void cleanUpLocalKey() {
        if (localKeyFile != null) {
            keyFiles.delete(localKeyFile);
            localKeyFile = null;
        }
        localKey = null;
    }

    private void expect(State expected) {
        if (state != expected) {
            throw new IllegalStateException("session is " + state + ", not " + expected);
        }
    }

    @Override
    public String toString() {
        return "LondSession[" + params.remoteLonId() + " " + state + " " + mode.label() + "]";
    }
}
