package org.loncapa.lonc.core.deferred;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DeferredEntryTest {

  private final DelayedFileName name =
      DelayedFileName.of(1795949487L, 3, 4242, "encrypt:au:secretpw", "msul1");
  private final DeferredEntry entry =
      new DeferredEntry(name, Path.of("/x/delayed").resolve(name.fileName()), 39);

  @Test
  void ageComesFromTheNameAndIsNeverNegative() {
    Instant saved = Instant.ofEpochSecond(1795949487L);
    assertEquals(saved, entry.savedAt());
    assertEquals(Duration.ofSeconds(90), entry.age(saved.plusSeconds(90)));
    assertEquals(Duration.ZERO, entry.age(saved.minusSeconds(5)));
    assertEquals("msul1", entry.lonid());
  }

  @Test
  void describeIsRedactedAndNeedsNoIo() {
    assertEquals("1795949487.3.4242.encrypt\u2026.msul1 (39 bytes, saved 2026-11-29T10:51:27Z)",
        entry.describe());
    assertFalse(entry.toString().contains("secre"));
  }

  @Test
  void validates() {
    assertThrows(IllegalArgumentException.class, () -> new DeferredEntry(name, Path.of("x"), -1));
    assertThrows(NullPointerException.class, () -> new DeferredEntry(null, Path.of("x"), 0));
  }
}
