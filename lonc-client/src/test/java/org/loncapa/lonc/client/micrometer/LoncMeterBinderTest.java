package org.loncapa.lonc.client.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.loncapa.lonc.client.HostHealth;
import org.loncapa.lonc.client.HostView;
import org.loncapa.lonc.client.LondHost;
import org.loncapa.lonc.client.LoncClient;
import org.loncapa.lonc.client.Reply;
import org.loncapa.lonc.testkit.FakeLond;
import org.loncapa.lonc.testkit.OpenMetricsReader;
import org.loncapa.lonc.testkit.Response;

/**
 * The Micrometer binder and the health helper on an embedded client against FakeLond: the meters
 * count the requests sent, and agree with the client's OpenMetrics text.
 */
@Timeout(60)
class LoncMeterBinderTest {
    private static final String UP_HOST = "s1.example.edu";
    private static final String DOWN_HOST = "s2.example.edu";

    private FakeLond lond;
    private LoncClient client;

    @AfterEach
    void tearDown() {
        if (client != null) {
            client.close(Duration.ofSeconds(1));
        }
        if (lond != null) {
            lond.close();
        }
    }

    private void start() throws Exception {
        lond = FakeLond.builder().lonIds("msul1").clientLonId("msua3").allowInsecure(true)
                .dispatcher(r -> r.commandName().equals("secret") ? Response.reply("refused") : null)
                .build().start();
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort(); // nothing listens there once closed
        }
        client = LoncClient.builder("msua3")
                .host(new LondHost(UP_HOST, List.of("msul1"), "127.0.0.1", lond.port(), false))
                .host(new LondHost(DOWN_HOST, List.of("msud1"), "127.0.0.1", closedPort, false))
                .allowInsecure(true)
                .engine(e -> e.retries(1))
                .build();
    }

    @Test
    void metersCountTheRequestsAndAgreeWithTheOpenMetricsText() throws Exception {
        start();
        for (int i = 0; i < 4; i++) {
            assertEquals(Reply.of("msul1"), client.reply("msul1", "ping"));
        }
        assertEquals("refused", client.reply("msul1", "secret").line());
        assertEquals(Reply.Kind.CON_LOST, client.reply("msud1", "ping").kind());

        AtomicLong now = new AtomicLong();
        MeterRegistry registry = new SimpleMeterRegistry();
        new LoncMeterBinder(client, TimeUnit.SECONDS.toNanos(1), now::get).bindTo(registry);
        assertEquals(5, registry.get("lonc.requests").tag("host", UP_HOST).functionCounter().count());
        assertEquals(4, registry.get("lonc.replies").tags("host", UP_HOST, "kind", "answer").functionCounter().count());
        assertEquals(1, registry.get("lonc.replies").tags("host", UP_HOST, "kind", "refused").functionCounter().count());
        assertEquals(1, registry.get("lonc.replies").tags("host", DOWN_HOST, "kind", "con_lost").functionCounter().count());
        assertEquals(1, registry.get("lonc.host.state").tags("host", UP_HOST, "state", "up").gauge().value());
        assertEquals(1, registry.get("lonc.host.state").tags("host", DOWN_HOST, "state", "dead").gauge().value());
        assertTrue(registry.get("lonc.connection.failures").tag("host", DOWN_HOST).functionCounter().count() >= 1);
        FunctionTimer latency = registry.get("lonc.request.latency").tag("host", UP_HOST).functionTimer();
        assertEquals(5, latency.count());

        // the same numbers as the OpenMetrics text (what the daemon serves)
        OpenMetricsReader text = OpenMetricsReader.parse(client.metrics());
        assertEquals(text.value("lonc_requests_total", "host", UP_HOST),
                registry.get("lonc.requests").tag("host", UP_HOST).functionCounter().count());
        assertEquals(text.value("lonc_replies_total", "host", DOWN_HOST, "kind", "con_lost"),
                registry.get("lonc.replies").tags("host", DOWN_HOST, "kind", "con_lost").functionCounter().count());
        assertEquals(text.value("lonc_request_latency_seconds_sum", "host", UP_HOST),
                latency.totalTime(TimeUnit.SECONDS), 1e-9);

        // one snapshot per maxAge: a new request shows once the clock has moved on
        assertEquals(Reply.of("msul1"), client.reply("msul1", "ping"));
        assertEquals(5, registry.get("lonc.requests").tag("host", UP_HOST).functionCounter().count());
        now.addAndGet(TimeUnit.SECONDS.toNanos(1));
        assertEquals(6, registry.get("lonc.requests").tag("host", UP_HOST).functionCounter().count());
    }

    @Test
    void healthSaysWhetherAHostIsUsable() throws Exception {
        start();
        HostHealth fresh = HostHealth.check(client, "msul1");
        assertTrue(fresh.usable(), fresh.toString());
        assertEquals(HostView.State.UNKNOWN, fresh.state());
        assertEquals(Reply.of("msul1"), client.reply("msul1", "ping"));
        assertTrue(HostHealth.check(client, UP_HOST).usable());
        assertEquals(Reply.Kind.CON_LOST, client.reply("msud1", "ping").kind());
        HostHealth dead = HostHealth.check(client, "msud1");
        assertFalse(dead.usable(), dead.toString());
        assertEquals(HostView.State.DEAD, dead.state());
        assertTrue(dead.reason().startsWith("marked dead"), dead.reason());
        HostHealth unknown = HostHealth.check(client, "nosuch");
        assertFalse(unknown.usable());
        assertEquals("not in the host table", unknown.reason());
    }
}
