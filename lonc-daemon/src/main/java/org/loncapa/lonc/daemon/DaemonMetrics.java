package org.loncapa.lonc.daemon;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.loncapa.lonc.core.HostStatus;
import org.loncapa.lonc.core.OpenMetrics;
import org.loncapa.lonc.core.deferred.DeferredReplayer;

/**
 * The daemon's metrics: the engine's per-host snapshots rendered by {@link OpenMetrics}, plus what
 * only the daemon knows (requests to a host socket answered {@code no_such_host}, the deferred
 * backlog per host, the front end's client counters), and the optional loopback HTTP listener.
 */
final class DaemonMetrics {
    /** Front-end counter names (FrontEnd.counters) to metric names; clientsOpen is a gauge, left out. */
    private static final Map<String, String> FRONT_END = Map.of(
            "clientsAccepted", "clients_accepted",
            "clientsRefused", "clients_refused",
            "requestsRejected", "requests_rejected",
            "idleClientsClosed", "idle_clients_closed",
            "requests", "socket_requests");

    /** Bounded by the host sockets: one entry per host name. */
    private final Map<String, LongAdder> noSuchHost = new ConcurrentHashMap<>();

    /** A request on {@code host}'s socket was answered {@code no_such_host}. */
    void noSuchHost(String host) {
        noSuchHost.computeIfAbsent(host, h -> new LongAdder()).increment();
    }

    /**
     * The text.
     *
     * @param deferredItems every delayed transaction, or null if the store could not be read
     */
    String render(List<HostStatus> hosts, List<DeferredReplayer.Item> deferredItems,
            Map<String, Long> frontEnd, Instant now) {
        Map<String, long[]> backlog = deferredItems == null ? Map.of() : backlog(deferredItems);
        Map<String, OpenMetrics.Extra> extras = new HashMap<>();
        for (HostStatus s : hosts) {
            LongAdder n = noSuchHost.get(s.name());
            long[] b = backlog.get(s.name());
            extras.put(s.name(), new OpenMetrics.Extra(n == null ? 0 : n.sum(),
                    deferredItems == null ? -1 : b == null ? 0 : b[0], b == null ? -1 : b[1]));
        }
        Map<String, Long> global = new LinkedHashMap<>();
        frontEnd.forEach((k, v) -> {
            String name = FRONT_END.get(k);
            if (name != null) {
                global.put(name, v);
            }
        });
        return OpenMetrics.render(hosts, extras, global);
    }

    /** Pending (not held) delayed transactions per host: {count, oldest age in seconds}. */
    static Map<String, long[]> backlog(List<DeferredReplayer.Item> items) {
        Map<String, long[]> backlog = new HashMap<>();
        for (DeferredReplayer.Item i : items) {
            if (i.held() || i.host() == null) {
                continue;
            }
            long[] b = backlog.computeIfAbsent(i.host(), h -> new long[] {0, 0});
            b[0]++;
            b[1] = Math.max(b[1], i.age().toSeconds());
        }
        return backlog;
    }

    /**
     * {@code GET /metrics} on 127.0.0.1 (or ::1): the scrape endpoint. One thread; every other
     * path is 404, every other method 405.
     */
    static final class Http implements AutoCloseable {
        private final HttpServer server;
        private final ExecutorService thread;

        Http(int port, Supplier<String> text) throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
            thread = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "lonc-metrics-http");
                t.setDaemon(true);
                return t;
            });
            server.setExecutor(thread);
            server.createContext("/", ex -> {
                try (ex) {
                    if (!ex.getRequestURI().getPath().equals("/metrics")) {
                        reply(ex, 404, "text/plain; charset=utf-8", "not found: try /metrics\n");
                    } else if (!ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("HEAD")) {
                        reply(ex, 405, "text/plain; charset=utf-8", "GET only\n");
                    } else {
                        reply(ex, 200, OpenMetrics.CONTENT_TYPE, text.get());
                    }
                } catch (RuntimeException e) {
                    reply(ex, 500, "text/plain; charset=utf-8", "cannot read the metrics: " + e + "\n");
                }
            });
            server.start();
        }

        /** The port bound. */
        int port() {
            return server.getAddress().getPort();
        }

        private static void reply(HttpExchange ex, int code, String type, String body) throws IOException {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", type);
            boolean head = ex.getRequestMethod().equals("HEAD");
            ex.sendResponseHeaders(code, head ? -1 : b.length);
            if (!head) {
                try (OutputStream o = ex.getResponseBody()) {
                    o.write(b);
                }
            }
        }

        @Override
        public void close() {
            server.stop(0);
            thread.shutdownNow();
        }
    }
}
