package org.loncapa.lonc.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Embedded mode where no lond is needed: checks before sending, and a host that is down. */
@Timeout(30)
class EmbeddedWithoutLondTest {
    @TempDir
    Path tmp;
    LoncClient client;

    @AfterEach
    void tearDown() {
        if (client != null) {
            client.close(Duration.ofSeconds(1));
        }
    }

    LoncClient.Builder builder(int port) {
        return LoncClient.builder("msua3")
                .host(new LondHost("s1.example.edu", List.of("msul1"), "127.0.0.1", port, false))
                .allowInsecure(true)
                .deferredStore(tmp.resolve("delayed"), tmp.resolve("lonnet.perm.log"));
    }

    @Test
    void badRequestsAndUnknownLonIdsNeverReachTheNetwork() throws Exception {
        try (ServerSocket lond = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            client = builder(lond.getLocalPort()).build();
            assertEquals(LoncClient.Mode.EMBEDDED, client.mode());
            assertEquals(Reply.Kind.NO_SUCH_HOST, client.reply("nosuch", "ping").kind());
            assertEquals(Reply.Kind.NO_SUCH_HOST, client.send("nosuch", "ping").get().kind());
            assertEquals(Reply.Kind.NO_SUCH_HOST, client.critical("nosuch", "ping").kind());
            assertThrows(IllegalArgumentException.class, () -> client.reply("msul1", "ping\nping"));
            assertThrows(IllegalArgumentException.class, () -> client.send("msul1", "a\u0000b"));
            assertThrows(IllegalArgumentException.class,
                    () -> client.reply("msul1", "x".repeat(LoncClient.DEFAULT_MAX_REQUEST_BYTES)));
            lond.setSoTimeout(200);
            assertThrows(SocketTimeoutException.class, lond::accept, "a connection was made");
            HostView s = client.status("msul1").orElseThrow();
            assertEquals(0, s.counters().requests());
            assertEquals(0, s.connections().total());
        }
    }

    @Test
    void hostDownIsConLostAndCriticalDefersIt() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        client = builder(closedPort).build();
        assertEquals(Reply.Kind.CON_LOST, client.reply("msul1", "ping").kind());
        Reply r = client.critical("msul1", "put:msu:jdoe:x=1");
        assertEquals(Reply.Kind.CON_DELAYED, r.kind());
        try (Stream<Path> files = Files.list(tmp.resolve("delayed"))) {
            List<Path> l = files.filter(Files::isRegularFile).toList();
            assertEquals(1, l.size());
            assertTrue(l.get(0).getFileName().toString().endsWith(".putmsujdoex1.msul1"),
                    l.get(0).toString());
            assertEquals("put:msu:jdoe:x=1\n", Files.readString(l.get(0)));
        }
        assertTrue(Files.readString(tmp.resolve("lonnet.perm.log")).contains(":D:msul1:put:msu:jdoe:x=1:"));
        List<DeferredItem> items = client.deferred().list("msul1");
        assertEquals(1, items.size());
        assertEquals("put:msu:jdoe:x=1", items.get(0).command());
        assertEquals(false, items.get(0).held());
    }

    @Test
    void callsAfterCloseAreConLost() throws Exception {
        client = builder(1).build();
        client.close();
        client.close();
        assertEquals(Reply.Kind.CON_LOST, client.reply("msul1", "ping").kind());
        assertEquals(Reply.Kind.CON_LOST, client.send("msul1", "ping").get().kind());
    }

    @Test
    void builderChecks() {
        assertThrows(IllegalArgumentException.class, () -> LoncClient.builder("a").timeout(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> LoncClient.builder("a").maxRequestBytes(3));
        assertThrows(IllegalStateException.class, () -> LoncClient.builder("a").daemon().build());
        LoncClient.Builder b = LoncClient.builder("a");
        b.build().close();
        assertThrows(IllegalStateException.class, b::build);
        assertThrows(IllegalArgumentException.class, () -> LoncClient.builder("a")
                .host(new LondHost("h1", List.of("x"), "h1", 5663, false))
                .host(new LondHost("h2", List.of("x"), "h2", 5663, false)).build());
        client = LoncClient.builder("a").build();
        assertThrows(IllegalStateException.class, client::deferred);
    }
}
