package org.loncapa.lonc.core.internal.pool;

import java.nio.ByteBuffer;
import javax.net.ssl.SSLContext;
import org.loncapa.lonc.core.internal.protocol.LineReader;
import org.loncapa.lonc.core.internal.protocol.SessionKeys;
import org.loncapa.lonc.core.tls.TlsContexts;
import org.loncapa.lonc.core.internal.tls.TlsHandshake;
import org.loncapa.lonc.core.internal.tls.TlsHandshakeException;

/**
 * The TLS part of ssl mode on one connection: drives a {@link TlsHandshake} (an SSLEngine, no
 * blocking) with the bytes the connection reads, writes what it produces, and when the key line has
 * arrived hands the socket back to plain text — leftover bytes included — without a close_notify.
 * Engine thread only.
 */
final class TlsPhase {
    /** Longest key line accepted inside TLS: the key is 32 hex digits; allow some slack. */
    private static final int MAX_KEY_LINE = 4 * SessionKeys.KEY_HEX_DIGITS;

    private final LondConnection conn;
    private final TlsHandshake handshake;
    private final LineReader plain;

    TlsPhase(LondConnection conn, SSLContext ctx, String host, int port, LineReader plain) {
        this.conn = conn;
        this.plain = plain;
        this.handshake = new TlsHandshake(TlsContexts.newClientEngine(ctx, host, port), MAX_KEY_LINE);
    }

    void begin(long now) {
        try {
            handshake.begin();
            flush();
        } catch (TlsHandshakeException e) {
            fail(e, now);
        }
    }

    /** Bytes read from the socket during the TLS phase. */
    void receive(ByteBuffer in, long now) {
        try {
            handshake.receive(in);
            flush();
            if (handshake.isDone()) {
                String key = handshake.receivedLine().orElse("");
                ByteBuffer leftover = handshake.leftoverPlaintext();
                conn.tlsFinished();
                if (leftover.hasRemaining()) {
                    plain.feed(leftover);
                }
                conn.apply(conn.session.onTlsKey(key, now), now);
            }
        } catch (TlsHandshakeException e) {
            fail(e, now);
        } catch (LineReader.LineException e) {
            conn.tlsFinished();
            conn.apply(conn.session.onError(org.loncapa.lonc.core.internal.protocol.FailureKind.BAD_LINE,
                    "bad plain text after TLS: " + e.getMessage(), now), now);
        }
    }

    private void flush() {
        if (handshake.hasOutbound()) {
            conn.writeRaw(handshake.outbound());
        }
    }

    private void fail(TlsHandshakeException e, long now) {
        flush(); // a fatal alert tells lond why; the connection closes right after
        conn.tlsFinished();
        conn.apply(conn.session.onTlsFailed(e.reason() + ": " + e.getMessage(), now), now);
    }
}
