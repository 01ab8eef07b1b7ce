package org.loncapa.lonc.examples;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import org.loncapa.lonc.core.internal.protocol.Redaction;
import org.loncapa.lonc.core.internal.protocol.FailureKind;
import org.loncapa.lonc.core.internal.protocol.KeyMode;
import org.loncapa.lonc.core.internal.protocol.LineReader;
import org.loncapa.lonc.core.internal.protocol.LondSession;
import org.loncapa.lonc.core.internal.protocol.RealLocalKeyFiles;
import org.loncapa.lonc.core.internal.protocol.SessionAction;
import org.loncapa.lonc.core.tls.TlsContexts;
import org.loncapa.lonc.core.internal.tls.TlsHandshake;
import org.loncapa.lonc.core.internal.tls.TlsHandshakeException;

/**
 * Does for lond what {@code openssl s_client} does for TLS: one connection, the handshake in the
 * chosen key mode, one request, its reply. It runs the engine's own protocol code — the {@link
 * LondSession} state machine (every handshake step, fallback, key derivation, {@code enc:}
 * framing) and, in ssl mode, {@link TlsHandshake} — over a plain blocking socket, so that a
 * failure can be reported with the state machine's exact reason instead of the engine's {@code
 * con_lost}.
 *
 * <p>Handshake steps are reported to a consumer (the CLI prints them on stderr); key material,
 * the buildkey and the arguments of an {@code encrypt:} request never are. Not thread-safe: one
 * probe, one thread.
 */
public final class LondProbe {

    /**
     * What to probe.
     *
     * @param host lond's address (in local mode lond only accepts 127.0.0.1)
     * @param port lond's port
     * @param myLonId this host's lonHostID (the insecure key is derived from it)
     * @param remoteLonId the lonID named in sethost
     * @param mode the key mode to start with
     * @param allowInsecure whether falling back to insecure is allowed (implied by mode insecure)
     * @param sslContext for ssl mode; null otherwise
     * @param keyDir for local mode's one-time key file
     * @param lonVersion sent in the init line, or null
     * @param request the request to send (one line)
     * @param timeout limit for the connect, each handshake step and the reply
     */
    public record Settings(String host, int port, String myLonId, String remoteLonId, KeyMode mode,
            boolean allowInsecure, SSLContext sslContext, Path keyDir, String lonVersion,
            String request, Duration timeout) {
        public Settings {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(myLonId, "myLonId");
            Objects.requireNonNull(remoteLonId, "remoteLonId");
            Objects.requireNonNull(mode, "mode");
            Objects.requireNonNull(request, "request");
            Objects.requireNonNull(timeout, "timeout");
            if (mode == KeyMode.SSL && sslContext == null) {
                throw new IllegalArgumentException("ssl mode needs the CA, certificate and key");
            }
        }
    }

    /** The outcome: lond's reply line, or why there is none. Exactly one of the two is non-null. */
    public record Result(String reply, FailureKind failure, String reason) {
        public boolean ok() {
            return reply != null;
        }
    }

    private final Settings settings;
    private final Consumer<String> steps;
    private final SecureRandom random = new SecureRandom();
    private final LineReader reader = new LineReader(LineReader.DEFAULT_MAX_LINE_BYTES);
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private LondSession session;
    private Result result;
    private boolean requestSent;

    /** @param steps told each handshake step, as one line of text */
    public LondProbe(Settings settings, Consumer<String> steps) {
        this.settings = settings;
        this.steps = steps;
    }

    /** Runs the probe; never throws for network or protocol trouble (see {@link Result}). */
    public Result run() {
        Settings s = settings;
        long t = s.timeout().toNanos();
        boolean allowInsecure = s.allowInsecure() || s.mode() == KeyMode.INSECURE;
        session = new LondSession(new LondSession.Params(s.myLonId(), s.remoteLonId(), s.mode(),
                allowInsecure, s.lonVersion(), t, t, t),
                new RealLocalKeyFiles(s.keyDir() != null ? s.keyDir()
                        : Path.of(System.getProperty("java.io.tmpdir")), random), random);
        try {
            apply(session.onConnectStarted(now()));
            steps.accept("connecting to " + s.host() + ":" + s.port() + " in " + s.mode().label()
                    + " mode as " + s.myLonId());
            socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(s.host(), s.port()),
                        (int) Math.max(1, s.timeout().toMillis()));
                socket.setTcpNoDelay(true);
                in = socket.getInputStream();
                out = socket.getOutputStream();
            } catch (IOException e) {
                apply(session.onConnectFailed("cannot connect to " + s.host() + ":" + s.port() + ": "
                        + e.getMessage(), now()));
                return result;
            }
            steps.accept("connected from " + socket.getLocalSocketAddress());
            apply(session.onConnected(now()));
            byte[] buf = new byte[16 * 1024];
            while (result == null) {
                String line = reader.nextLine();
                if (line != null) {
                    apply(session.onLine(line, now()));
                    continue;
                }
                int n = read(buf);
                if (n == -2) {
                    continue; // timed out: the session decides
                }
                if (n < 0) {
                    apply(session.onPeerClosed(reader.pending() > 0, now()));
                    continue;
                }
                reader.feed(buf, 0, n);
            }
            return result;
        } catch (LineReader.LineException e) {
            apply(session.onError(FailureKind.BAD_LINE, "bad line from lond: " + e.getMessage(), now()));
            return result;
        } catch (IOException e) {
            apply(session.onError(FailureKind.IO, e.toString(), now()));
            return result;
        } finally {
            session.close();
            closeQuietly();
        }
    }

    /** Bytes read, -1 at end of stream, -2 when the session's deadline came first. */
    private int read(byte[] buf) throws IOException {
        long left = session.deadline() == Long.MAX_VALUE ? settings.timeout().toNanos()
                : session.deadline() - now();
        if (left <= 0) {
            apply(session.onTimer(now()));
            return -2;
        }
        socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, left / 1_000_000)));
        try {
            return in.read(buf);
        } catch (SocketTimeoutException e) {
            apply(session.onTimer(now()));
            return -2;
        }
    }

    private void apply(List<SessionAction> actions) {
        for (SessionAction a : List.copyOf(actions)) {
            if (result != null) {
                return;
            }
            if (a instanceof SessionAction.SendLine l) {
                write(l.line());
            } else if (a instanceof SessionAction.Step st) {
                steps.accept(st.description());
            } else if (a instanceof SessionAction.StartTls) {
                tls();
            } else if (a instanceof SessionAction.Ready r) {
                steps.accept("ready: " + r.mode().label() + " mode"
                        + (r.fellBackToInsecure() ? " (fell back to insecure)" : "")
                        + ", lond " + r.peerVersion());
                steps.accept("request: " + Redaction.forLog(settings.request()));
                requestSent = true;
                apply(session.send(null, settings.request(), now()));
            } else if (a instanceof SessionAction.Reply r) {
                result = new Result(r.reply(), null, null);
            } else if (a instanceof SessionAction.Failed f) {
                result = new Result(null, f.kind(), f.reason()
                        + (requestSent ? "" : " (during the handshake, " + f.during() + ")"));
            }
        }
    }

    private void write(String line) {
        try {
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            apply(session.onError(FailureKind.IO, "write failed: " + e.getMessage(), now()));
        }
    }

    /** ssl mode: the TLS phase on the same socket, blocking, with the engine's TlsHandshake. */
    private void tls() {
        if (reader.pending() > 0) {
            apply(session.onTlsFailed("lond sent bytes after ok:ssl before the TLS handshake", now()));
            return;
        }
        TlsHandshake hs = new TlsHandshake(TlsContexts.newClientEngine(settings.sslContext(),
                settings.host(), settings.port()), 64);
        byte[] buf = new byte[16 * 1024];
        try {
            hs.begin();
            while (!hs.isDone()) {
                flush(hs);
                int n = read(buf);
                if (session.isClosed()) {
                    return; // timed out
                }
                if (n == -2) {
                    continue;
                }
                if (n < 0) {
                    hs.endOfInput();
                }
                hs.receive(ByteBuffer.wrap(buf, 0, n));
            }
            flush(hs);
            SSLSession ss = hs.session();
            steps.accept("TLS " + ss.getProtocol() + " " + ss.getCipherSuite() + ", lond's certificate "
                    + peer(ss));
            ByteBuffer rest = hs.leftoverPlaintext();
            String key = hs.receivedLine().orElse("");
            apply(session.onTlsKey(key, now()));
            if (rest.hasRemaining() && result == null) {
                reader.feed(rest);
            }
        } catch (TlsHandshakeException e) {
            flushQuietly(hs);
            apply(session.onTlsFailed("TLS " + e.reason() + ": " + e.getMessage(), now()));
        } catch (IOException | LineReader.LineException e) {
            apply(session.onTlsFailed("TLS phase: " + e.getMessage(), now()));
        }
    }

    private void flush(TlsHandshake hs) throws IOException {
        ByteBuffer b = hs.outbound();
        if (b.hasRemaining()) {
            out.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
            out.flush();
        }
    }

    private void flushQuietly(TlsHandshake hs) {
        try {
            flush(hs);
        } catch (IOException e) {
            // the connection is failing anyway
        }
    }

    private static String peer(SSLSession ss) {
        try {
            Certificate[] c = ss.getPeerCertificates();
            return c.length > 0 && c[0] instanceof X509Certificate x
                    ? "'" + x.getSubjectX500Principal().getName() + "' issued by '"
                            + x.getIssuerX500Principal().getName() + "'"
                    : "(none)";
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            return "(unverified)";
        }
    }

    private void closeQuietly() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // nothing to do
            }
        }
    }

    /** The shell's clock: the state machine gets time only from here. */
    private static long now() {
        return System.nanoTime();
    }
}
