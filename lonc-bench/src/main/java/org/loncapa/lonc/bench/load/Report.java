package org.loncapa.lonc.bench.load;

import java.util.Locale;

/** Prints {@link PhaseResult}s as a fixed-width table (and optionally CSV lines). */
public final class Report {
    private Report() {}

    public static final String HEADER = String.format(Locale.ROOT,
            "%-22s %7s %5s %9s %8s %8s %8s %9s %7s %8s %7s %8s %8s",
            "path", "clients", "conns", "req/s", "p50 µs", "p90 µs", "p99 µs", "max µs", "errors",
            "subj CPU", "µs/req", "subj RSS", "tool CPU");

    public static String row(PhaseResult r) {
        Latencies l = r.latencies();
        return String.format(Locale.ROOT,
                "%-22s %7d %5s %9.0f %8.1f %8.1f %8.1f %9.1f %7d %8s %7s %8s %8s",
                r.target(), r.clients(), r.londConnections() == 0 ? "-" : r.londConnections(),
                r.requestsPerSecond(), l.percentileMicros(50), l.percentileMicros(90),
                l.percentileMicros(99), l.maxMicros(), r.errors(),
                percent(r.subjectCpuPercent()), micros(r.subjectMicrosPerRequest()),
                mib(r.subjectRssBytes()), percent(r.toolCpuPercent()));
    }

    /** The subject's CPU by thread as "name 45% (12.1 µs/req)", largest first; null if unknown. */
    public static String threads(PhaseResult r) {
        if (r.subjectCpuByThread().isEmpty()) {
            return null;
        }
        StringBuilder b = new StringBuilder();
        r.subjectCpuByThread().entrySet().stream()
                .sorted((x, y) -> Long.compare(y.getValue(), x.getValue()))
                .filter(e -> e.getValue() * 100.0 / (r.seconds() * 1e9) >= 0.5)
                .forEach(e -> b.append(b.length() == 0 ? "" : ", ")
                        .append(String.format(Locale.ROOT, "%s %.0f%% (%.1f µs/req)", e.getKey(),
                                e.getValue() * 100.0 / (r.seconds() * 1e9),
                                r.ok() == 0 ? 0 : e.getValue() / 1000.0 / r.ok())));
        return b.toString();
    }

    public static final String CSV_HEADER = "path,clients,lond_connections,ok,errors,seconds,req_per_s,"
            + "p50_us,p90_us,p99_us,max_us,subject_cpu_pct,subject_us_per_req,subject_rss_mib,tool_cpu_pct";

    public static String csv(PhaseResult r) {
        Latencies l = r.latencies();
        return String.format(Locale.ROOT, "%s,%d,%d,%d,%d,%.3f,%.1f,%.1f,%.1f,%.1f,%.1f,%.1f,%.2f,%.1f,%.1f",
                r.target(), r.clients(), r.londConnections(), r.ok(), r.errors(), r.seconds(),
                r.requestsPerSecond(), l.percentileMicros(50), l.percentileMicros(90),
                l.percentileMicros(99), l.maxMicros(), r.subjectCpuPercent(),
                r.subjectMicrosPerRequest(), r.subjectRssBytes() / 1048576.0, r.toolCpuPercent());
    }

    static String percent(double p) {
        return p < 0 ? "-" : String.format(Locale.ROOT, "%.0f%%", p);
    }

    static String micros(double us) {
        return us < 0 ? "-" : String.format(Locale.ROOT, "%.1f", us);
    }

    public static String mib(long bytes) {
        return bytes < 0 ? "-" : String.format(Locale.ROOT, "%.0fM", bytes / 1048576.0);
    }
}
