package org.loncapa.lonc.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.loncapa.lonc.client.LoncClient;
import org.loncapa.lonc.client.Reply;
import org.loncapa.lonc.client.internal.Json;

/**
 * A small web application on the JDK's built-in HTTP server that answers HTTP requests by calling
 * LON-CAPA hosts through one shared {@link LoncClient}: the intended usage of the SDK in a web app.
 *
 * <pre>
 *   GET /ping?lonid=msul1            → 200 text "msul1"          (lond's reply to ping)
 *   GET /send?lonid=msul1&amp;cmd=echo:hi → 200 text "hi"
 *   GET /status                      → 200 JSON status of every host
 *   an error token (con_lost, ...)   → 502 text with the token;  no_such_host → 404
 * </pre>
 *
 * <p>Requests are answered asynchronously: the handler calls {@link LoncClient#send} and writes the
 * HTTP response when the reply future completes (on the client's callback executor), so no HTTP
 * thread waits on lond. Run it with {@code java -cp examples.jar
 * org.loncapa.lonc.examples.WebAppExample --config /etc/httpd/conf/loncapa.conf [--daemon]
 * [--port 8080]}.
 */
public final class WebAppExample implements AutoCloseable {
    private final LoncClient lonc;
    private final HttpServer server;
    private final ExecutorService httpThreads = Executors.newFixedThreadPool(4);

    /** Starts serving on {@code address} with {@code lonc} (the caller keeps ownership of it). */
    public WebAppExample(LoncClient lonc, InetSocketAddress address) throws IOException {
        this.lonc = lonc;
        this.server = HttpServer.create(address, 64);
        server.createContext("/ping", ex -> call(ex, query(ex).get("lonid"), "ping"));
        server.createContext("/send", ex -> {
            Map<String, String> q = query(ex);
            call(ex, q.get("lonid"), q.get("cmd"));
        });
        server.createContext("/status", this::status);
        server.setExecutor(httpThreads);
        server.start();
    }

    /** The port actually bound (useful with port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    private void call(HttpExchange ex, String lonId, String cmd) throws IOException {
        if (lonId == null || cmd == null) {
            respond(ex, 400, "text/plain", "lonid and cmd are required\n");
            return;
        }
        try {
            lonc.send(lonId, cmd).thenAccept(r -> {
                try {
                    respond(ex, httpStatus(r), "text/plain", r.line() + "\n");
                } catch (IOException e) {
                    ex.close(); // the browser went away
                }
            });
        } catch (IllegalArgumentException e) {
            respond(ex, 400, "text/plain", e.getMessage() + "\n");
        }
    }

    /** 200 for an answer, 404 for an unknown lonID, 502 for every other error token. */
    static int httpStatus(Reply r) {
        return switch (r.kind()) {
            case ANSWER -> 200;
            case NO_SUCH_HOST -> 404;
            default -> 502;
        };
    }

    private void status(HttpExchange ex) throws IOException {
        try {
            respond(ex, 200, "application/json", Json.write(lonc.status()) + "\n");
        } catch (IOException e) {
            respond(ex, 503, "text/plain", e.getMessage() + "\n");
        }
    }

    private static void respond(HttpExchange ex, int status, String type, String body)
            throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    private static Map<String, String> query(HttpExchange ex) {
        Map<String, String> m = new LinkedHashMap<>();
        String q = ex.getRequestURI().getRawQuery();
        if (q != null) {
            for (String pair : q.split("&")) {
                int eq = pair.indexOf('=');
                String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                m.putIfAbsent(k, v);
            }
        }
        return m;
    }

    /** Stops the HTTP server (not the client). */
    @Override
    public void close() {
        server.stop(0);
        httpThreads.shutdownNow();
    }

    public static void main(String[] args) throws Exception {
        Path config = null;
        boolean daemon = false;
        int port = 8080;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config" -> config = Path.of(args[++i]);
                case "--daemon" -> daemon = true;
                case "--port" -> port = Integer.parseInt(args[++i]);
                default -> {
                    System.err.println("usage: WebAppExample --config <loncapa.conf> [--daemon] [--port 8080]");
                    System.exit(ExitCodes.USAGE);
                }
            }
        }
        if (config == null) {
            System.err.println("usage: WebAppExample --config <loncapa.conf> [--daemon] [--port 8080]");
            System.exit(ExitCodes.USAGE);
        }
        LoncClient.Builder b = LoncClient.fromConfig(config);
        if (daemon) {
            b.daemon();
        }
        try (LoncClient lonc = b.build();
                WebAppExample app = new WebAppExample(lonc, new InetSocketAddress(port))) {
            System.err.println("Serving on http://localhost:" + app.port() + "/ping?lonid=<lonid> ("
                    + lonc.describe() + "); Ctrl-C stops.");
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            stop.await();
        }
    }
}
