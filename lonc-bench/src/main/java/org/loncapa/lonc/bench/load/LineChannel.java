package org.loncapa.lonc.bench.load;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import org.loncapa.lonc.core.internal.protocol.LineReader;

/**
 * A blocking, line-oriented client connection over TCP or a UNIX socket: write a line, read a line.
 * The load clients and the baselines use it. One thread at a time.
 */
public final class LineChannel implements Closeable {
    private final SocketChannel ch;
    /** For timed reads only (non-blocking channel); null for a blocking channel. */
    private java.nio.channels.Selector selector;
    private final Buffers buffers;
    private final ByteBuffer in;
    private final LineReader reader;

    private LineChannel(SocketChannel ch, Buffers buffers) {
        this.ch = ch;
        this.buffers = buffers;
        this.in = buffers.in;
        this.reader = buffers.reader;
        reader.clear();
    }

    /**
     * The I/O buffers of a connection, which a client that connects once per request keeps and
     * passes to every new connection ({@link #unix(java.nio.file.Path, Buffers)}), so that the load
     * generator does not spend its share of the CPU allocating (and the GC freeing) 17 KiB of
     * direct memory per request, which a lonnet client does not do either. One connection at a time.
     */
    public static final class Buffers {
        final ByteBuffer in = ByteBuffer.allocateDirect(16 * 1024);
        ByteBuffer out = ByteBuffer.allocateDirect(1024);
        final LineReader reader = new LineReader(LineReader.DEFAULT_MAX_LINE_BYTES);
    }

    /** Connects to a TCP address (TCP_NODELAY on). */
    public static LineChannel tcp(SocketAddress address) throws IOException {
        return tcp(address, new Buffers());
    }

    /** Connects to a TCP address (TCP_NODELAY on), reading and writing through {@code buffers}. */
    public static LineChannel tcp(SocketAddress address, Buffers buffers) throws IOException {
        SocketChannel ch = SocketChannel.open();
        try {
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ch.connect(address);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        return new LineChannel(ch, buffers);
    }

    /** Connects to a UNIX stream socket. */
    public static LineChannel unix(java.nio.file.Path socket) throws IOException {
        return unix(socket, new Buffers());
    }

    /** Connects to a UNIX stream socket, reading and writing through {@code buffers}. */
    public static LineChannel unix(java.nio.file.Path socket, Buffers buffers) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        return new LineChannel(ch, buffers);
    }

    /**
     * Switches to non-blocking mode so that {@link #readLine(long)} can time out; writes then spin
     * until done, which is fine for short lines.
     */
    public LineChannel timed() throws IOException {
        if (selector == null) {
            ch.configureBlocking(false);
            selector = java.nio.channels.Selector.open();
            ch.register(selector, java.nio.channels.SelectionKey.OP_READ);
        }
        return this;
    }

    /**
     * The next line, waiting at most {@code timeoutMillis} (channel must be {@link #timed()}).
     *
     * @throws java.net.SocketTimeoutException when no whole line arrived in time
     * @throws EOFException if the peer closed first
     */
    public String readLine(long timeoutMillis) throws IOException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        try {
            while (true) {
                String line = reader.nextLine();
                if (line != null) {
                    return line;
                }
                if (!fill(deadline)) {
                    throw new EOFException(reader.pending() > 0 ? "closed in the middle of a line"
                            : "closed by the peer");
                }
            }
        } catch (LineReader.LineException e) {
            throw new IOException("bad line: " + e.getMessage(), e);
        }
    }

    /**
     * After the last reply: half-closes our side and reads to EOF (timed channels only).
     *
     * @return bytes that arrived after the last line (0 when the peer sent exactly what was read)
     */
    public int drainToEof(long timeoutMillis) throws IOException {
        ch.shutdownOutput();
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        int extra = reader.pending();
        reader.clear();
        while (true) {
            in.clear();
            int n = ch.read(in);
            if (n < 0) {
                return extra;
            }
            if (n > 0) {
                extra += n;
                continue;
            }
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                throw new java.net.SocketTimeoutException("no EOF within " + timeoutMillis + " ms");
            }
            selector.select(left);
            selector.selectedKeys().clear();
        }
    }

    /** Reads once into the line reader; false at EOF. */
    private boolean fill(long deadline) throws IOException, LineReader.LineException {
        while (true) {
            in.clear();
            int n = ch.read(in);
            if (n < 0) {
                return false;
            }
            if (n > 0) {
                in.flip();
                reader.feed(in);
                return true;
            }
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                throw new java.net.SocketTimeoutException("no reply");
            }
            selector.select(left);
            selector.selectedKeys().clear();
        }
    }

    /** Writes {@code line} and a newline with one write call. */
    public void writeLine(String line) throws IOException {
        int n = line.length() + 1;
        if (buffers.out.capacity() < n * 3) {
            buffers.out = ByteBuffer.allocateDirect(Math.max(n * 3, buffers.out.capacity() * 2));
        }
        ByteBuffer out = buffers.out;
        out.clear();
        boolean ascii = true;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c >= 0x80) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            for (int i = 0; i < line.length(); i++) {
                out.put((byte) line.charAt(i));
            }
        } else {
            out.put(line.getBytes(StandardCharsets.UTF_8));
        }
        out.put((byte) '\n');
        out.flip();
        while (out.hasRemaining()) {
            ch.write(out);
        }
    }

    /** Writes several lines with one write call. */
    public void writeLines(java.util.List<String> lines) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            if (i > 0) {
                b.append('\n');
            }
            b.append(lines.get(i));
        }
        writeLine(b.toString());
    }

    /**
     * The next line without newline.
     *
     * @throws EOFException if the peer closed first
     */
    public String readLine() throws IOException {
        try {
            while (true) {
                String line = reader.nextLine();
                if (line != null) {
                    return line;
                }
                in.clear();
                int n = ch.read(in);
                if (n < 0) {
                    throw new EOFException(reader.pending() > 0 ? "closed in the middle of a line"
                            : "closed by the peer");
                }
                in.flip();
                reader.feed(in);
            }
        } catch (LineReader.LineException e) {
            throw new IOException("bad line: " + e.getMessage(), e);
        }
    }

    /** Half-closes: no more requests (replies can still be read). */
    public void shutdownOutput() throws IOException {
        ch.shutdownOutput();
    }

    /** Writes bytes as they are (bad input for abuse tests); spins on a non-blocking channel. */
    public void writeRaw(byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    @Override
    public void close() throws IOException {
        if (selector != null) {
            selector.close();
        }
        ch.close();
    }
}
