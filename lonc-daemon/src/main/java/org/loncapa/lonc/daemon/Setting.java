package org.loncapa.lonc.daemon;

import java.util.Locale;

/**
 * Every daemon setting that is not in {@code loncapa.conf}: its name (as written in the
 * {@code --settings} file or after {@code --set}), kind, default, unit and meaning. This enum is the
 * single source of the table in {@code docs/configuration.md} and of {@code --help}'s list
 * ({@code lonc-daemon settings} prints it).
 *
 * <p>Engine defaults match the Perl daemon where it had the setting (see {@code EngineConfig}).
 */
public enum Setting {
    // ---------------------------------------------------------------- engine (per remote host)
    MAX_CONNECTIONS_PER_HOST("maxConnectionsPerHost", Kind.COUNT, "10", "connections",
            "Most lond connections open at once to one host (Perl: $MaxConnectionCount)."),
    MAX_HANDSHAKES_PER_HOST("maxHandshakesPerHost", Kind.COUNT, "1", "connections",
            "Most connections negotiating at once per host (Perl: one, $LondConnecting)."),
    RETRIES("retries", Kind.COUNT, "5", "failures",
            "Connection failures before a host is marked DEAD (Perl: $ConnectionRetries)."),
    IDLE_TIMEOUT("idleTimeout", Kind.DURATION, "300s", "duration",
            "An idle lond connection is closed after this long unused; at most one per period"
                    + " (Perl 1.94: $IdleTimeout = 5*60)."),
    TRANSACTION_TIMEOUT("transactionTimeout", Kind.DURATION, "30s", "duration",
            "Longest wait for lond's reply to a request that has been sent; then con_lost."),
    HANDSHAKE_STEP_TIMEOUT("handshakeStepTimeout", Kind.DURATION, "30s", "duration",
            "Longest wait for each handshake step (init, challenge, TLS, version, sethost, ekey)."),
    HANDSHAKE_STALL_TIMEOUT("handshakeStallTimeout", Kind.DURATION_OR_OFF, "5s", "duration, 0 = off",
            "A handshake that has received nothing from lond for this long while requests wait is"
                    + " abandoned (counted as one failure): waiting client requests get con_lost"
                    + " at once, as after any failed attempt, and SDK calls with time left get a"
                    + " fresh connection. 0: as Perl, each step may take handshakeStepTimeout."),
    CONNECT_TIMEOUT("connectTimeout", Kind.DURATION, "5s", "duration",
            "TCP connect limit (LondConnection 1.8, 2003: 5 s)."),
    MAX_QUEUED_PER_HOST("maxQueuedPerHost", Kind.COUNT, "2000", "requests",
            "Requests waiting for a connection to one host; over it the reply is con_busy"
                    + " (Perl had no bound)."),
    MAX_QUEUED_TOTAL("maxQueuedTotal", Kind.COUNT, "20000", "requests",
            "Requests waiting over all hosts; over it the reply is con_busy."),
    MAX_REPLY_BYTES("maxReplyBytes", Kind.BYTES, "64MiB", "bytes",
            "Longest reply line accepted from lond (dump replies can be large)."),
    PROBE_INITIAL_DELAY("probeInitialDelay", Kind.DURATION, "5s", "duration",
            "First delay before a DEAD host is tried again by itself (doubling, jittered)."),
    PROBE_MAX_DELAY("probeMaxDelay", Kind.DURATION, "300s", "duration",
            "Longest delay between probes of a DEAD host."),
    IDLE_CHECK_AFTER("idleCheckAfter", Kind.DURATION_OR_OFF, "120s", "duration, 0 = off",
            "A connection idle this long is checked with a ping before it is trusted again."),
    MAX_CONNECTION_LIFETIME("maxConnectionLifetime", Kind.DURATION_OR_OFF, "0", "duration, 0 = off",
            "Connections older than this are closed when idle. Each connection's limit is drawn"
                    + " between 90% and 100% of it, so connections opened together are not all"
                    + " replaced together."),
    TCP_KEEP_ALIVE("tcpKeepAlive", Kind.FLAG, "true", "true/false", "SO_KEEPALIVE on lond connections."),
    DRAIN_TIMEOUT("drainTimeout", Kind.DURATION_OR_OFF, "10s", "duration",
            "On TERM (or a reload that removes a host's socket), how long in-flight requests may"
                    + " take to finish before they are answered con_lost."),
    LOCAL_KEY_DIR("localKeyDir", Kind.PATH, "", "absolute directory",
            "Where local key mode writes its one-time key files for the lond on this machine."
                    + " Default: lonIDsDir from loncapa.conf."),

    // ---------------------------------------------------------------- deferred (critical) replay
    DEFERRED_MAX_IN_FLIGHT("deferredMaxInFlight", Kind.COUNT, "1", "requests",
            "Replayed delayed transactions outstanding at once per host. 1 keeps a host's"
                    + " transactions in the order they were made; more is faster but lets lond"
                    + " execute them out of order (two puts of one key may leave the older value):"
                    + " only for hosts where that is acceptable."),
    DEFERRED_RATE("deferredRate", Kind.COUNT, "20", "requests per second",
            "Replayed delayed transactions per second per host at most."),
    DEFERRED_RETRY_AFTER("deferredRetryAfter", Kind.DURATION, "30s", "duration",
            "Pause of a host's replay after a replayed transaction failed (con_lost), unless the"
                    + " host shows sooner that it is reachable (a connection ready, a reply,"
                    + " reset_retries, USR1, a flush)."),
    DEFERRED_RESCAN_INTERVAL("deferredRescanInterval", Kind.DURATION, "30s", "duration",
            "How often delayed/ is looked at again in any case (new files are noticed at once"
                    + " through file notifications; this is the safety net)."),
    DEFERRED_MAX_AGE("deferredMaxAge", Kind.DURATION_OR_OFF, "0", "duration, 0 = off",
            "Delayed files older than this are moved to delayed/hold instead of being replayed."),

    // ---------------------------------------------------------------- UNIX sockets (front end)
    SOCKET_NAMING("socketNaming", Kind.CHOICE, "hostname", "hostname | lonid",
            "hostname: one socket per remote DNS name, lonIDs on one machine share it (modern"
                    + " lonnet, which writes sethost:<lonid>:<cmd>). lonid: one socket per lonID"
                    + " (LON-CAPA 1.x lonnet)."),
    SOCKET_MODE("socketMode", Kind.MODE, "0660", "octal file mode",
            "Permissions of each host socket (connecting needs write permission). The peer check"
                    + " below is the real gate."),
    SOCKET_DIR_MODE("socketDirMode", Kind.MODE, "0755", "octal file mode",
            "Permissions given to lonSockDir if the daemon has to create it (an existing"
                    + " directory is left alone)."),
    ADMIN_SOCKET("adminSocket", Kind.TEXT, ".lonc-admin", "file name in lonSockDir, empty = off",
            "Name of the JSON admin socket. The leading dot keeps it apart from host sockets"
                    + " (hostnames and lonIDs cannot start with a dot)."),
    ADMIN_SOCKET_MODE("adminSocketMode", Kind.MODE, "0600", "octal file mode",
            "Permissions of the admin socket."),
    ALLOWED_USERS("allowedUsers", Kind.LIST, "", "comma-separated user names",
            "Peers (by SO_PEERCRED user) allowed to use any socket. Default: the daemon's own"
                    + " user and root."),
    ALLOWED_GROUPS("allowedGroups", Kind.LIST, "", "comma-separated group names",
            "Peers whose primary group is listed are allowed too. Default: none."),
    MAX_REQUEST_BYTES("maxRequestBytes", Kind.BYTES, "1MiB", "bytes",
            "Longest request line; a longer one is answered 'rejected: request too long' and"
                    + " the connection is closed."),
    MAX_CLIENTS("maxClients", Kind.COUNT, "16384", "connections",
            "Client connections open at once; beyond it new clients wait in the listen backlog."),
    MAX_PIPELINED("maxPipelined", Kind.COUNT, "64", "requests",
            "Unanswered requests one client connection may have; beyond it lonc stops reading"
                    + " from that connection until replies have gone out."),
    CLIENT_BUFFER_BYTES("clientBufferBytes", Kind.BYTES, "4MiB", "bytes",
            "Finished replies one client connection may leave unread; beyond it lonc stops reading"
                    + " that connection's requests until it has read them down to half (replies"
                    + " already asked for still come; a larger single reply goes through)."),
    TOTAL_BUFFER_BYTES("totalBufferBytes", Kind.BYTES, "64MiB", "bytes",
            "Finished replies all client connections together may leave unread; beyond it the"
                    + " connections holding the most are paused first, until the total is back to"
                    + " half. Keep it well under the heap (-Xmx)."),
    IDLE_CLIENT_TIMEOUT("idleClientTimeout", Kind.DURATION_OR_OFF, "300s", "duration, 0 = off",
            "A client connection with no request outstanding that stays silent this long is"
                    + " closed, so clients that connect and never write cannot use up maxClients"
                    + " (lonnet writes at once and closes after its reply). Perl lonc had no limit."),
    LISTEN_BACKLOG("listenBacklog", Kind.COUNT, "250", "connections",
            "listen() backlog of each socket (Perl: Listen => 250)."),

    // ---------------------------------------------------------------- operations
    STATUS_INTERVAL("statusInterval", Kind.DURATION_OR_OFF, "0", "duration, 0 = off",
            "Also rewrite loncstatus.txt/.json/.html this often (they are always written at start, on"
                    + " USR1 and on reload)."),
    METRICS_PORT("metricsPort", Kind.PORT, "0", "TCP port, 0 = off",
            "Serve the OpenMetrics text (as the admin command 'metrics' gives it) at"
                    + " http://127.0.0.1:<port>/metrics for a Prometheus scrape. Loopback only;"
                    + " read once at start."),
    DEBUG("debug", Kind.FLAG, "false", "true/false",
            "Start with debug logging on (SIGINT toggles it)."),
    TRANSACTION_LOGGING("transactionLogging", Kind.FLAG, "false", "true/false",
            "Start with transaction logging on (SIGUSR2 toggles it)."),
    ;

    /** How a value is written and checked. */
    public enum Kind {
        /** A whole number, at least 1. */
        COUNT,
        /** A positive duration: {@code 30s}, {@code 500ms}, {@code 5m}, {@code 2h}; a bare number is seconds. */
        DURATION,
        /** As DURATION, but 0 is allowed (and means off). */
        DURATION_OR_OFF,
        /** A size: {@code 1048576}, {@code 64KiB}, {@code 1MiB}, {@code 1GiB} (K, M, G are binary too). */
        BYTES,
        /** {@code true}/{@code false} (also yes/no, on/off, 1/0). */
        FLAG,
        /** An octal file mode such as {@code 0660}. */
        MODE,
        /** Comma-separated words. */
        LIST,
        /** Free text. */
        TEXT,
        /** An absolute path, or empty for the default. */
        PATH,
        /** One of the words in the unit column. */
        CHOICE,
        /** A TCP port, 1 to 65535, or 0 for off. */
        PORT
    }

    private final String key;
    private final Kind kind;
    private final String defaultValue;
    private final String unit;
    private final String description;

    Setting(String key, Kind kind, String defaultValue, String unit, String description) {
        this.key = key;
        this.kind = kind;
        this.defaultValue = defaultValue;
        this.unit = unit;
        this.description = description;
    }

    public String key() {
        return key;
    }

    public Kind kind() {
        return kind;
    }

    public String defaultValue() {
        return defaultValue;
    }

    public String unit() {
        return unit;
    }

    public String description() {
        return description;
    }

    /** The setting named {@code key} (exact case), or null. */
    public static Setting byKey(String key) {
        for (Setting s : values()) {
            if (s.key.equals(key)) {
                return s;
            }
        }
        return null;
    }

    /** The allowed words of a CHOICE setting. */
    String[] choices() {
        return unit.toLowerCase(Locale.ROOT).split("\\s*\\|\\s*");
    }
}
