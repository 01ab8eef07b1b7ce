package org.loncapa.lonc.daemon;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.loncapa.lonc.core.LoncEngine;
import org.loncapa.lonc.core.internal.protocol.Redaction;
import org.loncapa.lonc.core.RemoteHost;
import org.loncapa.lonc.core.ReplyTokens;
import org.loncapa.lonc.core.internal.pool.Transaction;
import org.loncapa.lonc.core.internal.protocol.RequestLine;
import org.loncapa.lonc.daemon.frontend.LineService;
import org.loncapa.lonc.daemon.logging.Severity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a host socket does with a request line (protocol.md §4): the two requests lonc answers
 * itself, and everything else to the engine, routed by the {@code sethost:<id>:} prefix when there
 * is one.
 *
 * <ul>
 *   <li>{@value #RESET_RETRIES}: the host gets its full retry budget back (a DEAD host is tried again
 *       at once); reply {@code ok}.</li>
 *   <li>{@value #CLOSE_CONNECTION_EXIT}: the host's lond connections are closed (busy ones after
 *       their reply); no reply, and this client connection is closed. Perl's child process exited
 *       here; this daemon stays up.</li>
 * </ul>
 *
 * Both may carry a {@code sethost:<id>:} prefix, which then selects the host. Called on the
 * front end's loop thread, which is the engine's; never blocks.
 */
final class HostService implements LineService {
    private static final Logger log = LoggerFactory.getLogger(HostService.class);

    /** Answered {@code ok} by lonc itself. */
    static final String RESET_RETRIES = "reset_retries";
    /** Handled by lonc itself, no reply. */
    static final String CLOSE_CONNECTION_EXIT = "close_connection_exit";

    /** lonc and lond status words that transaction logging shows; other replies show their size. */
    private static final Set<String> STATUS_WORDS = Set.of(ReplyTokens.OK, ReplyTokens.CON_LOST,
            ReplyTokens.CON_BUSY, ReplyTokens.NO_SUCH_HOST, "refused", "rejected", "unknown_cmd",
            "unable_to_set", "error", "no_such_user", "not_found", "pong");

    private final LoncDaemon daemon;
    private final HostLayout.SocketTarget target;

    HostService(LoncDaemon daemon, HostLayout.SocketTarget target) {
        this.daemon = daemon;
        this.target = target;
    }

    @Override
    public CompletableFuture<String> request(String line, Peer peer) {
        LoncEngine engine = daemon.engine();
        RequestLine r = RequestLine.parse(line);
        String cmd = r.command();
        if (cmd.equals(RESET_RETRIES) || cmd.equals(CLOSE_CONNECTION_EXIT)) {
            String host = r.lonId() == null ? target.hostName()
                    : engine.hostOf(r.lonId()).map(RemoteHost::name).orElse(null);
            if (host == null) {
                daemon.metrics().noSuchHost(target.hostName());
                return CompletableFuture.completedFuture(ReplyTokens.NO_SUCH_HOST);
            }
            if (cmd.equals(RESET_RETRIES)) {
                log.info(Severity.INFO.marker(), "reset_retries from {}: retries reset for {}", peer, host);
                return engine.resetHost(host).thenApply(v -> ReplyTokens.OK);
            }
            log.error(Severity.CRITICAL.marker(), "Request Close Connection from {}: closing the"
                    + " connections to {} (the daemon stays up)", peer, host);
            engine.closeConnections(host);
            return CompletableFuture.completedFuture(null);
        }
        boolean logIt = daemon.transactionLogging();
        long started = logIt ? System.nanoTime() : 0;
        String name = logIt ? commandName(line) : null;
        if (logIt) {
            log.info("Transaction: '{}' on {} from {}", name, target.hostName(), peer);
        }
        CompletableFuture<String> f = target.lonId() != null && r.lonId() == null
                ? engine.submit(target.lonId(), cmd)
                : engine.submitLine(target.hostName(), line);
        if (f.isDone() && ReplyTokens.NO_SUCH_HOST.equals(f.getNow(null))) {
            daemon.metrics().noSuchHost(target.hostName());
        }
        if (logIt) {
            f.thenAccept(reply -> log.info("Reply from lond to '{}' on {}: {} ({} ms)", name,
                    target.hostName(), replyForLog(reply),
                    (System.nanoTime() - started) / 1_000_000));
        }
        return f;
    }

    @Override
    public void abandon(CompletableFuture<String> reply) {
        Transaction.abandon(reply);
    }

    /**
     * The request's command name only, with its {@code sethost:<id>:} and {@code encrypt:}
     * prefixes: {@code sethost:msul1:encrypt:currentauth}, {@code put}. Arguments are never
     * logged (they may be secret even in plain requests).
     */
    static String commandName(String line) {
        StringBuilder b = new StringBuilder();
        String rest = line;
        RequestLine r = RequestLine.parse(line);
        if (r.lonId() != null) {
            b.append(Redaction.SETHOST_PREFIX).append(r.lonId()).append(':');
            rest = r.command();
        }
        if (rest.startsWith(Redaction.ENCRYPT_PREFIX)) {
            b.append(Redaction.ENCRYPT_PREFIX);
            rest = rest.substring(Redaction.ENCRYPT_PREFIX.length());
        }
        int colon = rest.indexOf(':');
        b.append(colon < 0 ? rest : rest.substring(0, colon));
        return Redaction.forLog(b.toString(), 120);
    }

    /** A status word as it is; anything else (data) by its size only. */
    static String replyForLog(String reply) {
        if (reply == null) {
            return "(none)";
        }
        int colon = reply.indexOf(':');
        String word = colon < 0 ? reply : reply.substring(0, colon);
        if (STATUS_WORDS.contains(word) && reply.length() <= 80) {
            return "'" + Redaction.forLog(reply, 80) + "'";
        }
        return reply.length() + " characters";
    }
}
