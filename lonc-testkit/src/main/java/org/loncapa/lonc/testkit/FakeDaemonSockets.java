package org.loncapa.lonc.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A stand-in for the lonc daemon's UNIX sockets, for tests of clients of the daemon (the SDK's
 * daemon transport, the CLI) without starting the real daemon: one listening socket per host name in a directory,
 * framing as protocol.md §4.1 (a request line in, one reply line out, more requests may follow
 * on the connection), and an optional admin socket answering JSON lines. Uses the JDK's own
 * UNIX-domain channels, so the client's junixsocket code is tested against another
 * implementation. A dispatcher maps each request line to a reply line; {@link #HANG_UP} closes
 * the connection without a reply, {@link #STALL} never answers (until close).
 */
public final class FakeDaemonSockets implements AutoCloseable {
    public static final String HANG_UP = "\u0000hang-up";
    public static final String STALL = "\u0000stall";

    /** One request as received. */
    public record Request(String socket, String line, int connection) {}

    private final Path dir;
    private final List<ServerSocketChannel> servers = new CopyOnWriteArrayList<>();
    private final List<Path> paths = new CopyOnWriteArrayList<>();
    private final List<SocketChannel> clients = new CopyOnWriteArrayList<>();
    private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile Function<Request, String> dispatcher = r -> "echo:" + r.line();
    private final Map<String, Function<String, String>> admin = new ConcurrentHashMap<>();

    public FakeDaemonSockets(Path dir) {
        this.dir = dir;
    }

    /** Answers every request with {@code f(request)}. */
    public FakeDaemonSockets dispatch(Function<Request, String> f) {
        this.dispatcher = f;
        return this;
    }

    /** Starts listening at {@code <dir>/<name>}. */
    public FakeDaemonSockets listen(String name) throws IOException {
        return listen(name, line -> dispatcher.apply(new Request(name, line, -1)));
    }

    /** Starts an admin socket at {@code <dir>/<name>} answering each JSON line with {@code f}. */
    public FakeDaemonSockets admin(String name, Function<String, String> f) throws IOException {
        admin.put(name, f);
        return listen(name, f);
    }

    private FakeDaemonSockets listen(String name, Function<String, String> f) throws IOException {
        ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        s.bind(UnixDomainSocketAddress.of(dir.resolve(name)));
        servers.add(s);
        paths.add(dir.resolve(name));
        Thread t = new Thread(() -> acceptLoop(name, s, f), "fake-daemon-" + name);
        t.setDaemon(true);
        t.start();
        return this;
    }

    private void acceptLoop(String name, ServerSocketChannel s, Function<String, String> f) {
        while (s.isOpen()) {
            SocketChannel c;
            try {
                c = s.accept();
            } catch (IOException e) {
                return;
            }
            int id = connections.incrementAndGet();
            open.incrementAndGet();
            clients.add(c);
            Thread t = new Thread(() -> serve(name, c, id, f), "fake-daemon-conn-" + id);
            t.setDaemon(true);
            t.start();
        }
    }

    private void serve(String name, SocketChannel c, int id, Function<String, String> f) {
        try (c) {
            InputStream in = Channels.newInputStream(c);
            OutputStream out = Channels.newOutputStream(c);
            while (true) {
                String line = readLine(in);
                if (line == null) {
                    return;
                }
                boolean isAdmin = admin.containsKey(name);
                Request r = new Request(name, line, id);
                if (!isAdmin) {
                    requests.add(r);
                }
                String reply = isAdmin ? f.apply(line) : dispatcher.apply(r);
                if (HANG_UP.equals(reply)) {
                    return;
                }
                if (STALL.equals(reply)) {
                    // never answer, but notice the client going away (as a selector would)
                    while (in.read() >= 0) {
                        // discard
                    }
                    return;
                }
                out.write(org.loncapa.lonc.core.protocol.WireText.encodeLine(reply));
                out.flush();
            }
        } catch (IOException e) {
            // the client went away, or we are closing
        } finally {
            clients.remove(c);
            synchronized (this) {
                open.decrementAndGet();
                notifyAll();
            }
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int ch;
        while ((ch = in.read()) >= 0) {
            if (ch == '\n') {
                byte[] line = b.toByteArray();
                return org.loncapa.lonc.core.protocol.WireText.decode(line, 0, line.length);
            }
            b.write(ch);
        }
        return null;
    }

    /** The next request, waiting at most {@code timeout}; null if none came. */
    public Request takeRequest(Duration timeout) throws InterruptedException {
        return requests.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** All requests received so far and not yet taken. */
    public List<Request> drainRequests() {
        List<Request> l = new ArrayList<>();
        requests.drainTo(l);
        return l;
    }

    /** Client connections currently open. */
    public int openConnections() {
        return open.get();
    }

    /** Client connections accepted so far. */
    public int connectionCount() {
        return connections.get();
    }

    /** Waits until the open-connection count is {@code n}; false on timeout. */
    public boolean awaitOpenConnections(int n, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (open.get() != n) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }
        return true;
    }

    @Override
    public void close() throws IOException {
        for (ServerSocketChannel s : servers) {
            s.close();
        }
        for (SocketChannel c : clients) {
            c.close();
        }
        for (Path p : paths) {
            Files.deleteIfExists(p);
        }
    }
}
