package org.loncapa.lonc.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The worked examples of protocol.md §2.4 and §3, from lond's side (no client class involved). */
class LondWireTest {

    @Test
    void challengeIsPidThenTime() {
        assertEquals("43211125339768", LondWire.challenge(4321, 1125339768L));
    }

    @Test
    void buildKeyMatchesTheWorkedExample() {
        String b = LondWire.buildKey(1125339768L, 4321, 98765, 123, 45678);
        assertEquals("123AABECC97F8DCBA987FE45678", b);
        assertEquals("62451624A3123AABECC97F8DCBA987FE", LondWire.insecureKeyText("msul1", "msua3", b));
        byte[] key = LondWire.packH32(LondWire.insecureKeyText("msul1", "msua3", b));
        assertEquals("62451624a3123aabecc97f8dcba987fe", LondWire.hex(key, 0, 16));
    }

    @Test
    void echoIsComparedAfterRemovingNonWordCharacters() {
        assertTrue(LondWire.echoMatches("43211125339768", "43211125339768"));
        assertTrue(LondWire.echoMatches("43211125339768", " 4321-1125339768\r"));
        assertFalse(LondWire.echoMatches("43211125339768", "43211125339769"));
        assertFalse(LondWire.echoMatches("43211125339768", ""));
    }

    @Test
    void packH32FollowsPerlForLettersAndPunctuation() {
        // a letter gives (ord + 9) & 0xF, anything else ord & 0xF: G is 0, Z is 3, '-' 0xD, '_' 0xF
        byte[] k = LondWire.packH32("GZ-_.:aF0123456789abcdefABCDEF01");
        assertEquals("03df", LondWire.hex(k, 0, 2));
        assertEquals("ea", LondWire.hex(k, 2, 1));
        assertEquals("af", LondWire.hex(k, 3, 1));
    }

    @Test
    void ideaIsStandardIdeaTheStandardVector() throws Exception {
        byte[] key = new byte[16];
        for (int i = 0; i < 8; i++) {
            key[2 * i + 1] = (byte) (i + 1); // 0001 0002 ... 0008
        }
        var engine = new org.bouncycastle.crypto.engines.IDEAEngine();
        engine.init(true, new org.bouncycastle.crypto.params.KeyParameter(key));
        byte[] out = new byte[8];
        engine.processBlock(new byte[] {0, 0, 0, 1, 0, 2, 0, 3}, 0, out, 0);
        assertEquals("11fbed2b01986de5", LondWire.hex(out, 0, 8));
    }

    static LondCipher workedExampleCipher() {
        return new LondCipher(LondWire.packH32("62451624a3123aabecc97f8dcba987fe"), "the worked example");
    }

    @Test
    void encFramesOfTheWorkedExample() throws Exception {
        LondCipher c = workedExampleCipher();
        assertEquals("enc:20:9c4832aad1f9ce2e3d130284cb41c02ecbcd49066719b2bb", c.encode("currentauth:msu:jdoe"));
        assertEquals("enc:16:82b2cccd4a98fd01d3368cccf91df7e07920089a1374a222", c.encode("auth:msu:jdoe:pw"));
        assertEquals("currentauth:msu:jdoe", c.decode("enc:20:9c4832aad1f9ce2e3d130284cb41c02ecbcd49066719b2bb"));
        assertEquals("auth:msu:jdoe:pw", c.decode("enc:16:82b2cccd4a98fd01d3368cccf91df7e07920089a1374a222"));
    }

    @Test
    void aFrameMadeWithAnotherKeyIsNamedAsSuch() {
        LondCipher other = new LondCipher(LondWire.packH32(LondWire.insecureKeyText("msul1", "msua4",
                "123AABECC97F8DCBA987FE45678")), "lonIDs msul1 + msua4");
        String frame = other.encode("currentauth:msu:jdoe");
        LondCipher.NotDecryptable e = org.junit.jupiter.api.Assertions.assertThrows(
                LondCipher.NotDecryptable.class, () -> workedExampleCipher().decode(frame));
        assertTrue(e.getMessage().contains("padding") || e.getMessage().contains("control byte"), e.getMessage());
        for (String bad : new String[] {"enc:x:00", "enc:20:zz", "enc:99:9c4832aad1f9ce2e", "enc:20"}) {
            org.junit.jupiter.api.Assertions.assertThrows(LondCipher.NotDecryptable.class,
                    () -> workedExampleCipher().decode(bad), bad);
        }
    }

    @Test
    void bytesThatAreNotUtf8TravelInsideFrames() throws Exception {
        LondCipher c = workedExampleCipher();
        String latin = "put:msu:jdoe:name=Ren\uDCE9e";
        assertEquals(latin, c.decode(c.encode(latin)));
    }
}
