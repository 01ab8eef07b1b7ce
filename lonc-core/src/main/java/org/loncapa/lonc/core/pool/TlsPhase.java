package org.loncapa.lonc.core.pool;

import java.nio.ByteBuffer;
import javax.net.ssl.SSLContext;
import org.loncapa.lonc.core.protocol.LineReader;

/** The TLS part of ssl mode on one connection (engine thread). */
final class TlsPhase {
    private final LondConnection conn;

    TlsPhase(LondConnection conn, SSLContext ctx, String host, int port, LineReader plain) {
        this.conn = conn;
    }

    void begin(long now) {
        conn.tlsFinished();
        conn.apply(conn.session.onTlsFailed("TLS not wired yet", now), now);
    }

    void receive(ByteBuffer in, long now) {
    }

    boolean hasPartialInput() {
        return false;
    }
}
