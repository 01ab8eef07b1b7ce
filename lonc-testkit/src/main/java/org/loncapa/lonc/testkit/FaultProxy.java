package org.loncapa.lonc.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy between lonc and a lond (usually {@link FakeLond}) that misbehaves on request, as a
 * network or a sick lond host would: it can pass bytes, delay them, stall (hold them, connections
 * open), cut the next reply in the middle of its line, reset every connection, or black-hole
 * (accept, swallow everything, answer nothing). The mode can change at any time and applies to
 * connections already open.
 *
 * <p>Blocking sockets, two daemon threads per proxied connection: for tests, not for load.
 * Thread-safe.
 */
public final class FaultProxy implements AutoCloseable {
    /** What the proxy does with the bytes (and connections) it sees. */
    public enum Mode {
        /** Forward everything. */
        PASS,
        /** Forward each chunk after {@link #delay(Duration)}. */
        DELAY,
        /** Forward nothing until the mode changes; connections stay open. */
        STALL,
        /** The next chunk from lond is forwarded only up to the middle of its line; both sides close. */
        CUT_MID_LINE,
        /** Every connection is reset (RST), open ones at once and new ones on accept. */
        RESET,
        /** Connections are accepted and everything on them is swallowed; nothing is answered. */
        BLACK_HOLE
    }

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Object modeLock = new Object();
    private final AtomicInteger accepted = new AtomicInteger();
    private volatile Mode mode = Mode.PASS;
    private volatile Duration delay = Duration.ofMillis(200);
    private volatile boolean closed;

    private FaultProxy(ServerSocket server, InetSocketAddress target) {
        this.server = server;
        this.target = target;
    }

    /** Listens on {@code listen} (port 0 for any) and forwards to {@code target}. */
    public static FaultProxy start(InetSocketAddress listen, InetSocketAddress target) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(listen, 200);
        FaultProxy p = new FaultProxy(s, target);
        Thread t = new Thread(p::acceptLoop, "fault-proxy-accept-" + s.getLocalPort());
        t.setDaemon(true);
        t.start();
        return p;
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Connections accepted so far. */
    public int accepted() {
        return accepted.get();
    }

    public Mode mode() {
        return mode;
    }

    /** Sets the mode; {@link Mode#RESET} resets every open connection at once. */
    public void mode(Mode m) {
        synchronized (modeLock) {
            mode = m;
            modeLock.notifyAll();
        }
        if (m == Mode.RESET) {
            for (Socket s : open) {
                reset(s);
            }
        }
    }

    /** The delay of {@link Mode#DELAY}. */
    public void delay(Duration d) {
        this.delay = d;
    }

    private void acceptLoop() {
        while (!closed) {
            Socket c;
            try {
                c = server.accept();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                continue;
            }
            accepted.incrementAndGet();
            Mode m = mode;
            if (m == Mode.RESET) {
                reset(c);
                continue;
            }
            open.add(c);
            if (m == Mode.BLACK_HOLE) {
                start(() -> swallow(c), "fault-proxy-hole");
                continue;
            }
            Socket t;
            try {
                t = new Socket();
                t.connect(target, 3000);
            } catch (IOException e) {
                reset(c); // lond is down: as a refused connect would look through a proxy
                continue;
            }
            open.add(t);
            start(() -> pump(c, t, false), "fault-proxy-up");
            start(() -> pump(t, c, true), "fault-proxy-down");
        }
    }

    private static void start(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    /** Copies {@code from} to {@code to}, applying the mode to each chunk. */
    private void pump(Socket from, Socket to, boolean fromLond) {
        byte[] buf = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buf)) > 0) {
                Mode m = awaitNotStalled();
                switch (m) {
                    case DELAY -> {
                        sleep(delay);
                        out.write(buf, 0, n);
                    }
                    case CUT_MID_LINE -> {
                        if (fromLond) {
                            out.write(buf, 0, cutPoint(buf, n));
                            out.flush();
                            closeBoth(from, to);
                            return;
                        }
                        out.write(buf, 0, n);
                    }
                    case RESET -> {
                        reset(from);
                        reset(to);
                        return;
                    }
                    case BLACK_HOLE -> {
                        // swallowed
                    }
                    default -> out.write(buf, 0, n);
                }
            }
            to.shutdownOutput(); // pass the EOF on
        } catch (IOException e) {
            closeBoth(from, to);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeBoth(from, to);
        } finally {
            open.remove(from);
        }
    }

    private Mode awaitNotStalled() throws InterruptedException {
        synchronized (modeLock) {
            while (mode == Mode.STALL && !closed) {
                modeLock.wait(100);
            }
            return mode;
        }
    }

    /** Half of the first line in {@code buf[0..n)}: never its newline, so the line stays cut. */
    static int cutPoint(byte[] buf, int n) {
        int nl = n;
        for (int i = 0; i < n; i++) {
            if (buf[i] == '\n') {
                nl = i;
                break;
            }
        }
        return nl / 2;
    }

    private void swallow(Socket c) {
        byte[] buf = new byte[16 * 1024];
        try (InputStream in = c.getInputStream()) {
            while (in.read(buf) > 0) {
                // nothing is answered
            }
        } catch (IOException e) {
            // gone
        } finally {
            open.remove(c);
            closeQuietly(c);
        }
    }

    private static void sleep(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis());
    }

    private void closeBoth(Socket a, Socket b) {
        closeQuietly(a);
        closeQuietly(b);
        open.remove(a);
        open.remove(b);
    }

    private static void reset(Socket s) {
        try {
            s.setSoLinger(true, 0);
        } catch (IOException e) {
            // closing anyway
        }
        closeQuietly(s);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    /** Stops listening and closes every connection. */
    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // nothing to do
        }
        for (Socket s : open) {
            closeQuietly(s);
        }
        synchronized (modeLock) {
            modeLock.notifyAll();
        }
    }
}
