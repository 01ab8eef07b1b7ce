package org.loncapa.lonc.core.deferred;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DelayedFileNameTest {

  @Test
  void middlenameCutsToSixteenThenStripsNonWordCharacters() {
    // Expected values were produced with perl: $m = substr($c,0,16); $m =~ s/\W//g;
    assertEquals("encryptpasswdm", DelayedFileName.middlename("encrypt:passwd:msu:jdoe:old:new"));
    assertEquals("putmsujdoeenv", DelayedFileName.middlename("put:msu:jdoe:environment:a=b"));
    assertEquals("ping", DelayedFileName.middlename("ping"));
    assertEquals("", DelayedFileName.middlename("::::"));
    assertEquals("", DelayedFileName.middlename(""));
  }

  @Test
  void middlenameOrderIsCutThenStrip() {
    // strip-then-cut would give "abcdefghijk"
    assertEquals("abcdefgh", DelayedFileName.middlename("a:b:c:d:e:f:g:h:i:j:k"));
    assertEquals("under_score9", DelayedFileName.middlename("under_score9"));
    assertEquals("abc", DelayedFileName.middlename("a\u00e9b.c-\u00fc"));
  }

  @Test
  void formatsLonnetNames() {
    DelayedFileName n = DelayedFileName.of(1795949487L, 3, 4242,
        "encrypt:passwd:msu:jdoe:old:new", "msul1");
    assertEquals("1795949487.3.4242.encryptpasswdm.msul1", n.fileName());
    assertEquals("encryptpasswdm", n.middlename());
  }

  @Test
  void parseFormatRoundTrip() {
    String[] names = {
        "1795949487.3.4242.encryptpasswdm.msul1",
        "1795949487.0.1.ping.msul1",
        "0.0.0..x",
        "1795949487.12.99.mid.lon.with.dots",
        "1795949487.1.2.mid~1.msul1",
        "999999999999999999.1.2.m.l",
    };
    for (String s : names) {
      Optional<DelayedFileName> p = DelayedFileName.parse(s);
      assertTrue(p.isPresent(), s);
      assertEquals(s, p.get().fileName(), s);
    }
    DelayedFileName n = DelayedFileName.parse("1795949487.12.99.mid.lon.with.dots").orElseThrow();
    assertEquals(1795949487L, n.time());
    assertEquals(12, n.counter());
    assertEquals(99, n.pid());
    assertEquals("mid", n.middlename());
    assertEquals("lon.with.dots", n.lonid());
  }

  @Test
  void parseRejectsNamesThatDoNotFit() {
    String[] bad = {
        "", "README", "a.b.c.d.e", "1.2.3.mid", "1.2.3.mid.", "-1.2.3.m.l", "1.2.x.m.l",
        "1.x.3.m.l", "01.2.3.m.l", "1.02.3.m.l", "1.2.03.m.l", "1..3.m.l", ".2.3.m.l",
        "1234567890123456789.1.1.m.l", "1.2.3.m..", "1.2.3.m.\u0001", "+1.2.3.m.l",
        ".~1795949487.1.4242.ping.msul1~tmp", "1.2.3.m\u0000.l",
    };
    for (String s : bad) {
      assertFalse(DelayedFileName.parse(s).isPresent(), s);
    }
    assertFalse(DelayedFileName.parse(null).isPresent());
  }

  @Test
  void replayOrderIsNumericByTimeThenCounterThenName() {
    List<DelayedFileName> names = new ArrayList<>(List.of(
        DelayedFileName.parse("1795949488.1.5.a.msul1").orElseThrow(),
        DelayedFileName.parse("1795949487.10.5.a.msul1").orElseThrow(),
        DelayedFileName.parse("1795949487.9.5.a.msul1").orElseThrow(),
        DelayedFileName.parse("1795949487.9.4.b.msul1").orElseThrow(),
        DelayedFileName.parse("999999999.50.5.a.msul1").orElseThrow()));
    names.sort(DelayedFileName.REPLAY_ORDER);
    List<String> got = new ArrayList<>();
    names.forEach(n -> got.add(n.fileName()));
    assertEquals(List.of(
        "999999999.50.5.a.msul1",
        "1795949487.9.4.b.msul1",
        "1795949487.9.5.a.msul1",
        "1795949487.10.5.a.msul1",
        "1795949488.1.5.a.msul1"), got);
  }

  @Test
  void forLogHidesTheTailOfAnEncryptMiddlename() {
    DelayedFileName n = DelayedFileName.of(1795949487L, 3, 4242, "encrypt:au:secretpw", "msul1");
    assertEquals("encryptausecre", n.middlename());
    assertEquals("1795949487.3.4242.encrypt\u2026.msul1", n.forLog());
    assertEquals(n.forLog(), n.toString());
    assertFalse(n.toString().contains("secre"));
    DelayedFileName plain = DelayedFileName.of(1795949487L, 3, 4242, "ping", "msul1");
    assertEquals("1795949487.3.4242.ping.msul1", plain.forLog());
  }

  @Test
  void constructorValidates() {
    assertThrows(IllegalArgumentException.class, () -> new DelayedFileName(-1, 0, 0, "m", "l"));
    assertThrows(IllegalArgumentException.class, () -> new DelayedFileName(0, 0, 0, "m.x", "l"));
    assertThrows(IllegalArgumentException.class, () -> new DelayedFileName(0, 0, 0, "m", ""));
    assertThrows(IllegalArgumentException.class, () -> new DelayedFileName(0, 0, 0, "m", "a/b"));
    assertThrows(IllegalArgumentException.class, () -> new DelayedFileName(0, 0, 0, "m", ".."));
    assertThrows(NullPointerException.class, () -> new DelayedFileName(0, 0, 0, null, "l"));
    assertTrue(DelayedFileName.isValidLonId("msul1"));
    assertFalse(DelayedFileName.isValidLonId("a\nb"));
    assertFalse(DelayedFileName.isValidLonId(null));
  }
}
