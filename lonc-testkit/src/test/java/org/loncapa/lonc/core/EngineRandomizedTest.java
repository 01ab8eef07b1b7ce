package org.loncapa.lonc.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.loncapa.lonc.testkit.Await;
import org.loncapa.lonc.testkit.FakeLond;
import org.loncapa.lonc.testkit.FakeTicker;
import org.loncapa.lonc.testkit.Fault;
import org.loncapa.lonc.testkit.RecordedRequest;
import org.loncapa.lonc.testkit.Response;

/**
 * Seeded random operations against the engine with FakeLond faults injected: submits to known and
 * unknown lonIDs, cancels, timer advances, lond faults, restarts and resets. After every step each
 * future has completed at most once; at the end every future completed exactly once, the status
 * counters add up, and no connection or file descriptor is left behind.
 */
class EngineRandomizedTest {
    private static final int STEPS = 1500;

    /** Which fault a request meets is a function of the seed and the request, not of timing. */
    private static Response answer(long seed, RecordedRequest r) {
        String cmd = r.command();
        if (!cmd.startsWith("echo:")) {
            return null;
        }
        int roll = Math.floorMod((cmd.hashCode() * 31) ^ (int) seed, 100);
        if (roll < 3) {
            return Response.disconnect();
        } else if (roll < 5) {
            return Response.midReply("par");
        } else if (roll < 7) {
            return Response.garbage();
        }
        // (stalls and their timeouts are covered in EngineTest; here every fault resolves in real
        // time, so that a 'settle' step can wait for all outstanding work without moving the clock)
        return Response.reply(cmd.substring(5));
    }

    private static final class Tracked {
        final String expected;
        final CompletableFuture<String> future;
        final AtomicInteger completions = new AtomicInteger();
        final boolean knownHost;

        Tracked(String expected, CompletableFuture<String> future, boolean knownHost) {
            this.expected = expected;
            this.future = future;
            this.knownHost = knownHost;
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1L, 42L, 20261129L})
    void randomOperationsKeepEveryInvariant(long seed) throws Exception {
        long fdsBefore = openFds();
        Random rnd = new Random(seed);
        FakeTicker ticker = new FakeTicker();
        List<String> violations = new CopyOnWriteArrayList<>();
        List<Tracked> all = new ArrayList<>();
        try (FakeLond lond = FakeLond.builder().lonIds("msul1", "msul2").clientLonId("msua3")
                .allowInsecure(true).recordRequests(true).dispatcher(r -> answer(seed, r)).build().start()) {
            LoncEngine engine = LoncEngine.start(EngineConfig.builder("msua3")
                    .host(new RemoteHost("h", List.of("msul1", "msul2"), "127.0.0.1", lond.port(), false))
                    .allowInsecure(true).ticker(ticker).tickInterval(Duration.ofHours(1))
                    .maxConnectionsPerHost(4).maxQueuedPerHost(50).retries(3)
                    .probeInitialDelay(Duration.ofSeconds(2)).probeMaxDelay(Duration.ofSeconds(8))
                    .build());
            try {
                for (int step = 0; step < STEPS; step++) {
                    int op = rnd.nextInt(100);
                    if (op < 60) {
                        String lonId = rnd.nextInt(20) == 0 ? "nosuch" : (rnd.nextBoolean() ? "msul1" : "msul2");
                        String payload = "s" + seed + "-" + step;
                        Tracked t = new Tracked(payload, engine.submit(lonId, "echo:" + payload),
                                !lonId.equals("nosuch"));
                        t.future.whenComplete((v, e) -> {
                            if (t.completions.incrementAndGet() > 1) {
                                violations.add("completed twice: " + t.expected);
                            }
                            if (v != null && !v.equals(t.expected) && !v.equals(ReplyTokens.CON_LOST)
                                    && !v.equals(ReplyTokens.CON_BUSY) && !v.equals(ReplyTokens.NO_SUCH_HOST)) {
                                violations.add("misdelivered: " + t.expected + " got " + v);
                            }
                        });
                        all.add(t);
                    } else if (op < 66) {
                        // settle: wait (real time, clock still) until everything submitted is answered
                        try {
                            Await.until("settled at step " + step,
                                    () -> all.stream().allMatch(t -> t.future.isDone()));
                        } catch (AssertionError e) {
                            throw new AssertionError(e.getMessage() + "; status " + engine.status("h")
                                    + "; pending " + all.stream().filter(t -> !t.future.isDone())
                                            .map(t -> t.expected).toList(), e);
                        }
                    } else if (op < 78 && !all.isEmpty()) {
                        all.get(rnd.nextInt(all.size())).future.cancel(false);
                    } else if (op < 88) {
                        ticker.advance(Duration.ofSeconds(rnd.nextInt(40)));
                        engine.tickNow().get(10, TimeUnit.SECONDS);
                    } else if (op < 92) {
                        Fault[] faults = {Fault.NONE, Fault.NONE, Fault.REFUSE, Fault.GARBAGE_HANDSHAKE,
                            Fault.DISCONNECT_AT_START};
                        lond.fault(faults[rnd.nextInt(faults.length)]);
                    } else if (op < 94) {
                        lond.closeAllConnections();
                    } else if (op < 96) {
                        engine.resetHost("h").get(10, TimeUnit.SECONDS);
                    } else if (op < 97) {
                        lond.restart();
                    } else {
                        engine.closeConnections("h").get(10, TimeUnit.SECONDS);
                    }
                    assertTrue(violations.isEmpty(), "step " + step + ": " + violations);
                }
                // Heal lond and let time pass until every transaction has its answer.
                lond.fault(Fault.NONE);
                engine.resetHost("h").get(10, TimeUnit.SECONDS);
                Await.until("every future completed", () -> {
                    ticker.advance(Duration.ofSeconds(31));
                    engine.tickNow().join();
                    return all.stream().allMatch(t -> t.future.isDone());
                });
                assertTrue(violations.isEmpty(), violations.toString());
                for (Tracked t : all) {
                    assertEquals(1, t.completions.get(), "exactly once: " + t.expected);
                }
                HostStatus s = engine.status("h").orElseThrow();
                long known = all.stream().filter(t -> t.knownHost).count();
                long cancelled = all.stream().filter(t -> t.knownHost && t.future.isCancelled()).count();
                long replied = all.stream().filter(t -> t.knownHost && !t.future.isCancelled()
                        && t.expected.equals(t.future.join())).count();
                assertEquals(known, s.requests(), "every request reached the pool");
                assertTrue(s.replies() >= 20 && s.conLost() > 0 && s.failures() > 0,
                        "the run exercised both good and failing paths: " + s);
                assertEquals(replied, s.replies(), "replies counted once each");
                assertEquals(s.requests(), s.replies() + s.conLost() + s.busy() + cancelled,
                        "requests = replies + con_lost + con_busy + cancelled: " + s);
                Await.until("engine and lond agree on open connections",
                        () -> engine.status("h").orElseThrow().connections() == lond.openConnections());
            } finally {
                engine.close(Duration.ofMillis(100));
            }
            Await.until("lond sees every connection closed", () -> lond.openConnections() == 0);
        }
        long fdsAfter = openFds();
        assertTrue(fdsAfter - fdsBefore <= 8, "file descriptors: before " + fdsBefore + ", after " + fdsAfter);
    }

    private static long openFds() throws IOException {
        Path fd = Path.of("/proc/self/fd");
        if (!Files.isDirectory(fd)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(fd)) {
            return s.count();
        }
    }
}
