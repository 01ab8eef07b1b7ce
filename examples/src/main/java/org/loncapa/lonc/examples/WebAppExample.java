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
 * thread waits on lond. Run it with {@code java -cp lonc-examples-all.jar
 * org.loncapa.lonc.examples.WebAppExample --config /etc/httpd/conf/loncapa.conf [--daemon]
 * [--port 8080] [--bind 127.0.0.1]}; it listens on loopback unless {@code --bind} says otherwise,
 * as it has no authentication.
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
            respond(ex, 200, "application/json", JsonText.write(lonc.status()) + "\n");
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

    static final String USAGE = String.join("\n",
            "usage: WebAppExample --config <loncapa.conf> [--daemon] [--port 8080] [--bind 127.0.0.1]",
            "  --config <file>  LON-CAPA's loncapa.conf",
            "  --daemon         go through the running lonc daemon instead of an embedded engine",
            "  --port <n>       the HTTP port (default 8080; 0 picks a free one)",
            "  --bind <addr>    the address to listen on (default 127.0.0.1, loopback only: the",
            "                   example has no authentication; say 0.0.0.0 to serve every interface)",
            "  --help           this text");

    /** The command line: where to listen and how to reach lond. */
    record Options(Path config, boolean daemon, InetSocketAddress address) {
    }

    /**
     * Parses the command line; empty for {@code --help}.
     *
     * @throws IllegalArgumentException for a usage error, with the message to print
     */
    static java.util.Optional<Options> parse(String... args) {
        Path config = null;
        boolean daemon = false;
        int port = 8080;
        String bind = "127.0.0.1";
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--help", "-h" -> {
                    return java.util.Optional.empty();
                }
                case "--daemon" -> daemon = true;
                case "--config", "--port", "--bind" -> {
                    if (i + 1 == args.length) {
                        throw new IllegalArgumentException(a + " needs a value");
                    }
                    String v = args[++i];
                    if (a.equals("--config")) {
                        config = Path.of(v);
                    } else if (a.equals("--bind")) {
                        bind = v;
                    } else {
                        try {
                            port = Integer.parseInt(v);
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException("--port: not a number: " + v);
                        }
                        if (port < 0 || port > 65535) {
                            throw new IllegalArgumentException("--port: out of range: " + v);
                        }
                    }
                }
                default -> throw new IllegalArgumentException("unknown argument: " + a);
            }
        }
        if (config == null) {
            throw new IllegalArgumentException("--config <loncapa.conf> is required");
        }
        return java.util.Optional.of(new Options(config, daemon, new InetSocketAddress(bind, port)));
    }

    /**
     * Serves until Ctrl-C.
     *
     * @param args see {@link #USAGE}
     * @throws Exception if the client or the HTTP server cannot start
     */
    public static void main(String[] args) throws Exception {
        Options o;
        try {
            java.util.Optional<Options> parsed = parse(args);
            if (parsed.isEmpty()) {
                System.out.println(USAGE);
                System.exit(ExitCodes.OK);
                return;
            }
            o = parsed.get();
        } catch (IllegalArgumentException e) {
            System.err.println("WebAppExample: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(ExitCodes.USAGE);
            return;
        }
        LoncClient.Builder b = LoncClient.fromConfig(o.config());
        if (o.daemon()) {
            b.daemon();
        }
        try (LoncClient lonc = b.build();
                WebAppExample app = new WebAppExample(lonc, o.address())) {
            System.err.println("Serving on http://" + o.address().getHostString() + ":" + app.port()
                    + "/ping?lonid=<lonid> (" + lonc.describe() + "); Ctrl-C stops.");
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            stop.await();
        }
    }
}
