package org.loncapa.lonc.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The daemon's logging backend stays in the daemon application: this module's tests have the daemon
 * jar on their class path (RealDaemonTest), yet see only the backend they chose themselves.
 */
class Slf4jProviderTest {
    @Test
    void oneProviderEvenWithTheDaemonJarOnTheClassPath() throws Exception {
        Class.forName("org.loncapa.lonc.daemon.LoncDaemon"); // the daemon is here
        List<String> providers = new ArrayList<>();
        for (SLF4JServiceProvider p : ServiceLoader.load(SLF4JServiceProvider.class)) {
            providers.add(p.getClass().getName());
        }
        assertEquals(List.of("org.slf4j.simple.SimpleServiceProvider"), providers);
    }
}
