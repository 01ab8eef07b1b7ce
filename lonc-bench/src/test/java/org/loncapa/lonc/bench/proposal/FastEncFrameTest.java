package org.loncapa.lonc.bench.proposal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.loncapa.lonc.core.protocol.EncFrame;
import org.loncapa.lonc.core.protocol.IdeaCipher;

/** {@link FastEncFrame#encode} writes exactly what lonc-core's {@link EncFrame#encode} writes. */
class FastEncFrameTest {
    @Test
    void sameFramesAsEncFrame() throws Exception {
        Random rnd = new Random(3);
        for (int k = 0; k < 200; k++) {
            byte[] key = new byte[16];
            rnd.nextBytes(key);
            IdeaCipher core = new IdeaCipher(key);
            FastEncFrame fast = new FastEncFrame(new FastIdea(key));
            for (int len : new int[] {0, 1, 7, 8, 9, 15, 16, 17, 99, 100, 101, 1000, rnd.nextInt(3000)}) {
                StringBuilder b = new StringBuilder();
                for (int i = 0; i < len; i++) {
                    b.append(k % 5 == 0 && i % 11 == 0 ? 'é' : (char) (' ' + rnd.nextInt(95)));
                }
                String plain = b.toString();
                String expected = EncFrame.encode(core, plain);
                assertEquals(expected, fast.encode(plain), "length " + len);
                assertEquals(plain, EncFrame.decode(core, fast.encode(plain)));
            }
        }
    }
}
