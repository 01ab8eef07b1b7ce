package org.loncapa.lonc.daemon.frontend;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.loncapa.lonc.core.Ticker;

/**
 * Who is on the other end of an accepted UNIX-domain connection, by SO_PEERCRED, as user and
 * primary-group names.
 *
 * <p>The JDK's only public way, {@code getOption(SO_PEERCRED)}, turns the numbers into names with
 * {@code getpwuid} and {@code getgrgid} on every call; with {@code passwd: files} glibc opens, reads
 * and closes /etc/passwd and /etc/group each time, 14 system calls per connection, about a third of
 * the front end's cost for a lonnet-style client that connects once per request. So when the JVM
 * lets us (the daemon jar's manifest opens the two packages; see {@link #JVM_OPTIONS}), the numeric
 * credentials are read with the JDK's own native {@code getsockopt} (one system call), and the names
 * come from the public call only the first time a uid/gid pair is seen, then from a small cache.
 *
 * <p>The cache key is only the number the JDK's native returns, and the names stored under it come
 * from the public call on the same socket, so the two can never disagree about who the peer is.
 * Entries expire after {@link #NAME_TTL_NANOS} (a renamed user is seen within a minute) and the
 * cache is emptied whenever the access policy changes.
 *
 * <p>Without the opened packages (the daemon run with {@code -cp} instead of {@code -jar}, or a JDK
 * that moved the internals) every connection uses the public call, as before; {@link #numeric()}
 * says which, and the daemon logs it at start.
 *
 * <p>Not thread-safe: the front end's loop thread owns it, and calls {@link #identify} only on
 * channels it has just accepted and alone can close, so the descriptor number read from a channel
 * cannot be reused by another file between the {@code isOpen} check and the {@code getsockopt}.
 *
 * <p>In the daemon that thread is the engine's, so a name-service lookup here stalls lond traffic
 * too. With the numeric path that happens once per new uid/gid pair a minute (in practice the web
 * server's user and root), from /etc/passwd and /etc/group on a LON-CAPA server; only the fallback
 * without the opened packages looks names up for every connection, and the daemon logs at start
 * when it runs that way.
 */
final class PeerCredentials {
    /** JVM options that enable the numeric path when the daemon is not started with {@code -jar}. */
    static final String JVM_OPTIONS =
            "--add-opens=jdk.net/jdk.net=ALL-UNNAMED --add-exports=java.base/sun.nio.ch=ALL-UNNAMED";

    static final long NAME_TTL_NANOS = TimeUnit.SECONDS.toNanos(60);
    static final int MAX_CACHED = 1024;

    /** A peer's user and primary group by name. */
    record Identity(String user, String group) {}

    private record Cached(Identity identity, long expires) {}

    /** The JDK internals of the numeric path; null when the JVM does not open them. */
    private static final MethodHandle FD_VAL;
    private static final MethodHandle PEER_CRED;
    private static final String UNAVAILABLE_REASON;

    static {
        MethodHandle fdVal = null;
        MethodHandle peerCred = null;
        String reason = null;
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            Class<?> selCh = Class.forName("sun.nio.ch.SelChImpl");
            fdVal = lookup.findVirtual(selCh, "getFDVal", MethodType.methodType(int.class))
                    .asType(MethodType.methodType(int.class, SocketChannel.class));
            Method m = Class.forName("jdk.net.LinuxSocketOptions").getDeclaredMethod("getSoPeerCred0", int.class);
            m.setAccessible(true);
            peerCred = lookup.unreflect(m);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            fdVal = null;
            peerCred = null;
            reason = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        FD_VAL = fdVal;
        PEER_CRED = peerCred;
        UNAVAILABLE_REASON = reason;
    }

    private final boolean numeric;
    private final Ticker ticker;
    private final Map<Long, Cached> cache = new HashMap<>();
    private long lookups;
    private long hits;

    private PeerCredentials(boolean numeric, Ticker ticker) {
        this.numeric = numeric;
        this.ticker = ticker;
    }

    /**
     * System property that, set to {@code names}, keeps the public call for every connection even
     * where the numeric path is available.
     */
    static final String METHOD_PROPERTY = "lonc.peerCredentials";

    /**
     * The numeric path if this JVM allows it and {@value #METHOD_PROPERTY} is not {@code names}, the
     * public call otherwise.
     */
    static PeerCredentials best(Ticker ticker) {
        boolean forceNames = "names".equals(System.getProperty(METHOD_PROPERTY));
        return new PeerCredentials(numericAvailable() && !forceNames, ticker);
    }

    /** Always the public call (names looked up per connection). */
    static PeerCredentials portable(Ticker ticker) {
        return new PeerCredentials(false, ticker);
    }

    static boolean numericAvailable() {
        return PEER_CRED != null;
    }

    /** Why the numeric path is off, or null when it is available. */
    static String unavailableReason() {
        return UNAVAILABLE_REASON;
    }

    /** Whether this instance reads numbers and caches names. */
    boolean numeric() {
        return numeric;
    }

    /** Connections whose names came from the cache, and those that needed the public call. */
    long cacheHits() {
        return hits;
    }

    long nameLookups() {
        return lookups;
    }

    /** Forgets every cached name (the access policy changed). */
    void clear() {
        cache.clear();
    }

    /**
     * The peer of an accepted, connected UNIX-domain channel.
     *
     * @throws IOException when the kernel does not give the credentials
     */
    Identity identify(SocketChannel ch) throws IOException {
        if (!numeric) {
            lookups++;
            return byName(ch);
        }
        long key;
        try {
            key = rawCredentials(ch);
        } catch (RuntimeException | LinkageError e) {
            // not a JDK socket channel after all, or the internals went away: ask the public way
            lookups++;
            return byName(ch);
        }
        long now = ticker.nanoTime();
        Cached c = cache.get(key);
        if (c != null && now - c.expires() < 0) {
            hits++;
            return c.identity();
        }
        lookups++;
        Identity id = byName(ch);
        if (resolved(id, key)) {
            if (cache.size() >= MAX_CACHED) {
                cache.clear();
            }
            cache.put(key, new Cached(id, now + NAME_TTL_NANOS));
        }
        return id;
    }

    /**
     * Whether the name service answered for both numbers. When it does not (a passing sssd or LDAP
     * failure, or no entry), the JDK gives the number itself as the name; caching that would refuse
     * a legitimate peer for a whole minute, so such answers are used once and not kept.
     */
    static boolean resolved(Identity id, long key) {
        return !isNumber(id.user(), (int) (key >>> 32)) && !isNumber(id.group(), (int) key);
    }

    private static boolean isNumber(String name, int id) {
        return name.equals(Integer.toString(id)) || name.equals(Integer.toUnsignedString(id));
    }

    /** The JDK native's packed uid and gid of the peer: one getsockopt, no name service. */
    static long rawCredentials(SocketChannel ch) throws IOException {
        if (!ch.isOpen()) {
            // its descriptor number may already belong to another file
            throw new ClosedChannelException();
        }
        try {
            int fd = (int) FD_VAL.invokeExact(ch);
            return (long) PEER_CRED.invokeExact(fd);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    private static Identity byName(SocketChannel ch) throws IOException {
        UnixDomainPrincipal p = ch.getOption(ExtendedSocketOptions.SO_PEERCRED);
        return new Identity(p.user().getName(), p.group().getName());
    }
}
