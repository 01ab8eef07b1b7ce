package org.loncapa.lonc.core.internal.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RedactionTest {

  private static final String SECRET = "s3cr3tPassw0rd";

  @Test
  void encryptKeepsOnlyTheCommandName() {
    assertEquals("encrypt:passwd", Redaction.forLog("encrypt:passwd:msu:jdoe:old:" + SECRET));
    assertEquals("encrypt:currentauth", Redaction.forLog("encrypt:currentauth:msu:jdoe\n"));
    assertEquals("encrypt:passwd", Redaction.forLog("encrypt:passwd"));
    assertEquals("encrypt:", Redaction.forLog("encrypt:"));
    assertEquals("encrypt:", Redaction.forLog("encrypt::" + SECRET));
  }

  @Test
  void sethostPrefixIsKeptAndTheRestRedacted() {
    assertEquals("sethost:msul1:encrypt:passwd",
        Redaction.forLog("sethost:msul1:encrypt:passwd:msu:jdoe:old:" + SECRET + "\n"));
    assertEquals("sethost:msul1:enc:16:\u2026",
        Redaction.forLog("sethost:msul1:enc:16:82b2cccd4a98fd01d3368cccf91df7e0\n"));
    assertEquals("sethost:msul1:ping", Redaction.forLog("sethost:msul1:ping"));
    assertEquals("sethost:msul1", Redaction.forLog("sethost:msul1\n"));
  }

  @Test
  void nestedSethostPrefixesDoNotLeak() {
    String r = Redaction.forLog("sethost:a:sethost:b:encrypt:auth:msu:jdoe:" + SECRET);
    assertEquals("sethost:a:sethost:b:encrypt:auth", r);
    String many = "sethost:x:".repeat(10_000) + "encrypt:auth:" + SECRET;
    String out = Redaction.forLog(many);
    assertFalse(out.contains(SECRET));
    assertTrue(out.length() < 400, out);
  }

  @Test
  void encWireFormHidesTheCiphertext() {
    assertEquals("enc:20:\u2026",
        Redaction.forLog("enc:20:9c4832aad1f9ce2e3d130284cb41c02ecbcd49066719b2bb\n"));
    assertEquals("enc:\u2026", Redaction.forLog("enc:xx:9c4832aad1f9ce2e"));
    assertEquals("enc:\u2026", Redaction.forLog("enc:9c4832aad1f9ce2e"));
    assertEquals("enc:\u2026", Redaction.forLog("enc:"));
  }

  @Test
  void plainRequestsPassUnchangedWithoutTheLineEnd() {
    assertEquals("ping", Redaction.forLog("ping\n"));
    assertEquals("ping", Redaction.forLog("ping\r\n"));
    assertEquals("put:msu:jdoe:environment:a=b", Redaction.forLog("put:msu:jdoe:environment:a=b"));
    assertEquals("", Redaction.forLog(""));
    assertEquals("null", Redaction.forLog(null));
  }

  @Test
  void plainRequestsAreCut() {
    String longReq = "put:" + "a".repeat(1000);
    String out = Redaction.forLog(longReq);
    assertEquals(Redaction.DEFAULT_MAX_CHARS + 1, out.length());
    assertTrue(out.endsWith(Redaction.ELLIPSIS));
    assertEquals(longReq.substring(0, Redaction.DEFAULT_MAX_CHARS),
        out.substring(0, Redaction.DEFAULT_MAX_CHARS));
    assertEquals("abc" + Redaction.ELLIPSIS, Redaction.forLog("abcdef", 3));
    assertEquals("abc", Redaction.forLog("abc", 3));
    assertThrows(IllegalArgumentException.class, () -> Redaction.forLog("x", 0));
  }

  @Test
  void cutNeverSplitsAnEscapeOrASurrogatePair() {
    assertEquals("ab" + Redaction.ELLIPSIS, Redaction.forLog("ab\u0001cd", 5));
    assertEquals("ab\\x01" + Redaction.ELLIPSIS, Redaction.forLog("ab\u0001cd", 6));
    String emoji = "\uD83D\uDE00";
    assertEquals("a" + Redaction.ELLIPSIS, Redaction.forLog("a" + emoji + "b", 2));
    assertEquals("a" + emoji + Redaction.ELLIPSIS, Redaction.forLog("a" + emoji + "bc", 3));
  }

  @Test
  void controlCharactersAreEscaped() {
    String[][] cases = {
        {"a\nb", "a\\nb"},
        {"a\rb", "a\\rb"},
        {"a\tb", "a\\tb"},
        {"a\u0000b", "a\\x00b"},
        {"a\u001bb", "a\\x1bb"},
        {"a\u007fb", "a\\x7fb"},
        {"a\u0085b", "a\\u0085b"},
        {"a\u2028b", "a\\u2028b"},
        {"a\\b", "a\\\\b"},
    };
    for (String[] c : cases) {
      assertEquals(c[1], Redaction.forLog(c[0]));
    }
  }

  @Test
  void loneSurrogateIsEscaped() {
    assertEquals("a\\ud83db", Redaction.forLog("a\uD83Db"));
  }

  @Test
  void embeddedNewlineInPlainRequestStaysOnOneLine() {
    String out = Redaction.forLog("put:x\nencrypt:auth:" + SECRET);
    assertFalse(out.contains("\n"));
  }

  @Test
  void encryptedArgumentsNeverLeakWhateverTheShape() {
    String[] shapes = {
        "encrypt:passwd:msu:jdoe:" + SECRET,
        "encrypt:passwd:" + SECRET + "\n",
        "sethost:msul1:encrypt:passwd:" + SECRET,
        "sethost:msul1:enc:24:" + SECRET,
        "enc:24:" + SECRET,
        "encrypt:" + "c".repeat(500) + ":" + SECRET,
    };
    for (String s : shapes) {
      String out = Redaction.forLog(s);
      assertFalse(out.contains(SECRET), s + " -> " + out);
      assertFalse(out.contains("\n"), s + " -> " + out);
    }
  }
}
