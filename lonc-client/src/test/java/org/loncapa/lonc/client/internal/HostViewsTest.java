package org.loncapa.lonc.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.loncapa.lonc.client.HostView;
import org.loncapa.lonc.core.HostState;
import org.loncapa.lonc.core.HostStatus;

/** The client's status view: a faithful, immutable copy of the engine's snapshot. */
class HostViewsTest {

    private static HostStatus snapshot(long[] buckets, long[] londErrors) {
        return new HostStatus("s1.example.edu", List.of("msul1", "msul2"), HostState.FAILING, "ssl",
                "version:1", 1, 2, 3, 4, 5, 6_000, 100, 90, 7, 8, 9, 10, 1, 2, 3, buckets, 11,
                londErrors, 12_345);
    }

    @Test
    void everyFigureOfTheSnapshotIsInTheView() {
        HostView v = HostViews.of(snapshot(new long[] {0, 3, 1}, new long[] {1, 2, 3, 4}));
        assertEquals(new HostView("s1.example.edu", List.of("msul1", "msul2"), HostView.State.FAILING,
                "ssl", "version:1", new HostView.Connections(1, 2, 3, 4), 5, 6_000,
                new HostView.Counters(100, 90, 1, 2, 3, 4, 9, 10, 8, 11, 7),
                new HostView.Latency(List.of(0L, 3L, 1L), 12_345)), v);
        assertEquals(6, v.connections().total());
        assertEquals(10, v.counters().refusals());
        assertEquals(80, v.counters().answers());
        for (HostState s : HostState.values()) {
            assertEquals(s.name(), HostViews.of(new HostStatus("h", List.of("x"), s, null, null,
                    0, 0, 0, 0, 0, -1, 0, 0, 0, 0, 0, 0, -1, -1, -1, null)).state().name());
        }
    }

    @Test
    void theViewSharesNothingMutableWithTheSnapshot() {
        long[] buckets = {0, 3, 1};
        HostView v = HostViews.of(snapshot(buckets, new long[0]));
        buckets[0] = 99;
        assertEquals(List.of(0L, 3L, 1L), v.latency().bucketCounts());
        assertThrows(UnsupportedOperationException.class, () -> v.latency().bucketCounts().set(0, 5L));
        assertThrows(UnsupportedOperationException.class, () -> v.lonIds().add("x"));
        List<String> ids = new ArrayList<>(List.of("a"));
        HostView w = new HostView("h", ids, HostView.State.UP, null, null, new HostView.Connections(0, 0, 0, 0),
                0, -1, new HostView.Counters(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
                new HostView.Latency(List.of(), 0));
        ids.add("b");
        assertEquals(List.of("a"), w.lonIds());
        assertEquals(0, HostViews.of(snapshot(null, null)).latency().count(), "an old daemon's snapshot");
    }

    @Test
    void quantilesAreTheUpperBoundsOfTheirPowerOfTwoBuckets() {
        // bucket 0 = [0, 2) µs: none; bucket 1 = [2, 4) µs: 3 replies; bucket 2 = [4, 8) µs: 1
        HostView.Latency l = new HostView.Latency(List.of(0L, 3L, 1L), 17);
        assertEquals(4, l.count());
        assertEquals(3, l.p50UpperBoundMicros());
        assertEquals(3, l.upperBoundMicros(0.75));
        assertEquals(7, l.p90UpperBoundMicros());
        assertEquals(7, l.p99UpperBoundMicros());
        assertEquals(3, l.upperBoundMicros(0), "the smallest reply's bucket, not an empty one");
        assertEquals(-1, new HostView.Latency(List.of(0L, 0L), 0).p50UpperBoundMicros());
        assertThrows(IllegalArgumentException.class, () -> l.upperBoundMicros(1.5));
        assertThrows(IllegalArgumentException.class, () -> l.upperBoundMicros(Double.NaN));
    }
}
