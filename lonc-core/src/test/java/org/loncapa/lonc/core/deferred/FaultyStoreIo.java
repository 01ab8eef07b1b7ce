package org.loncapa.lonc.core.deferred;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * {@link RealStoreIo} that fails chosen operations on demand: disk full, read-only file system,
 * permission denied. (Tests run as root, so chmod cannot make anything unwritable.)
 */
final class FaultyStoreIo implements StoreIo {

  enum Op { CREATE_DIRS, WRITE, MOVE, SYNC_DIR, READ, DELETE, LIST, LAST_MODIFIED }

  static Supplier<Exception> diskFull() {
    return () -> new IOException("No space left on device");
  }

  private final StoreIo real = new RealStoreIo();
  private final Map<Op, Supplier<Exception>> faults = new ConcurrentHashMap<>();
  private volatile UnaryOperator<byte[]> readFilter = UnaryOperator.identity();

  /** Every call of {@code op} throws what {@code fault} supplies until {@link #heal}. */
  void fail(Op op, Supplier<Exception> fault) {
    faults.put(op, fault);
  }

  void heal(Op op) {
    faults.remove(op);
  }

  /** Changes what {@link #readPrefix} returns (to simulate a read-back mismatch). */
  void filterReads(UnaryOperator<byte[]> filter) {
    readFilter = filter;
  }

  private void check(Op op) throws IOException {
    Supplier<Exception> s = faults.get(op);
    if (s != null) {
      Exception e = s.get();
      if (e instanceof IOException) {
        throw (IOException) e;
      }
      throw (RuntimeException) e;
    }
  }

  @Override
  public void createDirectories(Path dir, Set<PosixFilePermission> permissions)
      throws IOException {
    check(Op.CREATE_DIRS);
    real.createDirectories(dir, permissions);
  }

  @Override
  public void writeNewAndSync(Path file, byte[] content) throws IOException {
    if (faults.containsKey(Op.WRITE)) {
      // Like a real disk-full: the file is created and partly written before the error.
      Files.write(file, Arrays.copyOf(content, content.length / 2), StandardOpenOption.CREATE_NEW);
      check(Op.WRITE);
    }
    real.writeNewAndSync(file, content);
  }

  @Override
  public void moveAtomically(Path source, Path target) throws IOException {
    check(Op.MOVE);
    real.moveAtomically(source, target);
  }

  @Override
  public void syncDirectory(Path dir) throws IOException {
    check(Op.SYNC_DIR);
    real.syncDirectory(dir);
  }

  @Override
  public byte[] readPrefix(Path file, int maxBytes) throws IOException {
    check(Op.READ);
    return readFilter.apply(real.readPrefix(file, maxBytes));
  }

  @Override
  public boolean exists(Path path) {
    return real.exists(path);
  }

  @Override
  public boolean deleteIfExists(Path file) throws IOException {
    check(Op.DELETE);
    return real.deleteIfExists(file);
  }

  @Override
  public List<DirEntry> list(Path dir) throws IOException {
    check(Op.LIST);
    return real.list(dir);
  }

  @Override
  public Instant lastModified(Path file) throws IOException {
    check(Op.LAST_MODIFIED);
    return real.lastModified(file);
  }
}
