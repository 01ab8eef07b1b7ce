package org.loncapa.lonc.core.deferred;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.loncapa.lonc.core.EngineConfig;
import org.loncapa.lonc.core.LoncEngine;
import org.loncapa.lonc.core.RemoteHost;

/**
 * A separate JVM that replays a delayed directory to a lond and runs until it is killed; used to
 * check that SIGKILL in the middle of a replay loses nothing. Arguments: delayed dir, lond port,
 * perm log file.
 */
public final class ReplayChild {
    private ReplayChild() {}

    public static void main(String[] args) throws Exception {
        Path delayed = Path.of(args[0]);
        int port = Integer.parseInt(args[1]);
        PermLog perm = new PermLog(Path.of(args[2]), Clock.systemDefaultZone());
        LoncEngine engine = LoncEngine.start(EngineConfig.builder("msua3")
                .host(new RemoteHost("lond.test", List.of("msul1"), "127.0.0.1", port, false))
                .allowInsecure(true).transactionTimeout(Duration.ofMinutes(5)).build());
        DeferredStore store = new DeferredStore(delayed, Clock.systemDefaultZone(),
                ProcessHandle.current().pid(), new RealStoreIo(), perm);
        DeferredReplayer.attach(engine, store, perm, Clock.systemDefaultZone(),
                DeferredReplayer.Settings.defaults().withRate(1, 1000));
        engine.submit("msul1", "ping").get();
        new CountDownLatch(1).await(); // until SIGKILL
    }
}
