package org.loncapa.lonc.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.loncapa.lonc.core.internal.protocol.EncFrame;
import org.loncapa.lonc.core.internal.protocol.IdeaCipher;
import org.loncapa.lonc.core.protocol.ProtocolChoices;
import org.loncapa.lonc.core.internal.protocol.SessionKeys;

/**
 * A deliberately simple blocking lond client for tests: unbuffered byte-at-a-time reads (so that
 * nothing after a line is consumed, which matters around TLS), one write and flush per line, and a
 * read timeout so that a broken server fails the test instead of hanging it.
 */
final class LondTestClient implements AutoCloseable {
    static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    /** Dropped without close() (close would send close_notify) but kept reachable until we close. */
    private SSLSocket tls;
    private IdeaCipher cipher;

    private LondTestClient(Socket socket) throws IOException {
        this.socket = socket;
        socket.setTcpNoDelay(true);
        socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    static LondTestClient connect(FakeLond lond) throws IOException {
        return connect(lond.address());
    }

    static LondTestClient connect(InetSocketAddress address) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(address, 5000);
            return new LondTestClient(s);
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    void send(String line) throws IOException {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    void sendBytes(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** The next line without its newline, or null at a clean EOF. */
    String readLine() throws IOException {
        byte[] raw = readRawLine();
        return raw == null ? null : new String(raw, 0, raw.length - 1, StandardCharsets.UTF_8);
    }

    /** The next line including its newline, or null at a clean EOF; EOF mid-line throws. */
    byte[] readRawLine() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (true) {
            int c = in.read();
            if (c < 0) {
                if (b.size() == 0) {
                    return null;
                }
                throw new EOFException("EOF in the middle of a line: '" + b + "'");
            }
            b.write(c);
            if (c == '\n') {
                return b.toByteArray();
            }
        }
    }

    /** Everything up to EOF. */
    byte[] readToEof() throws IOException {
        return in.readAllBytes();
    }

    String request(String line) throws IOException {
        send(line);
        return readLine();
    }

    /** Sends {@code plain} as an {@code enc:} frame (optionally with an inline sethost) and decrypts an encrypted reply. */
    String encryptedRequest(String sethostPrefix, String plain) throws IOException {
        String frame = EncFrame.encode(cipher, plain);
        String reply = request(sethostPrefix == null ? frame : sethostPrefix + frame);
        return decryptIfFramed(reply);
    }

    String decryptIfFramed(String reply) {
        if (reply != null && reply.startsWith(EncFrame.ENC_PREFIX)) {
            try {
                return EncFrame.decode(cipher, reply);
            } catch (EncFrame.MalformedFrameException e) {
                throw new AssertionError("cannot decrypt reply " + reply, e);
            }
        }
        return reply;
    }

    /** Asserts that the server closes the connection (EOF) without sending anything more. */
    void assertClosedByServer() throws IOException {
        assertEquals(-1, in.read(), "expected EOF from FakeLond");
    }

    /** Asserts that nothing arrives for {@code quiet} (a blocking read that must time out). */
    void assertSilentFor(Duration quiet) throws IOException {
        socket.setSoTimeout((int) quiet.toMillis());
        try {
            assertThrows(SocketTimeoutException.class, in::read, "expected no bytes from FakeLond");
        } finally {
            socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
        }
    }

    // ---------------------------------------------------------------- handshakes

    /** The insecure exchange after {@code hailing}: echo the challenge, expect ok. Returns the challenge. */
    String hailInsecure(String hailing) throws IOException {
        send(hailing);
        String challenge = readLine();
        assertTrue(challenge != null && ProtocolChoices.looksLikeChallenge(challenge),
                "expected a digit challenge, got " + challenge);
        assertEquals("ok", request(challenge));
        return challenge;
    }

    /** {@code version} then {@code sethost:<lonId>}, as the client does in every mode. */
    void versionAndSetHost(FakeLond lond, String lonId) throws IOException {
        assertEquals(lond.versionReply(), request("version"));
        assertEquals("ok", request("sethost:" + lonId));
    }

    /** {@code ekey}; derives the insecure key the way the client does. Returns the buildkey. */
    String ekey(String remoteLonId, String myLonId) throws IOException {
        String buildKey = request("ekey");
        useInsecureKey(remoteLonId, myLonId, buildKey);
        return buildKey;
    }

    void useInsecureKey(String remoteLonId, String myLonId, String buildKey) {
        assertTrue(buildKey != null && !buildKey.isEmpty(), "empty buildkey");
        cipher = new IdeaCipher(SessionKeys.insecureKey(remoteLonId, myLonId, buildKey));
    }

    /** The whole insecure handshake toward {@code lonId}. */
    void insecureHandshake(FakeLond lond, String lonId, String myLonId) throws IOException {
        hailInsecure("init");
        versionAndSetHost(lond, lonId);
        ekey(lonId, myLonId);
    }

    /**
     * After {@code ok:ssl}: TLS client handshake on the same socket, read the key line inside TLS,
     * then leave TLS without close_notify. Returns the key line.
     */
    String startTls(SSLContext context) throws IOException {
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(socket,
                socket.getInetAddress().getHostAddress(), socket.getPort(), false);
        tls = s;
        s.setUseClientMode(true);
        s.startHandshake();
        InputStream tlsIn = s.getInputStream();
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (true) {
            int c = tlsIn.read();
            if (c < 0) {
                throw new EOFException("EOF inside TLS before the key line ended");
            }
            if (c == '\n') {
                break;
            }
            b.write(c);
        }
        String key = b.toString(StandardCharsets.US_ASCII);
        useKey(key);
        return key;
    }

    void useKey(String hexKey) {
        cipher = new IdeaCipher(SessionKeys.fromHex(hexKey));
    }

    IdeaCipher cipher() {
        return cipher;
    }

    @Override
    public void close() throws IOException {
        socket.close();
        tls = null;
    }
}
