package org.loncapa.lonc.core.deferred;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * The real store I/O, method by method, for test doubles that make one operation fail (tests run
 * as root, so chmod cannot make the file system refuse).
 */
class ForwardingStoreIo implements StoreIo {
    private final RealStoreIo real = new RealStoreIo();

    @Override
    public void createDirectories(Path dir, Set<PosixFilePermission> permissions) throws IOException {
        real.createDirectories(dir, permissions);
    }

    @Override
    public void writeNewAndSync(Path file, byte[] content) throws IOException {
        real.writeNewAndSync(file, content);
    }

    @Override
    public void moveAtomically(Path source, Path target) throws IOException {
        real.moveAtomically(source, target);
    }

    @Override
    public void syncDirectory(Path dir) throws IOException {
        real.syncDirectory(dir);
    }

    @Override
    public byte[] readPrefix(Path file, int maxBytes) throws IOException {
        return real.readPrefix(file, maxBytes);
    }

    @Override
    public boolean exists(Path path) {
        return real.exists(path);
    }

    @Override
    public boolean deleteIfExists(Path file) throws IOException {
        return real.deleteIfExists(file);
    }

    @Override
    public List<DirEntry> list(Path dir) throws IOException {
        return real.list(dir);
    }

    @Override
    public Instant lastModified(Path file) throws IOException {
        return real.lastModified(file);
    }
}
