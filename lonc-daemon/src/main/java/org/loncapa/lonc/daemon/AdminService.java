package org.loncapa.lonc.daemon;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.loncapa.lonc.core.internal.EngineInternals;
import org.loncapa.lonc.core.HostStatus;
import org.loncapa.lonc.core.deferred.DeferredReplayer;
import org.loncapa.lonc.daemon.frontend.LineService;
import org.loncapa.lonc.daemon.logging.Severity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin socket: one JSON object per line in, one JSON object per line out, for what signals
 * cannot say. Every reply has {@code "ok": true|false}; failures carry {@code "error"}.
 *
 * <table>
 *   <caption>Commands</caption>
 *   <tr><th>request</th><th>does</th></tr>
 *   <tr><td>{@code {"cmd":"status"}}, {@code {"cmd":"status","host":h}}</td>
 *       <td>the status of every host (or one), as in loncstatus.json</td></tr>
 *   <tr><td>{@code {"cmd":"reset"[,"host":h]}}</td><td>reset_retries for one host, or all</td></tr>
 *   <tr><td>{@code {"cmd":"pause","host":h}}, {@code resume}</td>
 *       <td>pause a host (its requests get con_lost, its connections close) / end the pause</td></tr>
 *   <tr><td>{@code {"cmd":"close","host":h}}</td><td>close the host's lond connections</td></tr>
 *   <tr><td>{@code {"cmd":"reload"}}</td><td>what SIGHUP does; the reply lists what changed</td></tr>
 *   <tr><td>{@code {"cmd":"write-status"}}</td><td>rewrite loncstatus.txt/.json/.html</td></tr>
 *   <tr><td>{@code {"cmd":"txlog"[,"on":b]}}, {@code {"cmd":"debug"[,"on":b]}}</td>
 *       <td>set or toggle transaction / debug logging (SIGUSR2 / SIGINT)</td></tr>
 *   <tr><td>{@code {"cmd":"deferred-list"[,"host":h]}}</td><td>delayed transactions (no secrets)</td></tr>
 *   <tr><td>{@code {"cmd":"deferred-flush","host":h}}</td><td>replay a host's delayed transactions now; answers what was delivered, what remains, and why (waiting for the minimum age until a time, or stopped)</td></tr>
 *   <tr><td>{@code {"cmd":"deferred-hold","file":f}}, {@code deferred-release}, {@code deferred-delete}</td>
 *       <td>move one delayed file to hold / back / delete it</td></tr>
 *   <tr><td>{@code {"cmd":"metrics"}}</td><td>OpenMetrics text in {@code "text"} (what
 *       {@code /metrics} serves when {@code metricsPort} is set)</td></tr>
 *   <tr><td>{@code {"cmd":"help"}}</td><td>this list</td></tr>
 * </table>
 *
 * Called on the front end's loop thread, which is the engine's; anything that touches files or
 * waits runs on the daemon's control thread. The future never completes exceptionally: errors become {@code {"ok":false,...}}.
 */
final class AdminService implements LineService {
    private static final Logger log = LoggerFactory.getLogger(AdminService.class);

    static final List<String> COMMANDS = List.of("status", "reset", "pause", "resume", "close",
            "reload", "write-status", "txlog", "debug", "deferred-list", "deferred-flush",
            "deferred-hold", "deferred-release", "deferred-delete", "metrics", "help");

    private final LoncDaemon daemon;
    /** Duplicate keys are an error: {"cmd":"status","cmd":"reload"} must not run whichever is last. */
    private final ObjectMapper json = new ObjectMapper().disable(SerializationFeature.INDENT_OUTPUT)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    AdminService(LoncDaemon daemon) {
        this.daemon = daemon;
    }

    @Override
    public CompletableFuture<String> request(String line, Peer peer) {
        JsonNode req;
        try {
            req = json.readTree(line);
        } catch (JsonProcessingException e) {
            return CompletableFuture.completedFuture(write(error("malformed JSON: " + e.getOriginalMessage())));
        }
        if (req == null || !req.isObject() || !req.path("cmd").isTextual()) {
            return CompletableFuture.completedFuture(write(error("expected an object with a \"cmd\" string, e.g. {\"cmd\":\"status\"}")));
        }
        String cmd = req.path("cmd").asText();
        String host = req.path("host").isTextual() ? req.path("host").asText() : null;
        if (!cmd.equals("status") && !cmd.equals("help") && !cmd.equals("deferred-list")
                && !cmd.equals("metrics")) {
            log.info("Admin request '{}' from {}{}", cmd, peer, host == null ? "" : " for " + host);
        }
        try {
            return handle(cmd, host, req).exceptionally(e -> error(messageOf(e))).thenApply(this::write);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(write(error(messageOf(e))));
        }
    }

    private CompletableFuture<Map<String, Object>> handle(String cmd, String host, JsonNode req) {
        switch (cmd) {
            case "status":
                // the document reads delayed/ (file I/O): built on the control thread, not the engine's
                return daemon.engine().statusAsync().thenApplyAsync(all -> {
                    List<HostStatus> l = host == null ? all
                            : all.stream().filter(s -> s.name().equals(host)).toList();
                    if (host != null && l.isEmpty()) {
                        return error("unknown host " + host);
                    }
                    Map<String, Object> m = ok();
                    m.putAll(daemon.statusDocument(l));
                    return m;
                }, daemon.control());
            case "reset":
                if (host == null) {
                    return daemon.engine().resetAll().thenApply(v -> ok());
                }
                return needHost(host, () -> daemon.engine().resetHost(host).thenApply(v -> ok()));
            case "pause":
                return needHost(host, () -> daemon.engine().pause(host).thenApply(v -> ok()));
            case "resume":
                return needHost(host, () -> daemon.engine().resume(host).thenApply(v -> ok()));
            case "close":
                return needHost(host, () -> daemon.engine().closeConnections(host).thenApply(v -> ok()));
            case "reload":
                return onControl(() -> daemon.reload("admin socket").toMap());
            case "write-status":
                return onControl(() -> {
                    Map<String, Object> m = ok();
                    m.put("file", daemon.writeStatus().toString());
                    return m;
                });
            case "txlog": {
                boolean on = req.path("on").isBoolean() ? req.path("on").asBoolean()
                        : !daemon.transactionLogging();
                daemon.setTransactionLogging(on);
                Map<String, Object> m = ok();
                m.put("transactionLogging", on);
                return done(m);
            }
            case "debug": {
                boolean on = req.path("on").isBoolean() ? req.path("on").asBoolean() : !daemon.debug();
                daemon.setDebug(on);
                Map<String, Object> m = ok();
                m.put("debug", on);
                return done(m);
            }
            case "deferred-list":
                return onControl(() -> {
                    DeferredReplayer r = daemon.deferred();
                    List<DeferredReplayer.Item> items;
                    try {
                        items = host == null ? r.listAll() : r.list(host);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    Map<String, Object> m = ok();
                    m.put("items", items.stream().map(AdminService::item).toList());
                    return m;
                });
            case "deferred-flush":
                return needHost(host, () -> daemon.deferred().flush(host).thenApply(f -> {
                    Map<String, Object> m = ok();
                    m.put("delivered", f.delivered());
                    m.put("remaining", f.remaining());
                    m.put("waiting", f.waiting());
                    m.put("waitingUntil", f.waitingUntil() == null ? null : f.waitingUntil().toString());
                    m.put("stopped", f.stopped());
                    return m;
                }));
            case "deferred-hold":
            case "deferred-release":
            case "deferred-delete": {
                String file = req.path("file").asText("");
                if (file.isEmpty()) {
                    return done(error(cmd + " needs \"file\": a file name in delayed/"));
                }
                return onControl(() -> {
                    DeferredReplayer r = daemon.deferred();
                    boolean found;
                    try {
                        found = cmd.equals("deferred-hold") ? r.hold(file)
                                : cmd.equals("deferred-release") ? r.release(file) : r.delete(file);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    return found ? ok() : error("no such delayed file: " + file);
                });
            }
            case "metrics":
                return onControl(() -> {
                    Map<String, Object> m = ok();
                    m.put("contentType", org.loncapa.lonc.core.OpenMetrics.CONTENT_TYPE);
                    m.put("text", daemon.metricsText());
                    return m;
                });
            case "test-fail":
                // test hook, off unless the JVM was started with -Dlonc.testHooks=true
                if (!Boolean.getBoolean(LoncDaemon.TEST_HOOKS_PROPERTY)) {
                    return done(error("unknown cmd 'test-fail'; known: " + String.join(", ", COMMANDS)));
                }
                log.error(Severity.CRITICAL.marker(), "Admin test hook: killing the engine thread on purpose");
                EngineInternals.injectFailure(daemon.engine(),
                        new Error("deliberate failure (admin test hook)"));
                return done(ok());
            case "help": {
                Map<String, Object> m = ok();
                m.put("commands", COMMANDS);
                return done(m);
            }
            default:
                return done(error("unknown cmd '" + cmd + "'; known: " + String.join(", ", COMMANDS)));
        }
    }

    private static Map<String, Object> item(DeferredReplayer.Item i) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", i.file());
        m.put("lonId", i.lonId());
        m.put("host", i.host());
        m.put("savedAt", i.savedAt().toString());
        m.put("ageSeconds", i.age().toSeconds());
        m.put("description", i.description());
        m.put("held", i.held());
        m.put("deliveredNotRemoved", i.deliveredNotRemoved());
        return m;
    }

    private CompletableFuture<Map<String, Object>> needHost(String host,
            Supplier<CompletableFuture<Map<String, Object>>> action) {
        if (host == null) {
            return done(error("this command needs \"host\": a host name (its socket's name)"));
        }
        if (daemon.engine().host(host).isEmpty()) {
            return done(error("unknown host " + host));
        }
        return action.get();
    }

    private CompletableFuture<Map<String, Object>> onControl(Supplier<Map<String, Object>> action) {
        return CompletableFuture.supplyAsync(action, daemon.control());
    }

    private String write(Map<String, Object> m) {
        try {
            return json.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            return "{\"ok\":false,\"error\":\"cannot encode the reply\"}";
        }
    }

    private static <T> CompletableFuture<T> done(T v) {
        return CompletableFuture.completedFuture(v);
    }

    static Map<String, Object> ok() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ok", true);
        return m;
    }

    static Map<String, Object> error(String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ok", false);
        m.put("error", message);
        return m;
    }

    private static String messageOf(Throwable e) {
        Throwable t = e;
        while ((t instanceof CompletionException || t instanceof UncheckedIOException) && t.getCause() != null) {
            t = t.getCause();
        }
        return Optional.ofNullable(t.getMessage()).orElse(t.getClass().getSimpleName());
    }
}
