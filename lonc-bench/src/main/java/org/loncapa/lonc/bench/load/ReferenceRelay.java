package org.loncapa.lonc.bench.load;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.loncapa.lonc.core.internal.EngineInternals;
import org.loncapa.lonc.core.EngineConfig;
import org.loncapa.lonc.core.LoncEngine;
import org.loncapa.lonc.core.RemoteHost;
import org.loncapa.lonc.core.ReplyTokens;
import org.loncapa.lonc.core.internal.protocol.LineReader;
import org.loncapa.lonc.core.internal.reactor.EventLoop;

/**
 * A minimal UNIX-socket front end over {@link LoncEngine}, for comparison with the daemon: one
 * socket per host, one line in, one line out, pipelining kept in order, and nothing else (no peer
 * check, no admin socket, no logs, no bounds beyond the engine's). It is the Java counterpart of
 * the "minimal epoll relay" the targets are calibrated against, and it answers one design question
 * with numbers: front end and engine on <em>one</em> selector thread (JDK UNIX channels register
 * with the engine's own selector, so a request and its reply never cross threads) versus a
 * front-end thread of its own that hands requests to the engine thread and gets replies back
 * ({@code --threads 2}, the daemon's layout until it went to one loop; one thread is its layout now).
 *
 * <p>Run as its own JVM by the load tool ({@code --paths relay}); not a product.
 */
public final class ReferenceRelay implements AutoCloseable {
    private final LoncEngine engine;
    private final EventLoop loop;
    private final boolean ownLoop;
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(64 * 1024);
    private final List<ServerSocketChannel> listeners = new ArrayList<>();

    /**
     * @param separateFrontEndThread false: share the engine's selector thread; true: a thread of its
     *     own, as the daemon has
     */
    public ReferenceRelay(LoncEngine engine, boolean separateFrontEndThread) {
        this.engine = engine;
        this.ownLoop = separateFrontEndThread;
        this.loop = separateFrontEndThread
                ? new EventLoop("relay-frontend", TimeUnit.SECONDS.toNanos(1), () -> { })
                : EngineInternals.loop(engine);
        if (ownLoop) {
            loop.start();
        }
    }

    /** Listens on {@code socket} for requests to host {@code hostName}. */
    public void listen(String hostName, Path socket) throws IOException {
        Files.deleteIfExists(socket);
        ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        ch.bind(UnixDomainSocketAddress.of(socket), 250);
        listeners.add(ch);
        CompletableFuture<Void> f = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                loop.register(ch, SelectionKey.OP_ACCEPT, k -> accept(ch, hostName));
                f.complete(null);
            } catch (IOException e) {
                f.completeExceptionally(e);
            }
        });
        f.join();
    }

    private void accept(ServerSocketChannel server, String hostName) {
        for (int i = 0; i < 256; i++) {
            SocketChannel c;
            try {
                c = server.accept();
                if (c == null) {
                    return;
                }
                Client client = new Client(c, hostName);
                client.key = loop.register(c, SelectionKey.OP_READ, client);
            } catch (IOException e) {
                return;
            }
        }
    }

    /** One client connection; relay loop thread only. */
    private final class Client implements EventLoop.Handler {
        final SocketChannel ch;
        final String host;
        final LineReader reader = new LineReader(LineReader.DEFAULT_MAX_LINE_BYTES);
        final ArrayDeque<CompletableFuture<String>> pending = new ArrayDeque<>();
        ByteBuffer out;
        SelectionKey key;
        boolean eof;
        boolean closed;

        Client(SocketChannel ch, String host) {
            this.ch = ch;
            this.host = host;
        }

        @Override
        public void onReady(SelectionKey k) {
            if (k.isValid() && k.isWritable()) {
                flush();
            }
            if (!closed && k.isValid() && k.isReadable()) {
                read();
            }
        }

        private void read() {
            readBuffer.clear();
            int n;
            try {
                n = ch.read(readBuffer);
            } catch (IOException e) {
                close();
                return;
            }
            if (n < 0) {
                eof = true;
                key.interestOps(key.interestOps() & ~SelectionKey.OP_READ);
                flush();
                return;
            }
            readBuffer.flip();
            try {
                reader.feed(readBuffer);
                String line;
                while ((line = reader.nextLine()) != null) {
                    CompletableFuture<String> f = engine.submitLine(host, line);
                    pending.addLast(f);
                    if (!f.isDone()) {
                        f.whenComplete((r, e) -> {
                            if (loop.inLoop()) {
                                flush();
                            } else {
                                loop.execute(this::flush);
                            }
                        });
                    }
                }
            } catch (LineReader.LineException e) {
                close();
                return;
            }
            flush();
        }

        void flush() {
            if (closed) {
                return;
            }
            if (out == null || !out.hasRemaining()) {
                StringBuilder b = null;
                while (!pending.isEmpty() && pending.peekFirst().isDone()) {
                    String r = pending.pollFirst().getNow(ReplyTokens.CON_LOST);
                    b = b == null ? new StringBuilder(r.length() + 1) : b;
                    b.append(r).append('\n');
                }
                if (b != null) {
                    out = ByteBuffer.wrap(b.toString().getBytes(StandardCharsets.UTF_8));
                }
            }
            try {
                if (out != null && out.hasRemaining()) {
                    ch.write(out);
                }
            } catch (IOException e) {
                close();
                return;
            }
            boolean more = out != null && out.hasRemaining();
            if (key.isValid()) {
                int ops = key.interestOps();
                key.interestOps(more ? ops | SelectionKey.OP_WRITE : ops & ~SelectionKey.OP_WRITE);
            }
            if (eof && !more && pending.isEmpty()) {
                close();
            }
        }

        void close() {
            closed = true;
            key.cancel();
            try {
                ch.close();
            } catch (IOException e) {
                // ignore
            }
        }
    }

    @Override
    public void close() {
        for (ServerSocketChannel ch : listeners) {
            try {
                ch.close();
            } catch (IOException e) {
                // ignore
            }
        }
        if (ownLoop) {
            loop.close();
        }
    }

    /**
     * {@code ReferenceRelay <sockDir> <londPort> <connections> <threads 1|2> <hosts>}: hosts
     * {@code lond.bench} (lonID msul1) when {@code hosts} is 1, else {@code h0001.bench...} (lonIDs
     * b0001...). Prints {@code ready} and runs until killed.
     */
    public static void main(String[] args) throws Exception {
        // the daemon's SLF4J backend, as before it stopped registering itself in the daemon jar
        org.loncapa.lonc.daemon.logging.LoncLogServiceProvider.install();
        String usage = "usage: ReferenceRelay <sockDir> <londPort> <connections> <threads 1|2> <hosts>";
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.println(usage);
            return;
        }
        if (args.length != 5) {
            System.err.println(usage);
            System.exit(2);
        }
        Path sockDir = Path.of(args[0]);
        int port = Integer.parseInt(args[1]);
        int connections = Integer.parseInt(args[2]);
        boolean twoThreads = Integer.parseInt(args[3]) == 2;
        int n = Integer.parseInt(args[4]);
        List<ClusterFiles.Host> hosts = n == 1 ? ClusterFiles.oneHost("lond.bench", "msul1")
                : ClusterFiles.manyHosts(n);
        EngineConfig.Builder b = EngineConfig.builder(ClusterFiles.MY_LON_ID).allowInsecure(true)
                .maxConnectionsPerHost(connections);
        for (ClusterFiles.Host h : hosts) {
            b.host(new RemoteHost(h.name(), h.lonIds(), "127.0.0.1", port, false));
        }
        LoncEngine engine = LoncEngine.start(b.build());
        ReferenceRelay relay = new ReferenceRelay(engine, twoThreads);
        Files.createDirectories(sockDir);
        for (ClusterFiles.Host h : hosts) {
            relay.listen(h.name(), sockDir.resolve(h.name()));
        }
        System.out.println("ready");
        new CountDownLatch(1).await();
    }
}
