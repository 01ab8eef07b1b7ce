package org.loncapa.lonc.testkit;

import java.security.SecureRandom;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Where a FakeLond's pids, clock and random draws come from: the real ones by default, fixed ones in
 * the golden transcript tests, so that a whole handshake is the same bytes every time.
 */
interface LondEntropy {
    /** The pid of the lond child that serves connection {@code index} (lond forks one per connection). */
    long pid(long basePid, int index);

    /** {@code time()}, in seconds. */
    long epochSeconds();

    /** One {@code int(rand 100000)}. */
    int draw100000();

    /** A session key for ssl mode: 32 lowercase hex digits. */
    String sessionKeyHex();

    /** The real thing. */
    static LondEntropy system(SecureRandom random) {
        return new LondEntropy() {
            @Override
            public long pid(long basePid, int index) {
                return basePid + 1 + index;
            }

            @Override
            public long epochSeconds() {
                return System.currentTimeMillis() / 1000;
            }

            @Override
            public int draw100000() {
                return ThreadLocalRandom.current().nextInt(100_000);
            }

            @Override
            public String sessionKeyHex() {
                return LondWire.randomHexKey(random);
            }
        };
    }
}
