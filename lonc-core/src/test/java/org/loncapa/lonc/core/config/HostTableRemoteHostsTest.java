package org.loncapa.lonc.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loncapa.lonc.core.RemoteHost;

class HostTableRemoteHostsTest {
    @TempDir
    Path tmp;

    @Test
    void oneRemoteHostPerHostnameWithThisHostMarked() throws Exception {
        Path tab = Files.writeString(tmp.resolve("hosts.tab"), String.join("\n",
                "# 2.x layout",
                "msul1:msu:library:s1.example.edu:https",
                "msul2:msu2:library:S1.example.edu",
                "msua3:msu:access:a3.example.edu:http:msu.edu",
                "oldl1:old:library:old.example.edu:10.0.0.7",
                ""));
        List<RemoteHost> hosts = HostTable.parse(tab).remoteHosts("msua3", 5663, java.util.Map.of());
        assertEquals(List.of(
                new RemoteHost("s1.example.edu", List.of("msul1", "msul2"), "s1.example.edu", 5663, false),
                new RemoteHost("a3.example.edu", List.of("msua3"), "a3.example.edu", 5663, true),
                new RemoteHost("old.example.edu", List.of("oldl1"), "10.0.0.7", 5663, false)), hosts);
    }

    @Test
    void noHostIsLocalWhenMyIdIsNotInTheTable() throws Exception {
        Path tab = Files.writeString(tmp.resolve("hosts.tab"), "msul1:msu:library:s1.example.edu\n");
        assertEquals(false, HostTable.parse(tab).remoteHosts("zzz", 1, java.util.Map.of()).get(0).thisHost());
    }
}
