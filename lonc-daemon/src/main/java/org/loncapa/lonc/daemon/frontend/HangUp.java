package org.loncapa.lonc.daemon.frontend;

import java.io.FileDescriptor;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.channels.SocketChannel;

/**
 * Tells a client that has hung up from one that has only half-closed (shut down its writing side
 * and still waits for its replies, as {@code nc} and the per-request soak clients do). Both read
 * as EOF; only a peer that has closed its end entirely makes the kernel report POLLHUP on ours. Java
 * has no public call that shows POLLHUP, so this uses the JDK's own {@code Net.pollConnect} (one
 * {@code poll} with a zero timeout, which turns POLLHUP into an exception), reachable because the
 * daemon jar exports {@code sun.nio.ch} for the peer-credential lookup already
 * ({@link PeerCredentials#JVM_OPTIONS}).
 *
 * <p>Without that export every peer counts as still there: work of a client that has gone is then
 * only dropped when a reply to it cannot be written, as before.
 */
final class HangUp {
    private static final MethodHandle FD;
    private static final MethodHandle POLL;

    static {
        MethodHandle fd = null;
        MethodHandle poll = null;
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            Class<?> selCh = Class.forName("sun.nio.ch.SelChImpl");
            fd = lookup.findVirtual(selCh, "getFD", MethodType.methodType(FileDescriptor.class))
                    .asType(MethodType.methodType(FileDescriptor.class, SocketChannel.class));
            poll = lookup.findStatic(Class.forName("sun.nio.ch.Net"), "pollConnect",
                    MethodType.methodType(boolean.class, FileDescriptor.class, long.class));
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            fd = null;
            poll = null;
        }
        FD = fd;
        POLL = poll;
    }

    private HangUp() {}

    /** Whether this JVM lets the front end see hang-ups (the daemon jar's manifest opens the way). */
    static boolean available() {
        return POLL != null;
    }

    /**
     * True when the peer of {@code ch} has closed its end (or the socket is in error); false when it
     * may still read, or when this JVM cannot tell. The front end's loop thread only, on an open
     * channel.
     */
    static boolean detected(SocketChannel ch) {
        if (POLL == null || !ch.isOpen()) {
            return false;
        }
        try {
            boolean writable = (boolean) POLL.invokeExact((FileDescriptor) FD.invokeExact(ch), 0L);
            return false;
        } catch (IOException e) {
            return true; // POLLHUP (reported as ENOTCONN) or a pending socket error: gone either way
        } catch (Throwable t) {
            return false;
        }
    }
}
