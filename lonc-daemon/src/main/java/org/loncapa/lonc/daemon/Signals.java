package org.loncapa.lonc.daemon;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.loncapa.lonc.daemon.logging.Severity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * The Perl daemon's signal interface, on {@code sun.misc.Signal}:
 *
 * <table>
 *   <caption>Signals</caption>
 *   <tr><th>signal</th><th>does</th><th>Perl lonc</th></tr>
 *   <tr><td>HUP</td><td>reload loncapa.conf, hosts.tab and the settings file: new hosts get
 *       sockets, removed hosts are drained and closed, in-flight work is not lost</td>
 *       <td>restart (re-exec)</td></tr>
 *   <tr><td>USR1</td><td>write the status files and reset the retries of every host</td>
 *       <td>same (CheckKids, ChildStatus)</td></tr>
 *   <tr><td>USR2</td><td>toggle transaction logging</td><td>child: same</td></tr>
 *   <tr><td>INT</td><td>toggle debug logging</td><td>child: same</td></tr>
 *   <tr><td>TERM</td><td>stop taking requests, let in-flight ones finish ({@code drainTimeout}),
 *       exit 0</td><td>kill the children, exit</td></tr>
 *   <tr><td>QUIT</td><td>left to the JVM (thread dump to standard output); HotSpot does not let a
 *       program handle it. Use TERM.</td><td>child: exit</td></tr>
 * </table>
 *
 * <p>{@code sun.misc.Signal} is a JDK-internal API (module {@code jdk.unsupported}), but it has been
 * stable since Java 1.2 and is exported on purpose for exactly this use. A JVM may keep a signal for
 * itself (the handler then cannot be installed); that is logged and the admin socket offers the
 * same action. Handlers only post the work to the daemon's control thread: a handler never blocks
 * the JVM's signal dispatcher.
 */
final class Signals {
    private static final Logger log = LoggerFactory.getLogger(Signals.class);

    private final Map<Signal, SignalHandler> previous = new LinkedHashMap<>();

    /** Installs the handlers; returns the names of the signals that could not be handled. */
    List<String> install(LoncDaemon d, Executor control) {
        Map<String, Runnable> actions = new LinkedHashMap<>();
        actions.put("HUP", () -> d.reload("SIGHUP"));
        actions.put("USR1", () -> d.reportStatus("SIGUSR1"));
        actions.put("USR2", () -> d.setTransactionLogging(!d.transactionLogging()));
        actions.put("INT", () -> d.setDebug(!d.debug()));
        actions.put("TERM", () -> d.shutdown("SIGTERM"));
        actions.put("QUIT", () -> d.shutdown("SIGQUIT"));
        List<String> failed = new ArrayList<>();
        for (Map.Entry<String, Runnable> e : actions.entrySet()) {
            Runnable action = e.getValue();
            try {
                Signal sig = new Signal(e.getKey());
                SignalHandler old = Signal.handle(sig, s -> {
                    try {
                        control.execute(action);
                    } catch (RejectedExecutionException ex) {
                        // shutting down already
                    }
                });
                previous.put(sig, old);
                if (old == SignalHandler.SIG_IGN) {
                    // the JVM keeps a signal ignored that was ignored when it started (nohup, or
                    // a background job of a non-interactive shell): the handler is not in place
                    failed.add(e.getKey());
                    log.warn("SIG{} was ignored when lonc started (nohup? a background job?) and stays"
                            + " ignored; use the admin socket instead, or start lonc without it", e.getKey());
                }
            } catch (IllegalArgumentException ex) {
                failed.add(e.getKey());
                if (e.getKey().equals("QUIT")) {
                    log.info(Severity.INFO.marker(), "SIGQUIT stays with the JVM (thread dumps); use"
                            + " SIGTERM to stop lonc");
                } else {
                    log.warn("Cannot handle SIG{} on this JVM ({}); use the admin socket instead",
                            e.getKey(), ex.getMessage());
                }
            }
        }
        return failed;
    }

    /** Puts the previous handlers back. */
    void restore() {
        for (Map.Entry<Signal, SignalHandler> e : previous.entrySet()) {
            try {
                Signal.handle(e.getKey(), e.getValue());
            } catch (IllegalArgumentException ex) {
                // nothing to restore
            }
        }
        previous.clear();
    }
}
