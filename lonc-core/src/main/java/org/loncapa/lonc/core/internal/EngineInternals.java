package org.loncapa.lonc.core.internal;

import java.util.Objects;
import org.loncapa.lonc.core.LoncEngine;
import org.loncapa.lonc.core.internal.reactor.EventLoop;

/**
 * What lonc's own modules (daemon, test kit, bench) may reach inside a {@link LoncEngine} that is
 * not its public API: the engine's event loop (the daemon's front end runs on it), whether it is
 * closing, and a test hook that kills the engine thread. Like everything under
 * {@code org.loncapa.lonc.core.internal}, this comes with no compatibility promise.
 */
public final class EngineInternals {
    /** Implemented by {@code LoncEngine} itself, which installs it when its class is loaded. */
    public interface Access {
        /**
         * The engine's event loop.
         *
         * @param engine the engine
         * @return its loop
         */
        EventLoop loop(LoncEngine engine);

        /**
         * Whether the engine refuses new work.
         *
         * @param engine the engine
         * @return true once closing (or dead)
         */
        boolean isClosing(LoncEngine engine);

        /**
         * Throws {@code error} on the engine thread.
         *
         * @param engine the engine
         * @param error what to throw
         */
        void injectFailure(LoncEngine engine, Error error);
    }

    private static volatile Access access;

    private EngineInternals() {}

    /**
     * Called once, by {@code LoncEngine}'s static initializer; any later call fails.
     *
     * @param a the engine's accessor
     */
    public static synchronized void install(Access a) {
        if (access != null) {
            throw new IllegalStateException("engine internals are already installed");
        }
        access = Objects.requireNonNull(a);
    }

    // Holding a LoncEngine means its class is initialized, so access is set.
    private static Access access() {
        return access;
    }

    /**
     * The engine's event loop (tasks posted to it run on the engine thread).
     *
     * @param engine the engine
     * @return its loop
     */
    public static EventLoop loop(LoncEngine engine) {
        return access().loop(engine);
    }

    /**
     * Whether the engine refuses new work (it is closing, closed or dead).
     *
     * @param engine the engine
     * @return true once closing
     */
    public static boolean isClosing(LoncEngine engine) {
        return access().isClosing(engine);
    }

    /**
     * Test hook: throws {@code error} on the engine thread, which kills it as any escaping Error
     * would (the daemon then exits; see docs/operations.md).
     *
     * @param engine the engine
     * @param error what to throw
     */
    public static void injectFailure(LoncEngine engine, Error error) {
        access().injectFailure(engine, error);
    }
}
