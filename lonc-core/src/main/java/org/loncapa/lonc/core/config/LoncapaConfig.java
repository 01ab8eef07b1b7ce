package org.loncapa.lonc.core.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The settings lonc takes from LON-CAPA's {@code loncapa.conf}, typed and checked, with the
 * file locations derived from them.
 *
 * <p>Each setting is a {@code PerlSetVar} of the same name (see {@link PerlVars}); the accessors
 * are named after the variables so that they can be found with grep. Defaults are those of a
 * standard LON-CAPA install and are each kept in one {@code DEFAULT_*} constant.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>PerlSetVar</th><th>meaning</th><th>unit</th><th>default</th></tr>
 *   <tr><td>{@code lonHostID}</td><td>this node's lonID (as in {@code hosts.tab})</td>
 *       <td>lonID</td><td>none: required</td></tr>
 *   <tr><td>{@code lonSockDir}</td><td>directory of lonc's UNIX sockets; holds
 *       {@code delayed/}</td><td>absolute directory</td><td>{@value #DEFAULT_LON_SOCK_DIR}</td></tr>
 *   <tr><td>{@code londPort}</td><td>TCP port of lond on every remote host</td>
 *       <td>port, 1-65535</td><td>{@value #DEFAULT_LOND_PORT}</td></tr>
 *   <tr><td>{@code loncLondPorts}</td><td>lonc only: lond's port on particular hosts, for test rigs
 *       with several londs on one machine; see {@link #londPorts()}</td>
 *       <td>{@code hostname=port} pairs, comma-separated</td><td>none</td></tr>
 *   <tr><td>{@code lonDaemons}</td><td>daemon home; logs and pid file go to
 *       {@code logs/}</td><td>absolute directory</td><td>{@value #DEFAULT_LON_DAEMONS}</td></tr>
 *   <tr><td>{@code lonTabDir}</td><td>directory of {@code hosts.tab}</td>
 *       <td>absolute directory</td><td>{@value #DEFAULT_LON_TAB_DIR}</td></tr>
 *   <tr><td>{@code lonDocRoot}</td><td>web document root; the status file goes to
 *       {@code lon-status/}</td><td>absolute directory</td><td>{@value #DEFAULT_LON_DOC_ROOT}</td></tr>
 *   <tr><td>{@code lonIDsDir}</td><td>session and key-file directory (local key mode)</td>
 *       <td>absolute directory</td><td>{@value #DEFAULT_LON_IDS_DIR}</td></tr>
 *   <tr><td>{@code loncAllowInsecure}</td><td>whether lonc may fall back to the insecure key
 *       exchange; see {@link #loncAllowInsecure()}</td><td>flag ({@link PerlVars#flag})</td>
 *       <td>{@value #DEFAULT_LONC_ALLOW_INSECURE}</td></tr>
 *   <tr><td>{@code lonCertificateDirectory}</td><td>directory of the SSL files below</td>
 *       <td>absolute directory</td><td>{@value #DEFAULT_LON_CERTIFICATE_DIRECTORY}</td></tr>
 *   <tr><td>{@code lonnetCertificateAuthority}</td><td>cluster CA certificate</td>
 *       <td>file name in the certificate directory</td>
 *       <td>{@value #DEFAULT_LONNET_CERTIFICATE_AUTHORITY}</td></tr>
 *   <tr><td>{@code lonnetCertificate}</td><td>this host's certificate</td>
 *       <td>file name in the certificate directory</td>
 *       <td>{@value #DEFAULT_LONNET_CERTIFICATE}</td></tr>
 *   <tr><td>{@code lonnetPrivateKey}</td><td>this host's private key</td>
 *       <td>file name in the certificate directory</td>
 *       <td>{@value #DEFAULT_LONNET_PRIVATE_KEY}</td></tr>
 *   <tr><td>{@code lonVersion}</td><td>LON-CAPA version sent in {@code init}</td>
 *       <td>string</td><td>none: optional</td></tr>
 * </table>
 *
 * <p>Directories must be absolute (a daemon's working directory is no place for sockets or
 * logs). A certificate file name that is itself absolute is used as is, as with
 * {@link Path#resolve(Path)}. An empty {@code lonVersion} counts as unset.
 *
 * <p>Immutable and thread-safe; no accessor returns null. Make one with {@link #load(Path...)},
 * {@link #from(PerlVars)} or {@link #builder(String)}.
 */
public final class LoncapaConfig {

    /** The {@code PerlSetVar} name {@value}. */
    public static final String LON_HOST_ID = "lonHostID";
    /** The {@code PerlSetVar} name {@value}. */
    public static final String LON_SOCK_DIR = "lonSockDir";
    /** The {@code PerlSetVar} name {@value}. */
    public static final String LOND_PORT = "londPort";
    /** The {@code PerlSetVar} name {@value} (lonc only; see {@link #londPorts()}). */
    public static final String LONC_LOND_PORTS = "loncLondPorts";
    /** The {@code PerlSetVar} name {@value}. */
    public static final String LON_DAEMONS = "lonDaemons";
    /** The {@code PerlSetVar} name {@value}. */
    public static final String LON_TAB_DIR = "lonTabDir";
    /** The {@code PerlSetVar} name {@value}. */
    public static final String LON_DOC_ROOT = "lonDocRoot";
    /** The {@code PerlSetVar} name {@value}. */
    public static final String LON_IDS_DIR = "lonIDsDir";
    /** The {@code PerlSetVar} name {@value}. */
    public static final String LONC_ALLOW_INSECURE = "loncAllowInsecure";
    /** The {@code PerlSetVar} name {@value}. */
    public static final String LON_CERTIFICATE_DIRECTORY = "lonCertificateDirectory";
    /** The {@code PerlSetVar} name {@value}. */
    public static final String LONNET_CERTIFICATE_AUTHORITY = "lonnetCertificateAuthority";
    /** The {@code PerlSetVar} name {@value}. */
    public static final String LONNET_CERTIFICATE = "lonnetCertificate";
    /** The {@code PerlSetVar} name {@value}. */
    public static final String LONNET_PRIVATE_KEY = "lonnetPrivateKey";
    /** The {@code PerlSetVar} name {@value}. */
    public static final String LON_VERSION = "lonVersion";

    /** Default of {@code lonSockDir}. */
    public static final String DEFAULT_LON_SOCK_DIR = "/home/httpd/sockets";
    /** Default of {@code londPort}: lond's well-known port. */
    public static final int DEFAULT_LOND_PORT = 5663;
    /** Default of {@code lonDaemons}. */
    public static final String DEFAULT_LON_DAEMONS = "/home/httpd/perl";
    /** Default of {@code lonTabDir}. */
    public static final String DEFAULT_LON_TAB_DIR = "/home/httpd/lonTabs";
    /** Default of {@code lonDocRoot}. */
    public static final String DEFAULT_LON_DOC_ROOT = "/home/httpd/html";
    /** Default of {@code lonIDsDir}. */
    public static final String DEFAULT_LON_IDS_DIR = "/home/httpd/lonIDs";
    /** Default of {@code loncAllowInsecure}; see {@link #loncAllowInsecure()} for why. */
    public static final boolean DEFAULT_LONC_ALLOW_INSECURE = false;
    /** Default of {@code lonCertificateDirectory}. */
    public static final String DEFAULT_LON_CERTIFICATE_DIRECTORY = "/home/httpd/lonCerts";
    /** Default of {@code lonnetCertificateAuthority}. */
    public static final String DEFAULT_LONNET_CERTIFICATE_AUTHORITY = "loncapaCA.pem";
    /** Default of {@code lonnetCertificate}. */
    public static final String DEFAULT_LONNET_CERTIFICATE = "lonhostcert.pem";
    /** Default of {@code lonnetPrivateKey}. */
    public static final String DEFAULT_LONNET_PRIVATE_KEY = "lonhostkey.pem";

    // Names of derived locations, as the Perl daemon uses them.
    private static final String DELAYED_DIR = "delayed";
    private static final String LOG_DIR = "logs";
    private static final String PID_FILE = "lonc.pid";
    private static final String LOG_FILE = "lonc.log";
    private static final String PERM_LOG_FILE = "lonnet.perm.log";
    private static final String STATUS_DIR = "lon-status";
    private static final String STATUS_FILE = "loncstatus.txt";
    private static final String HOSTS_TAB = "hosts.tab";

    private final String lonHostID;
    private final Path lonSockDir;
    private final int londPort;
    private final Map<String, Integer> londPorts;
    private final Path lonDaemons;
    private final Path lonTabDir;
    private final Path lonDocRoot;
    private final Path lonIDsDir;
    private final boolean loncAllowInsecure;
    private final Path lonCertificateDirectory;
    private final String lonnetCertificateAuthority;
    private final String lonnetCertificate;
    private final String lonnetPrivateKey;
    private final Optional<String> lonVersion;

    private LoncapaConfig(Builder b) {
        lonHostID = b.lonHostID;
        lonSockDir = b.lonSockDir;
        londPort = b.londPort;
        londPorts = Map.copyOf(b.londPorts);
        lonDaemons = b.lonDaemons;
        lonTabDir = b.lonTabDir;
        lonDocRoot = b.lonDocRoot;
        lonIDsDir = b.lonIDsDir;
        loncAllowInsecure = b.loncAllowInsecure;
        lonCertificateDirectory = b.lonCertificateDirectory;
        lonnetCertificateAuthority = b.lonnetCertificateAuthority;
        lonnetCertificate = b.lonnetCertificate;
        lonnetPrivateKey = b.lonnetPrivateKey;
        lonVersion = b.lonVersion;
    }

    /**
     * Reads the configuration files in order (later ones override earlier ones, as with
     * {@code loncapa.conf} then {@code loncapa_apache.conf}) and checks the settings.
     *
     * @throws ConfigException if a file cannot be read or parsed, {@code lonHostID} is missing or
     *                         a setting is invalid; the message names the file and line
     */
    public static LoncapaConfig load(Path... confFiles) throws ConfigException {
        return from(PerlVars.parse(confFiles));
    }

    /**
     * The settings from already parsed variables, defaults for those not set.
     *
     * @throws ConfigException if {@code lonHostID} is missing or a setting is invalid; the message
     *                         names the file and line where the bad value was set
     */
    public static LoncapaConfig from(PerlVars vars) throws ConfigException {
        Builder b = new Builder(vars.require(LON_HOST_ID));
        check(vars, LON_HOST_ID, lonIdProblem(b.lonHostID));
        int port = vars.integer(LOND_PORT, DEFAULT_LOND_PORT);
        check(vars, LOND_PORT, portProblem(port));
        return b.lonSockDir(dir(vars, LON_SOCK_DIR, DEFAULT_LON_SOCK_DIR))
                .londPort(port)
                .londPorts(ports(vars))
                .lonDaemons(dir(vars, LON_DAEMONS, DEFAULT_LON_DAEMONS))
                .lonTabDir(dir(vars, LON_TAB_DIR, DEFAULT_LON_TAB_DIR))
                .lonDocRoot(dir(vars, LON_DOC_ROOT, DEFAULT_LON_DOC_ROOT))
                .lonIDsDir(dir(vars, LON_IDS_DIR, DEFAULT_LON_IDS_DIR))
                .loncAllowInsecure(vars.flag(LONC_ALLOW_INSECURE, DEFAULT_LONC_ALLOW_INSECURE))
                .lonCertificateDirectory(
                        dir(vars, LON_CERTIFICATE_DIRECTORY, DEFAULT_LON_CERTIFICATE_DIRECTORY))
                .lonnetCertificateAuthority(fileName(vars, LONNET_CERTIFICATE_AUTHORITY,
                        DEFAULT_LONNET_CERTIFICATE_AUTHORITY))
                .lonnetCertificate(fileName(vars, LONNET_CERTIFICATE, DEFAULT_LONNET_CERTIFICATE))
                .lonnetPrivateKey(fileName(vars, LONNET_PRIVATE_KEY, DEFAULT_LONNET_PRIVATE_KEY))
                .lonVersion(vars.get(LON_VERSION).orElse(null))
                .build();
    }

    /** {@code loncLondPorts}: {@code hostname=port} pairs separated by commas or blanks. */
    private static Map<String, Integer> ports(PerlVars vars) throws ConfigException {
        Map<String, Integer> m = new LinkedHashMap<>();
        String s = vars.get(LONC_LOND_PORTS, "").trim();
        if (s.isEmpty()) {
            return m;
        }
        for (String pair : s.split("[,\\s]+")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                check(vars, LONC_LOND_PORTS, "expects hostname=port pairs, got '" + pair + "'");
            }
            int port;
            try {
                port = Integer.parseInt(pair.substring(eq + 1));
            } catch (NumberFormatException e) {
                port = -1;
            }
            check(vars, LONC_LOND_PORTS, portProblem(port));
            m.put(pair.substring(0, eq), port);
        }
        return m;
    }

    private static void check(PerlVars vars, String name, String problem) throws ConfigException {
        if (problem != null) {
            throw vars.error(name, "PerlSetVar " + name + " " + problem);
        }
    }

    private static Path dir(PerlVars vars, String name, String defaultValue)
            throws ConfigException {
        String s = vars.get(name, defaultValue);
        check(vars, name, pathProblem(s));
        Path p = Path.of(s);
        check(vars, name, dirProblem(p));
        return p;
    }

    private static String fileName(PerlVars vars, String name, String defaultValue)
            throws ConfigException {
        String s = vars.get(name, defaultValue);
        check(vars, name, pathProblem(s));
        return s;
    }

    // The checks, shared by from() (ConfigException with file and line) and the builder
    // (IllegalArgumentException). Each returns null when the value is fine.

    private static String lonIdProblem(String id) {
        return HostEntry.LON_ID.matcher(id).matches() ? null
                : "'" + id + "' is not a lonID (letters, digits, '_' and '-')";
    }

    private static String portProblem(int port) {
        return port >= 1 && port <= 65535 ? null : port + " is not a TCP port (1-65535)";
    }

    private static String pathProblem(String s) {
        if (s.isEmpty()) {
            return "is empty";
        }
        try {
            Path.of(s);
            return null;
        } catch (InvalidPathException e) {
            return "is not a path: '" + s + "'";
        }
    }

    private static String dirProblem(Path p) {
        return p.isAbsolute() ? null : "must be an absolute path: '" + p + "'";
    }

    /** A builder with every setting at its default. */
    public static Builder builder(String lonHostID) {
        return new Builder(lonHostID);
    }

    /** A builder that starts from this configuration. */
    public Builder toBuilder() {
        return new Builder(lonHostID).lonSockDir(lonSockDir).londPort(londPort).londPorts(londPorts)
                .lonDaemons(lonDaemons).lonTabDir(lonTabDir).lonDocRoot(lonDocRoot)
                .lonIDsDir(lonIDsDir).loncAllowInsecure(loncAllowInsecure)
                .lonCertificateDirectory(lonCertificateDirectory)
                .lonnetCertificateAuthority(lonnetCertificateAuthority)
                .lonnetCertificate(lonnetCertificate).lonnetPrivateKey(lonnetPrivateKey)
                .lonVersion(lonVersion.orElse(null));
    }

    /** This node's lonID. */
    public String lonHostID() {
        return lonHostID;
    }

    /** Directory of lonc's UNIX sockets. Default {@value #DEFAULT_LON_SOCK_DIR}. */
    public Path lonSockDir() {
        return lonSockDir;
    }

    /** TCP port of lond. Default {@value #DEFAULT_LOND_PORT}. */
    public int londPort() {
        return londPort;
    }

    /**
     * lond's port on particular hosts, by DNS name as spelled in {@code hosts.tab}, from the lonc-only
     * {@code PerlSetVar loncLondPorts host1=port1,host2=port2}; every other host uses
     * {@link #londPort()}. Real LON-CAPA hosts all listen on one port; this is for test rigs (and
     * {@code LoncapaSandbox}) that run several londs on one machine. Empty by default; unmodifiable.
     */
    public Map<String, Integer> londPorts() {
        return londPorts;
    }

    /** The daemons' home; logs live below it. Default {@value #DEFAULT_LON_DAEMONS}. */
    public Path lonDaemons() {
        return lonDaemons;
    }

    /** Directory of {@code hosts.tab}. Default {@value #DEFAULT_LON_TAB_DIR}. */
    public Path lonTabDir() {
        return lonTabDir;
    }

    /** Web document root; the status file lives below it. Default {@value #DEFAULT_LON_DOC_ROOT}. */
    public Path lonDocRoot() {
        return lonDocRoot;
    }

    /** Session and key-file directory. Default {@value #DEFAULT_LON_IDS_DIR}. */
    public Path lonIDsDir() {
        return lonIDsDir;
    }

    /**
     * Whether lonc may use (or fall back to) the insecure key exchange, in which the session key
     * travels in the clear. Default {@value #DEFAULT_LONC_ALLOW_INSECURE}: secure by default, so
     * that a missing or mistyped setting never weakens security silently. Perl LON-CAPA installs
     * set {@code PerlSetVar loncAllowInsecure} explicitly in {@code loncapa.conf}, so a drop-in
     * replacement reading the same file behaves as the Perl daemon did.
     */
    public boolean loncAllowInsecure() {
        return loncAllowInsecure;
    }

    /** Directory of the SSL files. Default {@value #DEFAULT_LON_CERTIFICATE_DIRECTORY}. */
    public Path lonCertificateDirectory() {
        return lonCertificateDirectory;
    }

    /** File name of the cluster CA certificate. Default {@value #DEFAULT_LONNET_CERTIFICATE_AUTHORITY}. */
    public String lonnetCertificateAuthority() {
        return lonnetCertificateAuthority;
    }

    /** File name of this host's certificate. Default {@value #DEFAULT_LONNET_CERTIFICATE}. */
    public String lonnetCertificate() {
        return lonnetCertificate;
    }

    /** File name of this host's private key. Default {@value #DEFAULT_LONNET_PRIVATE_KEY}. */
    public String lonnetPrivateKey() {
        return lonnetPrivateKey;
    }

    /** The LON-CAPA version to announce in {@code init}; empty if not set. */
    public Optional<String> lonVersion() {
        return lonVersion;
    }

    /** {@code <lonSockDir>/delayed}: the deferred-transaction store. */
    public Path delayedDir() {
        return lonSockDir.resolve(DELAYED_DIR);
    }

    /** {@code <lonDaemons>/logs}. */
    public Path logDir() {
        return lonDaemons.resolve(LOG_DIR);
    }

    /** {@code <lonDaemons>/logs/lonc.pid}. */
    public Path pidFile() {
        return logDir().resolve(PID_FILE);
    }

    /** {@code <lonDaemons>/logs/lonc.log}. */
    public Path logFile() {
        return logDir().resolve(LOG_FILE);
    }

    /** {@code <lonDaemons>/logs/lonnet.perm.log}: the permanent log of delayed transactions. */
    public Path permLogFile() {
        return logDir().resolve(PERM_LOG_FILE);
    }

    /** {@code <lonDocRoot>/lon-status/loncstatus.txt}. */
    public Path statusFile() {
        return lonDocRoot.resolve(STATUS_DIR).resolve(STATUS_FILE);
    }

    /** {@code <lonTabDir>/hosts.tab}. */
    public Path hostsTabFile() {
        return lonTabDir.resolve(HOSTS_TAB);
    }

    /** The CA certificate: {@code <lonCertificateDirectory>/<lonnetCertificateAuthority>}. */
    public Path caFile() {
        return lonCertificateDirectory.resolve(lonnetCertificateAuthority);
    }

    /** This host's certificate: {@code <lonCertificateDirectory>/<lonnetCertificate>}. */
    public Path certFile() {
        return lonCertificateDirectory.resolve(lonnetCertificate);
    }

    /** This host's private key: {@code <lonCertificateDirectory>/<lonnetPrivateKey>}. */
    public Path keyFile() {
        return lonCertificateDirectory.resolve(lonnetPrivateKey);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof LoncapaConfig)) {
            return false;
        }
        LoncapaConfig c = (LoncapaConfig) o;
        return lonHostID.equals(c.lonHostID) && lonSockDir.equals(c.lonSockDir)
                && londPort == c.londPort && londPorts.equals(c.londPorts)
                && lonDaemons.equals(c.lonDaemons)
                && lonTabDir.equals(c.lonTabDir) && lonDocRoot.equals(c.lonDocRoot)
                && lonIDsDir.equals(c.lonIDsDir) && loncAllowInsecure == c.loncAllowInsecure
                && lonCertificateDirectory.equals(c.lonCertificateDirectory)
                && lonnetCertificateAuthority.equals(c.lonnetCertificateAuthority)
                && lonnetCertificate.equals(c.lonnetCertificate)
                && lonnetPrivateKey.equals(c.lonnetPrivateKey) && lonVersion.equals(c.lonVersion);
    }

    @Override
    public int hashCode() {
        return Objects.hash(lonHostID, lonSockDir, londPort, londPorts, lonDaemons, lonTabDir, lonDocRoot,
                lonIDsDir, loncAllowInsecure, lonCertificateDirectory, lonnetCertificateAuthority,
                lonnetCertificate, lonnetPrivateKey, lonVersion);
    }

    /** All settings, for the startup log. Holds no secrets (the key file's name only). */
    @Override
    public String toString() {
        return "LoncapaConfig{" + LON_HOST_ID + "=" + lonHostID + ", " + LON_SOCK_DIR + "="
                + lonSockDir + ", " + LOND_PORT + "=" + londPort + ", " + LONC_LOND_PORTS + "=" + londPorts
                + ", " + LON_DAEMONS + "="
                + lonDaemons + ", " + LON_TAB_DIR + "=" + lonTabDir + ", " + LON_DOC_ROOT + "="
                + lonDocRoot + ", " + LON_IDS_DIR + "=" + lonIDsDir + ", " + LONC_ALLOW_INSECURE
                + "=" + loncAllowInsecure + ", " + LON_CERTIFICATE_DIRECTORY + "="
                + lonCertificateDirectory + ", " + LONNET_CERTIFICATE_AUTHORITY + "="
                + lonnetCertificateAuthority + ", " + LONNET_CERTIFICATE + "=" + lonnetCertificate
                + ", " + LONNET_PRIVATE_KEY + "=" + lonnetPrivateKey + ", " + LON_VERSION + "="
                + lonVersion.orElse("") + "}";
    }

    /**
     * Builds a {@link LoncapaConfig} in code; every setting starts at its default. Not
     * thread-safe; {@link #build()} checks the values as {@link LoncapaConfig#from} does and
     * throws {@link IllegalArgumentException} (no file to name). Setters reject null, except
     * {@link #lonVersion(String)}.
     */
    public static final class Builder {
        private String lonHostID;
        private Path lonSockDir = Path.of(DEFAULT_LON_SOCK_DIR);
        private int londPort = DEFAULT_LOND_PORT;
        private Map<String, Integer> londPorts = Map.of();
        private Path lonDaemons = Path.of(DEFAULT_LON_DAEMONS);
        private Path lonTabDir = Path.of(DEFAULT_LON_TAB_DIR);
        private Path lonDocRoot = Path.of(DEFAULT_LON_DOC_ROOT);
        private Path lonIDsDir = Path.of(DEFAULT_LON_IDS_DIR);
        private boolean loncAllowInsecure = DEFAULT_LONC_ALLOW_INSECURE;
        private Path lonCertificateDirectory = Path.of(DEFAULT_LON_CERTIFICATE_DIRECTORY);
        private String lonnetCertificateAuthority = DEFAULT_LONNET_CERTIFICATE_AUTHORITY;
        private String lonnetCertificate = DEFAULT_LONNET_CERTIFICATE;
        private String lonnetPrivateKey = DEFAULT_LONNET_PRIVATE_KEY;
        private Optional<String> lonVersion = Optional.empty();

        private Builder(String lonHostID) {
            lonHostID(lonHostID);
        }

        /** See {@link LoncapaConfig#lonHostID()}. */
        public Builder lonHostID(String v) {
            lonHostID = Objects.requireNonNull(v, LON_HOST_ID);
            return this;
        }

        /** See {@link LoncapaConfig#lonSockDir()}. */
        public Builder lonSockDir(Path v) {
            lonSockDir = Objects.requireNonNull(v, LON_SOCK_DIR);
            return this;
        }

        /** See {@link LoncapaConfig#londPort()}. */
        public Builder londPort(int v) {
            londPort = v;
            return this;
        }

        /** See {@link LoncapaConfig#londPorts()}. */
        public Builder londPorts(Map<String, Integer> v) {
            londPorts = Map.copyOf(Objects.requireNonNull(v, LONC_LOND_PORTS));
            return this;
        }

        /** See {@link LoncapaConfig#lonDaemons()}. */
        public Builder lonDaemons(Path v) {
            lonDaemons = Objects.requireNonNull(v, LON_DAEMONS);
            return this;
        }

        /** See {@link LoncapaConfig#lonTabDir()}. */
        public Builder lonTabDir(Path v) {
            lonTabDir = Objects.requireNonNull(v, LON_TAB_DIR);
            return this;
        }

        /** See {@link LoncapaConfig#lonDocRoot()}. */
        public Builder lonDocRoot(Path v) {
            lonDocRoot = Objects.requireNonNull(v, LON_DOC_ROOT);
            return this;
        }

        /** See {@link LoncapaConfig#lonIDsDir()}. */
        public Builder lonIDsDir(Path v) {
            lonIDsDir = Objects.requireNonNull(v, LON_IDS_DIR);
            return this;
        }

        /** See {@link LoncapaConfig#loncAllowInsecure()}. */
        public Builder loncAllowInsecure(boolean v) {
            loncAllowInsecure = v;
            return this;
        }

        /** See {@link LoncapaConfig#lonCertificateDirectory()}. */
        public Builder lonCertificateDirectory(Path v) {
            lonCertificateDirectory = Objects.requireNonNull(v, LON_CERTIFICATE_DIRECTORY);
            return this;
        }

        /** See {@link LoncapaConfig#lonnetCertificateAuthority()}. */
        public Builder lonnetCertificateAuthority(String v) {
            lonnetCertificateAuthority = Objects.requireNonNull(v, LONNET_CERTIFICATE_AUTHORITY);
            return this;
        }

        /** See {@link LoncapaConfig#lonnetCertificate()}. */
        public Builder lonnetCertificate(String v) {
            lonnetCertificate = Objects.requireNonNull(v, LONNET_CERTIFICATE);
            return this;
        }

        /** See {@link LoncapaConfig#lonnetPrivateKey()}. */
        public Builder lonnetPrivateKey(String v) {
            lonnetPrivateKey = Objects.requireNonNull(v, LONNET_PRIVATE_KEY);
            return this;
        }

        /** See {@link LoncapaConfig#lonVersion()}; null or empty means not set. */
        public Builder lonVersion(String v) {
            lonVersion = Optional.ofNullable(v).filter(s -> !s.isEmpty());
            return this;
        }

        /**
         * The configuration.
         *
         * @throws IllegalArgumentException if a value is invalid (lonID syntax, port range,
         *                                  relative directory, empty file name)
         */
        public LoncapaConfig build() {
            require(LON_HOST_ID, lonIdProblem(lonHostID));
            require(LOND_PORT, portProblem(londPort));
            for (int p : londPorts.values()) {
                require(LONC_LOND_PORTS, portProblem(p));
            }
            require(LON_SOCK_DIR, dirProblem(lonSockDir));
            require(LON_DAEMONS, dirProblem(lonDaemons));
            require(LON_TAB_DIR, dirProblem(lonTabDir));
            require(LON_DOC_ROOT, dirProblem(lonDocRoot));
            require(LON_IDS_DIR, dirProblem(lonIDsDir));
            require(LON_CERTIFICATE_DIRECTORY, dirProblem(lonCertificateDirectory));
            require(LONNET_CERTIFICATE_AUTHORITY, pathProblem(lonnetCertificateAuthority));
            require(LONNET_CERTIFICATE, pathProblem(lonnetCertificate));
            require(LONNET_PRIVATE_KEY, pathProblem(lonnetPrivateKey));
            return new LoncapaConfig(this);
        }

        private static void require(String name, String problem) {
            if (problem != null) {
                throw new IllegalArgumentException(name + " " + problem);
            }
        }
    }
}
