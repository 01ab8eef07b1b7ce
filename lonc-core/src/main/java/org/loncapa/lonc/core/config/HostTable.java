package org.loncapa.lonc.core.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.loncapa.lonc.core.RemoteHost;

/**
 * LON-CAPA's cluster host table, {@code <lonTabDir>/hosts.tab}: which lonIDs exist and which
 * DNS name (and, in old tables, which IP) each one has.
 *
 * <h2>File format</h2>
 * One host per line, fields separated by {@code :}, whitespace around each field ignored.
 * Two layouts are accepted, told apart by field 5:
 * <ul>
 *   <li><b>1.x</b>: {@code id:domain:role:name:ip[:maxcon:idleto:mincon]}, field 5 a dotted IPv4
 *       address. As lond did in 2003, anything that is not a digit or {@code .} at the end of the
 *       IP field is dropped. The extra fields and anything after them are ignored.</li>
 *   <li><b>2.x</b>: {@code id:domain:role:hostname[:protocol[:intdom]]}, field 5 {@code http},
 *       {@code https} (in any case), blank or absent (meaning {@code http}); the IP comes from DNS.
 *       A blank intdom counts as absent; fields after intdom are ignored.</li>
 * </ul>
 * Any other field 5 is an error. Lines whose first non-blank character is {@code #} are comments;
 * blank lines and CRLF line ends are fine. Errors ({@link ConfigException}) name the file and
 * line: fewer than four fields, an empty id, domain, role or hostname, a lonID with characters
 * other than letters, digits, {@code _} and {@code -}, and a hostname that is not a DNS name. See
 * {@link HostEntry} for the rules on each field.
 *
 * <p>A lonID defined twice does not stop lonc (one repeated line must not take the cluster's
 * connections down): a line identical to an earlier one is ignored, and a line that defines the
 * lonID differently replaces the earlier definition, as in Perl, where the later line overwrote
 * the hash entry. Either way {@link #warnings()} names both lines.
 *
 * <h2>Lookups</h2>
 * lonIDs are case-sensitive; hostnames are compared case-insensitively, as DNS does. Several
 * lonIDs may share one hostname (one machine serving several domains); modern lonc keeps one
 * UNIX socket and one connection pool per hostname, see {@link #lonIdsOf(String)}.
 *
 * <p>Immutable and thread-safe; a reload builds a new table and {@link #diff(HostTable)} says
 * what changed. No method returns null; arguments must not be null.
 */
public final class HostTable {

    private final List<HostEntry> entries;
    private final Map<String, HostEntry> byLonId;
    /** Keyed by {@link HostEntry#hostKey(String)}; lonIDs in file order. */
    private final Map<String, List<String>> lonIdsByHost;
    /** First spelling of each hostname, in file order. */
    private final Set<String> hostnames;
    private final List<String> warnings;

    private HostTable(List<HostEntry> entries, List<String> warnings) {
        this.entries = List.copyOf(entries);
        this.warnings = List.copyOf(warnings);
        Map<String, HostEntry> ids = new LinkedHashMap<>();
        Map<String, List<String>> byHost = new HashMap<>();
        Set<String> names = new LinkedHashSet<>();
        for (HostEntry e : this.entries) {
            HostEntry earlier = ids.putIfAbsent(e.lonId(), e);
            if (earlier != null) {
                throw new IllegalArgumentException("duplicate lonID " + e.lonId());
            }
            List<String> shared = byHost.computeIfAbsent(HostEntry.hostKey(e.hostname()),
                    k -> new ArrayList<>());
            if (shared.isEmpty()) {
                names.add(e.hostname());
            }
            shared.add(e.lonId());
        }
        byHost.replaceAll((k, v) -> List.copyOf(v));
        this.byLonId = Collections.unmodifiableMap(ids);
        this.lonIdsByHost = Collections.unmodifiableMap(byHost);
        this.hostnames = Collections.unmodifiableSet(names);
    }

    /**
     * Reads a {@code hosts.tab} in either layout (see the class description).
     *
     * @throws ConfigException if the file cannot be read or a line is malformed; the message
     *                         names the file and line
     */
    public static HostTable parse(Path file) throws ConfigException {
        Objects.requireNonNull(file, "file");
        List<String> lines = ConfigFiles.readLines(file);
        // by lonID in file order; a redefinition takes the place of the line it replaces
        Map<String, HostEntry> seen = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            int lineNo = i + 1;
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            HostEntry e = parseLine(line, file, lineNo);
            HostEntry earlier = seen.get(e.lonId());
            if (earlier == null) {
                seen.put(e.lonId(), e);
            } else if (earlier.sameAs(e)) {
                warnings.add(file + ":" + lineNo + ": lonID " + e.lonId() + " repeats line "
                        + earlier.line() + "; the repeated line is ignored");
            } else {
                warnings.add(file + ":" + lineNo + ": lonID " + e.lonId() + " redefines line "
                        + earlier.line() + "; line " + lineNo + " is used, as Perl uses the last"
                        + " definition");
                seen.put(e.lonId(), e);
            }
        }
        return new HostTable(new ArrayList<>(seen.values()), warnings);
    }

    private static HostEntry parseLine(String line, Path file, int lineNo) throws ConfigException {
        String[] f = line.split(":", -1);
        for (int i = 0; i < f.length; i++) {
            f[i] = f[i].strip();
        }
        if (f.length < 4) {
            throw new ConfigException(file, lineNo, "expected id:domain:role:hostname[:protocol"
                    + "[:intdom]] (2.x) or id:domain:role:name:ip (1.x), got " + f.length
                    + (f.length == 1 ? " field" : " fields"));
        }
        String field5 = f.length > 4 ? f[4] : "";
        String protocol = field5.toLowerCase(Locale.ROOT);
        Optional<String> ip = Optional.empty();
        Optional<String> intdom = Optional.empty();
        if (protocol.isEmpty() || protocol.equals("http") || protocol.equals("https")) {
            if (protocol.isEmpty()) {
                protocol = HostEntry.DEFAULT_PROTOCOL;
            }
            if (f.length > 5 && !f[5].isEmpty()) {
                intdom = Optional.of(f[5]);
            }
        } else {
            String address = dropTrailingJunk(field5);
            if (!HostEntry.isIpv4(address)) {
                throw new ConfigException(file, lineNo, "field 5 '" + field5
                        + "' is neither an IPv4 address (1.x layout) nor http or https (2.x layout)");
            }
            ip = Optional.of(address);
            protocol = HostEntry.DEFAULT_PROTOCOL;
        }
        try {
            return new HostEntry(f[0], f[1], f[2], f[3], ip, protocol, intdom, lineNo);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(file, lineNo, e.getMessage(), e);
        }
    }

    /** lond 2003: whatever is not a digit or '.' at the end of the IP field is dropped. */
    private static String dropTrailingJunk(String ip) {
        int end = ip.length();
        while (end > 0) {
            char c = ip.charAt(end - 1);
            if ((c >= '0' && c <= '9') || c == '.') {
                break;
            }
            end--;
        }
        return ip.substring(0, end);
    }

    /**
     * A table made in code, for tests and embedded use.
     *
     * @param entries in the order {@link #entries()} should return them
     * @throws IllegalArgumentException if two entries have the same lonID
     */
    public static HostTable of(List<HostEntry> entries) {
        return new HostTable(entries, List.of());
    }

    /**
     * What {@link #parse} accepted but the operator should fix: each lonID defined on more than
     * one line, naming both lines (file:line: prefix). Empty for a clean file. Unmodifiable.
     */
    public List<String> warnings() {
        return warnings;
    }

    /** The entry for {@code lonId} (case-sensitive), or empty. */
    public Optional<HostEntry> byLonId(String lonId) {
        return Optional.ofNullable(byLonId.get(Objects.requireNonNull(lonId, "lonId")));
    }

    /** All entries in file order. Unmodifiable. */
    public List<HostEntry> entries() {
        return entries;
    }

    /**
     * The lonIDs whose hostname is {@code hostname} (compared case-insensitively), in file order;
     * empty if none. Unmodifiable.
     */
    public List<String> lonIdsOf(String hostname) {
        return lonIdsByHost.getOrDefault(
                HostEntry.hostKey(Objects.requireNonNull(hostname, "hostname")), List.of());
    }

    /**
     * The engine's view of the table: one {@link RemoteHost} per DNS name (modern lonc keeps one
     * pool and one socket per machine), carrying all the lonIDs that live there in table order; the
     * address is the 1.x IP field when present, else the DNS name (resolved for every connection).
     * The machine that serves {@code myLonId} is marked as this host (local key mode).
     *
     * @param myLonId this node's lonHostID; if it is not in the table no host is local
     * @param londPort lond's port
     * @param portOverrides lond ports by DNS name for test rigs with several londs on one machine
     */
    public List<RemoteHost> remoteHosts(String myLonId, int londPort, Map<String, Integer> portOverrides) {
        String myHost = byLonId(myLonId).map(e -> e.hostname().toLowerCase(Locale.ROOT)).orElse(null);
        List<RemoteHost> out = new ArrayList<>();
        for (String hostname : hostnames()) {
            List<String> ids = lonIdsOf(hostname);
            HostEntry first = byLonId(ids.get(0)).orElseThrow();
            out.add(new RemoteHost(hostname, ids, first.ip().orElse(hostname),
                    portOverrides.getOrDefault(hostname, londPort),
                    hostname.toLowerCase(Locale.ROOT).equals(myHost)));
        }
        return out;
    }

    /**
     * The distinct hostnames, in file order. Names that differ only in case count once, spelled
     * as on their first line. Unmodifiable.
     */
    public Set<String> hostnames() {
        return hostnames;
    }

    /** The number of entries (lonIDs). */
    public int size() {
        return entries.size();
    }

    /**
     * What changed from this table to {@code newer}, by lonID, for a reload on HUP. An entry
     * counts as changed when any field but the line number differs (hostnames compared
     * case-insensitively).
     */
    public Diff diff(HostTable newer) {
        Objects.requireNonNull(newer, "newer");
        Set<String> added = new LinkedHashSet<>();
        Set<String> changed = new LinkedHashSet<>();
        for (HostEntry e : newer.entries) {
            HostEntry old = byLonId.get(e.lonId());
            if (old == null) {
                added.add(e.lonId());
            } else if (!old.sameAs(e)) {
                changed.add(e.lonId());
            }
        }
        Set<String> removed = new LinkedHashSet<>();
        for (HostEntry e : entries) {
            if (!newer.byLonId.containsKey(e.lonId())) {
                removed.add(e.lonId());
            }
        }
        return new Diff(added, removed, changed);
    }

    /**
     * The lonIDs that a new host table adds, removes and changes, compared with an old one.
     * {@code added} and {@code changed} are in the new table's order, {@code removed} in the old
     * one's. Immutable.
     */
    public record Diff(Set<String> added, Set<String> removed, Set<String> changed) {

        /** Copies the collections, keeping their iteration order. */
        public Diff {
            added = ordered(added);
            removed = ordered(removed);
            changed = ordered(changed);
        }

        private static Set<String> ordered(Set<String> s) {
            return Collections.unmodifiableSet(new LinkedHashSet<>(s));
        }

        /** Whether the two tables hold the same hosts. */
        public boolean isEmpty() {
            return added.isEmpty() && removed.isEmpty() && changed.isEmpty();
        }
    }

    @Override
    public String toString() {
        return "HostTable" + byLonId.keySet();
    }
}
