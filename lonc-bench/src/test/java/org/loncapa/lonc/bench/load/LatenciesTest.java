package org.loncapa.lonc.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LatenciesTest {
    @Test
    void percentilesOfAKnownDistribution() {
        Latencies l = new Latencies();
        for (int i = 1; i <= 1000; i++) {
            l.record(i * 1000L); // 1..1000 µs
        }
        assertEquals(1000, l.count());
        assertEquals(500, l.percentileMicros(50), 1);
        assertEquals(900, l.percentileMicros(90), 1);
        assertEquals(990, l.percentileMicros(99), 1);
        assertEquals(1000, l.maxMicros(), 1);
    }

    @Test
    void mergingAddsCounts() {
        Latencies a = new Latencies();
        Latencies b = new Latencies();
        a.record(10_000);
        b.record(20_000);
        b.record(30_000);
        a.add(b);
        assertEquals(3, a.count());
        assertEquals(30, a.maxMicros(), 0.3); // 3 significant digits
    }

    @Test
    void clampsOutOfRange() {
        Latencies l = new Latencies();
        l.record(5);
        assertEquals(1, l.percentileMicros(50), 0.03);
    }

    @Test
    void emptyIsZero() {
        assertEquals(0, new Latencies().percentileMicros(99));
    }
}
