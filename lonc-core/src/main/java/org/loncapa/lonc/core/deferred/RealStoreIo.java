package org.loncapa.lonc.core.deferred;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@link StoreIo} on the real file system through {@code java.nio.file}. Stateless and
 * thread-safe.
 */
public final class RealStoreIo implements StoreIo {

  private static final Set<PosixFilePermission> FILE_MODE_0600 =
      PosixFilePermissions.fromString("rw-------");

  /** Creates the real file-system I/O. */
  public RealStoreIo() {}

  @Override
  public void createDirectories(Path dir, Set<PosixFilePermission> permissions)
      throws IOException {
    if (supportsPosix(dir)) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(permissions));
    } else {
      Files.createDirectories(dir);
    }
  }

  @Override
  public void writeNewAndSync(Path file, byte[] content) throws IOException {
    Set<OpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    FileAttribute<?>[] attrs = supportsPosix(file)
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE_MODE_0600)}
        : new FileAttribute<?>[0];
    try (FileChannel ch = FileChannel.open(file, options, attrs)) {
      ByteBuffer buf = ByteBuffer.wrap(content);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    }
  }

  @Override
  public void moveAtomically(Path source, Path target) throws IOException {
    Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
  }

  @Override
  public void syncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  @Override
  public byte[] readPrefix(Path file, int maxBytes) throws IOException {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes < 0");
    }
    // readNBytes grows its buffer as it reads, so a huge maxBytes costs nothing up front.
    try (InputStream in =
        Files.newInputStream(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      return in.readNBytes(maxBytes);
    }
  }

  @Override
  public boolean exists(Path path) {
    return Files.exists(path, LinkOption.NOFOLLOW_LINKS);
  }

  @Override
  public boolean deleteIfExists(Path file) throws IOException {
    return Files.deleteIfExists(file);
  }

  @Override
  public List<DirEntry> list(Path dir) throws IOException {
    List<DirEntry> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        BasicFileAttributes a;
        try {
          a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException gone) {
          continue;
        }
        Kind kind = a.isRegularFile() ? Kind.FILE : a.isDirectory() ? Kind.DIRECTORY : Kind.OTHER;
        out.add(new DirEntry(p.getFileName().toString(), kind,
            kind == Kind.FILE ? a.size() : 0L, a.lastModifiedTime().toInstant()));
      }
    }
    return out;
  }

  @Override
  public Instant lastModified(Path file) throws IOException {
    return Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).toInstant();
  }

  private static boolean supportsPosix(Path p) {
    return p.getFileSystem().supportedFileAttributeViews().contains("posix");
  }
}
