package org.loncapa.lonc.core.deferred;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplayPlanTest {

  private static final long SECOND = 1_000_000_000L;
  private static final long MS = 1_000_000L;
  private static final Path DIR = Path.of("/sockets/delayed");

  private static List<DeferredEntry> entries(int n) {
    List<DeferredEntry> out = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      DelayedFileName name = DelayedFileName.of(1795949487L, i, 77, "ping", "msul1");
      out.add(new DeferredEntry(name, DIR.resolve(name.fileName()), 5));
    }
    return out;
  }

  private static List<Long> counters(List<DeferredEntry> batch) {
    List<Long> out = new ArrayList<>();
    batch.forEach(e -> out.add(e.name().counter()));
    return out;
  }

  @Test
  void neverMoreThanMaxInFlightAndNeverTheSameFileTwice() {
    ReplayPlan plan = new ReplayPlan(3, 1000, SECOND);
    List<DeferredEntry> disk = entries(10);
    long t = 0;
    assertEquals(List.of(1L, 2L, 3L), counters(plan.nextBatch(disk, t)));
    assertEquals(3, plan.inFlightCount());
    assertEquals(List.of(), plan.nextBatch(disk, t += SECOND));
    assertEquals(Long.MAX_VALUE, plan.nanosUntilReady(t));

    plan.onReplied(disk.get(1)); // entry 2 done; the engine deletes its file
    List<DeferredEntry> stillOnDisk = new ArrayList<>(disk);
    stillOnDisk.remove(1);
    assertEquals(List.of(4L), counters(plan.nextBatch(stillOnDisk, t += SECOND)));
    assertTrue(plan.isInFlight(disk.get(0)));
    assertFalse(plan.isInFlight(disk.get(1)));
  }

  @Test
  void anEntryStillOnDiskAfterItsReplyIsHandedOutAgain() {
    // at-least-once: if the delete failed the file is listed again and replayed again
    ReplayPlan plan = new ReplayPlan(1, 1000, SECOND);
    List<DeferredEntry> disk = entries(1);
    assertEquals(1, plan.nextBatch(disk, 0).size());
    plan.onReplied(disk.get(0));
    assertEquals(1, plan.nextBatch(disk, 1).size());
  }

  @Test
  void rateLimitIsATokenBucketOfOneSecondsWorth() {
    ReplayPlan plan = new ReplayPlan(100, 2, SECOND);
    List<DeferredEntry> disk = entries(20);
    long t = 1_000 * SECOND;
    List<DeferredEntry> b1 = plan.nextBatch(disk, t);
    assertEquals(List.of(1L, 2L), counters(b1)); // full bucket: a burst of 2
    assertEquals(List.of(), plan.nextBatch(disk, t));
    assertEquals(500 * MS, plan.nanosUntilReady(t));
    assertEquals(List.of(), plan.nextBatch(disk, t + 499 * MS));
    assertEquals(List.of(3L), counters(plan.nextBatch(disk, t + 500 * MS)));
    assertEquals(List.of(4L), counters(plan.nextBatch(disk, t + 1000 * MS)));
    // a long pause refills to the cap, not beyond
    assertEquals(List.of(5L, 6L), counters(plan.nextBatch(disk, t + 100 * SECOND)));
    assertEquals(6, plan.inFlightCount());
  }

  @Test
  void overTenSecondsAtMostRateTimesElevenAreHandedOut() {
    ReplayPlan plan = new ReplayPlan(10_000, 5, SECOND);
    List<DeferredEntry> disk = entries(1000);
    int handed = 0;
    for (long t = 0; t <= 10 * SECOND; t += 7 * MS) {
      List<DeferredEntry> b = plan.nextBatch(disk, t);
      handed += b.size();
      b.forEach(plan::onReplied);
      disk = disk.subList(b.size(), disk.size());
    }
    assertTrue(handed <= 5 * 11, "handed out " + handed);
    assertTrue(handed >= 5 * 10, "handed out " + handed);
  }

  @Test
  void aFailureBacksOffThenTheSameFileComesBack() {
    ReplayPlan plan = new ReplayPlan(2, 1000, 30 * SECOND);
    List<DeferredEntry> disk = entries(3);
    long t = 0;
    assertEquals(List.of(1L, 2L), counters(plan.nextBatch(disk, t)));
    plan.onFailed(disk.get(0), t += SECOND);
    assertTrue(plan.isBackingOff(t));
    assertEquals(30 * SECOND, plan.nanosUntilReady(t));
    assertEquals(List.of(), plan.nextBatch(disk, t + 29 * SECOND));
    plan.onReplied(disk.get(1)); // the other one still completes while backing off
    assertEquals(0, plan.inFlightCount());
    List<DeferredEntry> left = List.of(disk.get(0), disk.get(2));
    assertEquals(List.of(1L, 3L), counters(plan.nextBatch(left, t + 30 * SECOND)));
    assertFalse(plan.isBackingOff(t + 30 * SECOND));
  }

  @Test
  void aLaterFailureExtendsTheBackOffAndAnEarlierDeadlineDoesNotShortenIt() {
    ReplayPlan plan = new ReplayPlan(2, 1000, 10 * SECOND);
    List<DeferredEntry> disk = entries(2);
    plan.nextBatch(disk, 0);
    plan.onFailed(disk.get(0), 0);
    plan.onFailed(disk.get(1), 5 * SECOND);
    assertTrue(plan.isBackingOff(14 * SECOND));
    plan.backOffUntil(SECOND);
    assertTrue(plan.isBackingOff(14 * SECOND));
    assertFalse(plan.isBackingOff(15 * SECOND));
    plan.backOffUntil(60 * SECOND); // e.g. host marked dead
    assertEquals(List.of(), plan.nextBatch(disk, 59 * SECOND));
    assertEquals(2, plan.nextBatch(disk, 60 * SECOND).size());
  }

  @Test
  void aSkippedEntryFreesItsSlotWithoutBackOff() {
    ReplayPlan plan = new ReplayPlan(1, 1000, SECOND);
    List<DeferredEntry> disk = entries(2);
    assertEquals(List.of(1L), counters(plan.nextBatch(disk, 0)));
    plan.onSkipped(disk.get(0)); // its command was unreadable: moved aside
    assertFalse(plan.isBackingOff(1));
    assertEquals(List.of(2L), counters(plan.nextBatch(disk.subList(1, 2), 1)));
  }

  @Test
  void tickerWrapAroundIsHarmless() {
    ReplayPlan plan = new ReplayPlan(10, 1, 10 * SECOND);
    List<DeferredEntry> disk = entries(5);
    long t = Long.MAX_VALUE - SECOND / 2;
    assertEquals(1, plan.nextBatch(disk, t).size());
    plan.onFailed(disk.get(0), t);
    long later = t + 9 * SECOND; // overflows to negative
    assertTrue(later < 0);
    assertTrue(plan.isBackingOff(later));
    assertEquals(List.of(1L), counters(plan.nextBatch(disk, t + 10 * SECOND)));
  }

  @Test
  void aTickerGoingBackwardsGivesNoCredit() {
    ReplayPlan plan = new ReplayPlan(10, 1, SECOND);
    List<DeferredEntry> disk = entries(5);
    assertEquals(1, plan.nextBatch(disk, 10 * SECOND).size());
    assertEquals(0, plan.nextBatch(disk, 5 * SECOND).size());
    assertEquals(0, plan.nextBatch(disk, 10 * SECOND + 999 * MS).size());
    assertEquals(1, plan.nextBatch(disk, 11 * SECOND).size());
  }

  @Test
  void constructorValidates() {
    assertThrows(IllegalArgumentException.class, () -> new ReplayPlan(0, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> new ReplayPlan(1, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new ReplayPlan(1, 1, -1));
  }
}
