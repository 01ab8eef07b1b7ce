package org.loncapa.lonc.core.internal.pool;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import org.loncapa.lonc.core.internal.protocol.LocalKeyFiles;
import org.loncapa.lonc.core.internal.reactor.EventLoop;

/**
 * What the engine lends its pools. The engine implements it with a private object, so none of
 * this is a public method of {@code LoncEngine}; methods other than {@link #loop()} are called on
 * the engine thread only.
 */
public interface PoolContext {
    /** Current engine time (nanos, from the configured ticker). */
    long now();

    /** The engine's event loop. */
    EventLoop loop();

    /** The engine thread's shared read buffer. */
    ByteBuffer readBuffer();

    /** The client TLS context, or null when the engine has no TLS files. */
    SSLContext sslContext();

    /** This host's lonID. */
    String myLonId();

    /** Where {@code local} mode writes its key files. */
    LocalKeyFiles keyFiles();

    /** Randomness for keys, jitter and key-file names. */
    SecureRandom random();

    /** Runs blocking name look-ups off the engine thread. */
    Executor resolver();

    /** Takes one slot of the engine-wide queue bound; false when it is full. */
    boolean reserveQueueSlot();

    /** Gives back a slot taken with {@link #reserveQueueSlot()}. */
    void releaseQueueSlot();

    /** True once the engine refuses new work. */
    boolean isClosing();

    /** True once shutdown has begun failing what is left. */
    boolean isShutDown();

    /** Completes the engine's drain when it is closing and nothing is left in flight. */
    void checkDrained();
}
