package org.loncapa.lonc.testkit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads OpenMetrics text (version 1.0.0) back, checking what a scraper relies on: it ends with
 * {@code # EOF}; every family is declared once by {@code # TYPE} before its samples, and its
 * samples are not interleaved with another family's; sample names carry the suffixes their type
 * allows; label values are quoted with only the allowed escapes; values are numbers; a
 * histogram's buckets are cumulative, end with {@code le="+Inf"}, and agree with {@code _count}.
 * Anything else throws {@link IllegalArgumentException} naming the line.
 */
public final class OpenMetricsReader {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern SAMPLE = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})? (\\S+)( \\S+)?");
    private static final Pattern LABEL = Pattern.compile(
            "([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\\\n]|\\\\[\\\\\"n])*)\"");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "gaugehistogram",
            "stateset", "info", "summary", "unknown");

    private final Map<String, String> types = new LinkedHashMap<>();
    /** "name{a="x",b="y"}" with labels sorted by name, to the value. */
    private final Map<String, Double> samples = new LinkedHashMap<>();

    private OpenMetricsReader() {
    }

    /** Parses and checks {@code text}. */
    public static OpenMetricsReader parse(String text) {
        OpenMetricsReader r = new OpenMetricsReader();
        r.read(text);
        return r;
    }

    /** The families and their types. */
    public Map<String, String> types() {
        return types;
    }

    /** Every sample, keyed by {@link #key}. */
    public Map<String, Double> samples() {
        return samples;
    }

    /** A sample's value, or throws if there is none. */
    public double value(String name, String... labelPairs) {
        String k = key(name, labelPairs);
        Double v = samples.get(k);
        if (v == null) {
            throw new IllegalArgumentException("no sample " + k);
        }
        return v;
    }

    /** The key of a sample: name and labels sorted by name ({@code "a","x","b","y"} pairs). */
    public static String key(String name, String... labelPairs) {
        Map<String, String> m = new TreeMap<>();
        for (int i = 0; i + 1 < labelPairs.length; i += 2) {
            m.put(labelPairs[i], labelPairs[i + 1]);
        }
        return key(name, m);
    }

    private static String key(String name, Map<String, String> labels) {
        if (labels.isEmpty()) {
            return name;
        }
        StringBuilder b = new StringBuilder(name).append('{');
        labels.forEach((k, v) -> b.append(k).append("=\"").append(v).append("\","));
        b.setLength(b.length() - 1);
        return b.append('}').toString();
    }

    private void read(String text) {
        if (!text.endsWith("# EOF\n") && !text.endsWith("# EOF")) {
            throw new IllegalArgumentException("the text does not end with '# EOF'");
        }
        String[] lines = text.split("\n", -1);
        String current = null;
        Set<String> closed = new HashSet<>();
        Map<String, List<double[]>> buckets = new HashMap<>(); // histogram series -> (le, count)
        Map<String, Double> counts = new HashMap<>();
        boolean eof = false;
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n];
            String where = "line " + (n + 1) + " '" + line + "': ";
            if (eof) {
                if (!line.isEmpty() || n != lines.length - 1) {
                    throw new IllegalArgumentException(where + "text after # EOF");
                }
                continue;
            }
            if (line.equals("# EOF")) {
                eof = true;
                continue;
            }
            if (line.isEmpty()) {
                throw new IllegalArgumentException(where + "empty line");
            }
            if (line.startsWith("#")) {
                String[] w = line.split(" ", 4);
                if (w.length < 3 || !w[0].equals("#") || !NAME.matcher(w[2]).matches()) {
                    throw new IllegalArgumentException(where + "bad metadata line");
                }
                String fam = w[2];
                if (!fam.equals(current)) {
                    if (current != null) {
                        closed.add(current);
                    }
                    if (closed.contains(fam) || types.containsKey(fam)) {
                        throw new IllegalArgumentException(where + "family " + fam + " declared twice");
                    }
                    current = fam;
                }
                switch (w[1]) {
                    case "TYPE":
                        if (w.length != 4 || !TYPES.contains(w[3])) {
                            throw new IllegalArgumentException(where + "bad TYPE");
                        }
                        if (types.put(fam, w[3]) != null) {
                            throw new IllegalArgumentException(where + "second TYPE");
                        }
                        break;
                    case "HELP":
                        break;
                    case "UNIT":
                        if (w.length != 4 || !fam.endsWith("_" + w[3])) {
                            throw new IllegalArgumentException(where + "a family with a unit must end with it");
                        }
                        break;
                    default:
                        throw new IllegalArgumentException(where + "unknown metadata " + w[1]);
                }
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            if (!m.matches()) {
                throw new IllegalArgumentException(where + "not a sample");
            }
            String name = m.group(1);
            String type = current == null ? null : types.get(current);
            if (type == null) {
                throw new IllegalArgumentException(where + "sample before its family's TYPE");
            }
            String suffix = name.startsWith(current) ? name.substring(current.length()) : null;
            List<String> allowed = switch (type) {
                case "counter" -> List.of("_total", "_created");
                case "histogram", "gaugehistogram" -> List.of("_bucket", "_count", "_sum", "_created",
                        "_gcount", "_gsum");
                case "summary" -> List.of("", "_count", "_sum", "_created");
                case "info" -> List.of("_info");
                default -> List.of("");
            };
            if (suffix == null || !allowed.contains(suffix)) {
                throw new IllegalArgumentException(where + "name does not belong to family " + current
                        + " (" + type + ")");
            }
            Map<String, String> labels = new TreeMap<>();
            if (m.group(3) != null && !m.group(3).isEmpty()) {
                String rest = m.group(3);
                Matcher l = LABEL.matcher(rest);
                int pos = 0;
                while (pos < rest.length()) {
                    if (!l.find(pos) || l.start() != pos) {
                        throw new IllegalArgumentException(where + "bad labels");
                    }
                    if (labels.put(l.group(1), l.group(2)) != null) {
                        throw new IllegalArgumentException(where + "label " + l.group(1) + " twice");
                    }
                    pos = l.end();
                    if (pos < rest.length()) {
                        if (rest.charAt(pos) != ',') {
                            throw new IllegalArgumentException(where + "labels not separated by ','");
                        }
                        pos++;
                    }
                }
            }
            double v = number(m.group(4), where);
            String k = key(name, labels);
            if (samples.put(k, v) != null) {
                throw new IllegalArgumentException(where + "duplicate sample " + k);
            }
            if (type.equals("counter") && suffix.equals("_total") && (v < 0 || Double.isNaN(v))) {
                throw new IllegalArgumentException(where + "a counter cannot be negative");
            }
            if (type.equals("histogram")) {
                Map<String, String> series = new TreeMap<>(labels);
                if (suffix.equals("_bucket")) {
                    String le = series.remove("le");
                    if (le == null) {
                        throw new IllegalArgumentException(where + "bucket without le");
                    }
                    buckets.computeIfAbsent(key(current, series), x -> new ArrayList<>())
                            .add(new double[] {number(le, where), v});
                } else if (suffix.equals("_count")) {
                    counts.put(key(current, series), v);
                }
            }
        }
        if (!eof) {
            throw new IllegalArgumentException("no # EOF line");
        }
        buckets.forEach((series, bs) -> {
            double prevLe = Double.NEGATIVE_INFINITY;
            double prev = 0;
            for (double[] b : bs) {
                if (b[0] <= prevLe || b[1] < prev) {
                    throw new IllegalArgumentException(series + ": buckets not increasing and cumulative");
                }
                prevLe = b[0];
                prev = b[1];
            }
            if (prevLe != Double.POSITIVE_INFINITY) {
                throw new IllegalArgumentException(series + ": no le=\"+Inf\" bucket");
            }
            Double c = counts.get(series);
            if (c != null && c != prev) {
                throw new IllegalArgumentException(series + ": _count " + c + " but +Inf bucket " + prev);
            }
        });
    }

    private static double number(String s, String where) {
        switch (s) {
            case "+Inf":
                return Double.POSITIVE_INFINITY;
            case "-Inf":
                return Double.NEGATIVE_INFINITY;
            case "NaN":
                return Double.NaN;
            default:
                try {
                    return Double.parseDouble(s);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(where + "not a number: " + s);
                }
        }
    }
}
