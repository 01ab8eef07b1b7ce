package org.loncapa.lonc.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LoadRunnerTest {
    @Test
    void tokensAreUniqueAndPaddedToTheRequestSize() {
        String a = LoadRunner.token(3, 17, 100);
        assertEquals(100, ("echo:" + a).length());
        assertTrue(a.startsWith("c3-17-"));
        assertNotEquals(a, LoadRunner.token(31, 7, 100));
        assertNotEquals(LoadRunner.token(1, 11, 100), LoadRunner.token(11, 1, 100));
    }

    @Test
    void tokensLongerThanTheSizeAreKept() {
        assertEquals("c123-456789-", LoadRunner.token(123, 456789, 8));
    }

    @Test
    void threadCpuDeltaDropsThreadsThatDidNothing() {
        Map<String, Long> d = LoadRunner.delta(Map.of("a", 10L, "b", 5L), Map.of("a", 25L, "b", 5L, "c", 3L));
        assertEquals(Map.of("a", 15L, "c", 3L), d);
    }
}
