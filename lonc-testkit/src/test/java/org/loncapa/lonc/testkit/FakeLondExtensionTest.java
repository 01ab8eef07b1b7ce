package org.loncapa.lonc.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.loncapa.lonc.core.config.LoncapaConfig;

/** The JUnit 5 extension: a FakeLond per test, a configuration for it, and undecryptable requests made loud. */
@Timeout(30)
class FakeLondExtensionTest {
    @RegisterExtension
    FakeLondExtension lond = new FakeLondExtension(FakeLond.builder().lonIds("msul1", "msul2").clientLonId("msua3"));

    @TempDir
    Path dir;

    @Test
    void runsDuringTheTestAndWritesAConfigurationForIt() throws Exception {
        assertTrue(lond.port() > 0);
        try (LondTestClient c = LondTestClient.connect(lond.lond())) {
            c.insecureHandshake(lond.lond(), "msul1", "msua3");
            assertEquals("msul1", c.request("ping"));
        }
        Path conf = lond.writeConfig(dir);
        LoncapaConfig cfg = LoncapaConfig.load(conf);
        assertEquals("msua3", cfg.lonHostID());
        assertEquals(Map.of(FakeLondExtension.LOND_HOSTNAME, lond.port()), cfg.londPorts());
        assertTrue(cfg.loncAllowInsecure());
        String hosts = java.nio.file.Files.readString(dir.resolve("lonTabs/hosts.tab"));
        assertTrue(hosts.contains("msul2:test:library:lond.test:127.0.0.1"), hosts);
    }

    /** An ExtensionContext that says the test itself passed. */
    static ExtensionContext passedTest() {
        return (ExtensionContext) Proxy.newProxyInstance(ExtensionContext.class.getClassLoader(),
                new Class<?>[] {ExtensionContext.class}, (p, m, a) -> {
                    if (m.getName().equals("getExecutionException")) {
                        return Optional.empty();
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
    }

    @Test
    void aRequestThatDidNotDecryptFailsTheTestNamingTheKey() throws Exception {
        FakeLondExtension ext = new FakeLondExtension(FakeLond.builder().lonIds("msul1").clientLonId("msua3"));
        ext.beforeEach(passedTest());
        FakeLond l = ext.lond();
        try (LondTestClient c = LondTestClient.connect(l)) {
            c.hailInsecure("init");
            c.versionAndSetHost(l, "msul1");
            c.ekey("msul1", "msua9"); // a client that thinks it is msua9
            assertEquals(FakeLond.UNKNOWN_CMD, c.encryptedRequest("", "currentauth:msu:jdoe"));
        }
        AssertionError e = assertThrows(AssertionError.class, () -> ext.afterEach(passedTest()));
        assertTrue(e.getMessage().contains("did not decrypt") && e.getMessage().contains("'msua3'"),
                e.getMessage());
        assertThrows(IllegalStateException.class, ext::lond, "closed after the test");
        assertFalse(l.decryptionFailureCount() == 0);

        FakeLondExtension allowed = new FakeLondExtension().allowUndecryptable();
        allowed.beforeEach(passedTest());
        allowed.afterEach(passedTest());
    }

    @Test
    void fakeClockMovesOnlyWhenTold() {
        FakeClock clock = new FakeClock(Instant.parse("2026-01-01T00:00:00Z"));
        assertEquals(Instant.parse("2026-01-01T00:00:00Z"), clock.instant());
        clock.advance(Duration.ofSeconds(10));
        assertEquals(Instant.parse("2026-01-01T00:00:10Z"), clock.instant());
        assertEquals(clock.millis(), clock.withZone(java.time.ZoneId.of("America/Detroit")).millis());
    }
}
