package example.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.slf4j.spi.SLF4JServiceProvider;

/** What a user's test class path holds once it depends on lonc-client and lonc-testkit. */
class ClassPathTest {
    @Test
    void noDaemonClass() {
        for (String name : List.of("org.loncapa.lonc.daemon.Main", "org.loncapa.lonc.daemon.LoncDaemon",
                "org.loncapa.lonc.daemon.logging.LoncLogServiceProvider", "org.loncapa.lonc.demo.DemoMain",
                "picocli.CommandLine", "com.fasterxml.jackson.databind.ObjectMapper")) {
            assertThrows(ClassNotFoundException.class, () -> Class.forName(name), name);
        }
    }

    @Test
    void oneSlf4jProviderTheUsersOwn() {
        List<String> providers = new ArrayList<>();
        for (SLF4JServiceProvider p : ServiceLoader.load(SLF4JServiceProvider.class)) {
            providers.add(p.getClass().getName());
        }
        assertEquals(List.of("org.slf4j.simple.SimpleServiceProvider"), providers);
    }
}
