package org.loncapa.lonc.daemon.frontend;

import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/**
 * File-system side of lonc's UNIX sockets: telling a stale socket file (left by a process that is
 * gone) from one a live process listens on, binding with the configured mode, and removing only our
 * own socket files. Stateless; any thread.
 */
public final class SocketFiles {
    private SocketFiles() {}

    /** A socket path that cannot be used; the message says why and what to do. */
    public static final class SocketInUseException extends IOException {
        private static final long serialVersionUID = 1L;

        public SocketInUseException(String message) {
            super(message);
        }
    }

    /**
     * Makes sure {@code path} can be bound: nothing there, or a stale socket (connecting is refused),
     * which is deleted, together with Perl lonc's {@code <path>.lock} file.
     *
     * @return true if a stale socket was removed
     * @throws SocketInUseException if a live process answers on it, or the path is not a socket
     */
    public static boolean clearStale(Path path) throws IOException {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            Files.deleteIfExists(lockFile(path));
            return false;
        }
        if (!a.isOther()) {
            throw new SocketInUseException(path + " exists and is not a socket; remove it or"
                    + " choose another lonSockDir");
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.configureBlocking(false);
            probe.connect(UnixDomainSocketAddress.of(path));
        } catch (ConnectException e) {
            // ECONNREFUSED: nobody listens; the file is left over from a process that is gone
            Files.deleteIfExists(path);
            Files.deleteIfExists(lockFile(path));
            return true;
        } catch (IOException e) {
            throw new SocketInUseException("cannot tell whether " + path + " is in use (" + e
                    + "); is another lonc running?");
        }
        throw new SocketInUseException(path + " is in use by a running process (another lonc?);"
                + " stop it first");
    }

    /** Perl lonc's lock file beside a socket, which makes lonnet wait. */
    public static Path lockFile(Path socket) {
        return socket.resolveSibling(socket.getFileName() + ".lock");
    }

    /**
     * Binds a listening socket at {@code path} (which must be free, see {@link #clearStale}) and
     * gives the file {@code mode}.
     */
    public static ServerSocketChannel bind(Path path, int backlog, int mode) throws IOException {
        ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.bind(UnixDomainSocketAddress.of(path), backlog);
            Files.setPosixFilePermissions(path, permissions(mode));
            return ch;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** The identity (device and inode) of the file at {@code path}, or null. */
    public static Object fileKey(Path path) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    /** Deletes {@code path} if it is still the file whose {@link #fileKey} was {@code key}. */
    public static void deleteIfOurs(Path path, Object key) {
        try {
            if (key != null && key.equals(fileKey(path))) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            // left for the next start's stale check
        }
    }

    /** An octal mode such as 0660 as permissions. */
    public static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> s = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
            PosixFilePermission.OWNER_READ,
        };
        for (int i = 0; i < order.length; i++) {
            if ((mode & (1 << i)) != 0) {
                s.add(order[i]);
            }
        }
        return s;
    }
}
