package org.loncapa.lonc.bench.micro;

import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.loncapa.lonc.core.internal.protocol.EncFrame;
import org.loncapa.lonc.core.internal.protocol.IdeaCipher;
import org.loncapa.lonc.core.internal.protocol.KeyMode;
import org.loncapa.lonc.core.internal.protocol.LondSession;
import org.loncapa.lonc.core.internal.protocol.SessionAction;
import org.loncapa.lonc.core.internal.protocol.SessionKeys;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The request path of the {@link LondSession} state machine on an established (insecure-mode)
 * session: {@code send} of a command, then {@code onLine} of lond's reply, back to idle. Plain and
 * {@code encrypt:} requests (the latter with an {@code enc:} reply), both of 100 bytes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
public class LondSessionBench {
    private static final String MY_ID = "msua3";
    private static final String REMOTE_ID = "msul1";
    private static final String BUILD_KEY = "4711A0B7CCE90E2E42";

    private LondSession session;
    private String plainRequest;
    private String plainReply;
    private String encryptRequest;
    private String encReply;
    private long now;

    @Setup
    public void setUp() {
        session = establishedSession();
        plainRequest = Payloads.request(100);
        plainReply = plainRequest.substring("echo:".length());
        encryptRequest = EncFrame.ENCRYPT_PREFIX + plainRequest;
        IdeaCipher lond = new IdeaCipher(SessionKeys.insecureKey(REMOTE_ID, MY_ID, BUILD_KEY));
        encReply = EncFrame.encode(lond, Payloads.request(100));
    }

    /** A session driven through the insecure handshake with lond's lines. */
    static LondSession establishedSession() {
        LondSession s = new LondSession(new LondSession.Params(MY_ID, REMOTE_ID, KeyMode.INSECURE,
                true, null, 1_000_000_000L, 1_000_000_000L, 1_000_000_000L), null,
                new SecureRandom());
        s.onConnectStarted(0);
        s.onConnected(0);
        for (String line : new String[] {"3812217177654321", "ok", "version:$Revision: 1.489 $",
                "ok", BUILD_KEY}) {
            List<SessionAction> a = s.onLine(line, 0);
            if (s.isClosed()) {
                throw new IllegalStateException("handshake failed: " + a);
            }
        }
        if (!s.isIdle()) {
            throw new IllegalStateException("not idle after the handshake: " + s);
        }
        return s;
    }

    @Benchmark
    public Object plainRequest() {
        long t = ++now;
        session.send(null, plainRequest, t);
        return session.onLine(plainReply, t).get(0);
    }

    @Benchmark
    public Object encryptedRequest() {
        long t = ++now;
        session.send(null, encryptRequest, t);
        return session.onLine(encReply, t).get(0);
    }
}
