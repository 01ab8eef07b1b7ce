package org.loncapa.lonc.daemon;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A client of a lonc UNIX socket that behaves like lonnet: write a line, read a line. Reads have a
 * time limit (a blocking read runs on a helper thread), so a test never hangs.
 */
public final class TestClient implements AutoCloseable {
    public static final Duration LIMIT = Duration.ofSeconds(10);
    private static final ExecutorService READERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-client-reader");
        t.setDaemon(true);
        return t;
    });

    private final SocketChannel channel;
    private final InputStream in;

    private TestClient(SocketChannel channel) {
        this.channel = channel;
        this.in = Channels.newInputStream(channel);
    }

    public static TestClient connect(Path socket) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        return new TestClient(ch);
    }

    /** lonnet's way: one connection, one request, one reply. */
    public static String request(Path socket, String line) throws IOException {
        try (TestClient c = connect(socket)) {
            c.writeLine(line);
            return c.readLine();
        }
    }

    /**
     * As {@link #request}, but a connection the daemon closes before replying (EOF, reset, broken
     * pipe on the write) gives null instead of an exception.
     */
    public static String requestOrNull(Path socket, String line) throws IOException {
        try (TestClient c = connect(socket)) {
            try {
                c.writeLine(line);
            } catch (IOException e) {
                return null;
            }
            return c.readLine();
        }
    }

    /** Several requests written at once on one connection; one reply per request. */
    public static List<String> pipeline(Path socket, List<String> lines) throws IOException {
        try (TestClient c = connect(socket)) {
            StringBuilder b = new StringBuilder();
            for (String l : lines) {
                b.append(l).append('\n');
            }
            c.write(b.toString().getBytes(StandardCharsets.UTF_8));
            List<String> replies = new ArrayList<>();
            for (int i = 0; i < lines.size(); i++) {
                replies.add(c.readLine());
            }
            return replies;
        }
    }

    public void writeLine(String line) throws IOException {
        write(org.loncapa.lonc.core.protocol.WireText.encode(line + "\n"));
    }

    public void write(byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }

    /** Half-closes: no more requests (the reply can still be read). */
    public void shutdownOutput() throws IOException {
        channel.shutdownOutput();
    }

    /**
     * The next reply line without its newline, or null when the daemon closed the connection (EOF,
     * or a reset because it closed with our request unread: lonnet sees both as no answer).
     */
    public String readLine() throws IOException {
        return readLine(LIMIT);
    }

    public String readLine(Duration limit) throws IOException {
        CompletableFuture<String> f = CompletableFuture.supplyAsync(() -> {
            try {
                ByteArrayOutputStream line = new ByteArrayOutputStream();
                int c;
                while ((c = in.read()) >= 0) {
                    if (c == '\n') {
                        // lossless: bytes that are not UTF-8 come back as WireText escapes
                        byte[] b = line.toByteArray();
                        return org.loncapa.lonc.core.protocol.WireText.decode(b, 0, b.length);
                    }
                    line.write(c);
                }
                return line.size() == 0 ? null : "PARTIAL:" + line.toString(StandardCharsets.UTF_8);
            } catch (java.net.SocketException e) {
                if (String.valueOf(e.getMessage()).contains("reset")) {
                    return null;
                }
                throw new UncheckedIOException(e);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, READERS);
        try {
            return f.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            close();
            throw new IOException("no reply within " + limit);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UncheckedIOException) {
                throw ((UncheckedIOException) e.getCause()).getCause();
            }
            throw new IOException(e.getCause());
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
