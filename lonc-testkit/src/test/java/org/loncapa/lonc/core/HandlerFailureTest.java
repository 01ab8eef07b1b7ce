package org.loncapa.lonc.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.loncapa.lonc.testkit.Await;
import org.loncapa.lonc.testkit.FakeLond;
import org.loncapa.lonc.testkit.FakeTicker;

/**
 * A lond connection whose event handler throws leaves its pool at once: the loop closes its channel
 * and the connection reports a failure, so the pool opens another one for the waiting work. Before,
 * the key was cancelled and nothing else happened: the connection stayed in the pool, neither idle
 * nor failed, and with one connection allowed the request waited forever.
 */
class HandlerFailureTest {
    private static final String HOST = "lond.test";
    private final FakeTicker ticker = new FakeTicker();
    private FakeLond lond;
    private LoncEngine engine;

    @AfterEach
    void tearDown() {
        if (engine != null) {
            engine.close(Duration.ofMillis(100));
        }
        if (lond != null) {
            lond.close();
        }
    }

    @Test
    void aConnectionWhoseHandlerThrowsIsClosedAndReplaced() throws Exception {
        lond = FakeLond.builder().lonIds("msul1").clientLonId("msua3").allowInsecure(true).build()
                .start();
        engine = LoncEngine.start(EngineConfig.builder("msua3")
                .host(new RemoteHost(HOST, List.of("msul1"), "127.0.0.1", lond.port(), false))
                .allowInsecure(true).maxConnectionsPerHost(1).ticker(ticker)
                .tickInterval(Duration.ofHours(1)).build());
        AtomicInteger readyCalls = new AtomicInteger();
        // the listener runs inside the connection's onReady; its first call throws
        engine.setHostListener(new HostListener() {
            @Override
            public void hostReady(String host, long now) {
                if (readyCalls.incrementAndGet() == 1) {
                    throw new IllegalStateException("listener bug");
                }
            }
        }).get(10, TimeUnit.SECONDS);

        assertEquals("msul1", engine.submit("msul1", "ping").get(20, TimeUnit.SECONDS));
        assertEquals(2, readyCalls.get(), "a second connection carried the request");
        assertEquals(2, lond.handshakeCount());
        Await.until("the first connection closed at lond", () -> lond.openConnections() == 1);
        HostStatus s = engine.status(HOST).orElseThrow();
        assertEquals(1, s.connections());
        assertEquals(0, s.failures(), "an idle connection's end does not count against the retries");
    }
}
