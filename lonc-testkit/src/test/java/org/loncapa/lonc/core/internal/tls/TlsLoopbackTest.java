package org.loncapa.lonc.core.internal.tls;

import org.loncapa.lonc.core.tls.TlsContexts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.loncapa.lonc.core.internal.tls.TlsPump.KEY;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.ref.Reference;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;
import org.loncapa.lonc.testkit.TestPki;

/**
 * The ssl key exchange over a real loopback TCP connection (protocol.md §2.3), with lond played the
 * way Perl's lonssl does it: plain {@code init:ssl} / {@code ok:ssl}, then a TLS server wrapped
 * around the already connected socket ({@code SSLSocketFactory.createSocket(sock, null, port,
 * false)}), the key line written inside TLS, and the SSLSocket then simply abandoned, never
 * closed, while plain text continues on the raw socket. The client is a non-blocking
 * {@link SocketChannel} driven by a {@link Selector} and {@link TlsHandshake}.
 *
 * <p>Whatever either side might wrongly send when leaving TLS (close_notify) would show up as
 * garbage at the start of the next plain-text line on the other side, so reading
 * {@code version} and {@code version:...} exactly proves it was not sent.
 */
class TlsLoopbackTest {

    /** Safety net against a hang; no assertion depends on timing. */
    private static final int SAFETY_TIMEOUT_MILLIS = 20_000;

    @TempDir
    Path tmp;

    private ExecutorService lond;
    private SSLContext loncContext;
    private SSLContext londContext;

    @BeforeEach
    void setUp() throws Exception {
        lond = Executors.newSingleThreadExecutor(r -> new Thread(r, "fake-lond"));
        TestPki pki = TestPki.create(tmp.resolve("ca"));
        loncContext = TlsContexts.forClient(pki.issueHost("msua3", tmp.resolve("msua3")));
        londContext = TlsContexts.forServer(pki.issueHost("msul1", tmp.resolve("msul1")));
    }

    @AfterEach
    void tearDown() {
        lond.shutdownNow();
    }

    @ParameterizedTest(name = "{0}, lond sends plain text right behind the key: {1}")
    @CsvSource({"TLSv1.3, false", "TLSv1.3, true", "TLSv1.2, false", "TLSv1.2, true"})
    void keyExchangeThenPlainTextOnTheSameConnection(String protocol, boolean eagerPlainText) throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Future<List<String>> heard = lond.submit(() -> playLond(listener, protocol, eagerPlainText));

            try (Wire wire = Wire.connect(new InetSocketAddress(listener.getInetAddress(), listener.getLocalPort()))) {
                wire.writeFully(ByteBuffer.wrap(ascii("init:ssl\n")));
                assertEquals("ok:ssl", wire.readLine());

                TlsHandshake tls = new TlsHandshake(
                        TlsContexts.newClientEngine(loncContext, "127.0.0.1", listener.getLocalPort()), 64);
                tls.begin();
                if (wire.pending.hasRemaining()) { // TLS bytes read together with "ok:ssl\n"
                    tls.receive(wire.takePending());
                }
                while (!tls.isDone()) {
                    wire.writeFully(tls.outbound());
                    ByteBuffer got = wire.readSome();
                    if (got == null) {
                        tls.endOfInput();
                    } else {
                        tls.receive(got);
                    }
                }
                assertEquals(0, tls.outbound().remaining(), "the client sends nothing after the line");
                assertEquals(KEY, tls.receivedLine().orElseThrow());
                assertEquals(protocol, tls.session().getProtocol());
                wire.pushBack(tls.leftoverPlaintext());

                // Plain text again, on the same channel.
                if (eagerPlainText) {
                    assertEquals("hello:plain", wire.readLine());
                }
                wire.writeFully(ByteBuffer.wrap(ascii("version\n")));
                assertEquals("version:$Revision: 1.489 $", wire.readLine());
                wire.writeFully(ByteBuffer.wrap(ascii("sethost:msul1\n")));
                assertEquals("ok", wire.readLine());
            }

            List<String> lines = heard.get(SAFETY_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            assertEquals(List.of("init:ssl", "peer CN=msua3,O=LON-CAPA Test", "version", "sethost:msul1", "EOF"), lines);
        }
    }

    /** lond's side, blocking, on its own thread. Returns what it heard, in order. */
    private List<String> playLond(ServerSocket listener, String protocol, boolean eagerPlainText) throws IOException {
        List<String> heard = new ArrayList<>();
        try (Socket raw = listener.accept()) {
            raw.setSoTimeout(SAFETY_TIMEOUT_MILLIS);
            InputStream in = raw.getInputStream(); // unbuffered: read byte-exact before and after TLS
            OutputStream out = raw.getOutputStream();

            heard.add(readLine(in));
            out.write(ascii("ok:ssl\n"));
            out.flush();

            SSLSocket ssl = (SSLSocket) londContext.getSocketFactory().createSocket(raw, null, raw.getPort(), false);
            ssl.setUseClientMode(false);
            ssl.setSSLParameters(TlsContexts.serverParameters());
            ssl.setEnabledProtocols(new String[] {protocol});
            ssl.startHandshake();
            heard.add("peer " + ssl.getSession().getPeerPrincipal().getName());
            OutputStream sslOut = ssl.getOutputStream();
            sslOut.write(ascii(KEY + "\n"));
            sslOut.flush();
            // From here on the SSLSocket is abandoned, never closed: close() would send close_notify.

            if (eagerPlainText) {
                out.write(ascii("hello:plain\n"));
                out.flush();
            }
            heard.add(readLine(in));
            out.write(ascii("version:$Revision: 1.489 $\n"));
            out.flush();
            heard.add(readLine(in));
            out.write(ascii("ok\n"));
            out.flush();
            heard.add(in.read() < 0 ? "EOF" : "unexpected bytes after the last request");
            Reference.reachabilityFence(ssl); // keep it unclosed and reachable until the end
        }
        return heard;
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new EOFException("EOF after \"" + sb + "\"");
            }
            sb.append((char) b);
        }
        return sb.toString();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** The client's non-blocking connection with a small line reader, as an event loop would have. */
    private static final class Wire implements AutoCloseable {
        final SocketChannel channel;
        final Selector selector;
        final SelectionKey key;
        /** Received, unconsumed bytes; read mode. */
        ByteBuffer pending = ByteBuffer.allocate(0);

        private Wire(SocketChannel channel, Selector selector) throws IOException {
            this.channel = channel;
            this.selector = selector;
            this.key = channel.register(selector, 0);
        }

        static Wire connect(InetSocketAddress address) throws IOException {
            SocketChannel ch = SocketChannel.open();
            ch.configureBlocking(false);
            Wire w = new Wire(ch, Selector.open());
            if (!ch.connect(address)) {
                w.await(SelectionKey.OP_CONNECT);
                ch.finishConnect();
            }
            return w;
        }

        void await(int op) throws IOException {
            key.interestOps(op);
            if (selector.select(SAFETY_TIMEOUT_MILLIS) == 0) {
                fail("channel not ready (ops " + op + ") within the safety timeout");
            }
            selector.selectedKeys().clear();
            key.interestOps(0);
        }

        void writeFully(ByteBuffer b) throws IOException {
            while (b.hasRemaining()) {
                if (channel.write(b) == 0) {
                    await(SelectionKey.OP_WRITE);
                }
            }
        }

        /** The next bytes from the socket, or null at end of stream. */
        ByteBuffer readSome() throws IOException {
            ByteBuffer buf = ByteBuffer.allocate(8192);
            while (true) {
                int n = channel.read(buf);
                if (n < 0) {
                    return null;
                }
                if (n > 0) {
                    return buf.flip();
                }
                await(SelectionKey.OP_READ);
            }
        }

        String readLine() throws IOException {
            while (true) {
                for (int i = pending.position(); i < pending.limit(); i++) {
                    if (pending.get(i) == '\n') {
                        byte[] line = new byte[i - pending.position()];
                        pending.get(line);
                        pending.get(); // the newline
                        return new String(line, StandardCharsets.US_ASCII);
                    }
                }
                ByteBuffer more = readSome();
                if (more == null) {
                    throw new EOFException("EOF in the middle of a line");
                }
                pushBackAfter(more);
            }
        }

        ByteBuffer takePending() {
            ByteBuffer p = pending;
            pending = ByteBuffer.allocate(0);
            return p;
        }

        /** Bytes that come before everything pending (the TLS phase's leftover). */
        void pushBack(ByteBuffer first) {
            ByteBuffer joined = ByteBuffer.allocate(first.remaining() + pending.remaining());
            joined.put(first).put(pending).flip();
            pending = joined;
        }

        private void pushBackAfter(ByteBuffer more) {
            ByteBuffer joined = ByteBuffer.allocate(pending.remaining() + more.remaining());
            joined.put(pending).put(more).flip();
            pending = joined;
        }

        @Override
        public void close() throws IOException {
            try {
                selector.close();
            } finally {
                channel.close();
            }
        }
    }
}
