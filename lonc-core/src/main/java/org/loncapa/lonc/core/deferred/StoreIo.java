package org.loncapa.lonc.core.deferred;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The few filesystem operations a {@link DeferredStore} performs: a seam so that tests can make
 * them fail on demand (disk full, read-only file system, permission denied), which chmod cannot
 * do when tests run as root. The production implementation is {@link RealStoreIo}.
 *
 * <p>Implementations must be thread-safe; the store calls them from several threads. Paths are
 * never {@code null}. Methods report failures as {@link IOException}; an implementation may
 * also throw {@link java.nio.file.ReadOnlyFileSystemException} (unchecked), which the store
 * treats like an I/O failure. Symbolic links are never followed.
 */
public interface StoreIo {

  /** What a directory entry is, without following symbolic links. */
  enum Kind {
    /** A regular file. */
    FILE,
    /** A directory. */
    DIRECTORY,
    /** Anything else: a symbolic link, a FIFO, a socket, a device. */
    OTHER
  }

  /**
   * One entry of a directory listing.
   *
   * @param name the bare file name; non-null
   * @param kind what it is; non-null
   * @param sizeBytes its size in bytes ({@code 0} if not a regular file)
   * @param lastModified its modification time; non-null
   */
  record DirEntry(String name, Kind kind, long sizeBytes, Instant lastModified) {
    /** Checks the components. */
    public DirEntry {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(lastModified, "lastModified");
    }
  }

  /**
   * Creates {@code dir} and missing parents with the given POSIX permissions (where the file
   * system supports them; the process umask may narrow them). Does nothing if it exists.
   *
   * @param dir the directory
   * @param permissions permissions for newly created directories
   * @throws IOException on failure
   */
  void createDirectories(Path dir, Set<PosixFilePermission> permissions) throws IOException;

  /**
   * Creates a new file (failing if it exists) with mode 0600 where POSIX permissions are
   * supported, writes {@code content} fully and forces it to the storage device (fsync).
   *
   * @param file the file to create
   * @param content the bytes to write; non-null
   * @throws IOException on failure; a partly written file may be left behind
   */
  void writeNewAndSync(Path file, byte[] content) throws IOException;

  /**
   * Renames {@code source} to {@code target} atomically ({@code ATOMIC_MOVE}); both are in the
   * same file system. On POSIX an existing {@code target} is replaced, so callers check first.
   *
   * @param source the existing file
   * @param target the new name
   * @throws IOException on failure, e.g. {@link java.nio.file.NoSuchFileException} if {@code
   *     source} is gone
   */
  void moveAtomically(Path source, Path target) throws IOException;

  /**
   * Forces a directory's entries to the storage device (fsync on the directory), making earlier
   * renames and creations in it durable.
   *
   * @param dir the directory
   * @throws IOException on failure
   */
  void syncDirectory(Path dir) throws IOException;

  /**
   * Reads at most {@code maxBytes} bytes from the start of a regular file, not following a
   * symbolic link.
   *
   * @param file the file
   * @param maxBytes the most bytes to read, {@code >= 0}
   * @return the bytes read, fewer than {@code maxBytes} only at end of file
   * @throws IOException on failure, e.g. {@link java.nio.file.NoSuchFileException}
   */
  byte[] readPrefix(Path file, int maxBytes) throws IOException;

  /**
   * Whether something exists at {@code path} (not following a symbolic link).
   *
   * @param path the path
   * @return {@code true} if it exists; {@code false} if not or if that cannot be determined
   */
  boolean exists(Path path);

  /**
   * Deletes a file if it exists.
   *
   * @param file the file
   * @return {@code true} if this call deleted it, {@code false} if it did not exist
   * @throws IOException on failure
   */
  boolean deleteIfExists(Path file) throws IOException;

  /**
   * Lists a directory, not following symbolic links. Entries that vanish while listing are
   * skipped.
   *
   * @param dir the directory
   * @return its entries, in no particular order
   * @throws IOException on failure, {@link java.nio.file.NoSuchFileException} if {@code dir}
   *     does not exist
   */
  List<DirEntry> list(Path dir) throws IOException;

  /**
   * The modification time of a file, not following a symbolic link.
   *
   * @param file the file
   * @return its modification time
   * @throws IOException on failure
   */
  Instant lastModified(Path file) throws IOException;
}
