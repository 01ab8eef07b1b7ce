package org.loncapa.lonc.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.loncapa.lonc.client.internal.Json;
import org.loncapa.lonc.daemon.LoncDaemon;
import org.loncapa.lonc.testkit.FakeLond;
import org.loncapa.lonc.testkit.LoncapaSandbox;
import org.loncapa.lonc.testkit.Response;

/** {@code lonc --daemon ...} against the real lonc daemon on real UNIX sockets. */
@Timeout(60)
class CliRealDaemonTest {
    @TempDir
    Path dir;
    Path conf;
    FakeLond lond;
    LoncDaemon daemon;

    record Run(int code, String out, String err) {}

    Run lonc(String... args) {
        String[] all = new String[args.length + 3];
        all[0] = "--config";
        all[1] = conf.toString();
        all[2] = "--daemon";
        System.arraycopy(args, 0, all, 3, args.length);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = LoncCli.run(all, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    @BeforeEach
    void setUp() throws Exception {
        lond = FakeLond.builder().lonIds("msul1").clientLonId("msua3").allowInsecure(true)
                .dispatcher(r -> r.commandName().equals("put") ? Response.reply("ok") : null)
                .build().start();
        LoncapaSandbox sandbox = LoncapaSandbox.in(dir, "msua3");
        conf = sandbox.writeConfig();
        sandbox.writeHostsTab("msua3:msu:access:me.example.edu:127.0.0.1",
                "msul1:msu:library:s1.example.edu:127.0.0.1");
        daemon = LoncDaemon.start(new LoncDaemon.Options().config(conf)
                .londPorts(Map.of("s1.example.edu", lond.port(), "me.example.edu", 1))
                .overrides(List.of("retries=2", "connectTimeout=1s", "probeInitialDelay=60s",
                        "drainTimeout=2s")));
    }

    @AfterEach
    void tearDown() {
        daemon.shutdown("test end");
        lond.close();
    }

    @Test
    void pingSendStatusCriticalAndDeferredThroughTheDaemon() throws Exception {
        assertEquals(new Run(0, "msul1\n", ""), lonc("ping", "msul1"));
        assertEquals(new Run(0, "hi\n", ""), lonc("send", "msul1", "encrypt:echo:hi"));
        assertEquals(new Run(1, "no_such_host\n", ""), lonc("send", "nosuch", "ping"));

        Run status = lonc("status", "msul1", "--json");
        assertEquals(0, status.code(), status.err());
        Map<String, Object> s = Json.parseObject(status.out().trim());
        assertEquals("s1.example.edu", s.get("name"));
        assertEquals("UP", s.get("state"));
        Run table = lonc("status");
        assertTrue(table.out().contains("s1.example.edu") && table.out().contains("me.example.edu"),
                table.out());

        Run metrics = lonc("metrics");
        assertEquals(0, metrics.code(), metrics.err());
        org.loncapa.lonc.testkit.OpenMetricsReader m = org.loncapa.lonc.testkit.OpenMetricsReader.parse(metrics.out());
        assertEquals(2, m.value("lonc_requests_total", "host", "s1.example.edu"), "ping and send");
        assertEquals(2, m.value("lonc_replies_total", "host", "s1.example.edu", "kind", "answer"));
        assertEquals(0, m.value("lonc_replies_total", "host", "s1.example.edu", "kind", "no_such_host"),
                "an unknown lonID is answered by the client itself, without asking the daemon");

        lond.shutdown();
        lond.closeAllConnections(); // the daemon's pooled connections go too: the host is down
        Run critical = lonc("critical", "msul1", "put:msu:jdoe:x=1");
        assertEquals(new Run(3, "con_delayed\n", critical.err()), critical);
        Run list = lonc("deferred", "list", "msul1");
        assertEquals(0, list.code(), list.err());
        assertTrue(list.out().contains("put:msu:jdoe:x=1"), list.out());
        Run hold = lonc("deferred", "hold", "msul1");
        assertEquals(0, hold.code(), hold.err());
        assertTrue(lonc("deferred", "list", "msul1").out().contains("yes"));
        assertEquals(0, lonc("deferred", "release", hold.out().trim()).code());
        Run flush = lonc("deferred", "flush", "msul1");
        assertEquals(new Run(3, "delivered=0 pending=1\n", flush.err()), flush,
                "non-zero while a request remains pending (the host is down)");
        assertTrue(flush.err().contains("1 still pending"), flush.err());
    }
}
