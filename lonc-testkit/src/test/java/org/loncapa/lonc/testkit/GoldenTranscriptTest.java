package org.loncapa.lonc.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.loncapa.lonc.core.internal.protocol.KeyMode;
import org.loncapa.lonc.core.internal.protocol.LocalKeyFiles;
import org.loncapa.lonc.core.internal.protocol.LondSession;
import org.loncapa.lonc.core.internal.protocol.SessionAction;

/**
 * Golden byte transcripts (src/test/resources/golden/*.txt) of a complete handshake and encrypted
 * exchanges in each key mode, checked against both sides separately: lonc-core's client state
 * machine must send exactly the C lines given the S lines, and FakeLond (whose lond side shares no
 * protocol class with the client) must answer exactly the S lines given the C lines. A protocol
 * detail that one side gets wrong therefore fails here even if the other side repeats the mistake.
 */
@Timeout(30)
class GoldenTranscriptTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String CLIENT_KEY_FILE = "/golden/lonc-4321-1-x.key";

    private static SSLContext tls;

    @TempDir
    Path dir;

    @BeforeAll
    static void makeTls() throws Exception {
        tls = SelfSignedTls.context("golden");
    }

    record Step(char kind, String text) {}

    static List<Step> transcript(String name) throws IOException {
        try (InputStream in = GoldenTranscriptTest.class.getResourceAsStream("/golden/" + name + ".txt")) {
            assertNotNull(in, name);
            List<Step> steps = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n", -1)) {
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                assertEquals(' ', line.charAt(1), line);
                steps.add(new Step(line.charAt(0), line.substring(2)));
            }
            return steps;
        }
    }

    static String keyOf(List<Step> steps) {
        for (Step s : steps) {
            if (s.kind() == 'K' || s.kind() == 'T') {
                return s.text();
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- the client

    @ParameterizedTest
    @ValueSource(strings = {"insecure", "local", "ssl"})
    void theClientSendsExactlyTheTranscriptsLines(String name) throws Exception {
        List<Step> steps = transcript(name);
        KeyMode mode = KeyMode.valueOf(name.toUpperCase(java.util.Locale.ROOT));
        String key = keyOf(steps);
        List<String> written = new ArrayList<>();
        LocalKeyFiles files = new LocalKeyFiles() {
            @Override
            public Path write(String hexKey) {
                written.add(hexKey);
                return Path.of(CLIENT_KEY_FILE);
            }

            @Override
            public void delete(Path file) {
            }
        };
        SecureRandom fixed = new SecureRandom() {
            private static final long serialVersionUID = 1L;

            @Override
            public void nextBytes(byte[] b) {
                byte[] k = HexFormat.of().parseHex(key == null ? "00".repeat(16) : key);
                System.arraycopy(k, 0, b, 0, Math.min(k.length, b.length));
            }
        };
        String me = mode == KeyMode.LOCAL ? "msul1" : "msua3";
        LondSession session = new LondSession(new LondSession.Params(me, "msul1", mode,
                mode == KeyMode.INSECURE, "2.11.4", 1L << 40, 1L << 40, 1L << 40), files, fixed);
        Deque<String> sent = new ArrayDeque<>();
        Deque<String> replies = new ArrayDeque<>();
        collect(session.onConnectStarted(0), sent, replies);
        collect(session.onConnected(0), sent, replies);
        for (Step s : steps) {
            String text = s.text().replace("@KEYFILE@", CLIENT_KEY_FILE);
            switch (s.kind()) {
                case 'C' -> assertEquals(text, sent.poll(), "the client's next line");
                case 'S' -> collect(session.onLine(text, 0), sent, replies);
                case 'T' -> collect(session.onTlsKey(text, 0), sent, replies);
                case 'R' -> collect(session.send(null, text, 0), sent, replies);
                case 'P' -> assertEquals(text, replies.poll(), "the reply the client hands back");
                case 'K' -> { }
                default -> fail("unknown step " + s);
            }
        }
        assertTrue(sent.isEmpty(), "the client sent more: " + sent);
        assertTrue(replies.isEmpty(), "more replies: " + replies);
        assertTrue(session.isIdle());
        if (mode == KeyMode.LOCAL) {
            assertEquals(List.of(key), written, "the key file holds the transcript's key");
        }
    }

    private static void collect(List<SessionAction> actions, Deque<String> sent, Deque<String> replies) {
        for (SessionAction a : actions) {
            if (a instanceof SessionAction.SendLine l) {
                sent.add(l.line());
            } else if (a instanceof SessionAction.Reply r) {
                replies.add(r.reply());
            } else if (a instanceof SessionAction.Failed f) {
                fail("the client gave up: " + f);
            }
        }
    }

    // ---------------------------------------------------------------- FakeLond

    /** pid 4321, time() 1125339768, draws 98765 123 45678, the transcript's ssl key. */
    static LondEntropy fixedEntropy(String sslKey) {
        return new LondEntropy() {
            private final int[] draws = {98765, 123, 45678};
            private int next;

            @Override
            public long pid(long basePid, int index) {
                return 4321 + index;
            }

            @Override
            public long epochSeconds() {
                return 1125339768L;
            }

            @Override
            public synchronized int draw100000() {
                return draws[next++ % draws.length];
            }

            @Override
            public String sessionKeyHex() {
                return sslKey;
            }
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"insecure", "local", "ssl"})
    void fakeLondAnswersExactlyTheTranscriptsLines(String name) throws Exception {
        List<Step> steps = transcript(name);
        String key = keyOf(steps);
        FakeLond.Builder b = FakeLond.builder().lonIds("msul1").clientLonId("msua3")
                .entropy(fixedEntropy(key))
                .dispatcher(r -> r.commandName().equals("currentauth") ? Response.encryptedReply("unix:") : null);
        if (name.equals("ssl")) {
            b.ssl(tls);
        }
        Path keyFile = dir.resolve("lonc-key");
        if (name.equals("local")) {
            Files.writeString(keyFile, key + "\n", StandardCharsets.US_ASCII);
        }
        try (FakeLond lond = b.build().start(); LondTestClient c = LondTestClient.connect(lond)) {
            for (Step s : steps) {
                String text = s.text().replace("@KEYFILE@", keyFile.toString());
                switch (s.kind()) {
                    case 'C' -> c.sendBytes((text + "\n").getBytes(StandardCharsets.US_ASCII));
                    case 'S' -> assertArrayEquals((text + "\n").getBytes(StandardCharsets.US_ASCII),
                            c.readRawLine(), () -> "FakeLond's answer, expected " + text);
                    case 'T' -> assertEquals(text, c.startTls(tls), "the key line inside TLS");
                    case 'R', 'P', 'K' -> { }
                    default -> fail("unknown step " + s);
                }
            }
            assertEquals("ping", lond.takeRequest(WAIT).command());
            RecordedRequest enc = lond.takeRequest(WAIT);
            assertEquals("currentauth:msu:jdoe", enc.command());
            assertTrue(enc.encrypted());
            assertFalse(enc.decryptionFailed());
            if (name.equals("local")) {
                assertFalse(Files.exists(keyFile), "lond deletes the key file");
            }
        }
    }
}
