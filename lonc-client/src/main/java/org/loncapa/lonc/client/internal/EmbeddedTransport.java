package org.loncapa.lonc.client.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.loncapa.lonc.core.EngineConfig;
import org.loncapa.lonc.core.HostStatus;
import org.loncapa.lonc.core.LoncEngine;
import org.loncapa.lonc.core.RemoteHost;
import org.loncapa.lonc.core.deferred.DeferredReplayer;
import org.loncapa.lonc.core.deferred.DeferredStore;
import org.loncapa.lonc.core.deferred.PermLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-process transport: a {@link LoncEngine} of this client's own, no daemon and no UNIX
 * sockets. It owns the engine (started in the constructor, closed by {@link #close}) and, when
 * replay is on, the engine's {@link DeferredReplayer}. The engine's futures complete on the
 * engine thread; the client hops off it before user code runs.
 */
public final class EmbeddedTransport implements Transport {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedTransport.class);

    private final LoncEngine engine;
    /** Replays the deferred store when hosts come up; null when replay is off. */
    private volatile DeferredReplayer replayer;

    /** Starts an engine with {@code config}. */
    public EmbeddedTransport(EngineConfig config) {
        this.engine = LoncEngine.start(config);
    }

    /**
     * Makes this engine replay deferred transactions from {@code store} whenever a host becomes
     * reachable (as the lonc daemon does).
     */
    public void replayDeferred(DeferredStore store, PermLog permLog, Clock clock,
            DeferredReplayer.Settings settings) {
        this.replayer = DeferredReplayer.attach(engine, store, permLog, clock, settings);
    }

    /** The replayer, or null when replay is off. */
    public DeferredReplayer replayer() {
        return replayer;
    }

    /** The engine (for tests and for operator tools that need more than the transport offers). */
    public LoncEngine engine() {
        return engine;
    }

    @Override
    public CompletableFuture<String> send(String lonId, String command, Duration timeout) {
        return engine.submit(lonId, command, timeout);
    }

    @Override
    public void resetRetries(String lonId, Duration timeout) {
        engine.hostOf(lonId).map(RemoteHost::name).ifPresent(name -> {
            try {
                engine.resetHost(name).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                log.warn("Could not reset the retries of {}: {}", name, e.toString());
            }
        });
    }

    @Override
    public List<HostStatus> status() {
        return engine.status();
    }

    @Override
    public CompletableFuture<List<HostStatus>> statusAsync() {
        return engine.statusAsync();
    }

    @Override
    public String describe() {
        return "embedded engine (" + engine.hosts().size() + " hosts)";
    }

    @Override
    public void close(Duration drain) {
        DeferredReplayer r = replayer;
        if (r != null) {
            r.close();
        }
        engine.close(drain);
    }
}
