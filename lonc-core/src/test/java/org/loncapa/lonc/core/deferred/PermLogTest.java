package org.loncapa.lonc.core.deferred;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PermLogTest {

  /** Sun Nov 29 10:51:27 2026 UTC. */
  private static final Instant NOV_29 = Instant.ofEpochSecond(1795949487L);

  @TempDir Path tmp;

  private Path logFile() throws Exception {
    Path logs = Files.createDirectories(tmp.resolve("logs"));
    return logs.resolve("lonnet.perm.log");
  }

  private static String read(Path p) throws Exception {
    return Files.readString(p, StandardCharsets.UTF_8);
  }

  @Test
  void delayedLineHasEpochMessageAndPerlLocaltime() throws Exception {
    Path f = logFile();
    PermLog log = new PermLog(f, Clock.fixed(NOV_29, ZoneOffset.UTC));
    assertTrue(log.logDelayed("msul1", "ping"));
    assertEquals("1795949487:D:msul1:ping:Sun Nov 29 10:51:27 2026\n", read(f));
  }

  @Test
  void dayOfMonthIsSpacePadded() throws Exception {
    Path f = logFile();
    // Sun Nov  1 09:05:03 2026 UTC (checked with perl's scalar gmtime)
    PermLog log = new PermLog(f, Clock.fixed(Instant.ofEpochSecond(1793523903L), ZoneOffset.UTC));
    log.logFailed("msul1", "ping");
    assertEquals("1793523903:F:msul1:ping:Sun Nov  1 09:05:03 2026\n", read(f));
  }

  @Test
  void localtimeUsesTheClockZoneAndEpochStaysUtc() throws Exception {
    Path f = logFile();
    PermLog log = new PermLog(f, Clock.fixed(NOV_29, ZoneId.of("America/New_York")));
    log.logDelayed("msul1", "ping");
    // TZ=America/New_York perl -e 'print scalar localtime 1795949487'
    assertEquals("1795949487:D:msul1:ping:Sun Nov 29 05:51:27 2026\n", read(f));
  }

  @Test
  void replayedLineKeepsPerlSpacingAndDropsTheNewline() throws Exception {
    Path f = logFile();
    PermLog log = new PermLog(f, Clock.fixed(NOV_29, ZoneOffset.UTC));
    log.logReplayed("msul1", "sethost:msul1:ping\n");
    assertEquals("1795949487:S:msul1 :sethost:msul1:ping:Sun Nov 29 10:51:27 2026\n", read(f));
  }

  @Test
  void encryptedArgumentsNeverReachTheFile() throws Exception {
    Path f = logFile();
    PermLog log = new PermLog(f, Clock.fixed(NOV_29, ZoneOffset.UTC));
    log.logDelayed("msul1", "encrypt:passwd:msu:jdoe:oldSecret:newSecret");
    log.logFailed("msul1", "encrypt:passwd:msu:jdoe:oldSecret:newSecret");
    log.logReplayed("msul1", "sethost:msul1:encrypt:passwd:msu:jdoe:oldSecret:newSecret\n");
    String text = read(f);
    assertFalse(text.contains("Secret"), text);
    assertEquals(String.join("",
        "1795949487:D:msul1:encrypt:passwd:Sun Nov 29 10:51:27 2026\n",
        "1795949487:F:msul1:encrypt:passwd:Sun Nov 29 10:51:27 2026\n",
        "1795949487:S:msul1 :sethost:msul1:encrypt:passwd:Sun Nov 29 10:51:27 2026\n"), text);
  }

  @Test
  void appendsToExistingContentOneLinePerCall() throws Exception {
    Path f = logFile();
    Files.writeString(f, "1:D:old:line:Thu Jan  1 00:00:01 1970\n");
    FakeClock clock = new FakeClock(NOV_29, ZoneOffset.UTC);
    PermLog log = new PermLog(f, clock);
    log.logDelayed("a", "x\ny");
    clock.advance(java.time.Duration.ofSeconds(1));
    log.logDelayed("b", "z");
    List<String> lines = Files.readAllLines(f);
    assertEquals(3, lines.size());
    assertEquals("1795949487:D:a:x\\ny:Sun Nov 29 10:51:27 2026", lines.get(1));
    assertEquals("1795949488:D:b:z:Sun Nov 29 10:51:28 2026", lines.get(2));
  }

  @Test
  void longPlainCommandsAreCutButKeepMoreThanTheDefault() throws Exception {
    Path f = logFile();
    PermLog log = new PermLog(f, Clock.fixed(NOV_29, ZoneOffset.UTC));
    log.logFailed("msul1", "put:" + "v".repeat(5000));
    String line = read(f);
    assertTrue(line.contains("v".repeat(PermLog.MAX_COMMAND_CHARS - 4)));
    assertTrue(line.length() < PermLog.MAX_COMMAND_CHARS + 100);
  }

  @Test
  void failureToWriteIsReportedNotThrown() {
    PermLog log = new PermLog(tmp.resolve("missing-dir/lonnet.perm.log"),
        Clock.fixed(NOV_29, ZoneOffset.UTC));
    assertFalse(log.logFailed("msul1", "ping"));
  }

  @Test
  void concurrentAppendsNeverInterleave() throws Exception {
    Path f = logFile();
    PermLog log = new PermLog(f, Clock.fixed(NOV_29, ZoneOffset.UTC));
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int thread = t;
        futures.add(pool.submit(() -> {
          for (int i = 0; i < 100; i++) {
            log.logReplayed("t" + thread, "cmd" + i);
          }
        }));
      }
      for (Future<?> fu : futures) {
        fu.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    List<String> lines = Files.readAllLines(f);
    assertEquals(800, lines.size());
    Set<String> distinct = new HashSet<>(lines);
    assertEquals(800, distinct.size());
    for (String l : lines) {
      assertTrue(l.matches("1795949487:S:t\\d :cmd\\d+:Sun Nov 29 10:51:27 2026"), l);
    }
  }
}
