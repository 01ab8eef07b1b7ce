package org.loncapa.lonc.core.internal.tls;

import org.loncapa.lonc.core.tls.TlsContexts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * TlsHandshake behaviour that needs no peer: the client's first flight, non-TLS input, end of
 * stream and misuse. Full exchanges between two TlsHandshakes are tested in lonc-testkit.
 */
class TlsHandshakeInputTest {

    private TlsHandshake client;

    @BeforeEach
    void setUp() throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, null, null);
        client = new TlsHandshake(TlsContexts.newClientEngine(ctx, "localhost", 5663), 64);
    }

    private static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void beginProducesAClientHelloRecord() throws Exception {
        client.begin();
        ByteBuffer out = client.outbound();
        assertTrue(out.remaining() > TlsHandshake.RECORD_HEADER_BYTES);
        assertEquals(22, out.get(0)); // handshake record
        assertEquals(3, out.get(1));
        assertEquals(0, client.outbound().remaining(), "outbound() hands bytes over once");
        assertFalse(client.isHandshakeComplete());
        assertFalse(client.isDone());
    }

    @Test
    void plainTextWhereTlsBelongsIsReportedWithItsFirstBytes() throws Exception {
        client.begin();
        client.outbound();
        TlsHandshakeException e = assertThrows(TlsHandshakeException.class, () -> client.receive(ascii("refused\n")));
        assertEquals(TlsHandshakeException.Reason.NOT_TLS, e.reason());
        assertTrue(e.getMessage().contains("\"refused\\n\""), e.getMessage());
    }

    @Test
    void aSingleNonTlsByteIsEnoughToFail() throws Exception {
        client.begin();
        TlsHandshakeException e = assertThrows(TlsHandshakeException.class, () -> client.receive(ascii("4")));
        assertEquals(TlsHandshakeException.Reason.NOT_TLS, e.reason());
    }

    @Test
    void oversizedRecordLengthIsNotTls() throws Exception {
        client.begin();
        ByteBuffer header = ByteBuffer.wrap(new byte[] {22, 3, 3, (byte) 0xff, (byte) 0xff});
        TlsHandshakeException e = assertThrows(TlsHandshakeException.class, () -> client.receive(header));
        assertEquals(TlsHandshakeException.Reason.NOT_TLS, e.reason());
        assertTrue(e.getMessage().contains("record length 65535"), e.getMessage());
    }

    @Test
    void partialRecordWaitsForMore() throws Exception {
        client.begin();
        client.outbound(); // the ClientHello
        client.receive(ByteBuffer.wrap(new byte[] {22, 3, 3, 0, 40, 1, 2}));
        assertFalse(client.isHandshakeComplete());
        assertEquals(0, client.outbound().remaining());
    }

    @Test
    void endOfStreamDuringHandshakeFailsWithClosed() throws Exception {
        client.begin();
        TlsHandshakeException e = assertThrows(TlsHandshakeException.class, client::endOfInput);
        assertEquals(TlsHandshakeException.Reason.CLOSED, e.reason());
        assertTrue(e.getMessage().contains("during the TLS handshake"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> client.receive(ascii("x")), "no input after failure");
    }

    @Test
    void misuseIsRejected() throws Exception {
        assertThrows(IllegalStateException.class, () -> client.receive(ascii("x")), "receive before begin");
        assertThrows(IllegalStateException.class, client::leftoverPlaintext);
        assertThrows(IllegalStateException.class, client::session);
        assertThrows(IllegalStateException.class, () -> client.sendLine("abc"), "client cannot send the line");
        client.begin();
        assertThrows(IllegalStateException.class, client::begin);
        assertThrows(IllegalArgumentException.class,
                () -> new TlsHandshake(SSLContext.getDefault().createSSLEngine(), 0));
    }

    @Test
    void printableEscapesControlBytesAndTruncates() {
        ByteBuffer b = ByteBuffer.wrap(new byte[] {'o', 'k', '\n', 0x16, '"'});
        assertEquals("\"ok\\n\\x16\\x22\"", TlsHandshake.printable(b, 10));
        assertEquals("\"ok\"...", TlsHandshake.printable(b, 2));
    }
}
