package org.loncapa.lonc.core;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import org.loncapa.lonc.core.internal.protocol.LineReader;

/**
 * Settings of a {@link LoncEngine}. Build with {@link #builder(String)}; every setting has a default
 * that matches the Perl daemon unless its javadoc says why not. Immutable.
 */
public final class EngineConfig {
    /** Default {@link Builder#maxConnectionsPerHost}: 10, as Perl's {@code $MaxConnectionCount}. */
    public static final int DEFAULT_MAX_CONNECTIONS = 10;
    /** Default {@link Builder#maxHandshakesPerHost}: 1, as Perl's {@code $LondConnecting}. */
    public static final int DEFAULT_MAX_HANDSHAKES = 1;
    /** Default {@link Builder#idleTimeout}: 300 s, as loncnew 1.94. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(300);
    /** Default {@link Builder#transactionTimeout}: 30 s, as LondConnection's TimeoutValue. */
    public static final Duration DEFAULT_TRANSACTION_TIMEOUT = Duration.ofSeconds(30);
    /** Default {@link Builder#handshakeStepTimeout}: 30 s. */
    public static final Duration DEFAULT_HANDSHAKE_STEP_TIMEOUT = Duration.ofSeconds(30);
    /** Default {@link Builder#handshakeStallTimeout}: 5 s. */
    public static final Duration DEFAULT_HANDSHAKE_STALL_TIMEOUT = Duration.ofSeconds(5);
    /**
     * Default {@link Builder#connectTimeout}: 5 s. LondConnection rev 1.8 (2003) set it so: "Shorten
     * the connection timeout to 5 seconds so lonnet in loncron doesn't take forever in the presence
     * of down nodes" (protocol.md, Timeouts; no later value is known).
     */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** Default {@link Builder#retries}: 5, as Perl's {@code $ConnectionRetries}. */
    public static final int DEFAULT_RETRIES = 5;
    /** Default {@link Builder#maxQueuedPerHost}: 2,000 (Perl had no bound). */
    public static final int DEFAULT_MAX_QUEUED_PER_HOST = 2_000;
    /** Default {@link Builder#maxQueuedTotal}: 20,000 (Perl had no bound). */
    public static final int DEFAULT_MAX_QUEUED_TOTAL = 20_000;
    /** Default {@link Builder#maxReplyBytes}: 64 MiB (lond's dump replies can be large). */
    public static final int DEFAULT_MAX_REPLY_BYTES = 64 << 20;
    /** Default {@link Builder#probeInitialDelay}: 5 s. */
    public static final Duration DEFAULT_PROBE_INITIAL = Duration.ofSeconds(5);
    /** Default {@link Builder#probeMaxDelay}: 300 s. */
    public static final Duration DEFAULT_PROBE_MAX = Duration.ofSeconds(300);
    /** Default {@link Builder#idleCheckAfter}: 120 s. */
    public static final Duration DEFAULT_IDLE_CHECK = Duration.ofSeconds(120);
    /** Default {@link Builder#drainTimeout}: 10 s. */
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(10);

    final String myLonId;
    final List<RemoteHost> hosts;
    final boolean allowInsecure;
    final SSLContext sslContext;
    final Path localKeyDir;
    final String lonVersion;
    final int maxConnectionsPerHost;
    final int maxHandshakesPerHost;
    final long idleTimeoutNanos;
    final long transactionTimeoutNanos;
    final long handshakeStepTimeoutNanos;
    final long handshakeStallNanos;
    final long connectTimeoutNanos;
    final int retries;
    final int maxQueuedPerHost;
    final int maxQueuedTotal;
    final int maxReplyBytes;
    final long probeInitialNanos;
    final long probeMaxNanos;
    final long idleCheckNanos;
    final long maxLifetimeNanos;
    final long drainTimeoutNanos;
    final boolean tcpKeepAlive;
    final Ticker ticker;
    final SecureRandom random;
    final long tickIntervalNanos;

    private EngineConfig(Builder b) {
        this.myLonId = b.myLonId;
        this.hosts = List.copyOf(b.hosts);
        this.allowInsecure = b.allowInsecure;
        this.sslContext = b.sslContext;
        this.localKeyDir = b.localKeyDir != null ? b.localKeyDir
                : Path.of(System.getProperty("java.io.tmpdir"));
        this.lonVersion = b.lonVersion;
        this.maxConnectionsPerHost = b.maxConnectionsPerHost;
        this.maxHandshakesPerHost = b.maxHandshakesPerHost;
        this.idleTimeoutNanos = b.idleTimeout.toNanos();
        this.transactionTimeoutNanos = b.transactionTimeout.toNanos();
        this.handshakeStepTimeoutNanos = b.handshakeStepTimeout.toNanos();
        this.handshakeStallNanos = b.handshakeStallTimeout.toNanos();
        this.connectTimeoutNanos = b.connectTimeout.toNanos();
        this.retries = b.retries;
        this.maxQueuedPerHost = b.maxQueuedPerHost;
        this.maxQueuedTotal = b.maxQueuedTotal;
        this.maxReplyBytes = b.maxReplyBytes;
        this.probeInitialNanos = b.probeInitialDelay.toNanos();
        this.probeMaxNanos = b.probeMaxDelay.toNanos();
        this.idleCheckNanos = b.idleCheckAfter.toNanos();
        this.maxLifetimeNanos = b.maxConnectionLifetime.toNanos();
        this.drainTimeoutNanos = b.drainTimeout.toNanos();
        this.tcpKeepAlive = b.tcpKeepAlive;
        this.ticker = b.ticker;
        this.random = b.random;
        this.tickIntervalNanos = b.tickInterval.toNanos();
    }

    /** This host's lonHostID. */
    public String myLonId() {
        return myLonId;
    }

    /** The remote hosts the engine knows at start. */
    public List<RemoteHost> hosts() {
        return hosts;
    }

    public boolean allowInsecure() {
        return allowInsecure;
    }

    /** Maximum transactions waiting in one host's queue. */
    public int maxQueuedPerHost() {
        return maxQueuedPerHost;
    }

    public Ticker ticker() {
        return ticker;
    }

    /** Starts a builder for this host's lonID. */
    public static Builder builder(String myLonId) {
        return new Builder(myLonId);
    }

    /** Builder of {@link EngineConfig}; not thread-safe. */
    public static final class Builder {
        private final String myLonId;
        private final List<RemoteHost> hosts = new ArrayList<>();
        private boolean allowInsecure;
        private SSLContext sslContext;
        private Path localKeyDir;
        private String lonVersion;
        private int maxConnectionsPerHost = DEFAULT_MAX_CONNECTIONS;
        private int maxHandshakesPerHost = DEFAULT_MAX_HANDSHAKES;
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private Duration transactionTimeout = DEFAULT_TRANSACTION_TIMEOUT;
        private Duration handshakeStepTimeout = DEFAULT_HANDSHAKE_STEP_TIMEOUT;
        private Duration handshakeStallTimeout = DEFAULT_HANDSHAKE_STALL_TIMEOUT;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private int retries = DEFAULT_RETRIES;
        private int maxQueuedPerHost = DEFAULT_MAX_QUEUED_PER_HOST;
        private int maxQueuedTotal = DEFAULT_MAX_QUEUED_TOTAL;
        private int maxReplyBytes = DEFAULT_MAX_REPLY_BYTES;
        private Duration probeInitialDelay = DEFAULT_PROBE_INITIAL;
        private Duration probeMaxDelay = DEFAULT_PROBE_MAX;
        private Duration idleCheckAfter = DEFAULT_IDLE_CHECK;
        private Duration maxConnectionLifetime = Duration.ZERO;
        private Duration drainTimeout = DEFAULT_DRAIN_TIMEOUT;
        private boolean tcpKeepAlive = true;
        private Ticker ticker = Ticker.system();
        private SecureRandom random = new SecureRandom();
        private Duration tickInterval = Duration.ofSeconds(1);

        private Builder(String myLonId) {
            this.myLonId = Objects.requireNonNull(myLonId, "myLonId");
        }

        /** Adds a remote host. */
        public Builder host(RemoteHost host) {
            hosts.add(host);
            return this;
        }

        /** Adds remote hosts. */
        public Builder hosts(List<RemoteHost> list) {
            hosts.addAll(list);
            return this;
        }

        /** loncAllowInsecure: may insecure key mode be used (directly or as a fallback). Default false. */
        public Builder allowInsecure(boolean allow) {
            this.allowInsecure = allow;
            return this;
        }

        /** TLS context for ssl key mode (host certificate, key, LON-CAPA CA); null disables ssl. */
        public Builder sslContext(SSLContext ctx) {
            this.sslContext = ctx;
            return this;
        }

        /** Directory for local mode's one-time key files. Default: java.io.tmpdir. */
        public Builder localKeyDir(Path dir) {
            this.localKeyDir = dir;
            return this;
        }

        /** This LON-CAPA version, sent in the hailing line; null sends the 2005 form. */
        public Builder lonVersion(String v) {
            this.lonVersion = v;
            return this;
        }

        /** Maximum lond connections per host. Default 10. */
        public Builder maxConnectionsPerHost(int n) {
            this.maxConnectionsPerHost = positive(n, "maxConnectionsPerHost");
            return this;
        }

        /** Maximum handshakes in progress at once per host. Default 1. */
        public Builder maxHandshakesPerHost(int n) {
            this.maxHandshakesPerHost = positive(n, "maxHandshakesPerHost");
            return this;
        }

        /** An idle connection is pruned (one per period) after this long unused. Default 300 s. */
        public Builder idleTimeout(Duration d) {
            this.idleTimeout = d;
            return this;
        }

        /** Limit from sending a request to reading its reply. Default 30 s. */
        public Builder transactionTimeout(Duration d) {
            this.transactionTimeout = d;
            return this;
        }

        /** Limit for each handshake step (and the TLS phase). Default 30 s. */
        public Builder handshakeStepTimeout(Duration d) {
            this.handshakeStepTimeout = d;
            return this;
        }

        /**
         * A handshake that has received nothing from lond for this long while requests wait for
         * the host is abandoned (counting one failure) and a fresh connection is tried, so that
         * one hung lond child does not hold the host's handshake slot for the whole step timeout.
         * Zero turns it off: each step may then take {@link #handshakeStepTimeout}, as in Perl.
         * Default 5 s.
         */
        public Builder handshakeStallTimeout(Duration d) {
            if (d.isNegative()) {
                throw new IllegalArgumentException("handshakeStallTimeout must not be negative");
            }
            this.handshakeStallTimeout = d;
            return this;
        }

        /** TCP connect limit. Default 5 s ({@link #DEFAULT_CONNECT_TIMEOUT}). */
        public Builder connectTimeout(Duration d) {
            this.connectTimeout = d;
            return this;
        }

        /** Failures allowed before the host is marked dead. Default 5. */
        public Builder retries(int n) {
            this.retries = positive(n, "retries");
            return this;
        }

        /** Bound of one host's queue; over it requests get {@code con_busy}. Default 2,000. */
        public Builder maxQueuedPerHost(int n) {
            this.maxQueuedPerHost = positive(n, "maxQueuedPerHost");
            return this;
        }

        /** Bound of all queues together; over it requests get {@code con_busy}. Default 20,000. */
        public Builder maxQueuedTotal(int n) {
            this.maxQueuedTotal = positive(n, "maxQueuedTotal");
            return this;
        }

        /** Longest reply line accepted from lond, in bytes. Default 64 MiB. */
        public Builder maxReplyBytes(int n) {
            this.maxReplyBytes = positive(n, "maxReplyBytes");
            return this;
        }

        /** First delay before a dead host is probed again (jittered, doubling). Default 5 s. */
        public Builder probeInitialDelay(Duration d) {
            this.probeInitialDelay = d;
            return this;
        }

        /** Upper bound of the probe delay. Default 300 s. */
        public Builder probeMaxDelay(Duration d) {
            this.probeMaxDelay = d;
            return this;
        }

        /** An idle connection unused this long is checked with {@code ping}. Default 120 s. */
        public Builder idleCheckAfter(Duration d) {
            this.idleCheckAfter = d;
            return this;
        }

        /**
         * Connections older than this are retired when idle; zero turns it off. Default off. Each
         * connection's own limit is drawn between 90% and 100% of it (from {@link #random}), so
         * connections opened together are not all replaced together.
         */
        public Builder maxConnectionLifetime(Duration d) {
            this.maxConnectionLifetime = d;
            return this;
        }

        /** How long {@code close()} lets in-flight transactions finish. Default 10 s. */
        public Builder drainTimeout(Duration d) {
            this.drainTimeout = d;
            return this;
        }

        /** SO_KEEPALIVE on lond connections. Default on. */
        public Builder tcpKeepAlive(boolean on) {
            this.tcpKeepAlive = on;
            return this;
        }

        /** Time source; tests pass a fake. Default {@link Ticker#system()}. */
        public Builder ticker(Ticker t) {
            this.ticker = Objects.requireNonNull(t);
            return this;
        }

        /** Randomness for keys and jitter. */
        public Builder random(SecureRandom r) {
            this.random = Objects.requireNonNull(r);
            return this;
        }

        /** Real-time period of the engine's housekeeping tick. Default 1 s. */
        public Builder tickInterval(Duration d) {
            this.tickInterval = d;
            return this;
        }

        public EngineConfig build() {
            if (maxReplyBytes > LineReader.DEFAULT_MAX_LINE_BYTES * 1024) {
                throw new IllegalArgumentException("maxReplyBytes is unreasonably large");
            }
            return new EngineConfig(this);
        }

        private static int positive(int n, String what) {
            if (n < 1) {
                throw new IllegalArgumentException(what + " must be at least 1");
            }
            return n;
        }
    }
}
