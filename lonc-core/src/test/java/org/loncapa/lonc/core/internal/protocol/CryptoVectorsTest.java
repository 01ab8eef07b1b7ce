package org.loncapa.lonc.core.internal.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The worked examples of protocol.md §2.4 and §3 as test vectors. */
class CryptoVectorsTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final String BUILDKEY = "123AABECC97F8DCBA987FE45678";

    @Test
    void perlPackNibbles() {
        assertEquals(10, PerlPack.nibble('A'));
        assertEquals(10, PerlPack.nibble('a'));
        assertEquals(15, PerlPack.nibble('F'));
        assertEquals(0, PerlPack.nibble('G'));
        assertEquals(3, PerlPack.nibble('Z'));
        assertEquals(7, PerlPack.nibble('7'));
        assertEquals(0xD, PerlPack.nibble('-'));
        assertEquals(0xF, PerlPack.nibble('_'));
        assertEquals(0xE, PerlPack.nibble('.'));
        assertEquals(0xA, PerlPack.nibble(':'));
        assertEquals(0xA, PerlPack.nibble('\n'));
        assertArrayEquals(HEX.parseHex("ab00"), PerlPack.packHex("ab", 2), "short input pads with 0");
        assertArrayEquals(HEX.parseHex("d0"), PerlPack.packHex("-G", 1));
    }

    @Test
    void hostKeyTranslation() {
        assertEquals("62451624A3", SessionKeys.translateHostKey("msul1msua3"));
    }

    @Test
    void insecureKeyWorkedExample() {
        byte[] key = SessionKeys.insecureKey("msul1", "msua3", BUILDKEY);
        assertEquals("62451624a3123aabecc97f8dcba987fe", HEX.formatHex(key));
        // lond never sends a newline in the buildkey; a trailing one is ignored
        assertArrayEquals(key, SessionKeys.insecureKey("msul1", "msua3", BUILDKEY + "\n"));
    }

    @Test
    void insecureKeyWithShortInputsRepeatsKAndB() {
        // K = "AB" -> "AB", B = "12": S = AB12AB12AB12 (12 chars), padded with zero nibbles
        byte[] key = SessionKeys.insecureKey("a", "b", "12");
        assertEquals("ab12ab12ab1200000000000000000000", HEX.formatHex(key));
    }

    @Test
    void insecureKeyWithPunctuationInHostIds() {
        // '-' is 0xD and '_' is 0xF under pack "H"; G-P/Q-Z translation applies to letters only
        byte[] key = SessionKeys.insecureKey("x-y", "z_1", "00000000000000000000000000000000");
        // K = "X-YZ_1" -> X->7 (Q..Z -> 0..9), Y->8, Z->9 => "7-89_1"
        assertEquals("7d89f100000000000000000000000000", HEX.formatHex(key));
    }

    @Test
    void ideaStandardVector() {
        IdeaCipher c = new IdeaCipher(HEX.parseHex("00010002000300040005000600070008"));
        byte[] out = new byte[8];
        c.encryptBlock(HEX.parseHex("0000000100020003"), 0, out, 0);
        assertEquals("11fbed2b01986de5", HEX.formatHex(out));
        byte[] back = new byte[8];
        c.decryptBlock(out, 0, back, 0);
        assertEquals("0000000100020003", HEX.formatHex(back));
    }

    @Test
    void encFrameWorkedExamples() throws Exception {
        IdeaCipher c = new IdeaCipher(SessionKeys.insecureKey("msul1", "msua3", BUILDKEY));
        assertEquals("enc:20:9c4832aad1f9ce2e3d130284cb41c02ecbcd49066719b2bb",
                EncFrame.encode(c, "currentauth:msu:jdoe"));
        assertEquals("enc:16:82b2cccd4a98fd01d3368cccf91df7e07920089a1374a222",
                EncFrame.encode(c, "auth:msu:jdoe:pw"));
        assertEquals("currentauth:msu:jdoe",
                EncFrame.decode(c, "enc:20:9c4832aad1f9ce2e3d130284cb41c02ecbcd49066719b2bb"));
        assertEquals("auth:msu:jdoe:pw",
                EncFrame.decode(c, "enc:16:82b2cccd4a98fd01d3368cccf91df7e07920089a1374a222"));
    }

    @Test
    void encFrameBlockCountAndRoundTrip() throws Exception {
        IdeaCipher c = new IdeaCipher(SessionKeys.fromHex("000102030405060708090a0b0c0d0e0f"));
        for (int len = 0; len <= 40; len++) {
            String plain = "x".repeat(len);
            String frame = EncFrame.encode(c, plain);
            String hex = frame.substring(frame.lastIndexOf(':') + 1);
            assertEquals((len / 8 + 1) * 16, hex.length(), "blocks for L=" + len);
            assertTrue(frame.startsWith("enc:" + len + ":"));
            assertEquals(plain, EncFrame.decode(c, frame));
        }
        String utf8 = "passwd:msu:jörg:ß€";
        assertEquals(utf8, EncFrame.decode(c, EncFrame.encode(c, utf8)));
    }

    @Test
    void encFrameRejectsMalformedFrames() {
        IdeaCipher c = new IdeaCipher(SessionKeys.fromHex("000102030405060708090a0b0c0d0e0f"));
        assertThrows(EncFrame.MalformedFrameException.class, () -> EncFrame.decode(c, "enc:abc"));
        assertThrows(EncFrame.MalformedFrameException.class, () -> EncFrame.decode(c, "enc:x:00"));
        assertThrows(EncFrame.MalformedFrameException.class,
                () -> EncFrame.decode(c, "enc:3:0011"), "hex not a multiple of a block");
        assertThrows(EncFrame.MalformedFrameException.class,
                () -> EncFrame.decode(c, "enc:9:0011223344556677"), "L longer than the data");
        assertThrows(EncFrame.MalformedFrameException.class,
                () -> EncFrame.decode(c, "enc:2:zz11223344556677"));
        assertThrows(EncFrame.MalformedFrameException.class, () -> EncFrame.decode(c, "ok"));
        // digits of other scripts are digits to Character.digit, but not hex on the wire
        assertThrows(EncFrame.MalformedFrameException.class,
                () -> EncFrame.decode(c, "enc:2:\u0663\u0661223344556677"));
        assertThrows(EncFrame.MalformedFrameException.class,
                () -> EncFrame.decode(c, "enc:2:\uff11\uff11223344556677"));
    }

    @Test
    void encFrameDecryptedWithTheWrongKeyIsRefusedNotPassedOn() throws Exception {
        IdeaCipher right = new IdeaCipher(SessionKeys.fromHex("000102030405060708090a0b0c0d0e0f"));
        IdeaCipher wrong = new IdeaCipher(SessionKeys.fromHex("0f0e0d0c0b0a09080706050403020100"));
        String frame = EncFrame.encode(right, "currentauth:msu:jdoe");
        EncFrame.MalformedFrameException e = assertThrows(EncFrame.MalformedFrameException.class,
                () -> EncFrame.decode(wrong, frame));
        assertTrue(e.getMessage().contains("wrong key"), e.getMessage());
        assertEquals("currentauth:msu:jdoe", EncFrame.decode(right, frame));
    }

    @Test
    void encFrameAcceptsUpperCaseHex() throws Exception {
        IdeaCipher c = new IdeaCipher(SessionKeys.insecureKey("msul1", "msua3", BUILDKEY));
        assertEquals("currentauth:msu:jdoe",
                EncFrame.decode(c, "enc:20:9C4832AAD1F9CE2E3D130284CB41C02ECBCD49066719B2BB"));
    }

    @Test
    void hexKeyValidation() {
        assertTrue(SessionKeys.isHexKey("0123456789abcdefABCDEF0123456789"));
        assertFalse(SessionKeys.isHexKey("0123456789abcdef"));
        assertFalse(SessionKeys.isHexKey("0123456789abcdefABCDEF012345678g"));
        assertFalse(SessionKeys.isHexKey("0123456789abcdefABCDEF012345678\u0663"), "Arabic-Indic 3 is not hex");
        String random = SessionKeys.randomHexKey(new java.security.SecureRandom());
        assertTrue(SessionKeys.isHexKey(random));
        assertEquals(random.toLowerCase(java.util.Locale.ROOT), random);
    }
}
