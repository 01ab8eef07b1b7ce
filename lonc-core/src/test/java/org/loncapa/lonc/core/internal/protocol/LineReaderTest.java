package org.loncapa.lonc.core.internal.protocol;

import org.loncapa.lonc.core.protocol.WireText;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.loncapa.lonc.core.internal.protocol.LineReader.LineException;

class LineReaderTest {
    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void splitsLinesAcrossFeeds() throws Exception {
        LineReader r = new LineReader(100);
        r.feed(bytes("pi"));
        assertNull(r.nextLine());
        r.feed(bytes("ng\nsecond\nthi"));
        assertEquals("ping", r.nextLine());
        assertEquals("second", r.nextLine());
        assertNull(r.nextLine());
        assertEquals(3, r.pending());
        r.feed(bytes("rd\n"));
        assertEquals("third", r.nextLine());
        assertEquals(0, r.pending());
    }

    @Test
    void emptyLinesAndUtf8() throws Exception {
        LineReader r = new LineReader(100);
        r.feed(bytes("\nJörg€\n"));
        assertEquals("", r.nextLine());
        assertEquals("Jörg€", r.nextLine());
    }

    @Test
    void lineAtTheLimitIsAcceptedOneMoreIsNot() throws Exception {
        LineReader r = new LineReader(5);
        r.feed(bytes("12345\n"));
        assertEquals("12345", r.nextLine());
        r.feed(bytes("12345"));
        assertNull(r.nextLine());
        LineException e = assertThrows(LineException.class, () -> r.feed(bytes("6")));
        assertEquals(LineException.Kind.TOO_LONG, e.kind());
    }

    @Test
    void overlongLineInOneChunkIsRejected() throws Exception {
        LineReader r = new LineReader(5);
        LineException e = assertThrows(LineException.class, () -> r.feed(bytes("1234567890")));
        assertEquals(LineException.Kind.TOO_LONG, e.kind());
        LineReader s = new LineReader(5);
        s.feed(bytes("ok\n123456789\n"));
        assertEquals("ok", s.nextLine());
        assertThrows(LineException.class, s::nextLine);
    }

    @Test
    void binaryIsRejectedAndInvalidUtf8PassesAsEscapes() throws Exception {
        LineReader r = new LineReader(100);
        r.feed(new byte[] {'a', 0, 'b', '\n'}, 0, 4);
        assertEquals(LineException.Kind.BINARY, assertThrows(LineException.class, r::nextLine).kind());
        LineReader del = new LineReader(100);
        del.feed(new byte[] {'a', 0x7f, '\n'}, 0, 3);
        assertEquals(LineException.Kind.BINARY, assertThrows(LineException.class, del::nextLine).kind());
        LineReader s = new LineReader(100);
        byte[] latin1 = {'a', (byte) 0xC3, '(', (byte) 0xE9, '\n'};
        s.feed(latin1, 0, latin1.length);
        String line = s.nextLine();
        assertEquals("a\uDCC3(\uDCE9", line);
        assertArrayEquals(java.util.Arrays.copyOf(latin1, 4), WireText.encode(line));
        LineReader t = new LineReader(100);
        t.feed(bytes("tab\tand\rcr\n"));
        assertEquals("tab\tand\rcr", t.nextLine());
    }

    @Test
    void manyLinesPerFeedWithPartialTailsAndTheLimitCountedPerLine() throws Exception {
        LineReader r = new LineReader(10);
        StringBuilder expected = new StringBuilder();
        StringBuilder got = new StringBuilder();
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(5);
        StringBuilder stream = new StringBuilder();
        for (int i = 0; i < 2_000; i++) {
            String line = "x".repeat(rnd.nextInt(11)) + (i % 10);
            line = line.substring(Math.max(0, line.length() - 10)); // at most the limit
            stream.append(line).append('\n');
            expected.append(line).append('|');
        }
        byte[] all = stream.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        for (int off = 0; off < all.length; ) {
            int n = Math.min(all.length - off, 1 + rnd.nextInt(700));
            r.feed(all, off, n);
            off += n;
            for (String l; (l = r.nextLine()) != null; ) {
                got.append(l).append('|');
            }
        }
        assertEquals(expected.toString(), got.toString());
        assertEquals(0, r.pending());
        // the limit applies to each line, wherever it starts in the buffer
        r.feed(bytes("0123456789\n0123456789A\n"));
        assertEquals("0123456789", r.nextLine());
        assertEquals(LineException.Kind.TOO_LONG, assertThrows(LineException.class, r::nextLine).kind());
    }

    @Test
    void aLongLineDoesNotPinALargeBuffer() throws Exception {
        LineReader r = new LineReader(8 << 20);
        String big = "x".repeat(4 << 20);
        r.feed(bytes(big + "\nnext"));
        assertEquals(big, r.nextLine());
        assertEquals(LineReader.RETAINED_BYTES, r.capacity(), "buffer given back after the long line");
        r.feed(bytes("\n"));
        assertEquals("next", r.nextLine());
    }
}
