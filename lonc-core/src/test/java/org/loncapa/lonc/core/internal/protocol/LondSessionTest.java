package org.loncapa.lonc.core.internal.protocol;

import org.loncapa.lonc.core.protocol.ProtocolChoices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.loncapa.lonc.core.internal.protocol.LondSession.State;
import org.loncapa.lonc.core.internal.protocol.SessionAction.Failed;
import org.loncapa.lonc.core.internal.protocol.SessionAction.Ready;
import org.loncapa.lonc.core.internal.protocol.SessionAction.Reply;
import org.loncapa.lonc.core.internal.protocol.SessionAction.SendLine;

/** Drives the lond state machine with strings and a fake clock; asserts the actions. */
class LondSessionTest {
    private static final long SEC = TimeUnit.SECONDS.toNanos(1);
    private static final String BUILDKEY = "123AABECC97F8DCBA987FE45678";
    private static final String V_NEW = "version:$Revision: 1.489 $";
    private static final String V_OLD = "version:$Revision: 1.321 $";

    /** A key-file store that keeps files in a map: lets tests check creation and removal. */
    static final class FakeKeyFiles implements LocalKeyFiles {
        final Map<Path, String> files = new HashMap<>();
        final List<Path> deleted = new ArrayList<>();
        boolean failWrites;

        @Override
        public Path write(String hexKey) throws IOException {
            if (failWrites) {
                throw new IOException("No space left on device");
            }
            Path p = Path.of("/keys/k" + files.size());
            files.put(p, hexKey);
            return p;
        }

        @Override
        public void delete(Path file) {
            files.remove(file);
            deleted.add(file);
        }
    }

    private final FakeKeyFiles keyFiles = new FakeKeyFiles();
    private long now = 1_000 * SEC;

    private LondSession session(KeyMode mode, boolean allowInsecure, String lonVersion) {
        var p = new LondSession.Params("msua3", "msul1", mode, allowInsecure, lonVersion,
                3 * SEC, 30 * SEC, 30 * SEC);
        return new LondSession(p, keyFiles, new SecureRandom());
    }

    private static List<String> sent(List<SessionAction> actions) {
        List<String> lines = new ArrayList<>();
        for (SessionAction a : actions) {
            if (a instanceof SendLine s) {
                lines.add(s.line());
            }
        }
        return lines;
    }

    private static <T extends SessionAction> T only(Class<T> type, List<SessionAction> actions) {
        T found = null;
        for (SessionAction a : actions) {
            if (type.isInstance(a)) {
                assertNull(found, "more than one " + type.getSimpleName() + " in " + actions);
                found = type.cast(a);
            }
        }
        if (found == null) {
            throw new AssertionError("no " + type.getSimpleName() + " in " + actions);
        }
        return found;
    }

    private static boolean has(Class<? extends SessionAction> type, List<SessionAction> actions) {
        return actions.stream().anyMatch(type::isInstance);
    }

    private List<String> connect(LondSession s) {
        s.onConnectStarted(now);
        assertEquals(State.CONNECTING, s.state());
        return sent(s.onConnected(now));
    }

    /** Runs an insecure handshake up to Idle against a new lond. */
    private LondSession insecureIdle(String version) {
        LondSession s = session(KeyMode.INSECURE, true, null);
        assertEquals(List.of("init"), connect(s));
        assertEquals(List.of("43211125339768"), sent(s.onLine("43211125339768", now)));
        assertEquals(List.of("version"), sent(s.onLine("ok", now)));
        assertEquals(List.of("sethost:msul1"), sent(s.onLine(version, now)));
        assertEquals(List.of("ekey"), sent(s.onLine("ok", now)));
        List<SessionAction> a = s.onLine(BUILDKEY, now);
        Ready r = only(Ready.class, a);
        assertEquals(KeyMode.INSECURE, r.mode());
        assertTrue(s.isIdle());
        return s;
    }

    @Test
    void insecureHandshakeStepByStep() {
        LondSession s = insecureIdle(V_NEW);
        assertEquals(489, s.peerRevision());
        assertEquals(V_NEW, s.peerVersion());
        assertEquals("msul1", s.currentLonId());
        assertEquals(Long.MAX_VALUE, s.deadline(), "no timer while idle");
    }

    @Test
    void hailingLineCarriesTheVersionWhenConfigured() {
        assertEquals(List.of("init::2.11.4"), connect(session(KeyMode.INSECURE, true, "2.11.4")));
        assertEquals(List.of("init:ssl:2.11.4"), connect(session(KeyMode.SSL, false, "2.11.4")));
        assertEquals(List.of("init:ssl"), connect(session(KeyMode.SSL, false, null)));
    }

    @Test
    void versionRequestIsOneSwitchBetweenTwoForms() {
        assertEquals("version", ProtocolChoices.versionRequest(false, "2.11.4"));
        assertEquals("version:2.11.4", ProtocolChoices.versionRequest(true, "2.11.4"));
        assertEquals("version", ProtocolChoices.versionRequest(true, null), "nothing to append");
        assertEquals("version", ProtocolChoices.versionRequest(true, ""));
        // the session sends what the switch says, also when a version is configured
        LondSession s = session(KeyMode.INSECURE, true, "2.11.4");
        connect(s);
        s.onLine("43211125339768", now);
        assertEquals(List.of(ProtocolChoices.VERSION_REQUEST_WITH_OWN_VERSION ? "version:2.11.4" : "version"),
                sent(s.onLine("ok", now)));
    }

    @Test
    void encryptedRequestUsesTheDerivedKeyAndDecryptsReplies() throws Exception {
        LondSession s = insecureIdle(V_NEW);
        List<String> lines = sent(s.send(null, "encrypt:currentauth:msu:jdoe", now));
        assertEquals(List.of("enc:20:9c4832aad1f9ce2e3d130284cb41c02ecbcd49066719b2bb"), lines);
        IdeaCipher c = new IdeaCipher(SessionKeys.insecureKey("msul1", "msua3", BUILDKEY));
        Reply r = only(Reply.class, s.onLine(EncFrame.encode(c, "internal:"), now));
        assertEquals("internal:", r.reply());
        assertTrue(s.isIdle());
    }

    @Test
    void plainRequestAndReply() {
        LondSession s = insecureIdle(V_NEW);
        assertEquals(List.of("ping"), sent(s.send(null, "ping", now)));
        assertEquals(State.AWAITING_REPLY, s.state());
        assertEquals(now + 30 * SEC, s.deadline());
        assertEquals("msul1", only(Reply.class, s.onLine("msul1", now)).reply());
    }

    @Test
    void sethostInlineTowardNewLond() {
        LondSession s = insecureIdle(V_NEW);
        assertEquals(List.of("sethost:msul2:ping"), sent(s.send("msul2", "ping", now)));
        only(Reply.class, s.onLine("msul2", now));
        assertEquals("msul2", s.currentLonId());
        // same lonID again: no prefix; back to the default: prefix again
        assertEquals(List.of("ping"), sent(s.send("msul2", "ping", now)));
        s.onLine("msul2", now);
        assertEquals(List.of("sethost:msul1:ping"), sent(s.send(null, "ping", now)));
    }

    @Test
    void sethostInlineKeepsPrefixOutsideTheEncryption() {
        LondSession s = insecureIdle(V_NEW);
        String line = sent(s.send("msul2", "encrypt:currentauth:msu:jdoe", now)).get(0);
        assertEquals("sethost:msul2:enc:20:9c4832aad1f9ce2e3d130284cb41c02ecbcd49066719b2bb", line);
    }

    @Test
    void sethostAsSeparateLineTowardOldLond() {
        LondSession s = insecureIdle(V_OLD);
        assertEquals(321, s.peerRevision());
        assertEquals(List.of("sethost:msul2"), sent(s.send("msul2", "ping", now)));
        assertEquals(State.SWITCHING_HOST, s.state());
        assertEquals(List.of("ping"), sent(s.onLine("ok", now)));
        assertEquals("msul2", only(Reply.class, s.onLine("msul2", now)).reply());
        assertEquals("msul2", s.currentLonId());
    }

    @Test
    void unknownRevisionIsTreatedAsOld() {
        LondSession s = insecureIdle("unknown_cmd");
        assertEquals(-1, s.peerRevision());
        assertEquals(List.of("sethost:msul2"), sent(s.send("msul2", "ping", now)));
    }

    @Test
    void separateSethostRefusedAnswersTheRequestWithoutSendingIt() {
        LondSession s = insecureIdle(V_OLD);
        s.send("bogus", "ping", now);
        List<SessionAction> a = s.onLine("unable_to_set", now);
        assertEquals("unable_to_set", only(Reply.class, a).reply());
        assertTrue(sent(a).isEmpty(), "the command must not run against the wrong lonID");
        assertNull(s.currentLonId());
        assertEquals(List.of("sethost:msul1"), sent(s.send(null, "ping", now)));
    }

    @Test
    void inlineSethostRefusedForgetsTheCurrentLonId() {
        LondSession s = insecureIdle(V_NEW);
        s.send("bogus", "ping", now);
        assertEquals("unable_to_set", only(Reply.class, s.onLine("unable_to_set", now)).reply());
        assertNull(s.currentLonId());
        assertEquals(List.of("sethost:msul1:ping"), sent(s.send(null, "ping", now)));
    }

    @Test
    void refusedInit() {
        LondSession s = session(KeyMode.INSECURE, true, null);
        connect(s);
        Failed f = only(Failed.class, s.onLine("refused", now));
        assertEquals(FailureKind.REFUSED, f.kind());
        assertEquals(State.INIT_SENT, f.during());
        assertFalse(f.transactionLost());
        assertTrue(s.isClosed());
    }

    @Test
    void unexpectedInitReply() {
        LondSession s = session(KeyMode.INSECURE, true, null);
        connect(s);
        Failed f = only(Failed.class, s.onLine("hello there", now));
        assertEquals(FailureKind.HANDSHAKE, f.kind());
        assertTrue(f.reason().contains("hello there"), f.reason());
    }

    @Test
    void challengeEchoNotAccepted() {
        LondSession s = session(KeyMode.INSECURE, true, null);
        connect(s);
        s.onLine("123", now);
        assertEquals(FailureKind.HANDSHAKE, only(Failed.class, s.onLine("no", now)).kind());
    }

    @Test
    void sethostRejectedDuringHandshake() {
        LondSession s = session(KeyMode.INSECURE, true, null);
        connect(s);
        s.onLine("123", now);
        s.onLine("ok", now);
        s.onLine(V_NEW, now);
        Failed f = only(Failed.class, s.onLine("unable_to_set", now));
        assertEquals(State.SETHOST_SENT, f.during());
        assertTrue(f.reason().contains("unable_to_set"));
    }

    @Test
    void emptyBuildKeyFails() {
        LondSession s = session(KeyMode.INSECURE, true, null);
        connect(s);
        s.onLine("123", now);
        s.onLine("ok", now);
        s.onLine(V_NEW, now);
        s.onLine("ok", now);
        assertEquals(FailureKind.HANDSHAKE, only(Failed.class, s.onLine("", now)).kind());
    }

    @Test
    void insecureModeCannotBeCreatedWhenNotAllowed() {
        assertThrows(IllegalArgumentException.class, () -> session(KeyMode.INSECURE, false, null));
        assertTrue(KeyMode.choose(false, false, false).isEmpty());
        assertEquals(KeyMode.LOCAL, KeyMode.choose(true, true, false).orElseThrow());
        assertEquals(KeyMode.SSL, KeyMode.choose(false, true, true).orElseThrow());
        assertEquals(KeyMode.INSECURE, KeyMode.choose(false, false, true).orElseThrow());
    }

    // ------------------------------------------------------------------ local mode

    @Test
    void localModeWritesKeyFileAndRemovesItOnSuccess() throws Exception {
        LondSession s = session(KeyMode.LOCAL, false, null);
        List<String> lines = connect(s);
        assertEquals(1, keyFiles.files.size());
        Path file = keyFiles.files.keySet().iterator().next();
        String key = keyFiles.files.get(file);
        assertTrue(SessionKeys.isHexKey(key));
        assertEquals(List.of("init:local:" + file), lines);
        assertEquals(List.of("version"), sent(s.onLine("ok:local", now)));
        assertTrue(keyFiles.files.isEmpty(), "key file removed after ok:local");
        s.onLine(V_NEW, now);
        Ready r = only(Ready.class, s.onLine("ok", now));
        assertEquals(KeyMode.LOCAL, r.mode());
        assertFalse(r.fellBackToInsecure());
        // the key in the file is the session key
        String frame = sent(s.send(null, "encrypt:x", now)).get(0);
        assertEquals("x", EncFrame.decode(new IdeaCipher(SessionKeys.fromHex(key)), frame));
    }

    @Test
    void localModeRemovesKeyFileOnFailureTimeoutAndClose() {
        LondSession a = session(KeyMode.LOCAL, false, null);
        connect(a);
        only(Failed.class, a.onLine("refused", now));
        LondSession b = session(KeyMode.LOCAL, false, null);
        connect(b);
        assertEquals(FailureKind.TIMEOUT, only(Failed.class, b.onTimer(now + 30 * SEC)).kind());
        LondSession c = session(KeyMode.LOCAL, false, null);
        connect(c);
        c.close();
        LondSession d = session(KeyMode.LOCAL, false, null);
        connect(d);
        only(Failed.class, d.onPeerClosed(false, now));
        assertTrue(keyFiles.files.isEmpty(), "every key file removed: " + keyFiles.files);
        assertEquals(4, keyFiles.deleted.size());
    }

    @Test
    void localKeyFileWriteFailure() {
        keyFiles.failWrites = true;
        LondSession s = session(KeyMode.LOCAL, false, null);
        s.onConnectStarted(now);
        Failed f = only(Failed.class, s.onConnected(now));
        assertEquals(FailureKind.LOCAL_KEY, f.kind());
        assertTrue(f.reason().contains("No space left"));
    }

    @Test
    void localFallsBackToInsecureWhenAllowed() {
        LondSession s = session(KeyMode.LOCAL, true, null);
        connect(s);
        assertEquals(List.of("987"), sent(s.onLine("987", now)));
        assertTrue(keyFiles.files.isEmpty(), "own key file removed on fallback");
        s.onLine("ok", now);
        s.onLine(V_NEW, now);
        assertEquals(List.of("ekey"), sent(s.onLine("ok", now)));
        Ready r = only(Ready.class, s.onLine(BUILDKEY, now));
        assertEquals(KeyMode.INSECURE, r.mode());
        assertTrue(r.fellBackToInsecure());
    }

    @Test
    void localDoesNotFallBackWhenInsecureIsForbidden() {
        LondSession s = session(KeyMode.LOCAL, false, null);
        connect(s);
        Failed f = only(Failed.class, s.onLine("987", now));
        assertEquals(FailureKind.HANDSHAKE, f.kind());
        assertTrue(f.reason().contains("loncAllowInsecure"), f.reason());
        assertTrue(keyFiles.files.isEmpty());
    }

    // ------------------------------------------------------------------ ssl mode

    @Test
    void sslHandshakeHandsTlsToTheShellThenContinuesInPlainText() throws Exception {
        LondSession s = session(KeyMode.SSL, false, null);
        connect(s);
        List<SessionAction> a = s.onLine("ok:ssl", now);
        assertTrue(has(SessionAction.StartTls.class, a));
        assertEquals(State.TLS, s.state());
        String key = "00112233445566778899aabbccddeeff";
        assertEquals(List.of("version"), sent(s.onTlsKey(key, now)));
        s.onLine(V_NEW, now);
        Ready r = only(Ready.class, s.onLine("ok", now));
        assertEquals(KeyMode.SSL, r.mode());
        String frame = sent(s.send(null, "encrypt:secret", now)).get(0);
        assertEquals("secret", EncFrame.decode(new IdeaCipher(SessionKeys.fromHex(key)), frame));
    }

    @Test
    void sslBadKeyLineAndTlsFailure() {
        LondSession s = session(KeyMode.SSL, false, null);
        connect(s);
        s.onLine("ok:ssl", now);
        Failed f = only(Failed.class, s.onTlsKey("not-a-key", now));
        assertEquals(FailureKind.TLS, f.kind());
        assertFalse(f.reason().contains("not-a-key"), "never echo what may be key material");

        LondSession t = session(KeyMode.SSL, false, null);
        connect(t);
        t.onLine("ok:ssl", now);
        assertEquals(FailureKind.TLS,
                only(Failed.class, t.onTlsFailed("peer certificate not trusted", now)).kind());
    }

    @Test
    void sslFallsBackToInsecureOnlyWhenAllowed() {
        LondSession s = session(KeyMode.SSL, true, null);
        connect(s);
        assertEquals(List.of("555"), sent(s.onLine("555", now)));
        assertEquals(KeyMode.INSECURE, s.mode());

        LondSession t = session(KeyMode.SSL, false, null);
        connect(t);
        assertEquals(FailureKind.HANDSHAKE, only(Failed.class, t.onLine("555", now)).kind());
    }

    @Test
    void sslRefusedAndGarbage() {
        LondSession s = session(KeyMode.SSL, true, null);
        connect(s);
        assertEquals(FailureKind.REFUSED, only(Failed.class, s.onLine("refused", now)).kind());
        LondSession t = session(KeyMode.SSL, true, null);
        connect(t);
        assertEquals(FailureKind.HANDSHAKE, only(Failed.class, t.onLine("ok:sslx", now)).kind());
    }

    // ------------------------------------------------------------------ timeouts and faults

    @Test
    void connectTimeout() {
        LondSession s = session(KeyMode.INSECURE, true, null);
        s.onConnectStarted(now);
        assertTrue(s.onTimer(now + 3 * SEC - 1).isEmpty());
        Failed f = only(Failed.class, s.onTimer(now + 3 * SEC));
        assertEquals(FailureKind.CONNECT, f.kind());
    }

    @Test
    void handshakeStepTimeoutIsPerStep() {
        LondSession s = session(KeyMode.INSECURE, true, null);
        connect(s);
        now += 29 * SEC;
        s.onLine("1", now);
        now += 29 * SEC;
        assertTrue(s.onTimer(now).isEmpty(), "each step gets its own 30 s");
        Failed f = only(Failed.class, s.onTimer(now + SEC));
        assertEquals(FailureKind.TIMEOUT, f.kind());
        assertEquals(State.CHALLENGE_REPLIED, f.during());
    }

    @Test
    void transactionTimeoutLosesTheTransaction() {
        LondSession s = insecureIdle(V_NEW);
        s.send(null, "ping", now);
        assertTrue(s.onTimer(now + 30 * SEC - 1).isEmpty());
        Failed f = only(Failed.class, s.onTimer(now + 30 * SEC));
        assertEquals(FailureKind.TIMEOUT, f.kind());
        assertTrue(f.transactionLost());
        // a late reply after the timeout is ignored
        assertTrue(s.onLine("msul1", now + 31 * SEC).isEmpty());
    }

    @Test
    void peerClosesMidTransactionOrWhileIdle() {
        LondSession s = insecureIdle(V_NEW);
        s.send(null, "ping", now);
        Failed f = only(Failed.class, s.onPeerClosed(true, now));
        assertEquals(FailureKind.CLOSED, f.kind());
        assertTrue(f.transactionLost());
        assertTrue(f.reason().contains("middle of a line"));

        LondSession t = insecureIdle(V_NEW);
        Failed g = only(Failed.class, t.onPeerClosed(false, now));
        assertFalse(g.transactionLost());
        assertEquals(State.IDLE, g.during());
    }

    @Test
    void unsolicitedLineWhileIdleFailsTheConnection() {
        LondSession s = insecureIdle(V_NEW);
        assertEquals(FailureKind.PROTOCOL, only(Failed.class, s.onLine("surprise", now)).kind());
    }

    @Test
    void undecryptableReplyFailsTheConnection() {
        LondSession s = insecureIdle(V_NEW);
        s.send(null, "encrypt:x", now);
        Failed f = only(Failed.class, s.onLine("enc:5:zz", now));
        assertEquals(FailureKind.BAD_LINE, f.kind());
        assertTrue(f.transactionLost());
    }

    @Test
    void badLineReportedByTheShell() {
        LondSession s = insecureIdle(V_NEW);
        s.send(null, "ping", now);
        Failed f = only(Failed.class, s.onError(FailureKind.BAD_LINE, "line too long", now));
        assertTrue(f.transactionLost());
        assertTrue(s.onError(FailureKind.IO, "again", now).isEmpty(), "only one failure per session");
    }

    @Test
    void sendingWhenNotIdleIsABug() {
        LondSession s = session(KeyMode.INSECURE, true, null);
        assertThrows(IllegalStateException.class, () -> s.send(null, "ping", now));
        LondSession t = insecureIdle(V_NEW);
        t.send(null, "ping", now);
        assertThrows(IllegalStateException.class, () -> t.send(null, "ping", now));
    }

    @Test
    void plainSethostRequestMakesTheCurrentLonIdUnknown() {
        LondSession s = insecureIdle(V_NEW);
        s.send(null, "sethost:msul2", now);
        s.onLine("ok", now);
        assertNull(s.currentLonId());
    }

    @Test
    void stepsNeverContainKeyMaterial() {
        LondSession s = session(KeyMode.INSECURE, true, null);
        List<SessionAction> all = new ArrayList<>();
        all.addAll(s.onConnectStarted(now));
        all.addAll(s.onConnected(now));
        all.addAll(new ArrayList<>(s.onLine("1", now)));
        all.addAll(new ArrayList<>(s.onLine("ok", now)));
        all.addAll(new ArrayList<>(s.onLine(V_NEW, now)));
        all.addAll(new ArrayList<>(s.onLine("ok", now)));
        all.addAll(new ArrayList<>(s.onLine(BUILDKEY, now)));
        for (SessionAction a : all) {
            assertFalse(a.toString().contains(BUILDKEY), a.toString());
            assertFalse(a.toString().toLowerCase().contains("62451624a3"), a.toString());
        }
        assertInstanceOf(Ready.class, all.get(all.size() - 1));
    }

    /**
     * Why LondConnection.apply may write while it iterates the session's action list: a failed
     * write reports the failure through the same session, which clears and refills that list. That
     * is harmless only because a line to send (or the start of TLS) is always the last action of its
     * list, and no list both sends and ends something (Failed, Ready, Reply). Random walks over every
     * event in every mode check that this holds. (LondConnection also stops reading a list once a
     * write or TLS start has failed, so it no longer depends on it.)
     */
    @Test
    void aLineToSendIsAlwaysTheLastActionAndNeverBesideAnOutcome() {
        java.util.Random rnd = new java.util.Random(20261202);
        String[] lines = {"ok", "43211125339768", V_NEW, V_OLD, BUILDKEY, "refused", "ok:ssl",
                "ok:local", "unable_to_set", "", "enc:zz", "junk reply"};
        int lists = 0;
        int idle = 0;
        for (int walk = 0; walk < 2_500; walk++) {
            KeyMode mode = KeyMode.values()[rnd.nextInt(KeyMode.values().length)];
            boolean insecureOk = mode == KeyMode.INSECURE || rnd.nextBoolean();
            LondSession s = session(mode, insecureOk, rnd.nextBoolean() ? "2.11.4" : null);
            List<SessionAction> a = s.onConnectStarted(now);
            for (int step = 0; step < 24 && !s.isClosed(); step++) {
                try {
                    int r = rnd.nextInt(100);
                    a = r < 55 ? progress(s, rnd)
                            : r < 75 ? s.onLine(lines[rnd.nextInt(lines.length)], now)
                            : r < 80 ? s.onTlsKey(rnd.nextBoolean() ? "0123456789abcdef0123456789abcdef" : "bad", now)
                            : r < 82 ? s.onTlsFailed("handshake failed", now)
                            : r < 88 ? s.send(rnd.nextBoolean() ? null : "msul2", command(rnd), now)
                            : r < 93 ? s.onTimer(now += rnd.nextInt(40) * SEC)
                            : r < 95 ? s.onConnected(now)
                            : r < 97 ? s.onPeerClosed(rnd.nextBoolean(), now)
                            : r < 99 ? s.onError(FailureKind.IO, "write failed", now)
                            : s.onConnectFailed("refused", now);
                } catch (IllegalStateException notInThisState) {
                    continue;
                }
                lists++;
                if (s.isIdle()) {
                    idle++;
                }
                String shown = a.toString();
                int io = -1;
                boolean outcome = false;
                for (int i = 0; i < a.size(); i++) {
                    SessionAction x = a.get(i);
                    if (x instanceof SendLine || x instanceof SessionAction.StartTls) {
                        assertEquals(-1, io, () -> "two lines to send in " + shown);
                        io = i;
                    } else if (x instanceof Failed || x instanceof Ready || x instanceof Reply) {
                        outcome = true;
                    }
                }
                if (io >= 0) {
                    assertEquals(a.size() - 1, io, () -> "a line to send is not last in " + shown);
                    assertFalse(outcome, () -> "a list both sends and ends: " + shown);
                }
            }
        }
        assertTrue(lists > 10_000 && idle > 1_000, "walked " + lists + " action lists, " + idle
                + " of them leaving the session idle");
    }

    /** The event that moves the handshake or transaction on from the session's state. */
    private List<SessionAction> progress(LondSession s, java.util.Random rnd) {
        return switch (s.state()) {
            case CONNECTING -> s.onConnected(now);
            case TLS -> s.onTlsKey("0123456789abcdef0123456789abcdef", now);
            case IDLE -> s.send(rnd.nextBoolean() ? null : "msul2", command(rnd), now);
            default -> s.onLine(expectedLine(s, rnd), now);
        };
    }

    private static String command(java.util.Random rnd) {
        return switch (rnd.nextInt(3)) {
            case 0 -> "ping";
            case 1 -> "encrypt:echo:x";
            default -> "sethost:msul2";
        };
    }

    /** The line that moves the handshake or transaction on from the session's state. */
    private static String expectedLine(LondSession s, java.util.Random rnd) {
        return switch (s.state()) {
            case INIT_SENT -> switch (s.mode()) {
                case INSECURE -> "43211125339768";
                case SSL -> "ok:ssl";
                case LOCAL -> "ok:local";
            };
            case VERSION_REQUESTED -> rnd.nextBoolean() ? V_NEW : V_OLD;
            case EKEY_SENT -> BUILDKEY;
            case AWAITING_REPLY -> "a reply";
            default -> "ok";
        };
    }

    @Test
    void requestLineParsing() {
        assertEquals(new RequestLine("msul2", "ping"), RequestLine.parse("sethost:msul2:ping"));
        assertEquals(new RequestLine("msul2", "encrypt:a:b"), RequestLine.parse("sethost:msul2:encrypt:a:b"));
        assertEquals(new RequestLine(null, "ping"), RequestLine.parse("ping"));
        assertEquals(new RequestLine(null, "sethost:msul2"), RequestLine.parse("sethost:msul2"));
        assertTrue(RequestLine.parse("sethost:x:encrypt:y").encrypted());
        assertTrue(RequestLine.namesEmptyLonId("sethost::ping"));
        assertTrue(RequestLine.namesEmptyLonId("sethost:"));
        assertFalse(RequestLine.namesEmptyLonId("sethost:msul1:ping"));
        assertFalse(RequestLine.namesEmptyLonId("sethost:msul1"));
        assertFalse(RequestLine.namesEmptyLonId("ping"));
    }
}
