package org.loncapa.lonc.core.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WireTextTest {
    private static String decode(byte[] b) {
        return WireText.decode(b, 0, b.length);
    }

    @Test
    void validUtf8IsAnOrdinaryStringBothWays() {
        String s = "put:msu:jdoe:name=Jürgen Ωmega 😀";
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        assertEquals(s, decode(b));
        assertFalse(WireText.hasEscapes(s));
        assertArrayEquals(b, WireText.encode(s));
    }

    @Test
    void latin1BytesBecomeEscapesAndComeBackAsThemselves() {
        byte[] latin1 = "ls:/home/Jürgen/café".getBytes(StandardCharsets.ISO_8859_1);
        String s = decode(latin1);
        assertEquals("ls:/home/J\uDCFCrgen/caf\uDCE9", s);
        assertTrue(WireText.hasEscapes(s));
        assertArrayEquals(latin1, WireText.encode(s));
    }

    @Test
    void truncatedAndOverlongSequencesAndEncodedSurrogatesAreEscapedByteByByte() {
        byte[][] cases = {
            {'x', (byte) 0xE2, (byte) 0x82},                  // truncated at the end
            {(byte) 0xC0, (byte) 0xAF},                       // overlong '/'
            {(byte) 0xED, (byte) 0xB2, (byte) 0x80, 'y'},     // UTF-8 of U+DC80 itself
            {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // above U+10FFFF
            {(byte) 0x80, (byte) 0xFF, (byte) 0xFE},
        };
        for (byte[] c : cases) {
            String s = decode(c);
            assertArrayEquals(c, WireText.encode(s), s);
            for (char ch : s.toCharArray()) {
                assertTrue(ch < 0x80 || (ch >= 0xDC80 && ch <= 0xDCFF), "only ASCII and escapes: " + s);
            }
        }
    }

    @Test
    void anyBytesRoundTrip() {
        SplittableRandom rnd = new SplittableRandom(42);
        for (int i = 0; i < 20_000; i++) {
            byte[] b = new byte[rnd.nextInt(40)];
            rnd.nextBytes(b);
            if (i % 2 == 0) {
                // mix in valid multi-byte text
                byte[] t = "é€😀".getBytes(StandardCharsets.UTF_8);
                int at = b.length == 0 ? 0 : rnd.nextInt(b.length);
                byte[] m = new byte[b.length + t.length];
                System.arraycopy(b, 0, m, 0, at);
                System.arraycopy(t, 0, m, at, t.length);
                System.arraycopy(b, at, m, at + t.length, b.length - at);
                b = m;
            }
            assertArrayEquals(b, WireText.encode(decode(b)));
        }
    }

    @Test
    void encodeLineIsEncodePlusNewline() {
        for (String s : new String[] {"", "ping", "caf\u00e9", "caf\uDCE9", "😀"}) {
            byte[] b = WireText.encode(s);
            byte[] line = WireText.encodeLine(s);
            assertEquals(b.length + 1, line.length, s);
            assertArrayEquals(b, java.util.Arrays.copyOf(line, b.length), s);
            assertEquals('\n', line[b.length], s);
        }
    }

    @Test
    void aRealSurrogatePairInTheEscapeRangeIsNotAnEscape() {
        // U+10080 is D800 DC80: its low half lies in the escape range but belongs to the pair
        String s = new String(Character.toChars(0x10080));
        assertFalse(WireText.hasEscapes(s));
        assertArrayEquals(s.getBytes(StandardCharsets.UTF_8), WireText.encode(s));
        assertEquals(s, decode(s.getBytes(StandardCharsets.UTF_8)));
    }
}
