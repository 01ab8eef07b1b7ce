package org.loncapa.lonc.core.config;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The {@code PerlSetVar} variables of LON-CAPA's {@code loncapa.conf}, the Apache configuration
 * file that LON-CAPA's Perl code reads with {@code LONCAPA::Configuration::read_conf}.
 *
 * <h2>What is read</h2>
 * <ul>
 *   <li>A variable is a line {@code PerlSetVar <name> <value>}: whitespace-separated words, the
 *       keyword in any case, the name as written (names are case-sensitive, like the keys of
 *       Perl's {@code %perlvar}).</li>
 *   <li>The value is the third word. A value that starts with a double quote runs to the next
 *       double quote and may contain spaces ({@code PerlSetVar x "a b"} gives {@code a b};
 *       {@code ""} gives the empty string). There are no escapes inside quotes; single quotes are
 *       ordinary characters. (Perl's {@code read_conf} would keep the quotes; Apache and mod_perl
 *       strip them, as here.)</li>
 *   <li>After the value, a {@code #} that follows whitespace starts a comment:
 *       {@code PerlSetVar londPort 5663 # lond} gives {@code 5663}, but
 *       {@code PerlSetVar x a#b} gives {@code a#b}. Any other word after the value is an error,
 *       because Apache refuses such a line too and because it usually is an unquoted value
 *       with a space in it.</li>
 *   <li>Lines whose first non-blank character is {@code #} are comments; blank lines, LF or CRLF
 *       line ends and a UTF-8 byte order mark are fine. Every other Apache directive, including
 *       {@code <IfModule ...>} and {@code </IfModule>}, is ignored; a {@code PerlSetVar} inside
 *       such a block still counts. Backslash line continuation is not supported.</li>
 *   <li>When a name is set twice, the last setting wins, also across files:
 *       {@link #parse(Path...)} reads its files in order, as LON-CAPA reads
 *       {@code loncapa.conf} and then {@code loncapa_apache.conf}.</li>
 * </ul>
 *
 * <p>Each value remembers the file and line it came from, so that a bad value (for example a
 * port that is not a number) can be reported where it was set.
 *
 * <p>Immutable and thread-safe. No method returns null; arguments must not be null.
 */
public final class PerlVars {

    private static final String KEYWORD = "PerlSetVar";

    /** A value and where it was set; {@code file} is null and {@code line} 0 for in-code values. */
    record Setting(String value, Path file, int line) {
    }

    private final Map<String, Setting> settings;
    private final List<Path> files;

    private PerlVars(Map<String, Setting> settings, List<Path> files) {
        this.settings = Collections.unmodifiableMap(settings);
        this.files = List.copyOf(files);
    }

    /**
     * Reads the given configuration files in order; a variable set in a later file overrides the
     * same variable from an earlier one.
     *
     * @param files at least one file, none null
     * @throws ConfigException if a file cannot be read ({@code "cannot read <file>: No such file"}),
     *                         is not UTF-8, or has a malformed {@code PerlSetVar} line; the message
     *                         names the file and line
     * @throws IllegalArgumentException if no file is given
     */
    public static PerlVars parse(Path... files) throws ConfigException {
        if (files.length == 0) {
            throw new IllegalArgumentException("at least one configuration file is needed");
        }
        Map<String, Setting> settings = new LinkedHashMap<>();
        for (Path file : files) {
            Objects.requireNonNull(file, "file");
            List<String> lines = ConfigFiles.readLines(file);
            for (int i = 0; i < lines.size(); i++) {
                parseLine(lines.get(i), file, i + 1, settings);
            }
        }
        return new PerlVars(settings, Arrays.asList(files));
    }

    /**
     * Variables given in code, for tests and embedded use. Errors about them carry no file.
     *
     * @param vars names to values; no null keys or values
     */
    public static PerlVars of(Map<String, String> vars) {
        Map<String, Setting> settings = new LinkedHashMap<>();
        vars.forEach((name, value) -> settings.put(
                Objects.requireNonNull(name, "name"),
                new Setting(Objects.requireNonNull(value, "value of " + name), null, 0)));
        return new PerlVars(settings, List.of());
    }

    private static void parseLine(String line, Path file, int lineNo, Map<String, Setting> out)
            throws ConfigException {
        Cursor c = new Cursor(line);
        String keyword = c.word();
        if (keyword == null || !keyword.equalsIgnoreCase(KEYWORD)) {
            return;
        }
        String name = c.word();
        if (name == null || name.startsWith("#")) {
            throw new ConfigException(file, lineNo, "PerlSetVar needs a name and a value");
        }
        String value;
        c.skipBlanks();
        if (c.atEnd() || c.peek() == '#') {
            throw new ConfigException(file, lineNo, "PerlSetVar needs a name and a value");
        } else if (c.peek() == '"') {
            int close = line.indexOf('"', c.pos + 1);
            if (close < 0) {
                throw new ConfigException(file, lineNo,
                        "PerlSetVar " + name + ": quoted value has no closing quote");
            }
            value = line.substring(c.pos + 1, close);
            c.pos = close + 1;
            if (!c.atEnd() && !Character.isWhitespace(c.peek())) {
                throw new ConfigException(file, lineNo,
                        "PerlSetVar " + name + ": text right after the closing quote");
            }
        } else {
            value = c.word();
        }
        c.skipBlanks();
        if (!c.atEnd() && c.peek() != '#') {
            throw new ConfigException(file, lineNo, "PerlSetVar " + name
                    + ": unexpected text after the value: '" + line.substring(c.pos).strip()
                    + "' (quote a value that contains spaces)");
        }
        out.put(name, new Setting(value, file, lineNo));
    }

    /** Splits a line into whitespace-separated words. Single use, one thread. */
    private static final class Cursor {
        private final String s;
        private int pos;

        Cursor(String s) {
            this.s = s;
        }

        boolean atEnd() {
            return pos >= s.length();
        }

        char peek() {
            return s.charAt(pos);
        }

        void skipBlanks() {
            while (!atEnd() && Character.isWhitespace(peek())) {
                pos++;
            }
        }

        /** The next word, or null at the end of the line. */
        String word() {
            skipBlanks();
            if (atEnd()) {
                return null;
            }
            int start = pos;
            while (!atEnd() && !Character.isWhitespace(peek())) {
                pos++;
            }
            return s.substring(start, pos);
        }
    }

    /** The value of {@code name}, or empty if it is not set. */
    public Optional<String> get(String name) {
        Setting s = settings.get(Objects.requireNonNull(name, "name"));
        return s == null ? Optional.empty() : Optional.of(s.value());
    }

    /**
     * The value of {@code name}, or {@code defaultValue} if it is not set.
     *
     * @param defaultValue may be null, in which case null is returned for an unset name
     */
    public String get(String name, String defaultValue) {
        return get(name).orElse(defaultValue);
    }

    /**
     * The value of {@code name}.
     *
     * @throws ConfigException if it is not set; the message names the file(s) that were read, e.g.
     *                         {@code "/etc/httpd/conf/loncapa.conf: PerlSetVar lonHostID is not set"}
     */
    public String require(String name) throws ConfigException {
        Optional<String> value = get(name);
        if (value.isPresent()) {
            return value.get();
        }
        String what = "PerlSetVar " + name + " is not set";
        if (files.size() == 1) {
            throw new ConfigException(files.get(0), 0, what);
        }
        if (files.isEmpty()) {
            throw new ConfigException(null, 0, what + " (in-code configuration)");
        }
        throw new ConfigException(null, 0, what + " in any of "
                + files.stream().map(Path::toString).collect(Collectors.joining(", ")));
    }

    /**
     * {@code name} read as a boolean with Perl's truthiness, extended by the words operators
     * write: the empty string, {@code 0}, and (in any case) {@code no}, {@code false} and
     * {@code off} are false; every other value is true (so {@code 1}, {@code yes}, {@code on},
     * but also {@code 00} and {@code 0.0}, as in Perl). The value is taken exactly, not trimmed.
     *
     * @return {@code defaultValue} if the name is not set
     */
    public boolean flag(String name, boolean defaultValue) {
        return get(name).map(PerlVars::truthy).orElse(defaultValue);
    }

    static boolean truthy(String v) {
        if (v.isEmpty() || v.equals("0")) {
            return false;
        }
        String lower = v.toLowerCase(Locale.ROOT);
        return !(lower.equals("no") || lower.equals("false") || lower.equals("off"));
    }

    /**
     * {@code name} read as a decimal {@code int} (optional sign, no spaces).
     *
     * @return {@code defaultValue} if the name is not set
     * @throws ConfigException if the value is not an int; the message names the file and line
     *                         where it was set
     */
    public int integer(String name, int defaultValue) throws ConfigException {
        Setting s = settings.get(Objects.requireNonNull(name, "name"));
        if (s == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(s.value());
        } catch (NumberFormatException e) {
            throw error(name, "PerlSetVar " + name + " is not an integer: '" + s.value() + "'");
        }
    }

    /**
     * {@code name} (or {@code defaultValue} if it is not set) as a {@link Path}; not checked
     * for existence.
     *
     * @throws java.nio.file.InvalidPathException if the string is not a path (e.g. has a NUL)
     */
    public Path path(String name, String defaultValue) {
        return Path.of(get(name, Objects.requireNonNull(defaultValue, "defaultValue")));
    }

    /** An error about the value of a set variable, located where it was set. */
    ConfigException error(String name, String detail) {
        Setting s = settings.get(name);
        return s == null ? new ConfigException(null, 0, detail)
                : new ConfigException(s.file(), s.line(), detail);
    }

    /** All variables, names to values, in the order first set. Unmodifiable. */
    public Map<String, String> asMap() {
        Map<String, String> m = new LinkedHashMap<>();
        settings.forEach((k, v) -> m.put(k, v.value()));
        return Collections.unmodifiableMap(m);
    }

    /** The files read, in order; empty for in-code variables. */
    public List<Path> files() {
        return files;
    }

    /**
     * The files and the variable names, without values: {@code loncapa.conf} also holds secrets
     * such as {@code lonSqlAccess}, and this string ends up in logs.
     */
    @Override
    public String toString() {
        return "PerlVars" + (files.isEmpty() ? "(in-code)" : files) + settings.keySet();
    }
}
