package org.loncapa.lonc.bench.load;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.loncapa.lonc.core.internal.protocol.KeyMode;
import org.loncapa.lonc.core.internal.protocol.LondSession;
import org.loncapa.lonc.core.internal.protocol.SessionAction;

/**
 * A blocking lond client for the baselines: one TCP connection driven by lonc-core's own
 * {@link LondSession} (so the handshake is exactly lonc's), with blocking reads and writes and no
 * engine, pool or queue. The <em>direct</em> baseline keeps one per client; the <em>naive</em>
 * baseline makes a new one, with the full handshake, for every request. Insecure key mode only
 * (what a bench FakeLond without certificates offers). One thread at a time.
 */
public final class LondClient implements Closeable {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long TIMEOUT = Duration.ofSeconds(30).toNanos();

    private final LineChannel channel;
    private final LondSession session;
    private final List<String> toSend = new ArrayList<>(4);
    private String reply;

    private LondClient(LineChannel channel, LondSession session) {
        this.channel = channel;
        this.session = session;
    }

    /** Connects and completes the insecure handshake. */
    public static LondClient connect(InetSocketAddress lond, String myLonId, String remoteLonId)
            throws IOException {
        return connect(lond, myLonId, remoteLonId, new LineChannel.Buffers());
    }

    /** As {@link #connect(InetSocketAddress, String, String)}, through a client's own buffers. */
    public static LondClient connect(InetSocketAddress lond, String myLonId, String remoteLonId,
            LineChannel.Buffers buffers) throws IOException {
        LondSession s = new LondSession(new LondSession.Params(myLonId, remoteLonId, KeyMode.INSECURE,
                true, null, TIMEOUT, TIMEOUT, TIMEOUT), null, RANDOM);
        long now = System.nanoTime();
        s.onConnectStarted(now);
        LineChannel ch = LineChannel.tcp(lond, buffers);
        LondClient c = new LondClient(ch, s);
        try {
            c.apply(s.onConnected(now));
            while (!s.isIdle()) {
                c.apply(s.onLine(ch.readLine(), now));
            }
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        return c;
    }

    /** Sends {@code command} (to the handshake's lonID) and returns lond's reply. */
    public String call(String command) throws IOException {
        long now = 0; // deadlines are not used: the blocking client has no timer
        reply = null;
        apply(session.send(null, command, now));
        while (reply == null) {
            apply(session.onLine(channel.readLine(), now));
        }
        return reply;
    }

    private void apply(List<SessionAction> actions) throws IOException {
        for (int i = 0; i < actions.size(); i++) {
            SessionAction a = actions.get(i);
            if (a instanceof SessionAction.SendLine s) {
                toSend.add(s.line());
            } else if (a instanceof SessionAction.Reply r) {
                reply = r.reply();
            } else if (a instanceof SessionAction.Failed f) {
                throw new IOException("lond session failed: " + f.kind() + " " + f.reason());
            } else if (a instanceof SessionAction.StartTls) {
                throw new IOException("ssl mode is not supported by the bench client");
            }
        }
        if (toSend.size() == 1) {
            channel.writeLine(toSend.get(0));
        } else if (!toSend.isEmpty()) {
            channel.writeLines(toSend);
        }
        toSend.clear();
    }

    @Override
    public void close() throws IOException {
        session.close();
        channel.close();
    }
}
