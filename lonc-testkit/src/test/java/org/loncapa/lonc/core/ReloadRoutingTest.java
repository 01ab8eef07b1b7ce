package org.loncapa.lonc.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.loncapa.lonc.testkit.FakeTicker;

/**
 * A request is routed with one host table, never with the names of one reload and the lonIDs of
 * another. Table 1 has host A and no lonID z; table 2 has no A and z on host C. Either table alone
 * answers a request on A's socket for z with no_such_host at once; only A's name from table 1 with
 * z from table 2 sends it to C. C is a listener that never accepts, so any connection attempt to it
 * is that mix. Before the routing used one snapshot, the mix showed within a few seconds.
 */
class ReloadRoutingTest {
    private final FakeTicker ticker = new FakeTicker();
    private ServerSocketChannel c;
    private LoncEngine engine;

    @AfterEach
    void tearDown() throws Exception {
        if (engine != null) {
            engine.close(Duration.ofMillis(100));
        }
        if (c != null) {
            c.close();
        }
    }

    @Test
    void aRequestDuringReloadsIsNeverRoutedWithAMixOfTwoTables() throws Exception {
        c = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0), 64);
        c.configureBlocking(false);
        int cPort = ((InetSocketAddress) c.getLocalAddress()).getPort();
        RemoteHost a = new RemoteHost("a.test", List.of("a1"), "127.0.0.1", cPort, false);
        RemoteHost cHost = new RemoteHost("c.test", List.of("c1", "z"), "127.0.0.1", cPort, false);
        List<RemoteHost> table1 = List.of(a);
        List<RemoteHost> table2 = List.of(cHost);
        engine = LoncEngine.start(EngineConfig.builder("msua3").hosts(table1)
                .allowInsecure(true).ticker(ticker).tickInterval(Duration.ofHours(1)).build());

        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong sent = new AtomicLong();
        AtomicLong routed = new AtomicLong();
        Thread reader = new Thread(() -> {
            while (!stop.get()) {
                if (!engine.submitLine("a.test", "sethost:z:ping").isDone()) {
                    routed.incrementAndGet(); // only the mix queues anything
                }
                sent.incrementAndGet();
            }
        }, "reader");
        reader.start();
        SocketChannel mixed = null;
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        try {
            while (mixed == null && routed.get() == 0 && System.nanoTime() - until < 0) {
                engine.updateHosts(table2).get(10, TimeUnit.SECONDS);
                engine.updateHosts(table1).get(10, TimeUnit.SECONDS);
                mixed = c.accept();
            }
        } finally {
            stop.set(true);
            reader.join(10_000);
        }
        assertEquals(0, routed.get(), "requests on a.test for z were queued (of " + sent.get() + ")");
        assertNull(mixed, "a request on a.test for z reached c.test");
        assertEquals(List.of(a), engine.hosts());
    }
}
