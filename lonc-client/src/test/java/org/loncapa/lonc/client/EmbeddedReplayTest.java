package org.loncapa.lonc.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loncapa.lonc.core.deferred.DelayedFileName;
import org.loncapa.lonc.testkit.FakeLond;
import org.loncapa.lonc.testkit.FakeTicker;
import org.loncapa.lonc.testkit.Response;

/**
 * The embedded replay driven by an application's test through the builder's timings, clock and
 * ticker (no sleeping), and {@link LoncClient#critical} while a backlog is pending.
 */
class EmbeddedReplayTest {
    @TempDir
    Path tmp;
    private FakeLond lond;
    private LoncClient client;
    private final List<String> puts = Collections.synchronizedList(new ArrayList<>());
    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    private final FakeTicker ticker = new FakeTicker();

    @AfterEach
    void tearDown() {
        if (client != null) {
            client.close(Duration.ofSeconds(1));
        }
        if (lond != null) {
            lond.close();
        }
    }

    private long filesLeft() throws IOException {
        try (Stream<Path> s = Files.list(tmp.resolve("delayed"))) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith(".")).count();
        }
    }

    @Test
    void criticalWhileABacklogIsPendingIsSavedBehindItAndReplayedInTurn() throws Exception {
        lond = FakeLond.builder().lonIds("msul1").clientLonId("msua3").allowInsecure(true)
                .dispatcher(r -> {
                    if (r.commandName().equals("put")) {
                        puts.add(r.command());
                        return Response.reply("ok");
                    }
                    return null;
                }).build().start();
        lond.shutdown(); // down: the backlog's first attempt fails and its line backs off
        Path delayed = Files.createDirectories(tmp.resolve("delayed"));
        long t = clock.instant().getEpochSecond() - 60;
        for (int i = 1; i <= 2; i++) {
            String cmd = "put:msu:k" + i;
            Files.writeString(delayed.resolve(DelayedFileName.of(t + i, i, 4242, cmd, "msul1").fileName()),
                    cmd + "\n", StandardCharsets.UTF_8);
        }
        client = LoncClient.builder("msua3")
                .host(new LondHost("s1.example.edu", List.of("msul1"), "127.0.0.1", lond.port(), false))
                .allowInsecure(true)
                .deferredStore(delayed, tmp.resolve("lonnet.perm.log"))
                .clock(clock).ticker(ticker::nanoTime)
                .replayTimings(Duration.ofHours(1), Duration.ofHours(1), Duration.ofSeconds(5))
                .build();
        assertEquals(2, client.deferred().flush("msul1").pending(), "the host is down");
        lond.restart();
        // lond is reachable, the backlog waits for its (fake) hour of back-off: a new critical
        // request must not reach lond before k1 and k2
        assertEquals(Reply.Kind.CON_DELAYED, client.critical("msul1", "put:msu:k3").kind());
        // the asynchronous form queues behind the backlog too
        assertEquals(Reply.Kind.CON_DELAYED, client.criticalAsync("msul1", "put:msu:k4")
                .get(10, java.util.concurrent.TimeUnit.SECONDS).kind());
        assertTrue(puts.isEmpty(), puts.toString());
        assertEquals(4, filesLeft());
        FlushResult first = client.deferred().flush("msul1");
        assertEquals(new FlushResult(2, 2, false), first, "k3 and k4 wait for lonnet's read-back window");
        clock.advance(Duration.ofSeconds(5));
        ticker.advance(Duration.ofSeconds(5));
        assertEquals(new FlushResult(2, 0, false), client.deferred().flush("msul1"));
        assertEquals(List.of("put:msu:k1", "put:msu:k2", "put:msu:k3", "put:msu:k4"), List.copyOf(puts));
    }
}
