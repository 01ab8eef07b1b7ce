package org.loncapa.lonc.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.loncapa.lonc.core.protocol.SessionKeys;

/** The worked example of protocol.md §2.4, from lond's side. */
class LondServerKeysTest {

    @Test
    void challengeIsPidThenTime() {
        assertEquals("43211125339768", LondServerKeys.challenge(4321, 1125339768L));
    }

    @Test
    void buildKeyMatchesTheWorkedExample() {
        String b = LondServerKeys.buildKey(1125339768L, 4321, 98765, 123, 45678);
        assertEquals("123AABECC97F8DCBA987FE45678", b);
        byte[] key = SessionKeys.insecureKey("msul1", "msua3", b);
        assertArrayEquals(SessionKeys.fromHex("62451624a3123aabecc97f8dcba987fe"), key);
    }

    @Test
    void echoIsComparedAfterRemovingNonWordCharacters() {
        assertTrue(LondServerKeys.echoMatches("43211125339768", "43211125339768"));
        assertTrue(LondServerKeys.echoMatches("43211125339768", " 4321-1125339768\r"));
        assertFalse(LondServerKeys.echoMatches("43211125339768", "43211125339769"));
        assertFalse(LondServerKeys.echoMatches("43211125339768", ""));
    }
}
