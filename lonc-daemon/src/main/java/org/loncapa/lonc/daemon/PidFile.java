package org.loncapa.lonc.daemon;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code <lonDaemons>/logs/lonc.pid}: the daemon's pid and a newline, as Perl lonc wrote it
 * ({@code lonnet::reconlonc} sends USR1 to it). Removed at exit only if it still names us.
 */
final class PidFile {
    private final Path file;
    private final long pid;

    PidFile(Path file, long pid) {
        this.file = file;
        this.pid = pid;
    }

    Path path() {
        return file;
    }

    /** The pid in an existing file, if it holds one. */
    static Optional<Long> read(Path file) {
        try {
            return Optional.of(Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).strip()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    void write() throws IOException {
        StatusReport.writeAtomically(file, pid + "\n");
    }

    void delete() {
        if (read(file).orElse(-1L) == pid) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // a stale pid file is harmless: the next start overwrites it
            }
        }
    }
}
