package org.loncapa.lonc.core;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The engine's counters as OpenMetrics text (the Prometheus exposition format, version 1.0.0): the
 * daemon's {@code {"cmd":"metrics"}} and {@code /metrics}, and the SDK's embedded engine, render
 * the same families from the same {@link HostStatus} snapshots. Every per-host sample carries a
 * {@code host} label (the host's DNS name, as its socket is named).
 *
 * <table>
 *   <caption>Families</caption>
 *   <tr><th>name</th><th>type</th><th>from</th></tr>
 *   <tr><td>lonc_requests_total</td><td>counter</td><td>{@link HostStatus#requests()}</td></tr>
 *   <tr><td>lonc_replies_total{kind}</td><td>counter</td><td>answer (lond's replies but its
 *       refusals), refused, rejected, unknown_cmd, unable_to_set, con_lost, con_busy,
 *       no_such_host (counted by the caller: such requests never reach a host)</td></tr>
 *   <tr><td>lonc_timeouts_total</td><td>counter</td><td>transactions that timed out (also in
 *       con_lost)</td></tr>
 *   <tr><td>lonc_connection_opens_total, lonc_connection_failures_total</td><td>counter</td>
 *       <td>lond connections started; failures counted against the retries</td></tr>
 *   <tr><td>lonc_host_state{state}</td><td>gauge</td><td>1 for the host's state, 0 for the
 *       others</td></tr>
 *   <tr><td>lonc_retries_left, lonc_queue_length, lonc_connections{phase}</td><td>gauge</td>
 *       <td>phase: active, idle, connecting</td></tr>
 *   <tr><td>lonc_deferred_pending, lonc_deferred_oldest_age_seconds</td><td>gauge</td><td>delayed
 *       transactions waiting for replay, when the caller knows them</td></tr>
 *   <tr><td>lonc_request_latency_seconds</td><td>histogram</td><td>reply latency, queue wait
 *       included; the bucket bounds are the engine's own (powers of two microseconds)</td></tr>
 * </table>
 *
 * Stateless; any thread.
 */
public final class OpenMetrics {
    /** The Content-Type of the text. */
    public static final String CONTENT_TYPE = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    /** Reply kinds in the order they are written. */
    public static final List<String> REPLY_KINDS = List.of("answer", "refused", "rejected",
            "unknown_cmd", "unable_to_set", ReplyTokens.CON_LOST, ReplyTokens.CON_BUSY,
            ReplyTokens.NO_SUCH_HOST);

    /**
     * Histogram bounds written, as powers of two microseconds: 2^7 µs (128 µs) to 2^25 µs (33.6 s).
     * Engine bucket i holds [2^i, 2^(i+1)) µs, so the bound 2^k µs covers engine buckets 0..k-1:
     * fewer, coarser lines than the engine keeps, each bound still exact.
     */
    static final int FIRST_BOUND_EXP = 7;
    static final int LAST_BOUND_EXP = 25;

    /**
     * What the engine does not know about a host.
     *
     * @param noSuchHost requests to this host's socket answered {@code no_such_host}
     * @param deferredPending delayed transactions for the host's lonIDs, or -1 if unknown
     * @param deferredOldestSeconds age of the oldest of them, or -1 if none or unknown
     */
    public record Extra(long noSuchHost, long deferredPending, long deferredOldestSeconds) {
        /** Nothing known. */
        public static final Extra NONE = new Extra(0, -1, -1);
    }

    private OpenMetrics() {
    }

    /** The text for {@code hosts}, without extras or daemon-wide counters. */
    public static String render(List<HostStatus> hosts) {
        return render(hosts, Map.of(), Map.of());
    }

    /**
     * The text.
     *
     * @param hosts snapshots, one per host
     * @param extras by host name; a missing host has {@link Extra#NONE}
     * @param global daemon-wide counters without a host label: metric name (without {@code lonc_}
     *     and {@code _total}) to value, each written as a counter
     */
    public static String render(List<HostStatus> hosts, Map<String, Extra> extras, Map<String, Long> global) {
        StringBuilder b = new StringBuilder(512 + hosts.size() * 2048);
        family(b, "lonc_requests", "counter", "Requests submitted to the host.");
        for (HostStatus s : hosts) {
            sample(b, "lonc_requests_total", s.name(), null, null, s.requests());
        }
        family(b, "lonc_replies", "counter", "Requests completed, by the kind of reply.");
        for (HostStatus s : hosts) {
            long refusals = 0;
            long[] lond = new long[HostStatus.LOND_ERROR_WORDS.size()];
            for (int i = 0; i < lond.length; i++) {
                lond[i] = s.londErrors(i);
                refusals += lond[i];
            }
            sample(b, "lonc_replies_total", s.name(), "kind", "answer", Math.max(0, s.replies() - refusals));
            for (int i = 0; i < lond.length; i++) {
                sample(b, "lonc_replies_total", s.name(), "kind", HostStatus.LOND_ERROR_WORDS.get(i), lond[i]);
            }
            sample(b, "lonc_replies_total", s.name(), "kind", ReplyTokens.CON_LOST, s.conLost());
            sample(b, "lonc_replies_total", s.name(), "kind", ReplyTokens.CON_BUSY, s.busy());
            sample(b, "lonc_replies_total", s.name(), "kind", ReplyTokens.NO_SUCH_HOST,
                    extras.getOrDefault(s.name(), Extra.NONE).noSuchHost());
        }
        family(b, "lonc_timeouts", "counter", "Transactions that timed out (also counted as con_lost).");
        for (HostStatus s : hosts) {
            sample(b, "lonc_timeouts_total", s.name(), null, null, s.timeouts());
        }
        family(b, "lonc_connection_opens", "counter", "lond connections started.");
        for (HostStatus s : hosts) {
            sample(b, "lonc_connection_opens_total", s.name(), null, null, s.opens());
        }
        family(b, "lonc_connection_failures", "counter", "lond connection failures counted against the retries.");
        for (HostStatus s : hosts) {
            sample(b, "lonc_connection_failures_total", s.name(), null, null, s.failures());
        }
        family(b, "lonc_host_state", "gauge", "1 for the host's current state, 0 for the others.");
        for (HostStatus s : hosts) {
            for (HostState st : HostState.values()) {
                sample(b, "lonc_host_state", s.name(), "state", st.name().toLowerCase(Locale.ROOT),
                        st == s.state() ? 1 : 0);
            }
        }
        family(b, "lonc_retries_left", "gauge", "Connection failures left before the host is marked dead.");
        for (HostStatus s : hosts) {
            sample(b, "lonc_retries_left", s.name(), null, null, Math.max(0, s.retriesLeft()));
        }
        family(b, "lonc_queue_length", "gauge", "Requests waiting for a connection.");
        for (HostStatus s : hosts) {
            sample(b, "lonc_queue_length", s.name(), null, null, s.queued());
        }
        family(b, "lonc_connections", "gauge", "lond connections open, by phase.");
        for (HostStatus s : hosts) {
            sample(b, "lonc_connections", s.name(), "phase", "active", s.active());
            sample(b, "lonc_connections", s.name(), "phase", "idle", s.idle());
            sample(b, "lonc_connections", s.name(), "phase", "connecting", s.connecting());
        }
        boolean deferred = extras.values().stream().anyMatch(e -> e.deferredPending() >= 0);
        if (deferred) {
            family(b, "lonc_deferred_pending", "gauge", "Delayed (critical) transactions waiting for replay.");
            for (HostStatus s : hosts) {
                sample(b, "lonc_deferred_pending", s.name(), null, null,
                        Math.max(0, extras.getOrDefault(s.name(), Extra.NONE).deferredPending()));
            }
            family(b, "lonc_deferred_oldest_age_seconds", "gauge",
                    "Age of the oldest delayed transaction waiting for replay; 0 if none.");
            b.append("# UNIT lonc_deferred_oldest_age_seconds seconds\n");
            for (HostStatus s : hosts) {
                sample(b, "lonc_deferred_oldest_age_seconds", s.name(), null, null,
                        Math.max(0, extras.getOrDefault(s.name(), Extra.NONE).deferredOldestSeconds()));
            }
        }
        family(b, "lonc_request_latency_seconds", "histogram",
                "Reply latency from submission (queue wait included) to lond's reply.");
        b.append("# UNIT lonc_request_latency_seconds seconds\n");
        for (HostStatus s : hosts) {
            long[] buckets = s.latencyBuckets() == null ? new long[0] : s.latencyBuckets();
            long cumulative = 0;
            int next = 0;
            for (int k = FIRST_BOUND_EXP; k <= LAST_BOUND_EXP; k++) {
                for (; next < k && next < buckets.length; next++) {
                    cumulative += buckets[next];
                }
                b.append("lonc_request_latency_seconds_bucket{host=\"").append(escape(s.name()))
                        .append("\",le=\"").append(seconds(1L << k)).append("\"} ").append(cumulative).append('\n');
            }
            long count = 0;
            for (long c : buckets) {
                count += c;
            }
            b.append("lonc_request_latency_seconds_bucket{host=\"").append(escape(s.name()))
                    .append("\",le=\"+Inf\"} ").append(count).append('\n');
            b.append("lonc_request_latency_seconds_count{host=\"").append(escape(s.name())).append("\"} ")
                    .append(count).append('\n');
            b.append("lonc_request_latency_seconds_sum{host=\"").append(escape(s.name())).append("\"} ")
                    .append(seconds(s.latencySumMicros())).append('\n');
        }
        for (Map.Entry<String, Long> e : global.entrySet()) {
            String name = "lonc_" + e.getKey();
            family(b, name, "counter", "Daemon-wide: " + e.getKey().replace('_', ' ') + ".");
            b.append(name).append("_total ").append(e.getValue()).append('\n');
        }
        b.append("# EOF\n");
        return b.toString();
    }

    private static void family(StringBuilder b, String name, String type, String help) {
        b.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        b.append("# HELP ").append(name).append(' ').append(help).append('\n');
    }

    private static void sample(StringBuilder b, String name, String host, String label, String value, long v) {
        b.append(name).append("{host=\"").append(escape(host)).append('"');
        if (label != null) {
            b.append(',').append(label).append("=\"").append(escape(value)).append('"');
        }
        b.append("} ").append(v).append('\n');
    }

    /** Microseconds as decimal seconds, exactly (no floating-point rounding). */
    static String seconds(long micros) {
        String frac = String.format(Locale.ROOT, "%06d", micros % 1_000_000).replaceAll("0+$", "");
        return (micros / 1_000_000) + "." + (frac.isEmpty() ? "0" : frac);
    }

    /** A label value: backslash, double quote and newline escaped (the only escapes allowed). */
    static String escape(String v) {
        if (v.indexOf('\\') < 0 && v.indexOf('"') < 0 && v.indexOf('\n') < 0) {
            return v;
        }
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
