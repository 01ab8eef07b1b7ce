package org.loncapa.lonc.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FakeTickerTest {

    @Test
    void startsAtTheDefaultAndMovesOnlyWhenAdvanced() {
        FakeTicker t = new FakeTicker();
        assertEquals(FakeTicker.DEFAULT_START_NANOS, t.nanoTime());
        assertEquals(FakeTicker.DEFAULT_START_NANOS, t.nanoTime());
        assertEquals(FakeTicker.DEFAULT_START_NANOS + 1_500_000_000L, t.advance(Duration.ofMillis(1500)));
        assertEquals(FakeTicker.DEFAULT_START_NANOS + 1_500_000_007L, t.advanceNanos(7));
        assertEquals(FakeTicker.DEFAULT_START_NANOS + 1_500_000_007L, t.nanoTime());
    }

    @Test
    void wrapsAroundLikeNanoTime() {
        FakeTicker t = new FakeTicker(Long.MAX_VALUE - 5);
        long before = t.nanoTime();
        t.advanceNanos(10);
        assertEquals(Long.MIN_VALUE + 4, t.nanoTime());
        assertEquals(10, t.nanoTime() - before);
    }

    @Test
    void refusesToGoBackwards() {
        FakeTicker t = new FakeTicker(0);
        assertThrows(IllegalArgumentException.class, () -> t.advanceNanos(-1));
        assertThrows(IllegalArgumentException.class, () -> t.advance(Duration.ofSeconds(-1)));
        assertEquals(0, t.nanoTime());
    }

    @Test
    void concurrentAdvancesAreNotLost() throws InterruptedException {
        FakeTicker t = new FakeTicker(0);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Thread th = new Thread(() -> {
                for (int j = 0; j < 10_000; j++) {
                    t.advanceNanos(1);
                }
            });
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) {
            th.join();
        }
        assertEquals(80_000, t.nanoTime());
    }
}
