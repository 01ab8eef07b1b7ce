package org.loncapa.lonc.daemon.logging;

import java.util.Objects;

/**
 * Where the daemon's SLF4J backend sends its records: one process-wide {@link Sink} (normally the
 * {@link LogFile} for {@code lonc.log}) and the debug switch that SIGINT toggles.
 *
 * <p>The backend is process-wide because SLF4J is; when several daemons run in one JVM (tests),
 * the last one installed receives everything. Before a sink is installed, and after it is removed,
 * warnings and errors go to standard error and the rest is dropped.
 *
 * <p>Thread-safe.
 */
public final class LoncLog {
    private LoncLog() {}

    /** Receives formatted records; called on whatever thread logged. */
    public interface Sink {
        /**
         * @param severity the lonc.log severity
         * @param args the logging call's arguments (used to tell which host a line is about)
         * @param message the formatted message, one line
         * @param thrown an exception to report, or null
         */
        void write(Severity severity, Object[] args, String message, Throwable thrown);
    }

    private static volatile Sink sink;
    private static volatile boolean debug;

    /** Makes {@code s} the destination of every log record. */
    public static void install(Sink s) {
        sink = Objects.requireNonNull(s);
    }

    /** Removes {@code s} if it is the current destination. */
    public static synchronized void uninstall(Sink s) {
        if (sink == s) {
            sink = null;
        }
    }

    static Sink sink() {
        return sink;
    }

    /** Whether DEBUG records are written (as {@code INFO: -Debug- ...}). */
    public static boolean debug() {
        return debug;
    }

    /** Turns debug logging on or off. */
    public static void setDebug(boolean on) {
        debug = on;
    }
}
