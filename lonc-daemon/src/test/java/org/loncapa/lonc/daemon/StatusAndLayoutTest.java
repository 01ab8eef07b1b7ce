package org.loncapa.lonc.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.loncapa.lonc.core.HostState;
import org.loncapa.lonc.core.HostStatus;
import org.loncapa.lonc.core.RemoteHost;
import org.loncapa.lonc.core.config.ConfigException;
import org.loncapa.lonc.core.config.HostTable;
import org.loncapa.lonc.core.config.LoncapaConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The status report text, the host layout and the transaction-log redaction. */
class StatusAndLayoutTest {
    @TempDir
    Path dir;

    private static HostStatus status(String name, HostState state, String mode, int active, int idle,
            int retries, long requests) {
        return new HostStatus(name, List.of("x"), state, mode, null, active, idle, 0, 0, retries, -1,
                requests, 0, 0, 0, 0, 0, -1, -1, -1, new long[0]);
    }

    @Test
    void statusTextIsPerlsUpdateStatus() {
        assertEquals("h Connection count: 3 Retries remaining: 4 (ssl)",
                StatusReport.statusText(status("h", HostState.UP, "ssl", 1, 2, 4, 9), 5));
        assertEquals("h >> DEAD <<", StatusReport.statusText(status("h", HostState.DEAD, null, 0, 0, 0, 9), 5));
        assertEquals("h >> PAUSED <<", StatusReport.statusText(status("h", HostState.PAUSED, null, 0, 0, 5, 9), 5));
        assertEquals("h Connection count: 0 Retries remaining: 5 ()",
                StatusReport.statusText(status("h", HostState.UNKNOWN, null, 0, 0, -1, 0), 5));
    }

    @Test
    void statusFileLayout() {
        String text = StatusReport.text("Mon Aug  1 18:22:48 2005", 42, List.of(
                status("used", HostState.UP, "insecure", 0, 1, 5, 3),
                status("quiet", HostState.UNKNOWN, null, 0, 0, -1, 0)),
                h -> "Mon Aug  1 18:22:40 2005: " + h + " Connection count: 1 Retries remaining: 5 (insecure)",
                h -> "");
        assertEquals("LONC status Mon Aug  1 18:22:48 2005 - parent 42 \n\n"
                + "42\tused\tMon Aug  1 18:22:40 2005: used Connection count: 1 Retries remaining: 5 (insecure)\t\n"
                + "LONC Parent process listening for quiet\n", text);
    }

    @Test
    void jsonFileSitsBesideTheTextFile() {
        assertEquals(Path.of("/x/lon-status/loncstatus.json"),
                StatusReport.jsonFile(Path.of("/x/lon-status/loncstatus.txt")));
    }

    private HostTable table(String text) throws IOException, ConfigException {
        Path f = dir.resolve("hosts.tab");
        Files.writeString(f, text);
        return HostTable.parse(f);
    }

    @Test
    void layoutByHostnameSharesSocketsAndMarksThisHost() throws Exception {
        LoncapaConfig conf = LoncapaConfig.builder("msua3").build();
        HostTable t = table("msua3:msu:access:ME.example.edu\n"
                + "msul1:msu:library:lib.example.edu:https\n"
                + "msul2:msu2:library:lib.example.edu\n"
                + "old1:msu:library:old.example.edu:10.0.0.7\n"
                + "me2:msu:library:me.example.edu\n");
        HostLayout l = HostLayout.build(conf, t, dir.resolve("hosts.tab"), DaemonSettings.SocketNaming.HOSTNAME,
                Map.of("old.example.edu", 6000));
        assertEquals(List.of(
                new RemoteHost("ME.example.edu", List.of("msua3", "me2"), "ME.example.edu", 5663, true),
                new RemoteHost("lib.example.edu", List.of("msul1", "msul2"), "lib.example.edu", 5663, false),
                new RemoteHost("old.example.edu", List.of("old1"), "10.0.0.7", 6000, false)), l.hosts());
        assertEquals(List.of("ME.example.edu", "lib.example.edu", "old.example.edu"), List.copyOf(l.sockets().keySet()));
        assertNull(l.sockets().get("lib.example.edu").lonId());

        HostLayout byId = HostLayout.build(conf, t, dir.resolve("hosts.tab"), DaemonSettings.SocketNaming.LONID);
        assertEquals(List.of("msua3", "me2", "msul1", "msul2", "old1"), List.copyOf(byId.sockets().keySet()),
                "grouped by machine, in table order");
        assertEquals(new HostLayout.SocketTarget("msul2", "lib.example.edu", "msul2"), byId.sockets().get("msul2"));
        assertEquals(List.of("msul1", "msul2"), byId.socketsByHost().get("lib.example.edu"));
    }

    @Test
    void transactionLogShowsCommandNamesOnly() {
        assertEquals("sethost:msul1:encrypt:currentauth",
                HostService.commandName("sethost:msul1:encrypt:currentauth:msu:jdoe"));
        assertEquals("put", HostService.commandName("put:msu:jdoe:secret%3Dvalue"));
        assertEquals("ping", HostService.commandName("ping"));
        assertEquals("sethost:msul1:encrypt:passwd", HostService.commandName("sethost:msul1:encrypt:passwd:a:b:c"));
        assertEquals("'ok'", HostService.replyForLog("ok"));
        assertEquals("'con_lost'", HostService.replyForLog("con_lost"));
        assertEquals("'refused'", HostService.replyForLog("refused"));
        assertEquals("14 characters", HostService.replyForLog("secret=payload"));
        assertFalse(HostService.replyForLog("internal:mypassword").contains("mypassword"));
        assertTrue(HostService.replyForLog("error: Encrypted data without negotated key").startsWith("'error:"));
    }
}
