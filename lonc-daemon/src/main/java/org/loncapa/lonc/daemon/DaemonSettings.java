package org.loncapa.lonc.daemon;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.loncapa.lonc.core.config.ConfigException;
import org.loncapa.lonc.core.config.ConfigFiles;

/**
 * The values of every {@link Setting}: defaults, overridden by a properties-style file
 * ({@code --settings}) and then by {@code --set name=value} options. Values are checked when they
 * are read, so a bad one is reported with its file and line before anything starts.
 *
 * <p>File format: {@code name = value} per line ({@code :} works too), {@code #} or {@code !} start
 * a comment line, blank lines are ignored, names are case-sensitive and must be known.
 *
 * <p>Immutable and thread-safe.
 */
public final class DaemonSettings {
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?");
    private static final Pattern BYTES = Pattern.compile("(\\d+)\\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?");
    private static final Pattern MODE = Pattern.compile("0?[0-7]{3}");

    private final Map<Setting, Object> values;

    private DaemonSettings(Map<Setting, Object> values) {
        this.values = Collections.unmodifiableMap(new EnumMap<>(values));
    }

    /** Every setting at its default. */
    public static DaemonSettings defaults() {
        Map<Setting, Object> m = new EnumMap<>(Setting.class);
        for (Setting s : Setting.values()) {
            try {
                m.put(s, parse(s, s.defaultValue()));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("bad default of " + s.key(), e);
            }
        }
        return new DaemonSettings(m);
    }

    /**
     * These settings overridden by the lines of {@code file}.
     *
     * @throws ConfigException naming the file and line of an unreadable file, a malformed line, an
     *                         unknown setting or a bad value
     */
    public DaemonSettings withFile(Path file) throws ConfigException {
        List<String> lines = ConfigFiles.readLines(file);
        Map<Setting, Object> m = new EnumMap<>(values);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith("!")) {
                continue;
            }
            int eq = firstSeparator(line);
            if (eq <= 0) {
                throw new ConfigException(file, i + 1, "expected name = value, got '" + line + "'");
            }
            put(m, line.substring(0, eq).strip(), line.substring(eq + 1).strip(), file, i + 1);
        }
        return new DaemonSettings(m);
    }

    /**
     * These settings with {@code --set name=value} overrides applied in order.
     *
     * @throws ConfigException for a malformed pair, an unknown name or a bad value
     */
    public DaemonSettings withOverrides(List<String> pairs) throws ConfigException {
        Map<Setting, Object> m = new EnumMap<>(values);
        for (String p : pairs) {
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException(null, 0, "--set expects name=value, got '" + p + "'");
            }
            put(m, p.substring(0, eq).strip(), p.substring(eq + 1).strip(), null, 0);
        }
        return new DaemonSettings(m);
    }

    /** This with one value replaced (programmatic use: tests, the demo). */
    public DaemonSettings with(Setting s, String value) {
        Map<Setting, Object> m = new EnumMap<>(values);
        m.put(s, parse(s, value));
        return new DaemonSettings(m);
    }

    private static int firstSeparator(String line) {
        int eq = line.indexOf('=');
        int colon = line.indexOf(':');
        if (eq < 0) {
            return colon;
        }
        return colon < 0 ? eq : Math.min(eq, colon);
    }

    private static void put(Map<Setting, Object> m, String key, String value, Path file, int line)
            throws ConfigException {
        Setting s = Setting.byKey(key);
        String where = file == null ? "--set " : "";
        if (s == null) {
            throw new ConfigException(file, line, where + "unknown setting '" + key + "' (known: "
                    + Arrays.stream(Setting.values()).map(Setting::key).collect(Collectors.joining(", "))
                    + ")");
        }
        try {
            m.put(s, parse(s, value));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(file, line, where + key + ": " + e.getMessage());
        }
    }

    static Object parse(Setting s, String raw) {
        String v = raw.strip();
        switch (s.kind()) {
            case COUNT:
                try {
                    int n = Integer.parseInt(v);
                    if (n < 1) {
                        throw new IllegalArgumentException("must be at least 1, got " + v);
                    }
                    return n;
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("expected a whole number, got '" + v + "'");
                }
            case PORT:
                try {
                    int n = Integer.parseInt(v);
                    if (n < 0 || n > 65535) {
                        throw new IllegalArgumentException("must be a TCP port, 1 to 65535 (0 = off), got " + v);
                    }
                    return n;
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("expected a TCP port number (0 = off), got '" + v + "'");
                }
            case DURATION:
            case DURATION_OR_OFF: {
                Duration d = duration(v);
                if (s.kind() == Setting.Kind.DURATION && d.isZero()) {
                    throw new IllegalArgumentException("must be more than 0");
                }
                return d;
            }
            case BYTES:
                return bytes(v);
            case FLAG:
                switch (v.toLowerCase(Locale.ROOT)) {
                    case "true": case "yes": case "on": case "1":
                        return Boolean.TRUE;
                    case "false": case "no": case "off": case "0":
                        return Boolean.FALSE;
                    default:
                        throw new IllegalArgumentException("expected true or false, got '" + v + "'");
                }
            case MODE:
                if (!MODE.matcher(v).matches()) {
                    throw new IllegalArgumentException("expected an octal mode like 0660, got '" + v + "'");
                }
                return Integer.parseInt(v, 8);
            case LIST: {
                List<String> l = new ArrayList<>();
                for (String w : v.split(",")) {
                    if (!w.isBlank()) {
                        l.add(w.strip());
                    }
                }
                return List.copyOf(l);
            }
            case PATH:
                if (!v.isEmpty() && !Path.of(v).isAbsolute()) {
                    throw new IllegalArgumentException("must be an absolute path, got '" + v + "'");
                }
                return v;
            case CHOICE:
                for (String c : s.choices()) {
                    if (c.equals(v.toLowerCase(Locale.ROOT))) {
                        return c;
                    }
                }
                throw new IllegalArgumentException("expected one of " + s.unit() + ", got '" + v + "'");
            case TEXT:
            default:
                if (v.indexOf('/') >= 0) {
                    throw new IllegalArgumentException("must be a plain name, got '" + v + "'");
                }
                return v;
        }
    }

    private static Duration duration(String v) {
        Matcher m = DURATION.matcher(v.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("expected a duration like 30s, 500ms, 5m or 2h, got '" + v + "'");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        switch (unit) {
            case "ms":
                return Duration.ofMillis(n);
            case "m":
                return Duration.ofMinutes(n);
            case "h":
                return Duration.ofHours(n);
            case "d":
                return Duration.ofDays(n);
            default:
                return Duration.ofSeconds(n);
        }
    }

    private static Long bytes(String v) {
        Matcher m = BYTES.matcher(v.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("expected a size like 1048576, 64KiB or 1MiB, got '" + v + "'");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2);
        long mult = unit.startsWith("k") ? 1L << 10 : unit.startsWith("m") ? 1L << 20
                : unit.startsWith("g") ? 1L << 30 : 1;
        long r = n * mult;
        if (r < 1 || r > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("must be between 1 byte and 2 GiB, got '" + v + "'");
        }
        return r;
    }

    // ------------------------------------------------------------------ typed access

    /** The value as parsed (Integer, Duration, Long, Boolean, String or List). */
    public Object value(Setting s) {
        return values.get(s);
    }

    /** A PORT setting: 0 means off. */
    public int port(Setting s) {
        return (Integer) values.get(s);
    }

    public int count(Setting s) {
        return (Integer) values.get(s);
    }

    public Duration duration(Setting s) {
        return (Duration) values.get(s);
    }

    public int bytes(Setting s) {
        return (int) (long) (Long) values.get(s);
    }

    public boolean flag(Setting s) {
        return (Boolean) values.get(s);
    }

    public int mode(Setting s) {
        return (Integer) values.get(s);
    }

    public String text(Setting s) {
        return (String) values.get(s);
    }

    @SuppressWarnings("unchecked")
    public List<String> list(Setting s) {
        return (List<String>) values.get(s);
    }

    /** The socket naming scheme. */
    public SocketNaming socketNaming() {
        return SocketNaming.valueOf(text(Setting.SOCKET_NAMING).toUpperCase(Locale.ROOT));
    }

    /** The allowed users, the defaults filled in. */
    public Set<String> allowedUsers() {
        List<String> l = list(Setting.ALLOWED_USERS);
        if (l.isEmpty()) {
            return Set.copyOf(List.of(System.getProperty("user.name"), "root"));
        }
        return Set.copyOf(l);
    }

    /** Every value as text, for the startup log line. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("DaemonSettings{");
        for (Setting s : Setting.values()) {
            if (b.length() > 15) {
                b.append(", ");
            }
            Object v = values.get(s);
            b.append(s.key()).append('=')
                    .append(s.kind() == Setting.Kind.MODE ? String.format("0%o", (Integer) v) : v);
        }
        return b.append('}').toString();
    }

    /** How host sockets are named. */
    public enum SocketNaming {
        /** One socket per remote DNS name (modern lonnet). */
        HOSTNAME,
        /** One socket per lonID (LON-CAPA 1.x lonnet). */
        LONID
    }
}
