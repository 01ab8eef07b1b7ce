package org.loncapa.lonc.testkit;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.loncapa.lonc.core.internal.protocol.KeyMode;
import org.loncapa.lonc.core.internal.protocol.LineReader;
import org.loncapa.lonc.core.protocol.WireText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lond side of one accepted TCP connection, with blocking I/O on one pooled thread of its
 * {@link FakeLond}: the init exchange in the requested key mode, then one reply per request line.
 * The protocol is {@link LondWire}'s and {@link LondCipher}'s, written apart from the client's.
 * All protocol state is owned by that thread; the {@code volatile} fields are only read by other
 * threads (for {@link ConnectionInfo} snapshots), and {@link #closeQuietly()} may be called from any
 * thread.
 */
final class ServerConnection implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(ServerConnection.class);

    /** What the request loop does after one request. */
    private enum Next { CONTINUE, CLOSE, STALL }

    private static final int READ_BUFFER = 8192;
    /** Key files are 32 hex digits and a newline; anything much longer is not a key file. */
    private static final long MAX_KEY_FILE_BYTES = 4096;

    private final FakeLond lond;
    private final int index;
    private final Socket socket;
    private final Fault fault;
    private final long pid;
    private final AtomicBoolean ended = new AtomicBoolean();
    private final List<String> controlLines = new ArrayList<>(); // guarded by itself

    private final byte[] buf = new byte[READ_BUFFER];
    private final LineReader reader;
    private InputStream in;
    private OutputStream out;
    private LondCipher cipher;
    /**
     * Kept only so that it is not garbage collected while the raw socket is in use: JDK 17's
     * BaseSSLSocketImpl.finalize() calls close(), which would send close_notify into the plain-text
     * stream. Cleared once the raw socket is closed.
     */
    private volatile SSLSocket tlsSocket;
    private int exchanges;

    private volatile String hailingLine;
    private volatile KeyMode keyMode;
    private volatile boolean handshakeCompleted;
    private volatile String currentLonId;
    private volatile int requestCount;

    ServerConnection(FakeLond lond, int index, Socket socket, Fault fault) {
        this.lond = lond;
        this.index = index;
        this.socket = socket;
        this.fault = fault;
        this.pid = lond.entropy().pid(lond.basePid(), index);
        this.reader = new LineReader(lond.maxLineBytes());
        this.currentLonId = lond.lonIds().get(0);
    }

    int index() {
        return index;
    }

    @Override
    public void run() {
        Thread.currentThread().setName("FakeLond-" + lond.portOrZero() + "-conn-" + index);
        try {
            serve();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            log.debug("connection {}: {}", index, e.toString());
        } catch (RuntimeException e) {
            log.warn("connection {} failed", index, e);
        } finally {
            closeQuietly();
        }
    }

    /** Closes the TCP connection (never the TLS layer, see {@link #tlsSocket}); idempotent. */
    void closeQuietly() {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing to do
        }
        tlsSocket = null;
        if (ended.compareAndSet(false, true)) {
            lond.connectionEnded(this);
        }
    }

    ConnectionInfo snapshot() {
        List<String> lines;
        synchronized (controlLines) {
            lines = List.copyOf(controlLines);
        }
        return new ConnectionInfo(index, (InetSocketAddress) socket.getRemoteSocketAddress(), fault,
                hailingLine, keyMode, handshakeCompleted, !ended.get(), currentLonId, lines,
                requestCount);
    }

    // ---------------------------------------------------------------- handshake

    private void serve() throws IOException, InterruptedException {
        socket.setTcpNoDelay(true);
        in = socket.getInputStream();
        out = new BufferedOutputStream(socket.getOutputStream(), READ_BUFFER);
        if (fault == Fault.DISCONNECT_AT_START) {
            return;
        }
        String init = readInitLine();
        if (init == null) {
            return;
        }
        hailingLine = init;
        control(init);
        switch (fault) {
            case REFUSE -> {
                writeLine(LondWire.REFUSED);
                return;
            }
            case STALL_HANDSHAKE -> {
                discardUntilClosed();
                return;
            }
            case GARBAGE_HANDSHAKE -> {
                writeGarbage();
                discardUntilClosed();
                return;
            }
            default -> {
                // the other faults act later, or not at all
            }
        }
        if (!init.startsWith("init")) {
            log.info("connection {}: no init, got '{}'; dropping it", index, printable(init));
            return;
        }
        // lond: ($keyword, $inittype, $clientversion) = split(/:/, $remotereq); the local key file
        // path is everything after "init:local:".
        String[] fields = init.split(":", 3);
        String type = fields.length > 1 ? fields[1] : "";
        boolean ok;
        if (type.equals("local") && lond.allowLocal()) {
            ok = localInit(fields.length > 2 ? fields[2] : "");
        } else if (type.equals("ssl") && lond.sslContext() != null) {
            ok = sslInit();
        } else {
            // insecure, or a mode this lond does not offer: lond then tries the insecure exchange
            ok = insecureInit();
        }
        if (ok) {
            requestLoop();
        }
    }

    private boolean insecureInit() throws IOException {
        if (!lond.allowInsecure()) {
            log.info("connection {}: attempted insecure connection disallowed", index);
            return false;
        }
        String challenge = LondWire.challenge(pid, lond.entropy().epochSeconds());
        writeLine(challenge);
        String echo = readLine();
        if (echo == null) {
            return false;
        }
        control(echo);
        if (!LondWire.echoMatches(challenge, echo)) {
            log.info("connection {}: challenge echo '{}' does not match; dropping it", index,
                    printable(echo));
            return false;
        }
        if (fault == Fault.WRONG_CHALLENGE_OK) {
            writeLine(FakeLond.WRONG_CHALLENGE_REPLY);
            discardUntilClosed();
            return false;
        }
        writeLine(LondWire.OK);
        handshakeDone(KeyMode.INSECURE);
        return true;
    }

    private boolean localInit(String keyFile) throws IOException {
        if (!socket.getInetAddress().isLoopbackAddress()) {
            log.info("connection {}: LocalConnection rejecting non local: {}", index,
                    socket.getInetAddress().getHostAddress());
            return false;
        }
        String key;
        try {
            Path file = Path.of(keyFile);
            if (Files.size(file) > MAX_KEY_FILE_BYTES) {
                log.info("connection {}: local key file {} is too big", index, file);
                return false;
            }
            key = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
            Files.delete(file); // lond: "The file is opened, read, deleted and the session key returned"
        } catch (IOException | InvalidPathException e) {
            log.info("connection {}: cannot use local key file '{}': {}", index, printable(keyFile),
                    e.toString());
            return false;
        }
        if (key.endsWith("\n")) { // chomp
            key = key.substring(0, key.length() - 1);
        }
        if (!LondWire.isHexKey(key)) {
            log.info("connection {}: local key file did not hold 32 hex digits", index);
            return false;
        }
        cipher = new LondCipher(LondWire.packH32(key), "local key mode: the key the client wrote to its"
                + " key file for init:local");
        writeLine(LondWire.OK_LOCAL);
        handshakeDone(KeyMode.LOCAL);
        return true;
    }

    private boolean sslInit() throws IOException {
        writeLine(LondWire.OK_SSL);
        SSLSocket tls = (SSLSocket) lond.sslContext().getSocketFactory()
                .createSocket(socket, null, socket.getPort(), false);
        tlsSocket = tls;
        tls.setUseClientMode(false);
        tls.setNeedClientAuth(lond.sslNeedClientAuth());
        String key = lond.entropy().sessionKeyHex();
        try {
            tls.startHandshake();
            OutputStream tlsOut = tls.getOutputStream();
            tlsOut.write((key + "\n").getBytes(StandardCharsets.US_ASCII));
            tlsOut.flush();
        } catch (SSLException e) {
            log.info("connection {}: TLS handshake failed: {}", index, e.toString());
            return false;
        }
        // Leave TLS without close_notify: the SSLSocket is dropped (but referenced, see tlsSocket)
        // and the conversation goes on in plain text on the raw socket.
        cipher = new LondCipher(LondWire.packH32(key), "ssl key mode: the key this FakeLond sent inside TLS");
        handshakeDone(KeyMode.SSL);
        return true;
    }

    private void handshakeDone(KeyMode mode) {
        keyMode = mode;
        handshakeCompleted = true;
        lond.handshakeCompleted();
    }

    // ---------------------------------------------------------------- requests

    private void requestLoop() throws IOException, InterruptedException {
        while (true) {
            String line = readLine();
            if (line == null) {
                return;
            }
            switch (handle(line)) {
                case CONTINUE -> { }
                case CLOSE -> {
                    return;
                }
                case STALL -> {
                    discardUntilClosed();
                    return;
                }
            }
        }
    }

    private Next handle(String line) throws IOException, InterruptedException {
        String command = line;
        String fixedReply = null; // answered by FakeLond itself, not by queue, dispatcher or built-ins
        boolean protocolCommandsAllowed = true;
        if (command.startsWith(LondWire.SETHOST)) {
            int idStart = LondWire.SETHOST.length();
            int colon = command.indexOf(':', idStart);
            if (colon < 0) {
                control(line);
                writeLine(setHost(command.substring(idStart)));
                return Next.CONTINUE;
            }
            if (!LondWire.knowsInlineSetHost(lond.revision())) {
                fixedReply = FakeLond.UNKNOWN_CMD; // an old lond does not know sethost:<id>:<cmd>
                protocolCommandsAllowed = false;
            } else {
                String answer = setHost(command.substring(idStart, colon));
                command = command.substring(colon + 1);
                if (!LondWire.OK.equals(answer)) {
                    fixedReply = answer;
                    protocolCommandsAllowed = false;
                }
            }
        }
        if (protocolCommandsAllowed) {
            if (command.equals(LondWire.VERSION) || command.startsWith(LondWire.VERSION + ":")) {
                control(line);
                writeLine(lond.versionReply());
                return Next.CONTINUE;
            }
            if (command.equals(LondWire.EKEY)) {
                control(line);
                writeLine(newInsecureKey());
                return Next.CONTINUE;
            }
        }
        boolean encrypted = false;
        String decryptionError = null;
        if (fixedReply == null && command.startsWith(LondWire.ENC)) {
            encrypted = true;
            if (cipher == null) {
                fixedReply = FakeLond.NO_KEY_ERROR;
            } else {
                try {
                    command = cipher.decode(command);
                } catch (LondCipher.NotDecryptable e) {
                    // lond would decrypt it to junk and find no such command; say why, and which
                    // key was expected (how it was made, never the key)
                    decryptionError = e.getMessage() + "; expected the key of " + cipher.origin();
                    log.warn("connection {}: could not decrypt an enc: request for {} ({}); answering {}."
                            + " A client whose lonIDs differ from the ones this FakeLond was built with"
                            + " (lonIds/clientLonId) derives another key.", index, currentLonId,
                            decryptionError, FakeLond.UNKNOWN_CMD);
                    fixedReply = FakeLond.UNKNOWN_CMD;
                }
            }
        }
        RecordedRequest request = new RecordedRequest(index, exchanges++, line, command,
                currentLonId, encrypted, keyMode, decryptionError);
        requestCount = exchanges;
        lond.record(request);
        if (fixedReply != null) {
            writeLine(fixedReply);
            return Next.CONTINUE;
        }
        Response response = lond.responseFor(request);
        if (response == null) {
            response = builtIn(request);
        }
        return apply(response);
    }

    private Response builtIn(RecordedRequest request) {
        String command = request.command();
        if (command.equals("ping")) {
            return Response.reply(currentLonId); // lond answers ping with its current host id
        }
        if (command.startsWith("echo:")) {
            return Response.reply(command.substring("echo:".length()));
        }
        if (LondStore.handles(request.commandName())) {
            return Response.reply(lond.store().apply(command));
        }
        return Response.reply(FakeLond.UNKNOWN_CMD);
    }

    private Next apply(Response response) throws IOException, InterruptedException {
        Duration delay = response.delay();
        if (!delay.isZero()) {
            Thread.sleep(delay.toMillis(), delay.toNanosPart() % 1_000_000);
        }
        switch (response.kind()) {
            case REPLY -> writeLine(response.text());
            case ENCRYPTED_REPLY -> {
                if (cipher == null) {
                    log.warn("connection {}: {} but the connection has no session key; closing it",
                            index, response);
                    return Next.CLOSE;
                }
                writeLine(cipher.encode(response.text()));
            }
            case RAW -> writeAndFlush(WireText.encode(response.text()));
            case DISCONNECT -> {
                return Next.CLOSE;
            }
            case MID_REPLY -> {
                writeAndFlush(WireText.encode(response.text()));
                return Next.CLOSE;
            }
            case STALL -> {
                return Next.STALL;
            }
            case GARBAGE -> writeGarbage();
        }
        return Next.CONTINUE;
    }

    private String setHost(String lonId) {
        if (lond.lonIds().contains(lonId)) {
            currentLonId = lonId;
            return LondWire.OK;
        }
        log.info("connection {}: requested host id {} is not one of {}", index, printable(lonId),
                lond.lonIds());
        return FakeLond.UNABLE_TO_SET;
    }

    /** {@code ekey}: a fresh buildkey, and the session key lond derives from it. */
    private String newInsecureKey() {
        LondEntropy e = lond.entropy();
        int inside = e.draw100000();
        int prefix = e.draw100000();
        int suffix = e.draw100000();
        String buildKey = LondWire.buildKey(e.epochSeconds(), pid, inside, prefix, suffix);
        cipher = new LondCipher(LondWire.packH32(LondWire.insecureKeyText(currentLonId, lond.clientLonId(),
                buildKey)), "insecure key mode: derived from lond's lonID '" + currentLonId
                + "' and the client's lonID '" + lond.clientLonId() + "' with the buildkey sent for ekey");
        return buildKey;
    }

    // ---------------------------------------------------------------- I/O

    /**
     * Reads the hailing line one byte at a time, so that no byte after its newline is taken from the
     * socket (in ssl mode the next bytes belong to TLS).
     */
    private String readInitLine() throws IOException {
        byte[] one = new byte[1];
        try {
            while (true) {
                int b = in.read();
                if (b < 0) {
                    return null;
                }
                one[0] = (byte) b;
                reader.feed(one, 0, 1);
                if (b == '\n') {
                    return reader.nextLine();
                }
            }
        } catch (LineReader.LineException e) {
            log.info("connection {}: bad hailing line: {}", index, e.getMessage());
            return null;
        }
    }

    /** The next line (buffered reads), or null at EOF or on a bad line (which ends the connection). */
    private String readLine() throws IOException {
        try {
            while (true) {
                String line = reader.nextLine();
                if (line != null) {
                    return line;
                }
                int n = in.read(buf);
                if (n < 0) {
                    return null;
                }
                reader.feed(buf, 0, n);
            }
        } catch (LineReader.LineException e) {
            log.info("connection {}: bad line ({}): {}; closing", index, e.kind(), e.getMessage());
            return null;
        }
    }

    /** Never answers again; returns when the client closes or the FakeLond drops the connection. */
    private void discardUntilClosed() throws IOException {
        while (in.read(buf) >= 0) {
            // swallow
        }
    }

    private void writeLine(String line) throws IOException {
        out.write(WireText.encodeLine(line));
        out.flush();
    }

    private void writeAndFlush(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    private void writeGarbage() throws IOException {
        out.write(Response.garbageBytes());
        out.write('\n');
        out.flush();
    }

    private void control(String line) {
        if (lond.recordRequests()) {
            synchronized (controlLines) {
                controlLines.add(line);
            }
        }
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 80; i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return b.toString();
    }
}
