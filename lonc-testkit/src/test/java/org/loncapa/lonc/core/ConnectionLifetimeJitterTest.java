package org.loncapa.lonc.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.loncapa.lonc.testkit.Await;
import org.loncapa.lonc.testkit.FakeLond;
import org.loncapa.lonc.testkit.FakeTicker;
import org.loncapa.lonc.testkit.RecordedRequest;
import org.loncapa.lonc.testkit.Response;

/**
 * maxConnectionLifetime is jittered per connection (90% to 100% of the setting, drawn from the
 * engine's random), so connections opened together are retired at different ticks. The random is
 * scripted and only the fake ticker moves time.
 */
class ConnectionLifetimeJitterTest {
    private static final String HOST = "lond.test";
    private final FakeTicker ticker = new FakeTicker();
    private final CountDownLatch release = new CountDownLatch(1);
    private FakeLond lond;
    private LoncEngine engine;

    /** A SecureRandom whose nextDouble answers the scripted values in turn (then 0.5). */
    private static final class ScriptedRandom extends SecureRandom {
        private final Queue<Double> doubles = new ArrayDeque<>();

        ScriptedRandom(double... values) {
            for (double v : values) {
                doubles.add(v);
            }
        }

        @Override
        public synchronized double nextDouble() {
            Double d = doubles.poll();
            return d == null ? 0.5 : d;
        }
    }

    @AfterEach
    void tearDown() {
        release.countDown();
        if (engine != null) {
            engine.close(Duration.ofMillis(100));
        }
        if (lond != null) {
            lond.close();
        }
    }

    private Response answer(RecordedRequest r) {
        if (r.command().startsWith("hold:")) {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Response.reply("done");
        }
        return null;
    }

    private HostStatus status() {
        return engine.status(HOST).orElseThrow();
    }

    private void tick(Duration advance) throws Exception {
        ticker.advance(advance);
        engine.tickNow().get(10, TimeUnit.SECONDS);
    }

    @Test
    void connectionsOpenedTogetherAreRetiredAtDifferentTimes() throws Exception {
        lond = FakeLond.builder().lonIds("msul1").clientLonId("msua3").allowInsecure(true)
                .dispatcher(this::answer).build().start();
        // first connection: the full 100 s; second: 10% shorter, 90 s
        engine = LoncEngine.start(EngineConfig.builder("msua3")
                .host(new RemoteHost(HOST, List.of("msul1"), "127.0.0.1", lond.port(), false))
                .allowInsecure(true).maxConnectionsPerHost(2).maxHandshakesPerHost(2)
                .maxConnectionLifetime(Duration.ofSeconds(100)).idleCheckAfter(Duration.ZERO)
                .random(new ScriptedRandom(0.0, 1.0)).ticker(ticker)
                .tickInterval(Duration.ofHours(1)).build());
        CompletableFuture<String> a = engine.submit("msul1", "hold:a");
        CompletableFuture<String> b = engine.submit("msul1", "hold:b");
        Await.value("two connections busy", this::status, s -> s.active() == 2);
        release.countDown();
        assertEquals("done", a.get(20, TimeUnit.SECONDS));
        assertEquals("done", b.get(20, TimeUnit.SECONDS));
        Await.value("both idle", this::status, s -> s.idle() == 2);

        tick(Duration.ofSeconds(89));
        assertEquals(2, status().connections(), "neither is old yet");
        tick(Duration.ofSeconds(1));
        assertEquals(1, status().connections(), "the one with the shorter lifetime went first");
        tick(Duration.ofSeconds(9));
        assertEquals(1, status().connections());
        tick(Duration.ofSeconds(1));
        assertEquals(0, status().connections(), "the other at the full lifetime");
        assertEquals(5, status().retriesLeft(), "retiring is not a failure");
    }
}
