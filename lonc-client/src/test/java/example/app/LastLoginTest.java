package example.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.loncapa.lonc.client.FlushResult;
import org.loncapa.lonc.client.HostHealth;
import org.loncapa.lonc.client.HostView;
import org.loncapa.lonc.client.LoncClient;
import org.loncapa.lonc.testkit.FakeClock;
import org.loncapa.lonc.testkit.FakeLond;
import org.loncapa.lonc.testkit.FakeLondExtension;
import org.loncapa.lonc.testkit.RecordedRequest;

/** docs/testing.md's example, word for word: an application tested against FakeLond. */
class LastLoginTest {
    @RegisterExtension
    FakeLondExtension home = new FakeLondExtension(FakeLond.builder().lonIds("msul1").clientLonId("msua3"));

    @TempDir
    Path dir;

    @Test
    void storesTheLoginOnTheHomeServer() throws Exception {
        try (LoncClient lonc = LoncClient.fromConfig(home.writeConfig(dir)).build()) {
            assertTrue(new LastLogin(lonc).record("msul1", "msu", "jdoe", "now"));
        }
        RecordedRequest r = home.lond().takeRequest(Duration.ofSeconds(5));
        assertEquals("put:msu:jdoe:environment:lastlogin=now", r.command());
        assertEquals("now", home.lond().store().get("msu", "jdoe", "environment", "lastlogin"));
    }

    @Test
    void theHomeServerIsUpAfterALogin() throws Exception {
        try (LoncClient lonc = LoncClient.fromConfig(home.writeConfig(dir)).build()) {
            assertTrue(new LastLogin(lonc).record("msul1", "msu", "jdoe", "now"));
            HostView h = lonc.status("msul1").orElseThrow();
            assertEquals(HostView.State.UP, h.state());
            assertEquals("insecure", h.keyMode());              // FakeLond's default key mode
            assertEquals(1, h.counters().requests());
            assertEquals(0, h.connections().queued());
            assertTrue(h.latency().count() >= 1);
            assertTrue(HostHealth.check(lonc, "msul1").usable());
        }
    }

    @Test
    void aLoginWhileTheServerIsDownIsDeliveredLater() throws Exception {
        FakeClock clock = new FakeClock();
        home.lond().shutdown(); // the home server is down; its port stays reserved
        try (LoncClient lonc = LoncClient.fromConfig(home.writeConfig(dir))
                .clock(clock).replayDeferred(false).build()) {
            assertTrue(new LastLogin(lonc).record("msul1", "msu", "jdoe", "now")); // con_delayed
            assertEquals(1, lonc.deferred().list("msul1").size());

            home.lond().restart();
            // lonnet may read a fresh delayed file back for 2 s, so lonc replays it only when it
            // is 5 s old: move the clock instead of waiting
            clock.advance(Duration.ofSeconds(10));
            assertEquals(new FlushResult(1, 0, false), lonc.deferred().flush("msul1"));
        }
        assertEquals("now", home.lond().store().get("msu", "jdoe", "environment", "lastlogin"));
    }
}
