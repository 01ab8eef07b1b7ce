package org.loncapa.lonc.core.config;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One line of {@code hosts.tab}: a LON-CAPA node as lonc sees it.
 *
 * @param lonId    the lonID (field 1), e.g. {@code msul1}: letters, digits, {@code _} and {@code -}.
 *                 Case-sensitive. In the 1.x design it also names the lonc socket.
 * @param domain   the LON-CAPA domain (field 2), e.g. {@code msu}; one non-empty word
 * @param role     {@code library} or {@code access} as a rule; any non-empty word is accepted
 * @param hostname the DNS name lonc connects to (field 4); letters, digits, {@code .}, {@code _}
 *                 and {@code -}, not starting with {@code .} or {@code -} (it names a socket file,
 *                 so nothing like {@code ../}). Compared case-insensitively by {@link HostTable}.
 *                 Several lonIDs may share one hostname.
 * @param ip       the IPv4 address from a 1.x table (field 5); empty for the 2.x layout, where the
 *                 address comes from DNS
 * @param protocol {@code http} or {@code https} (2.x field 5, default {@code http}; always
 *                 {@code http} for 1.x lines)
 * @param intdom   the internet domain (2.x field 6); empty when absent or blank, and for 1.x
 * @param line     the 1-based line in {@code hosts.tab}, or 0 for an entry made in code. Not part
 *                 of what {@link HostTable#diff(HostTable)} compares.
 *
 * <p>Immutable; all components non-null. The constructor throws {@link IllegalArgumentException}
 * for a value that breaks the rules above (and {@link NullPointerException} for a null).
 */
public record HostEntry(String lonId, String domain, String role, String hostname,
        Optional<String> ip, String protocol, Optional<String> intdom, int line) {

    /** What a lonID may contain. */
    static final Pattern LON_ID = Pattern.compile("[A-Za-z0-9_-]+");
    private static final Pattern HOSTNAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]*");
    private static final Pattern IPV4 =
            Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

    /** The protocol of 1.x lines and of 2.x lines without one. */
    public static final String DEFAULT_PROTOCOL = "http";

    /** Validates every component; see the class description. */
    public HostEntry {
        Objects.requireNonNull(lonId, "lonId");
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(ip, "ip");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(intdom, "intdom");
        if (lonId.isEmpty()) {
            throw new IllegalArgumentException("empty lonID");
        }
        if (!LON_ID.matcher(lonId).matches()) {
            throw new IllegalArgumentException(
                    "lonID '" + lonId + "' may only contain letters, digits, '_' and '-'");
        }
        requireWord("domain", domain);
        requireWord("role", role);
        if (hostname.isEmpty()) {
            throw new IllegalArgumentException("empty hostname");
        }
        if (!HOSTNAME.matcher(hostname).matches()) {
            throw new IllegalArgumentException("hostname '" + hostname + "' is not a DNS name");
        }
        if (ip.isPresent() && !isIpv4(ip.get())) {
            throw new IllegalArgumentException("'" + ip.get() + "' is not an IPv4 address");
        }
        if (!protocol.equals("http") && !protocol.equals("https")) {
            throw new IllegalArgumentException(
                    "protocol '" + protocol + "' is neither http nor https");
        }
        if (intdom.isPresent()) {
            requireWord("intdom", intdom.get());
        }
        if (line < 0) {
            throw new IllegalArgumentException("line must be >= 0, got " + line);
        }
    }

    /** A 2.x-style entry made in code: no IP, no intdom, line 0. */
    public static HostEntry of(String lonId, String domain, String role, String hostname,
            String protocol) {
        return new HostEntry(lonId, domain, role, hostname, Optional.empty(), protocol,
                Optional.empty(), 0);
    }

    /** Equal in everything but {@link #line()}, with hostnames compared case-insensitively. */
    boolean sameAs(HostEntry o) {
        return lonId.equals(o.lonId) && domain.equals(o.domain) && role.equals(o.role)
                && hostKey(hostname).equals(hostKey(o.hostname)) && ip.equals(o.ip)
                && protocol.equals(o.protocol) && intdom.equals(o.intdom);
    }

    /** The form in which hostnames are compared (DNS names are case-insensitive). */
    static String hostKey(String hostname) {
        return hostname.toLowerCase(Locale.ROOT);
    }

    static boolean isIpv4(String s) {
        var m = IPV4.matcher(s);
        if (!m.matches()) {
            return false;
        }
        for (int i = 1; i <= 4; i++) {
            if (Integer.parseInt(m.group(i)) > 255) {
                return false;
            }
        }
        return true;
    }

    private static void requireWord(String what, String value) {
        if (value.isEmpty()) {
            throw new IllegalArgumentException("empty " + what);
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isWhitespace(value.charAt(i))) {
                throw new IllegalArgumentException(what + " '" + value + "' contains whitespace");
            }
        }
    }
}
