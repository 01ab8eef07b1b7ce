package org.loncapa.lonc.testkit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a {@link FakeLond}'s built-in lonnet commands stored, in memory, shared by all its
 * connections and lonIDs (they are one machine): the user data that {@code put}, {@code inc} and
 * {@code del} change and {@code get} reads, and the lines {@code log} appended. Keys and values are
 * kept as lonnet sent them (URL-escaped by lonnet; FakeLond does not unescape them).
 *
 * <pre>
 * put:&lt;udom&gt;:&lt;uname&gt;:&lt;namespace&gt;:k1=v1&amp;k2=v2   → ok
 * inc:&lt;udom&gt;:&lt;uname&gt;:&lt;namespace&gt;:k1=3&amp;k2        → ok       (k2 by 1; a missing key counts from 0)
 * del:&lt;udom&gt;:&lt;uname&gt;:&lt;namespace&gt;:k1&amp;k2           → ok
 * get:&lt;udom&gt;:&lt;uname&gt;:&lt;namespace&gt;:k1&amp;k2           → v1&amp;v2    (empty for a missing key)
 * log:&lt;udom&gt;:&lt;uname&gt;:&lt;what&gt;                   → ok
 * </pre>
 *
 * A request with too few fields is answered {@code error: malformed <command>}, and {@code inc} of
 * a value that is not a whole number {@code error: not a number}. Thread-safe.
 */
public final class LondStore {
    private final Map<String, Map<String, String>> data = new HashMap<>(); // guarded by this
    private final Map<String, List<String>> logs = new HashMap<>(); // guarded by this

    LondStore() {}

    /** The commands answered from the store. */
    static boolean handles(String commandName) {
        return switch (commandName) {
            case "put", "inc", "del", "get", "log" -> true;
            default -> false;
        };
    }

    /** The reply to a built-in command (see {@link #handles}). */
    synchronized String apply(String command) {
        String[] f = command.split(":", 5);
        String name = f[0];
        if (name.equals("log")) {
            if (f.length < 4) {
                return "error: malformed log";
            }
            String what = command.substring(f[0].length() + f[1].length() + f[2].length() + 3);
            logs.computeIfAbsent(user(f[1], f[2]), k -> new ArrayList<>()).add(what);
            return "ok";
        }
        if (f.length < 5) {
            return "error: malformed " + name;
        }
        Map<String, String> ns = data.computeIfAbsent(user(f[1], f[2]) + ":" + f[3], k -> new LinkedHashMap<>());
        String[] items = f[4].split("&");
        switch (name) {
            case "put" -> {
                for (String item : items) {
                    int eq = item.indexOf('=');
                    ns.put(eq < 0 ? item : item.substring(0, eq), eq < 0 ? "" : item.substring(eq + 1));
                }
                return "ok";
            }
            case "inc" -> {
                Map<String, Long> sums = new LinkedHashMap<>();
                for (String item : items) {
                    int eq = item.indexOf('=');
                    String key = eq < 0 ? item : item.substring(0, eq);
                    try {
                        long by = eq < 0 ? 1 : Long.parseLong(item.substring(eq + 1));
                        long was = sums.containsKey(key) ? sums.get(key) : Long.parseLong(ns.getOrDefault(key, "0"));
                        sums.put(key, was + by);
                    } catch (NumberFormatException e) {
                        return "error: not a number";
                    }
                }
                sums.forEach((k, v) -> ns.put(k, Long.toString(v)));
                return "ok";
            }
            case "del" -> {
                for (String item : items) {
                    ns.remove(item);
                }
                return "ok";
            }
            default -> { // get
                StringBuilder b = new StringBuilder();
                for (int i = 0; i < items.length; i++) {
                    b.append(i == 0 ? "" : "&").append(ns.getOrDefault(items[i], ""));
                }
                return b.toString();
            }
        }
    }

    private static String user(String udom, String uname) {
        return udom + ":" + uname;
    }

    /** The keys and values of one user's namespace, in the order first put; empty if none. */
    public synchronized Map<String, String> namespace(String udom, String uname, String namespace) {
        Map<String, String> ns = data.get(user(udom, uname) + ":" + namespace);
        return ns == null ? Map.of() : Map.copyOf(new LinkedHashMap<>(ns));
    }

    /** One value, or null. */
    public synchronized String get(String udom, String uname, String namespace, String key) {
        Map<String, String> ns = data.get(user(udom, uname) + ":" + namespace);
        return ns == null ? null : ns.get(key);
    }

    /** What {@code log} appended for one user, oldest first. */
    public synchronized List<String> log(String udom, String uname) {
        return List.copyOf(logs.getOrDefault(user(udom, uname), List.of()));
    }

    /** Forgets everything. */
    public synchronized void clear() {
        data.clear();
        logs.clear();
    }
}
