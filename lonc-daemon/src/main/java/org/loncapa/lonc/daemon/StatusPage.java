package org.loncapa.lonc.daemon;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.loncapa.lonc.core.HostState;
import org.loncapa.lonc.core.HostStatus;

/**
 * {@code loncstatus.html} beside {@code loncstatus.txt}: one table row per host (state, key mode,
 * connections, queue, retries, deferred backlog, requests, latency percentiles) with a small
 * latency histogram drawn as inline SVG. A self-contained page: no script, no external style
 * sheet, font or image, so it opens from the file system or behind any web server as it is.
 * Written with the other status files (start, USR1, reload, every {@code statusInterval}).
 *
 * <p>Stateless; any thread.
 */
final class StatusPage {
    /** Histogram columns: engine buckets below 2^FIRST µs are drawn as one, as are those from 2^LAST µs on. */
    static final int FIRST = 7;
    static final int LAST = 25;
    private static final int BAR_W = 6;
    private static final int H = 28;

    private StatusPage() {
    }

    /** {@code loncstatus.html} beside {@code loncstatus.txt}. */
    static Path file(Path textFile) {
        String n = textFile.getFileName().toString();
        String base = n.endsWith(".txt") ? n.substring(0, n.length() - 4) : n;
        return textFile.resolveSibling(base + ".html");
    }

    /**
     * The page.
     *
     * @param deferred pending delayed transactions per host name, {pending, oldest seconds}; null
     *     if the store could not be read
     */
    static String html(String localtime, long pid, String version, String lonHostId, int retries,
            List<HostStatus> hosts, Map<String, long[]> deferred) {
        StringBuilder b = new StringBuilder(2048 + hosts.size() * 1024);
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<title>lonc status: ").append(esc(lonHostId)).append("</title>\n")
                .append("<style>\n")
                .append("body{font-family:sans-serif;margin:1em;color:#222}\n")
                .append("table{border-collapse:collapse}\n")
                .append("th,td{border:1px solid #ccc;padding:2px 6px;text-align:right;vertical-align:middle}\n")
                .append("th{background:#eee}td.h{text-align:left;font-family:monospace}\n")
                .append("td.s{font-weight:bold}tr.up td.s{color:#070}tr.failing td.s{color:#a60}\n")
                .append("tr.dead td.s,tr.paused td.s{color:#b00}tr.unknown td.s{color:#666}\n")
                .append("svg{display:block}\n")
                .append("</style>\n</head>\n<body>\n");
        long up = hosts.stream().filter(s -> s.state() == HostState.UP).count();
        long dead = hosts.stream().filter(s -> s.state() == HostState.DEAD).count();
        b.append("<h1>lonc status: ").append(esc(lonHostId)).append("</h1>\n")
                .append("<p>").append(esc(localtime)).append(" &mdash; parent ").append(pid)
                .append(", lonc ").append(esc(version)).append(" &mdash; ").append(hosts.size())
                .append(" hosts, ").append(up).append(" up, ").append(dead).append(" dead</p>\n");
        b.append("<table>\n<thead><tr><th>host</th><th>state</th><th>key mode</th><th>connections</th>")
                .append("<th>queue</th><th>retries left</th><th>deferred</th><th>requests</th>")
                .append("<th>con_lost</th><th>p50</th><th>p99</th><th>latency (128&nbsp;&micro;s &hellip; 34&nbsp;s)</th></tr></thead>\n<tbody>\n");
        for (HostStatus s : hosts) {
            String state = s.state().name().toLowerCase(Locale.ROOT);
            long[] d = deferred == null ? null : deferred.get(s.name());
            b.append("<tr class=\"").append(state).append("\"><td class=\"h\">").append(esc(s.name()))
                    .append("</td><td class=\"s\">").append(s.state().name())
                    .append("</td><td>").append(s.keyMode() == null ? "&ndash;" : esc(s.keyMode()))
                    .append("</td><td>").append(s.connections())
                    .append("</td><td>").append(s.queued())
                    .append("</td><td>").append(s.retriesLeft() < 0 ? retries : s.retriesLeft())
                    .append("</td><td>").append(deferred == null ? "?" : d == null ? "0"
                            : d[0] + " (oldest " + d[1] + "&nbsp;s)")
                    .append("</td><td>").append(s.requests())
                    .append("</td><td>").append(s.conLost())
                    .append("</td><td>").append(micros(s.latencyP50Micros()))
                    .append("</td><td>").append(micros(s.latencyP99Micros()))
                    .append("</td><td>");
            histogram(b, s);
            b.append("</td></tr>\n");
        }
        b.append("</tbody>\n</table>\n<p>Written by lonc at start, on USR1 and reload, and every"
                + " statusInterval; the same figures are in loncstatus.json and in the metrics.</p>\n")
                .append("</body>\n</html>\n");
        return b.toString();
    }

    /** Bars of the engine's power-of-two buckets, each scaled to the fullest one. */
    static void histogram(StringBuilder b, HostStatus s) {
        long[] cols = columns(s.latencyBuckets());
        long max = 0;
        long total = 0;
        for (long c : cols) {
            max = Math.max(max, c);
            total += c;
        }
        int w = cols.length * BAR_W;
        b.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(w).append("\" height=\"")
                .append(H).append("\" viewBox=\"0 0 ").append(w).append(' ').append(H)
                .append("\" role=\"img\"><title>").append(total).append(" replies")
                .append(total == 0 ? "" : ", median " + micros(s.latencyP50Micros())).append("</title>")
                .append("<rect width=\"").append(w).append("\" height=\"").append(H).append("\" fill=\"#f4f4f4\"/>");
        for (int i = 0; i < cols.length; i++) {
            if (cols[i] == 0) {
                continue;
            }
            long h = Math.max(1, cols[i] * (H - 2) / max);
            b.append("<rect x=\"").append(i * BAR_W).append("\" y=\"").append(H - h).append("\" width=\"")
                    .append(BAR_W - 1).append("\" height=\"").append(h).append("\" fill=\"#36c\"/>");
        }
        b.append("</svg>");
    }

    /** Column 0: below 2^FIRST µs; column k: [2^(FIRST+k-1), 2^(FIRST+k)) µs; the last is open. */
    static long[] columns(long[] buckets) {
        long[] cols = new long[LAST - FIRST + 2];
        if (buckets == null) {
            return cols;
        }
        for (int i = 0; i < buckets.length; i++) {
            int c = i < FIRST ? 0 : Math.min(cols.length - 1, i - FIRST + 1);
            cols[c] += buckets[i];
        }
        return cols;
    }

    private static String micros(long us) {
        if (us < 0) {
            return "&ndash;";
        }
        if (us < 1_000) {
            return us + "&nbsp;&micro;s";
        }
        if (us < 1_000_000) {
            return String.format(Locale.ROOT, "%.1f&nbsp;ms", us / 1e3);
        }
        return String.format(Locale.ROOT, "%.2f&nbsp;s", us / 1e6);
    }

    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
