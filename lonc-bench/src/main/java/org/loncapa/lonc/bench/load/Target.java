package org.loncapa.lonc.bench.load;

import java.io.Closeable;
import java.io.IOException;

/**
 * One way of reaching lond that the load tool measures: through the daemon, over the client's own
 * persistent connection (direct), with a fresh connection per request (naive), or through an
 * in-process engine.
 */
public interface Target {
    /** Short name shown in the report, e.g. {@code daemon/persistent}. */
    String name();

    /** lond connections the path uses (for the report), or 0 when it is one per client or request. */
    int londConnections();

    /**
     * A new simulated client. Persistent clients connect here (not timed); per-request clients
     * connect inside each {@link Client#call}.
     */
    Client newClient(int index) throws IOException;

    /** The line a client sends for {@code command} (the daemon path adds {@code sethost:<id>:}). */
    default String wrap(String command) {
        return command;
    }

    /** What to measure CPU and memory of while the path is driven, or null for nothing. */
    default Meter meter() {
        return null;
    }

    /** One simulated client, used by one thread. */
    interface Client extends Closeable {
        /** Sends one request line and returns the reply line. */
        String call(String line) throws IOException;

        @Override
        default void close() throws IOException {}
    }

    /** CPU and memory of whatever serves a path (the daemon process, the engine thread). */
    interface Meter {
        /** Label, e.g. {@code daemon pid 123}. */
        String label();

        /** CPU time used so far, in nanoseconds, or -1. */
        long cpuNanos();

        /** Resident memory now, in bytes, or -1 when it cannot be told apart from the tool's own. */
        long rssBytes();

        /** CPU time so far by thread name (see {@link ProcStats#cpuByThread}), or empty. */
        default java.util.Map<String, Long> cpuByThread() {
            return java.util.Map.of();
        }
    }
}
