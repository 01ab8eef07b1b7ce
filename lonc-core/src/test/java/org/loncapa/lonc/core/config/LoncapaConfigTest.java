package org.loncapa.lonc.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LoncapaConfigTest {

    @TempDir
    Path dir;

    private Path write(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p;
    }

    @Test
    void defaults() throws Exception {
        LoncapaConfig c = LoncapaConfig.from(PerlVars.of(Map.of("lonHostID", "msua3")));
        assertEquals("msua3", c.lonHostID());
        assertEquals(Path.of("/home/httpd/sockets"), c.lonSockDir());
        assertEquals(5663, c.londPort());
        assertEquals(Path.of("/home/httpd/perl"), c.lonDaemons());
        assertEquals(Path.of("/home/httpd/lonTabs"), c.lonTabDir());
        assertEquals(Path.of("/home/httpd/html"), c.lonDocRoot());
        assertEquals(Path.of("/home/httpd/lonIDs"), c.lonIDsDir());
        assertFalse(c.loncAllowInsecure());
        assertEquals(Path.of("/home/httpd/lonCerts"), c.lonCertificateDirectory());
        assertEquals("loncapaCA.pem", c.lonnetCertificateAuthority());
        assertEquals("lonhostcert.pem", c.lonnetCertificate());
        assertEquals("lonhostkey.pem", c.lonnetPrivateKey());
        assertEquals(Optional.empty(), c.lonVersion());

        assertEquals(Path.of("/home/httpd/sockets/delayed"), c.delayedDir());
        assertEquals(Path.of("/home/httpd/perl/logs"), c.logDir());
        assertEquals(Path.of("/home/httpd/perl/logs/lonc.pid"), c.pidFile());
        assertEquals(Path.of("/home/httpd/perl/logs/lonc.log"), c.logFile());
        assertEquals(Path.of("/home/httpd/perl/logs/lonnet.perm.log"), c.permLogFile());
        assertEquals(Path.of("/home/httpd/html/lon-status/loncstatus.txt"), c.statusFile());
        assertEquals(Path.of("/home/httpd/lonTabs/hosts.tab"), c.hostsTabFile());
        assertEquals(Path.of("/home/httpd/lonCerts/loncapaCA.pem"), c.caFile());
        assertEquals(Path.of("/home/httpd/lonCerts/lonhostcert.pem"), c.certFile());
        assertEquals(Path.of("/home/httpd/lonCerts/lonhostkey.pem"), c.keyFile());

        assertEquals(LoncapaConfig.builder("msua3").build(), c);
    }

    @Test
    void everySettingFromTwoFilesLaterOverrides() throws Exception {
        Path main = write("loncapa.conf", String.join("\r\n",
                "# LON-CAPA",
                "<IfModule mod_perl.c>",
                "PerlSetVar lonHostID        msul1",
                "PerlSetVar lonSockDir       /srv/sockets",
                "PerlSetVar londPort         5664",
                "PerlSetVar lonDaemons       /srv/perl",
                "PerlSetVar lonTabDir        /srv/tabs",
                "PerlSetVar lonDocRoot       /srv/html",
                "PerlSetVar lonIDsDir        /srv/ids",
                "PerlSetVar loncAllowInsecure 1",
                "PerlSetVar lonCertificateDirectory \"/srv/lon certs\"",
                "PerlSetVar lonnetCertificateAuthority ca.pem",
                "PerlSetVar lonnetCertificate host.pem",
                "PerlSetVar lonnetPrivateKey /etc/keys/host.key",
                "PerlSetVar lonVersion       2.11.4",
                "</IfModule>",
                ""));
        Path apache = write("loncapa_apache.conf", "PerlSetVar lonHostID msua3\n"
                + "PerlSetVar loncAllowInsecure no\n");
        LoncapaConfig c = LoncapaConfig.load(main, apache);
        assertEquals("msua3", c.lonHostID());
        assertEquals(Path.of("/srv/sockets"), c.lonSockDir());
        assertEquals(5664, c.londPort());
        assertEquals(Path.of("/srv/perl"), c.lonDaemons());
        assertEquals(Path.of("/srv/tabs"), c.lonTabDir());
        assertEquals(Path.of("/srv/html"), c.lonDocRoot());
        assertEquals(Path.of("/srv/ids"), c.lonIDsDir());
        assertFalse(c.loncAllowInsecure());
        assertEquals(Path.of("/srv/lon certs"), c.lonCertificateDirectory());
        assertEquals(Optional.of("2.11.4"), c.lonVersion());
        assertEquals(Path.of("/srv/sockets/delayed"), c.delayedDir());
        assertEquals(Path.of("/srv/perl/logs/lonc.pid"), c.pidFile());
        assertEquals(Path.of("/srv/html/lon-status/loncstatus.txt"), c.statusFile());
        assertEquals(Path.of("/srv/tabs/hosts.tab"), c.hostsTabFile());
        assertEquals(Path.of("/srv/lon certs/ca.pem"), c.caFile());
        assertEquals(Path.of("/srv/lon certs/host.pem"), c.certFile());
        assertEquals(Path.of("/etc/keys/host.key"), c.keyFile());

        assertEquals("msul1", LoncapaConfig.load(apache, main).lonHostID());
        assertTrue(LoncapaConfig.load(apache, main).loncAllowInsecure());
    }

    @Test
    void loncLondPortsGivesHostsTheirOwnPort() throws Exception {
        LoncapaConfig c = LoncapaConfig.from(PerlVars.of(Map.of("lonHostID", "msua3",
                "loncLondPorts", "lond1.test=40001, lond2.test=40002")));
        assertEquals(Map.of("lond1.test", 40001, "lond2.test", 40002), c.londPorts());
        assertEquals(5663, c.londPort());
        assertEquals(c, c.toBuilder().build());
        assertTrue(LoncapaConfig.from(PerlVars.of(Map.of("lonHostID", "msua3"))).londPorts().isEmpty());
    }

    @Test
    void insecureFlagFollowsPerlTruthiness() throws Exception {
        assertTrue(LoncapaConfig.from(PerlVars.of(
                Map.of("lonHostID", "a", "loncAllowInsecure", "1"))).loncAllowInsecure());
        assertFalse(LoncapaConfig.from(PerlVars.of(
                Map.of("lonHostID", "a", "loncAllowInsecure", "0"))).loncAllowInsecure());
    }

    @Test
    void emptyVersionIsUnset() throws Exception {
        assertEquals(Optional.empty(), LoncapaConfig.from(PerlVars.of(
                Map.of("lonHostID", "a", "lonVersion", ""))).lonVersion());
    }

    @Test
    void missingHostIdNamesTheFiles() throws Exception {
        Path main = write("loncapa.conf", "PerlSetVar londPort 5663\n");
        Path apache = write("loncapa_apache.conf", "");
        ConfigException e = assertThrows(ConfigException.class,
                () -> LoncapaConfig.load(main, apache));
        assertEquals("PerlSetVar lonHostID is not set in any of " + main + ", " + apache,
                e.getMessage());
        e = assertThrows(ConfigException.class, () -> LoncapaConfig.load(main));
        assertEquals(main + ": PerlSetVar lonHostID is not set", e.getMessage());
    }

    @Test
    void missingFile() {
        Path p = dir.resolve("loncapa.conf");
        ConfigException e = assertThrows(ConfigException.class, () -> LoncapaConfig.load(p));
        assertEquals("cannot read " + p + ": No such file", e.getMessage());
    }

    @Test
    void parseErrorIsPassedOn() throws Exception {
        Path p = write("loncapa.conf", "PerlSetVar lonHostID a\nPerlSetVar lonSockDir\n");
        ConfigException e = assertThrows(ConfigException.class, () -> LoncapaConfig.load(p));
        assertEquals(p + ":2: PerlSetVar needs a name and a value", e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "lonHostID a.b                  | PerlSetVar lonHostID 'a.b' is not a lonID (letters, digits, '_' and '-')",
        "londPort 5x                    | PerlSetVar londPort is not an integer: '5x'",
        "londPort 0                     | PerlSetVar londPort 0 is not a TCP port (1-65535)",
        "londPort 65536                 | PerlSetVar londPort 65536 is not a TCP port (1-65535)",
        "lonSockDir sockets             | PerlSetVar lonSockDir must be an absolute path: 'sockets'",
        "lonDaemons \"\"                | PerlSetVar lonDaemons is empty",
        "lonTabDir ./tabs               | PerlSetVar lonTabDir must be an absolute path: './tabs'",
        "lonDocRoot html                | PerlSetVar lonDocRoot must be an absolute path: 'html'",
        "lonIDsDir ids                  | PerlSetVar lonIDsDir must be an absolute path: 'ids'",
        "lonCertificateDirectory certs  | PerlSetVar lonCertificateDirectory must be an absolute path: 'certs'",
        "lonnetCertificateAuthority \"\" | PerlSetVar lonnetCertificateAuthority is empty",
        "lonnetCertificate \"\"         | PerlSetVar lonnetCertificate is empty",
        "lonnetPrivateKey \"\"          | PerlSetVar lonnetPrivateKey is empty",
        "loncLondPorts a.test           | PerlSetVar loncLondPorts expects hostname=port pairs, got 'a.test'",
        "loncLondPorts a.test=x         | PerlSetVar loncLondPorts -1 is not a TCP port (1-65535)",
        "loncLondPorts a.test=70000     | PerlSetVar loncLondPorts 70000 is not a TCP port (1-65535)",
    })
    void badValueNamesFileAndLineWhereItWasSet(String setting, String detail) throws Exception {
        Path main = write("loncapa.conf", "PerlSetVar lonHostID msua3\n");
        Path apache = write("loncapa_apache.conf", "# overrides\n\nPerlSetVar " + setting + "\r\n");
        ConfigException e = assertThrows(ConfigException.class,
                () -> LoncapaConfig.load(main, apache));
        assertEquals(apache + ":3: " + detail, e.getMessage());
        assertEquals(Optional.of(apache), e.file());
        assertEquals(3, e.line());
    }

    @Test
    void pathWithNulIsReportedWhereSet() throws Exception {
        ConfigException e = assertThrows(ConfigException.class, () -> LoncapaConfig.from(
                PerlVars.of(Map.of("lonHostID", "a", "lonSockDir", "/a\0b"))));
        assertEquals("PerlSetVar lonSockDir is not a path: '/a\0b'", e.getMessage());
    }

    @Test
    void builderRoundTrip() {
        LoncapaConfig c = LoncapaConfig.builder("msul1")
                .lonSockDir(dir.resolve("sockets"))
                .londPort(15663)
                .lonDaemons(dir.resolve("perl"))
                .lonTabDir(dir.resolve("tabs"))
                .lonDocRoot(dir.resolve("html"))
                .lonIDsDir(dir.resolve("ids"))
                .loncAllowInsecure(true)
                .lonCertificateDirectory(dir.resolve("certs"))
                .lonnetCertificateAuthority("ca.pem")
                .lonnetCertificate("c.pem")
                .lonnetPrivateKey("k.pem")
                .lonVersion("2.12")
                .build();
        assertEquals(dir.resolve("sockets/delayed"), c.delayedDir());
        assertEquals(dir.resolve("perl/logs/lonc.log"), c.logFile());
        assertEquals(dir.resolve("certs/k.pem"), c.keyFile());
        assertEquals(Optional.of("2.12"), c.lonVersion());
        assertEquals(c, c.toBuilder().build());
        assertEquals(c.hashCode(), c.toBuilder().build().hashCode());
        assertNotEquals(c, c.toBuilder().londPort(1).build());
        assertNotEquals(c, c.toBuilder().lonVersion(null).build());
        assertEquals(Optional.empty(), c.toBuilder().lonVersion("").build().lonVersion());
    }

    @Test
    void builderValidates() {
        assertEquals("lonHostID 'a b' is not a lonID (letters, digits, '_' and '-')",
                assertThrows(IllegalArgumentException.class,
                        () -> LoncapaConfig.builder("a b").build()).getMessage());
        assertEquals("londPort 70000 is not a TCP port (1-65535)",
                assertThrows(IllegalArgumentException.class,
                        () -> LoncapaConfig.builder("a").londPort(70000).build()).getMessage());
        assertEquals("lonSockDir must be an absolute path: 'rel'",
                assertThrows(IllegalArgumentException.class, () -> LoncapaConfig.builder("a")
                        .lonSockDir(Path.of("rel")).build()).getMessage());
        assertEquals("lonnetPrivateKey is empty",
                assertThrows(IllegalArgumentException.class, () -> LoncapaConfig.builder("a")
                        .lonnetPrivateKey("").build()).getMessage());
        assertThrows(NullPointerException.class, () -> LoncapaConfig.builder(null));
        assertThrows(NullPointerException.class,
                () -> LoncapaConfig.builder("a").lonDocRoot(null));
    }

    @Test
    void toStringNamesEverySetting() {
        String s = LoncapaConfig.builder("msua3").lonVersion("2.11").build().toString();
        for (String name : new String[] {"lonHostID=msua3", "lonSockDir=/home/httpd/sockets",
            "londPort=5663", "loncAllowInsecure=false", "lonnetPrivateKey=lonhostkey.pem",
            "lonVersion=2.11"}) {
            assertTrue(s.contains(name), s);
        }
    }
}
