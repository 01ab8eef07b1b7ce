package org.loncapa.lonc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class LoadToolSummaryTest {
    private static LoadTool.Figure ratio(String label, double v, double target) {
        return new LoadTool.Figure(label, v, "x", target);
    }

    @Test
    void medianEveryRoundAndHowManyRoundsMetTheTarget() {
        List<String> lines = LoadTool.summary(List.of(
                List.of(ratio("per-request : persistent", 0.69, 0.6), ratio("engine : direct", 0.55, Double.NaN)),
                List.of(ratio("per-request : persistent", 0.53, 0.6), ratio("engine : direct", 0.65, Double.NaN)),
                List.of(ratio("per-request : persistent", 0.67, 0.6), ratio("engine : direct", 0.61, Double.NaN))));
        assertEquals(List.of(
                String.format("%-40s median 0.67x (0.69x, 0.53x, 0.67x)   target >= 0.6x: median met, 2 of 3 rounds",
                        "per-request : persistent"),
                String.format("%-40s median 0.61x (0.55x, 0.65x, 0.61x)", "engine : direct")), lines);
    }

    @Test
    void latencyTargetsAreUpperBoundsAndAnEvenCountTakesTheMiddleTwo() {
        List<String> lines = LoadTool.summary(List.of(
                List.of(new LoadTool.Figure("added latency p50", 31.7, "µs", 60)),
                List.of(new LoadTool.Figure("added latency p50", 88.1, "µs", 60)),
                List.of(new LoadTool.Figure("added latency p50", 30.7, "µs", 60)),
                List.of(new LoadTool.Figure("added latency p50", 75.8, "µs", 60))));
        assertEquals(List.of(String.format(
                "%-40s median 53.8 µs (31.7 µs, 88.1 µs, 30.7 µs, 75.8 µs)   target <= 60 µs: median met, 2 of 4 rounds",
                "added latency p50")), lines);
    }

    @Test
    void aRatioAgainstTheRelayIsMetWhenItStaysAtOrUnderItsTarget() {
        List<String> lines = LoadTool.summary(List.of(
                List.of(new LoadTool.Figure("p50 daemon/persistent : minrelay", 1.21, "x<=", 1.3)),
                List.of(new LoadTool.Figure("p50 daemon/persistent : minrelay", 1.45, "x<=", 1.3)),
                List.of(new LoadTool.Figure("p50 daemon/persistent : minrelay", 1.18, "x<=", 1.3))));
        assertEquals(List.of(String.format(
                "%-40s median 1.21x (1.21x, 1.45x, 1.18x)   target <= 1.3x: median met, 2 of 3 rounds",
                "p50 daemon/persistent : minrelay")), lines);
    }

    @Test
    void aTargetWithTwoDecimalsIsPrintedWithBoth() {
        List<String> lines = LoadTool.summary(List.of(
                List.of(ratio("daemon/per-request : minrelay", 0.86, 0.85)),
                List.of(ratio("daemon/per-request : minrelay", 0.84, 0.85)),
                List.of(ratio("daemon/per-request : minrelay", 0.88, 0.85))));
        assertEquals(List.of(String.format(
                "%-40s median 0.86x (0.86x, 0.84x, 0.88x)   target >= 0.85x: median met, 2 of 3 rounds",
                "daemon/per-request : minrelay")), lines);
    }
}
