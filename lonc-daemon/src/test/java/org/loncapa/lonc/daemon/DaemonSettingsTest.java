package org.loncapa.lonc.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.loncapa.lonc.core.EngineConfig;
import org.loncapa.lonc.core.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DaemonSettingsTest {
    @TempDir
    Path dir;

    @Test
    void defaultsMatchThePerlDaemonAndTheEngine() {
        DaemonSettings s = DaemonSettings.defaults();
        assertEquals(EngineConfig.DEFAULT_MAX_CONNECTIONS, s.count(Setting.MAX_CONNECTIONS_PER_HOST));
        assertEquals(EngineConfig.DEFAULT_RETRIES, s.count(Setting.RETRIES));
        assertEquals(EngineConfig.DEFAULT_IDLE_TIMEOUT, s.duration(Setting.IDLE_TIMEOUT));
        assertEquals(EngineConfig.DEFAULT_TRANSACTION_TIMEOUT, s.duration(Setting.TRANSACTION_TIMEOUT));
        assertEquals(EngineConfig.DEFAULT_CONNECT_TIMEOUT, s.duration(Setting.CONNECT_TIMEOUT));
        assertEquals(EngineConfig.DEFAULT_MAX_QUEUED_PER_HOST, s.count(Setting.MAX_QUEUED_PER_HOST));
        assertEquals(EngineConfig.DEFAULT_MAX_QUEUED_TOTAL, s.count(Setting.MAX_QUEUED_TOTAL));
        assertEquals(EngineConfig.DEFAULT_MAX_REPLY_BYTES, s.bytes(Setting.MAX_REPLY_BYTES));
        assertEquals(EngineConfig.DEFAULT_PROBE_INITIAL, s.duration(Setting.PROBE_INITIAL_DELAY));
        assertEquals(EngineConfig.DEFAULT_PROBE_MAX, s.duration(Setting.PROBE_MAX_DELAY));
        assertEquals(EngineConfig.DEFAULT_IDLE_CHECK, s.duration(Setting.IDLE_CHECK_AFTER));
        assertEquals(EngineConfig.DEFAULT_DRAIN_TIMEOUT, s.duration(Setting.DRAIN_TIMEOUT));
        assertEquals(1 << 20, s.bytes(Setting.MAX_REQUEST_BYTES));
        assertEquals(250, s.count(Setting.LISTEN_BACKLOG));
        assertEquals(0660, s.mode(Setting.SOCKET_MODE));
        assertEquals(DaemonSettings.SocketNaming.HOSTNAME, s.socketNaming());
        assertEquals(Set.copyOf(List.of(System.getProperty("user.name"), "root")), s.allowedUsers());
        assertEquals(".lonc-admin", s.text(Setting.ADMIN_SOCKET));
    }

    @Test
    void valuesInEveryUnit() throws ConfigException {
        DaemonSettings s = DaemonSettings.defaults().withOverrides(List.of("idleTimeout=5m",
                "transactionTimeout=1500ms", "connectTimeout=2", "maxRequestBytes=64KiB", "maxReplyBytes=2M",
                "tcpKeepAlive=off", "socketMode=600", "allowedUsers=www, apache", "socketNaming=LONID",
                "maxConnectionLifetime=0", "drainTimeout=1h"));
        assertEquals(Duration.ofMinutes(5), s.duration(Setting.IDLE_TIMEOUT));
        assertEquals(Duration.ofMillis(1500), s.duration(Setting.TRANSACTION_TIMEOUT));
        assertEquals(Duration.ofSeconds(2), s.duration(Setting.CONNECT_TIMEOUT));
        assertEquals(64 * 1024, s.bytes(Setting.MAX_REQUEST_BYTES));
        assertEquals(2 << 20, s.bytes(Setting.MAX_REPLY_BYTES));
        assertEquals(false, s.flag(Setting.TCP_KEEP_ALIVE));
        assertEquals(0600, s.mode(Setting.SOCKET_MODE));
        assertEquals(Set.of("www", "apache"), s.allowedUsers());
        assertEquals(DaemonSettings.SocketNaming.LONID, s.socketNaming());
        assertEquals(Duration.ZERO, s.duration(Setting.MAX_CONNECTION_LIFETIME));
        assertEquals(Duration.ofHours(1), s.duration(Setting.DRAIN_TIMEOUT));
    }

    @Test
    void fileErrorsNameFileAndLine() throws IOException {
        Path f = dir.resolve("lonc.properties");
        Files.writeString(f, "# comment\n! also a comment\n\nretries = 7\nmaxConnectionsPerHost: 4\nretries=0\n");
        ConfigException e = assertThrows(ConfigException.class, () -> DaemonSettings.defaults().withFile(f));
        assertEquals(f + ":6: retries: must be at least 1, got 0", e.getMessage());

        Files.writeString(f, "retries = 7\nmaxConnectionsPerHost: 4\n");
        DaemonSettings s = assertDoesNotThrow(f);
        assertEquals(7, s.count(Setting.RETRIES));
        assertEquals(4, s.count(Setting.MAX_CONNECTIONS_PER_HOST));

        for (String[] c : new String[][] {
            {"nonsense", ":1: expected name = value"},
            {"retriez = 3", ":1: unknown setting 'retriez'"},
            {"idleTimeout = 0", ":1: idleTimeout: must be more than 0"},
            {"socketMode = 0999", ":1: socketMode: expected an octal mode"},
            {"socketNaming = dns", ":1: socketNaming: expected one of hostname | lonid"},
            {"localKeyDir = relative/dir", ":1: localKeyDir: must be an absolute path"},
            {"adminSocket = ../escape", ":1: adminSocket: must be a plain name"},
            {"maxRequestBytes = 3GiB", ":1: maxRequestBytes: must be between"},
            {"debug = maybe", ":1: debug: expected true or false"},
        }) {
            Files.writeString(f, c[0] + "\n");
            ConfigException x = assertThrows(ConfigException.class, () -> DaemonSettings.defaults().withFile(f));
            assertTrue(x.getMessage().startsWith(f + c[1]), x.getMessage());
        }
        ConfigException missing = assertThrows(ConfigException.class,
                () -> DaemonSettings.defaults().withFile(dir.resolve("none")));
        assertTrue(missing.getMessage().contains("No such file"), missing.getMessage());
    }

    private static DaemonSettings assertDoesNotThrow(Path f) {
        try {
            return DaemonSettings.defaults().withFile(f);
        } catch (ConfigException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void everySettingHasADocumentedValidDefault() {
        for (Setting s : Setting.values()) {
            assertTrue(s.key().matches("[a-z][A-Za-z]+"), s.key());
            assertTrue(!s.description().isBlank() && !s.unit().isBlank(), s.key());
            DaemonSettings.parse(s, s.defaultValue());
        }
    }
}
