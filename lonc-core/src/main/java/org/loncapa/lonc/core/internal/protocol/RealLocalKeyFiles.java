package org.loncapa.lonc.core.internal.protocol;

import org.loncapa.lonc.core.protocol.ProtocolChoices;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes local-mode key files into one directory, created new ({@code CREATE_NEW}) with mode 0600 so
 * that no other user can read the key and no existing file or link is followed. Thread-safe.
 */
public final class RealLocalKeyFiles implements LocalKeyFiles {
    private static final Logger log = LoggerFactory.getLogger(RealLocalKeyFiles.class);
    private static final AtomicLong COUNTER = new AtomicLong();

    private final Path dir;
    private final SecureRandom random;

    public RealLocalKeyFiles(Path dir, SecureRandom random) {
        this.dir = dir.toAbsolutePath();
        this.random = random;
    }

    @Override
    public Path write(String hexKey) throws IOException {
        String nonce = Long.toHexString(random.nextLong() & Long.MAX_VALUE);
        Path file = dir.resolve(ProtocolChoices.localKeyFileName(
                ProcessHandle.current().pid(), COUNTER.incrementAndGet(), nonce));
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        FileAttribute<?>[] attrs = posix
                ? new FileAttribute<?>[] {
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                : new FileAttribute<?>[0];
        OpenOption[] opts = {StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE};
        FileChannel ch = FileChannel.open(file, java.util.Set.of(opts), attrs);
        try (ch) {
            ByteBuffer b = ByteBuffer.wrap(
                    (hexKey + ProtocolChoices.LOCAL_KEY_FILE_TRAILER).getBytes(StandardCharsets.US_ASCII));
            while (b.hasRemaining()) {
                ch.write(b);
            }
        } catch (IOException e) {
            delete(file); // we created it: never leave a partial key behind
            throw e;
        }
        return file;
    }

    @Override
    public void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("could not remove local key file {}: {}", file, e.toString());
        }
    }
}
