package org.loncapa.lonc.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.loncapa.lonc.testkit.Await;
import org.loncapa.lonc.testkit.FakeTicker;

/**
 * The default TCP connect timeout is LondConnection's 5 s (rev 1.8, 2003). The connect goes to a
 * loopback listener whose accept queue is full, so the kernel drops the SYN and the connect stays
 * pending; only the fake ticker moves the engine's clock.
 */
class ConnectTimeoutTest {
    private final FakeTicker ticker = new FakeTicker();
    private final List<SocketChannel> fillers = new ArrayList<>();
    private ServerSocketChannel listener;
    private LoncEngine engine;

    @AfterEach
    void tearDown() throws Exception {
        if (engine != null) {
            engine.close(Duration.ofMillis(100));
        }
        for (SocketChannel c : fillers) {
            c.close();
        }
        if (listener != null) {
            listener.close();
        }
    }

    /** A listener that never accepts, its backlog of one filled up, so further connects hang. */
    private int fullListener() throws Exception {
        listener = ServerSocketChannel.open();
        listener.bind(new InetSocketAddress("127.0.0.1", 0), 1);
        int port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
        for (int i = 0; i < 4; i++) {
            SocketChannel c = SocketChannel.open();
            c.configureBlocking(false);
            c.connect(new InetSocketAddress("127.0.0.1", port));
            fillers.add(c);
        }
        return port;
    }

    @Test
    void defaultConnectTimeoutIsFiveSeconds() throws Exception {
        assertEquals(Duration.ofSeconds(5), EngineConfig.DEFAULT_CONNECT_TIMEOUT);
        int port = fullListener();
        engine = LoncEngine.start(EngineConfig.builder("msua3")
                .host(new RemoteHost("black.hole", List.of("msul9"), "127.0.0.1", port, false))
                .allowInsecure(true).ticker(ticker).tickInterval(Duration.ofHours(1)).build());

        CompletableFuture<String> reply = engine.submit("msul9", "ping");
        Await.value("a connection being opened", () -> engine.status("black.hole").orElseThrow(),
                s -> s.connecting() == 1);

        tick(Duration.ofSeconds(5).minusNanos(1));
        assertFalse(reply.isDone(), "the connect was given up before 5 s");
        assertEquals(1, engine.status("black.hole").orElseThrow().connecting());

        tick(Duration.ofNanos(1));
        // the only connection failed while connecting: the queued request is answered at once
        assertEquals(ReplyTokens.CON_LOST, reply.get(10, TimeUnit.SECONDS));
        HostStatus s = engine.status("black.hole").orElseThrow();
        assertEquals(0, s.connecting());
        assertEquals(1, s.failures());
    }

    private void tick(Duration advance) throws Exception {
        ticker.advance(advance);
        engine.tickNow().get(10, TimeUnit.SECONDS);
    }
}
