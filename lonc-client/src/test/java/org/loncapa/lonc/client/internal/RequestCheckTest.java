package org.loncapa.lonc.client.internal;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RequestCheckTest {

    @Test
    void oneLineIsFine() {
        assertDoesNotThrow(() -> RequestCheck.check("msul1", "encrypt:passwd:msu:jdoe:x\ty\r", 100));
    }

    @Test
    void newlineIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RequestCheck.check("msul1", "ping\nput:msu:jdoe:x", 1000));
        assertTrue(e.getMessage().contains("newline"), e.getMessage());
    }

    @Test
    void newlineInTheLonIdIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> RequestCheck.check("msul1\nping", "ping", 1000));
    }

    @Test
    void controlCharactersAreRefused() {
        for (char c : new char[] {0, 1, 0x1b, 0x7f}) {
            assertThrows(IllegalArgumentException.class,
                    () -> RequestCheck.check("msul1", "a" + c + "b", 1000), "char " + (int) c);
        }
    }

    @Test
    void lengthCountsTheWholeDaemonLineInUtf8() {
        // "sethost:msul1:" is 14 bytes; "é" is 2 bytes
        assertDoesNotThrow(() -> RequestCheck.check("msul1", "éé", 18));
        assertThrows(IllegalArgumentException.class, () -> RequestCheck.check("msul1", "ééx", 18));
    }

    @Test
    void utf8LengthMatchesTheJdk() {
        for (String s : new String[] {"", "abc", "é", "€", "\uD83D\uDE00", "a\uD83D", "\uDE00b"}) {
            assertEquals(s.getBytes(StandardCharsets.UTF_8).length, RequestCheck.utf8Length(s), s);
        }
    }

    @Test
    void nullsAreRefused() {
        assertThrows(NullPointerException.class, () -> RequestCheck.check(null, "ping", 100));
        assertThrows(NullPointerException.class, () -> RequestCheck.check("msul1", null, 100));
    }
}
