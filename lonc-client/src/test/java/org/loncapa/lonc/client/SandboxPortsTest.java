package org.loncapa.lonc.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.loncapa.lonc.testkit.FakeLond;
import org.loncapa.lonc.testkit.LoncapaSandbox;

/** A generated configuration whose hosts are FakeLonds on different ports, used as is by fromConfig. */
@Timeout(60)
class SandboxPortsTest {
    @TempDir
    Path dir;

    @Test
    void eachHostOfTheSandboxHasItsOwnFakeLond() throws Exception {
        try (FakeLond one = FakeLond.builder().lonIds("msul1").clientLonId("msua3").build().start();
                FakeLond two = FakeLond.builder().lonIds("msul2").clientLonId("msua3").build().start()) {
            LoncapaSandbox s = LoncapaSandbox.in(dir, "msua3")
                    .londPort("lond1.test", one.port()).londPort("lond2.test", two.port());
            Path conf = s.writeConfig();
            s.writeHostsTab("msua3:msu:access:me.test:127.0.0.1", "msul1:msu:library:lond1.test:127.0.0.1",
                    "msul2:msu:library:lond2.test:127.0.0.1");
            try (LoncClient lonc = LoncClient.fromConfig(conf).build()) {
                assertEquals("msul1", lonc.reply("msul1", "ping").line());
                assertEquals("msul2", lonc.reply("msul2", "ping").line());
                assertEquals("x", lonc.reply("msul2", "encrypt:echo:x").line());
            }
            assertEquals(1, one.requestCount());
            assertEquals(2, two.requestCount());
        }
    }
}
