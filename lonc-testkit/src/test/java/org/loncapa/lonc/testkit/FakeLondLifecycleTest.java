package org.loncapa.lonc.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Start, shutdown, restart, close; many connections at once. */
@Timeout(60)
class FakeLondLifecycleTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    @Test
    void restartDropsConnectionsAndListensOnTheSamePort() throws Exception {
        try (FakeLond lond = FakeLond.builder().build().start()) {
            int port = lond.port();
            try (LondTestClient old = LondTestClient.connect(lond)) {
                old.insecureHandshake(lond, "msul1", "msua3");
                assertEquals("msul1", old.request("ping"));
                lond.restart();
                old.assertClosedByServer();
            }
            assertEquals(port, lond.port());
            try (LondTestClient revived = LondTestClient.connect(lond)) {
                revived.insecureHandshake(lond, "msul1", "msua3");
                assertEquals("msul1", revived.request("ping"));
            }
            assertEquals(0, lond.takeRequest(WAIT).connectionIndex());
            assertEquals(1, lond.takeRequest(WAIT).connectionIndex(), "indexes go on across restarts");
            assertEquals(2, lond.handshakeCount());
        }
    }

    @Test
    void shutdownRefusesNewConnectsButKeepsOpenOnes() throws Exception {
        try (FakeLond lond = FakeLond.builder().build().start();
                LondTestClient open = LondTestClient.connect(lond)) {
            open.insecureHandshake(lond, "msul1", "msua3");
            lond.shutdown();
            lond.shutdown(); // idempotent
            assertThrows(ConnectException.class, () -> LondTestClient.connect(lond).close());
            assertEquals("msul1", open.request("ping"));

            lond.restart();
            open.assertClosedByServer();
            try (LondTestClient c = LondTestClient.connect(lond)) {
                c.insecureHandshake(lond, "msul1", "msua3");
            }
        }
    }

    @Test
    void closeAllConnectionsKeepsTheListener() throws Exception {
        try (FakeLond lond = FakeLond.builder().build().start();
                LondTestClient a = LondTestClient.connect(lond);
                LondTestClient b = LondTestClient.connect(lond)) {
            a.insecureHandshake(lond, "msul1", "msua3");
            b.hailInsecure("init");
            lond.closeAllConnections();
            a.assertClosedByServer();
            b.assertClosedByServer();
            assertTrue(lond.awaitOpenConnections(0, WAIT));
            try (LondTestClient c = LondTestClient.connect(lond)) {
                c.insecureHandshake(lond, "msul1", "msua3");
                assertEquals("msul1", c.request("ping"));
            }
        }
    }

    @Test
    void lifecycleMisuseIsRejected() throws Exception {
        FakeLond lond = FakeLond.builder().build();
        assertThrows(IllegalStateException.class, lond::port);
        assertThrows(IllegalStateException.class, lond::restart);
        lond.start();
        assertThrows(IllegalStateException.class, lond::start);
        lond.close();
        lond.close(); // idempotent
        assertThrows(IllegalStateException.class, lond::start);
        assertThrows(IllegalStateException.class, lond::restart);
        assertThrows(IllegalArgumentException.class, () -> FakeLond.builder().lonIds());
        assertThrows(IllegalArgumentException.class, () -> FakeLond.builder().maxLineBytes(0));
    }

    @Test
    void closeEndsStalledAndDelayedConnections() throws Exception {
        FakeLond lond = FakeLond.builder().build().start();
        try (LondTestClient stalled = LondTestClient.connect(lond);
                LondTestClient delayed = LondTestClient.connect(lond)) {
            stalled.insecureHandshake(lond, "msul1", "msua3");
            delayed.insecureHandshake(lond, "msul1", "msua3");
            lond.enqueue(Response.stall());
            stalled.send("a");
            lond.takeRequest(WAIT);
            lond.enqueue(Response.reply("too late").delay(Duration.ofMinutes(10)));
            delayed.send("b");
            lond.takeRequest(WAIT);
            long start = System.nanoTime();
            lond.close();
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos());
            stalled.assertClosedByServer();
            delayed.assertClosedByServer();
            assertEquals(0, lond.openConnections());
        }
    }

    @Test
    void servesManyConcurrentConnections() throws Exception {
        int clients = 100;
        int requestsEach = 20;
        try (FakeLond lond = FakeLond.builder().lonIds("msul1", "msul2").build().start()) {
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            try {
                List<Future<String>> done = new ArrayList<>();
                for (int i = 0; i < clients; i++) {
                    int id = i;
                    done.add(pool.submit(() -> {
                        try (LondTestClient c = LondTestClient.connect(lond)) {
                            c.insecureHandshake(lond, "msul1", "msua3");
                            for (int j = 0; j < requestsEach; j++) {
                                String text = "c" + id + "r" + j;
                                String reply = j % 2 == 0
                                        ? c.request("sethost:msul2:echo:" + text)
                                        : c.encryptedRequest(null, "echo:" + text);
                                assertEquals(text, reply);
                            }
                            return "ok";
                        }
                    }));
                }
                for (Future<String> f : done) {
                    assertEquals("ok", f.get());
                }
            } finally {
                pool.shutdownNow();
            }
            assertEquals(clients * requestsEach, lond.requestCount());
            assertEquals(clients, lond.handshakeCount());
            assertTrue(lond.awaitOpenConnections(0, WAIT));
            Set<Integer> connections = new HashSet<>();
            RecordedRequest r;
            int n = 0;
            while ((r = lond.takeRequest(Duration.ZERO)) != null) {
                connections.add(r.connectionIndex());
                n++;
            }
            assertEquals(clients * requestsEach, n);
            assertEquals(clients, connections.size());
        }
    }
}
