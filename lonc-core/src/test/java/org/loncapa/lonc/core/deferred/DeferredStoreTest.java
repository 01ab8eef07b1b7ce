package org.loncapa.lonc.core.deferred;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.ReadOnlyFileSystemException;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeferredStoreTest {

  private static final long PID = 4242;
  /** Sun Nov 29 10:51:27 2026 UTC. */
  private static final Instant NOW = Instant.ofEpochSecond(1795949487L);
  private static final String T = "1795949487";
  private static final String PASSWD = "encrypt:passwd:msu:jdoe:oldSecret:newSecret";

  @TempDir Path root;

  private Path delayed;
  private Path permFile;
  private FakeClock clock;
  private FaultyStoreIo io;
  private PermLog permLog;
  private DeferredStore store;

  @BeforeEach
  void setUp() throws IOException {
    delayed = root.resolve("sockets/delayed");
    permFile = Files.createDirectories(root.resolve("logs")).resolve("lonnet.perm.log");
    clock = new FakeClock(NOW, ZoneOffset.UTC);
    io = new FaultyStoreIo();
    permLog = new PermLog(permFile, clock);
    store = newStore(DeferredStore.DEFAULT_MAX_COMMAND_BYTES);
  }

  private DeferredStore newStore(int maxBytes) {
    return new DeferredStore(delayed, clock, PID, io, permLog, maxBytes, new AtomicLong());
  }

  /** Writes a file the way lonnet would, with an mtime an hour before the fake clock. */
  private Path lonnetFile(String name, String content) throws IOException {
    return lonnetFile(name, content.getBytes(StandardCharsets.UTF_8), clock.instant().minusSeconds(3600));
  }

  private Path lonnetFile(String name, byte[] content, Instant mtime) throws IOException {
    Files.createDirectories(delayed);
    Path p = delayed.resolve(name);
    Files.write(p, content);
    Files.setLastModifiedTime(p, FileTime.from(mtime));
    return p;
  }

  private List<String> names(List<DeferredEntry> entries) {
    return entries.stream().map(e -> e.name().fileName()).collect(Collectors.toList());
  }

  private Set<String> dirListing(Path d) throws IOException {
    if (!Files.isDirectory(d)) {
      return Set.of();
    }
    try (Stream<Path> s = Files.list(d)) {
      return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
    }
  }

  private String permLogText() throws IOException {
    return Files.exists(permFile) ? Files.readString(permFile) : "";
  }

  // ------------------------------------------------------------------------------------ save

  @Test
  void saveWritesExactlyTheCommandAndANewlineUnderALonnetName() throws IOException {
    Path p = store.save("msul1", "encrypt:passwd:msu:jdoe:old:new");
    assertEquals(delayed.resolve(T + ".1.4242.encryptpasswdm.msul1"), p);
    assertArrayEquals("encrypt:passwd:msu:jdoe:old:new\n".getBytes(StandardCharsets.UTF_8),
        Files.readAllBytes(p));
    assertEquals(Set.of(T + ".1.4242.encryptpasswdm.msul1"), dirListing(delayed));
    if (p.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
    }
  }

  @Test
  void saveCreatesTheDirectoryWhenMissing() throws IOException {
    assertFalse(Files.exists(delayed));
    store.save("msul1", "ping");
    assertTrue(Files.isDirectory(delayed));
  }

  @Test
  void savesInTheSameSecondNeverCollide() throws IOException {
    Set<Path> paths = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      paths.add(store.save("msul1", "ping"));
    }
    assertEquals(50, paths.size());
    assertEquals(50, store.list("msul1").size());
    assertEquals(List.of(1L, 2L, 3L),
        store.list("msul1").subList(0, 3).stream().map(e -> e.name().counter())
            .collect(Collectors.toList()));
  }

  @Test
  void concurrentSavesFromManyThreadsAllLand() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<Path>> futures = new ArrayList<>();
    try {
      for (int i = 0; i < 200; i++) {
        String cmd = "put:msu:u" + i;
        futures.add(pool.submit(() -> store.save("msul1", cmd)));
      }
      Set<Path> paths = new HashSet<>();
      for (Future<Path> f : futures) {
        paths.add(f.get(30, TimeUnit.SECONDS));
      }
      assertEquals(200, paths.size());
    } finally {
      pool.shutdownNow();
    }
    assertEquals(200, dirListing(delayed).size()); // and no temp files
  }

  @Test
  void anExistingTargetBumpsTheCounterAndIsLeftUntouched() throws IOException {
    Path stale = lonnetFile(T + ".1.4242.ping.msul1", "other\n");
    Path p = store.save("msul1", "ping");
    assertEquals(delayed.resolve(T + ".2.4242.ping.msul1"), p);
    assertEquals("other\n", Files.readString(stale));
    assertEquals("ping\n", Files.readString(p));
  }

  @Test
  void aStaleTempFileIsSkippedAndLeftAlone() throws IOException {
    Path staleTmp = lonnetFile(".~" + T + ".1.4242.ping.msul1~tmp", "half");
    Path p = store.save("msul1", "ping");
    assertEquals(delayed.resolve(T + ".2.4242.ping.msul1"), p);
    assertTrue(Files.exists(staleTmp));
    assertEquals(List.of(T + ".2.4242.ping.msul1"), names(store.list("msul1")));
  }

  @Test
  void tempNamesCannotBeMistakenForDelayedFiles() {
    String tmp = DeferredStore.tempName(DelayedFileName.of(1795949487L, 1, PID, "ping", "msul1"));
    assertEquals(".~" + T + ".1.4242.ping.msul1~tmp", tmp);
    // Perl lonc: grep /\.$RemoteHost$/ (unescaped) -- must not match
    assertFalse(java.util.regex.Pattern.compile("\\.msul1$").matcher(tmp).find());
    assertFalse(DelayedFileName.parse(tmp).isPresent());
  }

  @Test
  void badArgumentsAreCallerBugsNotIoFailures() {
    assertThrows(IllegalArgumentException.class, () -> store.save("msul1", "a\nb"));
    assertThrows(IllegalArgumentException.class, () -> store.save("msul1", "a\rb"));
    assertThrows(IllegalArgumentException.class, () -> store.save("msul1", ""));
    assertThrows(IllegalArgumentException.class, () -> store.save("msul1", "sethost:msul1:ping"));
    assertThrows(IllegalArgumentException.class, () -> store.save("../x", "ping"));
    assertThrows(IllegalArgumentException.class, () -> store.save("", "ping"));
    assertThrows(NullPointerException.class, () -> store.save(null, "ping"));
    assertThrows(IllegalArgumentException.class, () -> store.saveVerified("msul1", "a\nb"));
    assertThrows(IllegalArgumentException.class, () -> newStore(3).save("msul1", "ping"));
  }

  // --------------------------------------------------------------------------- saveVerified

  @Test
  void saveVerifiedStoresLogsDAndAnswersConDelayed() throws IOException {
    SaveResult r = store.saveVerified("msul1", PASSWD);
    assertEquals(SaveResult.Status.DELAYED, r.status());
    assertEquals("con_delayed", r.replyToken());
    assertTrue(r.isDelayed());
    assertNull(r.reason());
    assertEquals(PASSWD + "\n", Files.readString(r.file()));
    assertEquals(T + ":D:msul1:encrypt:passwd:Sun Nov 29 10:51:27 2026\n", permLogText());
    DeferredStore.Stats s = store.stats("msul1", NOW);
    assertEquals(0, s.saveFailures());
    assertTrue(s.lastSaveFailure().isEmpty());
  }

  @Test
  void diskFullGivesConFailedAnFLineAndAStatsFailure() throws IOException {
    io.fail(FaultyStoreIo.Op.WRITE, FaultyStoreIo.diskFull());
    SaveResult r = store.saveVerified("msul1", PASSWD);
    assertEquals(SaveResult.Status.FAILED, r.status());
    assertEquals("con_failed", r.replyToken());
    assertNull(r.file());
    assertEquals("IOException: No space left on device", r.reason());
    assertEquals(Set.of(), dirListing(delayed)); // the partial temp file was removed
    assertEquals(T + ":F:msul1:encrypt:passwd:Sun Nov 29 10:51:27 2026\n", permLogText());

    DeferredStore.Stats s = store.stats("msul1", NOW);
    assertEquals(1, s.saveFailures());
    SaveFailure f = s.lastSaveFailure().orElseThrow();
    assertEquals("msul1", f.lonid());
    assertEquals(NOW, f.at());
    assertEquals("IOException: No space left on device", f.reason());
    assertEquals(1, store.statsAll(NOW).saveFailures());
    assertEquals(0, store.stats("other", NOW).saveFailures());

    io.heal(FaultyStoreIo.Op.WRITE);
    clock.advance(Duration.ofSeconds(5));
    assertTrue(store.saveVerified("msul1", "ping").isDelayed());
    // the last failure is still reported, with its time
    assertEquals(NOW, store.stats("msul1", clock.instant()).lastSaveFailure().orElseThrow().at());
  }

  @Test
  void readOnlyFileSystemGivesConFailed() throws IOException {
    io.fail(FaultyStoreIo.Op.CREATE_DIRS, ReadOnlyFileSystemException::new);
    SaveResult r = store.saveVerified("msul1", "ping");
    assertEquals("con_failed", r.replyToken());
    assertEquals("ReadOnlyFileSystemException: read-only file system", r.reason());
    assertTrue(permLogText().startsWith(T + ":F:msul1:ping:"));

    io.heal(FaultyStoreIo.Op.CREATE_DIRS);
    io.fail(FaultyStoreIo.Op.MOVE,
        () -> new FileSystemException(delayed.resolve("x").toString(), null,
            "Read-only file system"));
    SaveResult r2 = store.saveVerified("msul1", "ping");
    assertEquals("FileSystemException: Read-only file system", r2.reason());
    assertEquals(Set.of(), dirListing(delayed)); // temp removed, nothing renamed
    assertEquals(2, store.stats("msul1", NOW).saveFailures());
  }

  @Test
  void accessDeniedGivesConFailedWithoutLeakingThePath() throws IOException {
    io.fail(FaultyStoreIo.Op.WRITE,
        () -> new AccessDeniedException(delayed.resolve(".~x.encryptpasswdo~tmp").toString()));
    SaveResult r = store.saveVerified("msul1", PASSWD);
    assertEquals("AccessDeniedException", r.reason());
    assertFalse(r.reason().contains("encrypt"));
    assertTrue(permLogText().contains(":F:msul1:encrypt:passwd:"));
  }

  @Test
  void tooLongCommandGivesConFailed() throws IOException {
    DeferredStore small = newStore(10);
    SaveResult r = small.saveVerified("msul1", "put:0123456789");
    assertEquals("con_failed", r.replyToken());
    assertTrue(r.reason().contains("14 bytes"), r.reason());
    assertEquals(Set.of(), dirListing(delayed));
    assertTrue(permLogText().contains(":F:msul1:put:0123456789:"));
  }

  @Test
  void readBackMismatchGivesConFailedAndMovesTheFileAside() throws IOException {
    io.filterReads(b -> "garbage\n".getBytes(StandardCharsets.UTF_8));
    SaveResult r = store.saveVerified("msul1", "ping");
    assertEquals("con_failed", r.replyToken());
    assertEquals("read-back differs from what was written", r.reason());
    assertTrue(store.list("msul1").isEmpty(), "a con_failed request must not be replayed");
    assertEquals(Set.of(T + ".1.4242.ping.msul1"), dirListing(delayed.resolve("corrupt")));
    assertEquals(1, store.stats("msul1", NOW).corrupt());
  }

  @Test
  void readBackErrorGivesConFailed() throws IOException {
    io.fail(FaultyStoreIo.Op.READ, () -> new IOException("Input/output error"));
    SaveResult r = store.saveVerified("msul1", "ping");
    assertEquals("read-back failed: IOException: Input/output error", r.reason());
    assertTrue(store.list("msul1").isEmpty());
  }

  @Test
  void directoryFsyncFailureStillDelays() throws IOException {
    io.fail(FaultyStoreIo.Op.SYNC_DIR, () -> new IOException("Input/output error"));
    SaveResult r = store.saveVerified("msul1", "ping");
    assertTrue(r.isDelayed());
    assertEquals(1, store.list("msul1").size());
  }

  // ---------------------------------------------------------------------------------- listing

  @Test
  void listIsInNumericReplayOrderPerLonid() throws IOException {
    lonnetFile("1795949487.10.77.ping.msul1", "ping\n");
    lonnetFile("1795949487.9.77.ping.msul1", "ping\n");
    lonnetFile("1795949486.99.12.ping.msul1", "ping\n");
    lonnetFile("1795949488.1.12.ping.msul1", "ping\n");
    lonnetFile("1795949487.9.76.ping.msul1", "ping\n");
    lonnetFile("1795949400.1.1.ping.gcil1", "ping\n");
    assertEquals(List.of(
        "1795949486.99.12.ping.msul1",
        "1795949487.9.76.ping.msul1",
        "1795949487.9.77.ping.msul1",
        "1795949487.10.77.ping.msul1",
        "1795949488.1.12.ping.msul1"), names(store.list("msul1")));
    assertEquals(List.of("1795949400.1.1.ping.gcil1"), names(store.list("gcil1")));
    assertEquals("1795949400.1.1.ping.gcil1", names(store.listAll()).get(0));
    assertEquals(6, store.listAll().size());
    assertEquals(List.of(), store.list("l1")); // exact lonid, not a suffix match
    DeferredEntry first = store.list("msul1").get(0);
    assertEquals(5, first.sizeBytes());
    assertEquals(delayed.resolve("1795949486.99.12.ping.msul1"), first.path());
  }

  @Test
  void listSkipsTempFilesSubdirectoriesAndForeignFiles() throws IOException {
    lonnetFile(T + ".1.77.ping.msul1", "ping\n");
    lonnetFile(".~" + T + ".2.77.ping.msul1~tmp", "pi");
    lonnetFile("README", "not ours\n");
    lonnetFile("01.1.1.ping.msul1", "ping\n");
    lonnetFile("1.2.3.ping", "ping\n");
    Files.createDirectories(delayed.resolve("1795949487.3.77.dir.msul1"));
    Files.createSymbolicLink(delayed.resolve(T + ".4.77.link.msul1"), root.resolve("logs"));
    assertEquals(List.of(T + ".1.77.ping.msul1"), names(store.list("msul1")));
    assertEquals(4, store.statsAll(NOW).foreignFiles()); // README, 01.…, 1.2.3.ping, symlink
    assertEquals(4, store.stats("msul1", NOW).foreignFiles());
  }

  @Test
  void aMissingDirectoryListsAsEmpty() throws IOException {
    assertEquals(List.of(), store.list("msul1"));
    assertEquals(List.of(), store.listHeld("msul1"));
    DeferredStore.Stats s = store.statsAll(NOW);
    assertEquals(0, s.pending());
    assertTrue(s.oldestPendingAge().isEmpty());
  }

  @Test
  void aListingFailureIsThrown() {
    io.fail(FaultyStoreIo.Op.LIST, () -> new IOException("Input/output error"));
    assertThrows(IOException.class, () -> store.list("msul1"));
  }

  @Test
  void listReplayableLeavesLonnetTimeToReadBack() throws IOException {
    lonnetFile("1795949480.1.77.ping.msul1", "ping\n"); // 7 s old
    lonnetFile("1795949482.1.77.ping.msul1", "ping\n"); // 5 s old
    lonnetFile("1795949483.1.77.ping.msul1", "ping\n"); // 4 s old
    lonnetFile("1795949487.1.77.ping.msul1", "ping\n"); // just written
    assertEquals(List.of("1795949480.1.77.ping.msul1", "1795949482.1.77.ping.msul1"),
        names(store.listReplayable("msul1", NOW)));
    assertEquals(4, store.list("msul1").size());
  }

  // ---------------------------------------------------------------------------------- reading

  @Test
  void readCommandReturnsTheFirstLineWithoutItsNewline() throws IOException {
    store.save("msul1", PASSWD);
    lonnetFile("1795949400.1.77.put.msul1", "put:a:b\nsecond line\n");
    lonnetFile("1795949400.2.77.put.msul1", "put:c:d\n\n");
    lonnetFile("1795949400.3.77.put.msul1", "put:e:f"); // no newline, old: accepted like Perl
    lonnetFile("1795949400.4.77.put.msul1", "put:tab\there\n");
    List<Optional<String>> got = new ArrayList<>();
    for (DeferredEntry e : store.list("msul1")) {
      got.add(store.readCommand(e));
    }
    assertEquals(List.of(Optional.of("put:a:b"), Optional.of("put:c:d"), Optional.of("put:e:f"),
        Optional.of("put:tab\there"), Optional.of(PASSWD)), got);
  }

  @Test
  void corruptFilesAreMovedAsideAndTheOthersStillList() throws IOException {
    DeferredStore small = newStore(32);
    lonnetFile("1795949400.1.77.empty.msul1", "");
    lonnetFile("1795949400.2.77.blank.msul1", "\nput:x\n");
    lonnetFile("1795949400.3.77.bin.msul1", new byte[] {'p', 'u', 't', ':', 1, 'a', '\n'},
        NOW.minusSeconds(3600));
    // Latin-1, not UTF-8: replayed byte for byte, as Perl lonc does
    lonnetFile("1795949400.3.78.latin.msul1", new byte[] {'p', 'u', 't', ':', (byte) 0xe9, '\n'},
        NOW.minusSeconds(3600));
    lonnetFile("1795949400.4.77.nul.msul1", "put:a\u0000b\n");
    lonnetFile("1795949400.5.77.cr.msul1", "put:a\r\n");
    lonnetFile("1795949400.6.77.long.msul1", "put:" + "x".repeat(100) + "\n");
    lonnetFile("1795949400.7.77.longnonl.msul1", "put:" + "x".repeat(100));
    lonnetFile("1795949400.8.77.good.msul1", "put:ok\n");
    lonnetFile("1795949400.9.77.exact.msul1", "put:" + "y".repeat(28) + "\n"); // 32 bytes: ok

    List<String> commands = new ArrayList<>();
    for (DeferredEntry e : small.list("msul1")) {
      small.readCommand(e).ifPresent(commands::add);
    }
    assertEquals(List.of("put:\uDCE9", "put:ok", "put:" + "y".repeat(28)), commands);
    assertEquals(List.of("1795949400.3.78.latin.msul1", "1795949400.8.77.good.msul1",
        "1795949400.9.77.exact.msul1"), names(small.list("msul1")));
    assertEquals(Set.of("1795949400.1.77.empty.msul1", "1795949400.2.77.blank.msul1",
        "1795949400.3.77.bin.msul1", "1795949400.4.77.nul.msul1", "1795949400.5.77.cr.msul1",
        "1795949400.6.77.long.msul1", "1795949400.7.77.longnonl.msul1"),
        dirListing(delayed.resolve("corrupt")));
    // moved, never deleted: content intact
    assertEquals("\nput:x\n",
        Files.readString(delayed.resolve("corrupt/1795949400.2.77.blank.msul1")));
    assertEquals(7, small.stats("msul1", NOW).corrupt());
    assertEquals(7, small.statsAll(NOW).corrupt());
  }

  @Test
  void aFileLonnetIsStillWritingIsSkippedNotCorrupted() throws IOException {
    Path empty = lonnetFile("1795949487.1.77.ping.msul1", new byte[0], NOW.minusSeconds(1));
    Path half = lonnetFile("1795949487.2.77.ping.msul1", "pi".getBytes(StandardCharsets.UTF_8),
        NOW.minusSeconds(1));
    for (DeferredEntry e : store.list("msul1")) {
      assertEquals(Optional.empty(), store.readCommand(e));
    }
    assertTrue(Files.exists(empty));
    assertTrue(Files.exists(half));
    assertEquals(2, store.list("msul1").size());

    clock.advance(DeferredStore.INCOMPLETE_GRACE);
    List<DeferredEntry> entries = store.list("msul1");
    assertEquals(Optional.empty(), store.readCommand(entries.get(0))); // empty: now corrupt
    assertEquals(Optional.of("pi"), store.readCommand(entries.get(1))); // no newline: Perl's rule
    assertEquals(Set.of("1795949487.1.77.ping.msul1"), dirListing(delayed.resolve("corrupt")));
  }

  @Test
  void anUnreadableFileIsMovedAsideButATransientErrorLeavesItInPlace() throws IOException {
    lonnetFile("1795949400.1.77.ping.msul1", "ping\n");
    DeferredEntry e = store.list("msul1").get(0);

    io.fail(FaultyStoreIo.Op.READ, () -> new IOException("Too many open files"));
    assertEquals(Optional.empty(), store.readCommand(e));
    assertEquals(1, store.list("msul1").size());

    io.fail(FaultyStoreIo.Op.READ, () -> new AccessDeniedException(e.path().toString()));
    assertEquals(Optional.empty(), store.readCommand(e));
    assertEquals(0, store.list("msul1").size());
    assertEquals(Set.of("1795949400.1.77.ping.msul1"), dirListing(delayed.resolve("corrupt")));
  }

  @Test
  void aVanishedFileReadsAsEmptyWithoutFuss() throws IOException {
    lonnetFile("1795949400.1.77.ping.msul1", "ping\n");
    DeferredEntry e = store.list("msul1").get(0);
    Files.delete(e.path());
    assertEquals(Optional.empty(), store.readCommand(e));
    assertFalse(Files.exists(delayed.resolve("corrupt")));
  }

  @Test
  void aCorruptNameCollisionGetsASuffixInsteadOfOverwriting() throws IOException {
    Files.createDirectories(delayed.resolve("corrupt"));
    Files.writeString(delayed.resolve("corrupt/1795949400.1.77.e.msul1"), "earlier\n");
    lonnetFile("1795949400.1.77.e.msul1", "");
    store.readCommand(store.list("msul1").get(0));
    assertEquals(Set.of("1795949400.1.77.e.msul1", "1795949400.1.77.e~1.msul1"),
        dirListing(delayed.resolve("corrupt")));
    assertEquals("earlier\n",
        Files.readString(delayed.resolve("corrupt/1795949400.1.77.e.msul1")));
  }

  @Test
  void describeShowsTheRedactedCommand() throws IOException {
    store.save("msul1", PASSWD);
    DeferredEntry e = store.list("msul1").get(0);
    String d = store.describe(e, NOW.plusSeconds(60));
    assertEquals(T + ".1.4242.encrypt\u2026.msul1 age PT1M size " + (PASSWD.length() + 1)
        + ": encrypt:passwd", d);
    assertFalse(d.contains("Secret"));
  }

  // ---------------------------------------------------------------------- delete, hold, release

  @Test
  void deleteRemovesTheFileAndToleratesItBeingGone() throws IOException {
    store.save("msul1", "ping");
    DeferredEntry e = store.list("msul1").get(0);
    assertTrue(store.delete(e));
    assertFalse(Files.exists(e.path()));
    assertTrue(store.delete(e));
  }

  @Test
  void aFailedDeleteIsReportedAndTheFileStays() throws IOException {
    store.save("msul1", "ping");
    DeferredEntry e = store.list("msul1").get(0);
    io.fail(FaultyStoreIo.Op.DELETE, ReadOnlyFileSystemException::new);
    assertFalse(store.delete(e));
    assertTrue(Files.exists(e.path()));
  }

  @Test
  void holdAndReleaseMoveFilesOutOfAndBackIntoReplay() throws IOException {
    store.save("msul1", "ping");
    clock.advance(Duration.ofSeconds(1));
    store.save("msul1", "put:a");
    DeferredEntry first = store.list("msul1").get(0);

    DeferredEntry held = store.hold(first);
    assertEquals(delayed.resolve("hold").resolve(first.name().fileName()), held.path());
    assertEquals(List.of("put:a"), commands(store.list("msul1")));
    assertEquals(List.of(held), store.listHeld("msul1"));
    assertEquals(1, store.stats("msul1", NOW).held());
    assertEquals(1, store.stats("msul1", NOW).pending());

    assertThrows(IllegalArgumentException.class, () -> store.hold(held));
    assertThrows(IllegalArgumentException.class, () -> store.release(first));

    DeferredEntry back = store.release(held);
    assertEquals(first.path(), back.path());
    assertEquals(List.of("ping", "put:a"), commands(store.list("msul1")));
    assertEquals(List.of(), store.listHeld("msul1"));
  }

  @Test
  void holdingAFileThatIsGoneThrows() throws IOException {
    store.save("msul1", "ping");
    DeferredEntry e = store.list("msul1").get(0);
    store.delete(e);
    assertThrows(IOException.class, () -> store.hold(e));
  }

  @Test
  void holdAllOlderThanHoldsOnlyOldFilesOfEveryHost() throws IOException {
    lonnetFile("1795900000.1.77.ping.msul1", "ping\n");
    lonnetFile("1795900000.2.77.ping.gcil1", "ping\n");
    lonnetFile("1795949000.1.77.ping.msul1", "ping\n");
    List<DeferredEntry> held = store.holdAllOlderThan(Duration.ofHours(1), NOW);
    assertEquals(List.of("1795900000.1.77.ping.msul1", "1795900000.2.77.ping.gcil1"),
        names(held));
    assertEquals(List.of("1795949000.1.77.ping.msul1"), names(store.listAll()));
    assertEquals(1, store.listHeld("gcil1").size());
  }

  @Test
  void staleTempFilesOfInterruptedSavesGoToHoldAndFreshOnesStay() throws IOException {
    String name = "1795900000.1.4242.put.msul1";
    // an interrupted save two hours ago, a save in progress now, one with no delayed-file name,
    // and a symbolic link with a temp name
    lonnetFile(".~" + name + "~tmp", "put:msu:jdoe:x=1\n".getBytes(StandardCharsets.UTF_8),
        NOW.minus(Duration.ofHours(2)));
    lonnetFile(".~1795949480.2.4242.put.msul1~tmp", "put:msu:jdoe:x=2\n".getBytes(StandardCharsets.UTF_8),
        NOW.minusSeconds(1));
    lonnetFile(".~notaname~tmp", "junk".getBytes(StandardCharsets.UTF_8), NOW.minus(Duration.ofHours(2)));
    lonnetFile(".~tmp", "odd".getBytes(StandardCharsets.UTF_8), NOW.minus(Duration.ofHours(2)));
    Path target = lonnetFile("elsewhere", "ping\n");
    Files.createSymbolicLink(delayed.resolve(".~1795900000.3.4242.ping.msul1~tmp"), target);

    List<DeferredEntry> held = store.holdStaleTemps(DeferredStore.STALE_TEMP_AGE, NOW);

    assertEquals(List.of(name), names(held));
    assertEquals(List.of(name), names(store.listHeld("msul1")));
    assertEquals("put:msu:jdoe:x=1\n", Files.readString(delayed.resolve("hold").resolve(name)));
    assertEquals(Set.of(".~1795949480.2.4242.put.msul1~tmp", ".~1795900000.3.4242.ping.msul1~tmp",
        ".~tmp", "elsewhere", "hold", "corrupt"), dirListing(delayed), "'.~tmp' is not a temp name");
    assertEquals(Set.of("notaname"), dirListing(delayed.resolve("corrupt")).stream()
        .map(n -> n.replace(".~", "").replace("~tmp", "")).collect(Collectors.toSet()));
    assertTrue(store.listAll().isEmpty(), "nothing became replayable by itself");

    // released by an operator, it is an ordinary pending file
    store.release(held.get(0));
    assertEquals(List.of(name), names(store.listAll()));
  }

  @Test
  void finishReplayHoldsARefusalAndLogsThenDeletesADelivery() throws IOException {
    lonnetFile("1795900000.1.77.put.msul1", "put:a\n");
    lonnetFile("1795900000.2.77.put.msul1", "put:b\n");
    List<DeferredEntry> l = store.list("msul1");
    assertEquals(DeferredStore.ReplayOutcome.HELD,
        store.finishReplay(l.get(0), "s1.example.edu", "sethost:msul1:put:a", "refused"));
    assertEquals(DeferredStore.ReplayOutcome.DELIVERED,
        store.finishReplay(l.get(1), "s1.example.edu", "sethost:msul1:put:b", "ok"));
    assertEquals(List.of("1795900000.1.77.put.msul1"), names(store.listHeld("msul1")));
    assertTrue(store.listAll().isEmpty());
    String perm = permLogText();
    assertTrue(perm.contains("S:s1.example.edu :sethost:msul1:put:b"), perm);
    assertFalse(perm.contains("put:a"), "a refusal is not a delivery: " + perm);
    // the S: line is written before the file goes: with the delete failing, the line is there and
    // the file stays for another try
    lonnetFile("1795900000.3.77.put.msul1", "put:c\n");
    io.fail(FaultyStoreIo.Op.DELETE, () -> new IOException("Input/output error"));
    DeferredEntry c = store.list("msul1").get(0);
    assertEquals(DeferredStore.ReplayOutcome.DELIVERED_NOT_REMOVED,
        store.finishReplay(c, "s1.example.edu", "sethost:msul1:put:c", "ok"),
        "the caller learns that the file stays, so that it does not send it again");
    assertTrue(permLogText().contains("put:c"));
    assertTrue(Files.exists(c.path()));
  }

  @Test
  void checkWritableProbesCreateAndDeleteAndLeavesNothingBehind() throws IOException {
    assertTrue(store.checkWritable().isEmpty(), "no delayed/ yet: nothing to replay, no pause");
    store.save("msul1", "ping");
    assertTrue(store.checkWritable().isEmpty());
    io.fail(FaultyStoreIo.Op.DELETE, ReadOnlyFileSystemException::new);
    assertTrue(store.checkWritable().isPresent());
    io.heal(FaultyStoreIo.Op.DELETE);
    io.fail(FaultyStoreIo.Op.WRITE, () -> new IOException("Read-only file system"));
    assertTrue(store.checkWritable().orElseThrow().contains("Read-only file system"));
    io.heal(FaultyStoreIo.Op.WRITE);
    assertTrue(store.checkWritable().isEmpty());
    try (java.util.stream.Stream<Path> files = Files.list(delayed)) {
      assertEquals(1, files.count(), "the probe file is gone again");
    }
  }

  @Test
  void holdUnknownHostsKeepsFilesForRemovedLonids() throws IOException {
    lonnetFile("1795900000.1.77.ping.msul1", "ping\n");
    lonnetFile("1795900000.2.77.ping.gone1", "ping\n");
    lonnetFile("1795900000.3.77.ping.gone2", "ping\n");
    List<DeferredEntry> held = store.holdUnknownHosts(Set.of("msul1", "gcil1"));
    assertEquals(2, held.size());
    assertEquals(List.of("1795900000.1.77.ping.msul1"), names(store.listAll()));
    assertEquals(List.of("1795900000.2.77.ping.gone1"), names(store.listHeld("gone1")));
    assertEquals(2, dirListing(delayed.resolve("hold")).size());
  }

  @Test
  void aHoldThatFailsIsLoggedAndTheOthersContinue() throws IOException {
    lonnetFile("1795900000.1.77.ping.gone1", "ping\n");
    io.fail(FaultyStoreIo.Op.MOVE, () -> new IOException("Input/output error"));
    assertEquals(List.of(), store.holdUnknownHosts(Set.of()));
    assertEquals(1, store.listAll().size());
  }

  // ------------------------------------------------------------------------------------ stats

  @Test
  void statsCountPendingOldestHeldAndCorrupt() throws IOException {
    lonnetFile("1795940000.1.77.ping.msul1", "ping\n");
    lonnetFile("1795949000.1.77.ping.msul1", "ping\n");
    lonnetFile("1795949100.1.77.ping.msul1", "");
    lonnetFile("1795900000.1.77.ping.gcil1", "ping\n");
    store.hold(store.list("gcil1").get(0));
    store.readCommand(store.list("msul1").get(2)); // empty: corrupt

    DeferredStore.Stats s = store.stats("msul1", NOW);
    assertEquals(2, s.pending());
    assertEquals(Optional.of(Duration.ofSeconds(9487)), s.oldestPendingAge());
    assertEquals(0, s.held());
    assertEquals(1, s.corrupt());

    DeferredStore.Stats g = store.stats("gcil1", NOW);
    assertEquals(0, g.pending());
    assertEquals(1, g.held());

    DeferredStore.Stats all = store.statsAll(NOW);
    assertEquals(2, all.pending());
    assertEquals(1, all.held());
    assertEquals(1, all.corrupt());
    assertNotEquals(s, g);
  }

  private List<String> commands(List<DeferredEntry> entries) {
    List<String> out = new ArrayList<>();
    for (DeferredEntry e : entries) {
      out.add(store.readCommand(e).orElse("<none>"));
    }
    return Collections.unmodifiableList(out);
  }
}
