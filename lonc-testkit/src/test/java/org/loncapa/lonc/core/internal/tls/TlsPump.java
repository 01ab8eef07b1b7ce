package org.loncapa.lonc.core.internal.tls;

import org.loncapa.lonc.core.tls.TlsContexts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

/**
 * An in-memory wire between a client and a server {@link TlsHandshake}, in the spirit of Netty's
 * EmbeddedChannel: shuttles {@code outbound()} of one side to {@code receive()} of the other until
 * both are done or one fails, and records every byte each side wrote. Test helper, one thread.
 */
final class TlsPump {

    static final String KEY = "0123456789abcdef0123456789abcdef";

    final SSLEngine clientEngine;
    final SSLEngine serverEngine;
    final TlsHandshake client;
    final TlsHandshake server;

    /** Everything each side handed to the wire, in order. */
    final ByteArrayOutputStream clientWrote = new ByteArrayOutputStream();
    final ByteArrayOutputStream serverWrote = new ByteArrayOutputStream();
    /** The last non-empty chunk the server handed to the client. */
    byte[] lastServerChunk = new byte[0];
    /** Bytes that arrived for the client after it was done (only when dribbling). */
    final ByteArrayOutputStream clientBytesAfterDone = new ByteArrayOutputStream();

    TlsHandshakeException clientFailure;
    TlsHandshakeException serverFailure;

    /** The line the server sends once its handshake is complete; null: the test sends it. */
    String lineToSend = KEY;
    /** Plain text appended to the server's chunk that carries the line (as lond's next reply). */
    byte[] plaintextAfterLine = new byte[0];
    /** Deliver one byte per receive() call. */
    boolean dribble;

    TlsPump(SSLEngine clientEngine, SSLEngine serverEngine, int maxLineBytes) {
        this.clientEngine = clientEngine;
        this.serverEngine = serverEngine;
        this.client = new TlsHandshake(clientEngine, maxLineBytes);
        this.server = new TlsHandshake(serverEngine, maxLineBytes);
    }

    /** Engines from the two contexts, optionally limited to one protocol version on both sides. */
    static TlsPump between(SSLContext clientCtx, SSLContext serverCtx, String protocol) {
        SSLEngine c = TlsContexts.newClientEngine(clientCtx, "lond.test", 5663);
        SSLEngine s = TlsContexts.newServerEngine(serverCtx);
        if (protocol != null) {
            c.setEnabledProtocols(new String[] {protocol});
            s.setEnabledProtocols(new String[] {protocol});
        }
        return new TlsPump(c, s, 64);
    }

    TlsPump run() {
        try {
            server.begin();
            client.begin();
        } catch (TlsHandshakeException e) {
            fail("begin failed", e);
        }
        for (int round = 0; round < 100; round++) {
            boolean moved = false;
            ByteBuffer c = client.outbound();
            record(clientWrote, c);
            if (c.hasRemaining()) {
                moved = true;
                if (serverFailure == null && !server.isDone()) {
                    serverFailure = feed(server, c, null);
                }
            }
            if (lineToSend != null && serverFailure == null && server.isHandshakeComplete() && !server.isDone()) {
                try {
                    server.sendLine(lineToSend);
                } catch (TlsHandshakeException e) {
                    serverFailure = e;
                }
            }
            ByteBuffer s = server.outbound();
            record(serverWrote, s);
            if (server.isDone() && plaintextAfterLine.length > 0 && s.hasRemaining()) {
                s = concat(s, plaintextAfterLine);
            }
            if (s.hasRemaining()) {
                moved = true;
                lastServerChunk = bytes(s.duplicate());
                if (clientFailure == null && !client.isDone()) {
                    clientFailure = feed(client, s, clientBytesAfterDone);
                }
            }
            if (!moved) {
                return this;
            }
        }
        fail("the exchange did not settle in 100 rounds");
        return this;
    }

    private TlsHandshakeException feed(TlsHandshake target, ByteBuffer bytes, ByteArrayOutputStream afterDone) {
        try {
            if (!dribble) {
                target.receive(bytes);
                return null;
            }
            while (bytes.hasRemaining()) {
                if (target.isDone()) {
                    record(afterDone, bytes);
                    return null;
                }
                target.receive(ByteBuffer.wrap(new byte[] {bytes.get()}));
            }
            return null;
        } catch (TlsHandshakeException e) {
            return e;
        }
    }

    private static void record(ByteArrayOutputStream log, ByteBuffer b) {
        if (log != null) {
            log.writeBytes(bytes(b.duplicate()));
        }
    }

    static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    static ByteBuffer concat(ByteBuffer a, byte[] b) {
        ByteBuffer out = ByteBuffer.allocate(a.remaining() + b.length);
        out.put(a.duplicate()).put(b).flip();
        return out;
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The content types of the TLS records in {@code stream}, which must consist of whole records
     * and nothing else.
     */
    static List<Integer> recordTypes(byte[] stream) {
        List<Integer> types = new ArrayList<>();
        int p = 0;
        while (p < stream.length) {
            if (stream.length - p < 5) {
                fail("truncated record header at offset " + p);
            }
            int type = stream[p] & 0xFF;
            assertEquals(3, stream[p + 1], "record version major at offset " + p);
            int len = ((stream[p + 3] & 0xFF) << 8) | (stream[p + 4] & 0xFF);
            if (p + 5 + len > stream.length) {
                fail("truncated record body at offset " + p);
            }
            types.add(type);
            p += 5 + len;
        }
        return types;
    }
}
