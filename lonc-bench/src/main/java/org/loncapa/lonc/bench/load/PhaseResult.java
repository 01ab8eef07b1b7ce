package org.loncapa.lonc.bench.load;

/**
 * The outcome of driving one {@link Target} for a measured interval.
 *
 * @param target the path's name
 * @param clients concurrent clients
 * @param londConnections lond connections used by the path (0: one per client or per request)
 * @param ok requests answered with the expected reply inside the measured interval
 * @param errors requests that failed or got a wrong reply inside the measured interval
 * @param seconds length of the measured interval
 * @param latencies latencies of the {@code ok} requests
 * @param subjectCpuNanos CPU used by the path's {@link Target.Meter} during the interval, or -1
 * @param subjectRssBytes its resident memory at the end, or -1
 * @param toolCpuNanos CPU used by the load tool's own JVM (clients, FakeLond) during the interval
 * @param firstError text of the first error, or null
 * @param subjectCpuByThread subject CPU during the interval by thread name (may be empty)
 */
public record PhaseResult(String target, int clients, int londConnections, long ok, long errors,
        double seconds, Latencies latencies, long subjectCpuNanos, long subjectRssBytes,
        long toolCpuNanos, String firstError, java.util.Map<String, Long> subjectCpuByThread) {

    public double requestsPerSecond() {
        return ok / seconds;
    }

    /** Subject CPU as a percentage of one core, or -1. */
    public double subjectCpuPercent() {
        return subjectCpuNanos < 0 ? -1 : 100.0 * subjectCpuNanos / (seconds * 1e9);
    }

    /** Subject CPU per answered request in microseconds, or -1. */
    public double subjectMicrosPerRequest() {
        return subjectCpuNanos < 0 || ok == 0 ? -1 : subjectCpuNanos / 1000.0 / ok;
    }

    public double toolCpuPercent() {
        return toolCpuNanos < 0 ? -1 : 100.0 * toolCpuNanos / (seconds * 1e9);
    }
}
