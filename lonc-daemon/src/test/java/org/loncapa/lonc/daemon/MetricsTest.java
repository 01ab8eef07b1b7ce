package org.loncapa.lonc.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loncapa.lonc.core.OpenMetrics;
import org.loncapa.lonc.core.ReplyTokens;
import org.loncapa.lonc.testkit.OpenMetricsReader;
import org.loncapa.lonc.testkit.Response;

/**
 * {"cmd":"metrics"}, {@code lonc-daemon admin metrics} and the loopback {@code /metrics} listener:
 * the text parses as OpenMetrics and its counters are the requests this test sent.
 */
class MetricsTest {
    private static final String A = "a.example.edu";
    private static final String B = "b.example.edu";

    @TempDir
    Path dir;

    private DaemonRig rig;

    @AfterEach
    void stop() {
        if (rig != null) {
            rig.close();
        }
    }

    private String adminMetrics() throws IOException {
        JsonNode n = new ObjectMapper().readTree(
                TestClient.request(rig.socket(".lonc-admin"), "{\"cmd\":\"metrics\"}"));
        assertTrue(n.path("ok").asBoolean(), n.toString());
        assertEquals(OpenMetrics.CONTENT_TYPE, n.path("contentType").asText());
        return n.path("text").asText();
    }

    @Test
    void countersAgreeWithTheRequestsSent() throws Exception {
        rig = new DaemonRig(dir).host(A, "msul1").host(B, "msub1");
        rig.lond(A).dispatcher(r -> r.commandName().equals("secret") ? Response.reply("refused")
                : DaemonRig.answer(r));
        rig.start();
        rig.lond(B).close(); // nothing listens there any more: con_lost, connection failures
        for (int i = 0; i < 5; i++) {
            assertEquals("msul1", rig.send(A, "sethost:msul1:ping"));
        }
        assertEquals("ok", rig.send(A, "sethost:msul1:put:msu:jdoe:x=1"));
        assertEquals("refused", rig.send(A, "sethost:msul1:secret"));
        assertEquals(ReplyTokens.NO_SUCH_HOST, rig.send(A, "sethost:nosuch:ping"));
        assertEquals(ReplyTokens.NO_SUCH_HOST, rig.send(A, "sethost:nosuch:ping"));
        assertEquals(ReplyTokens.CON_LOST, rig.send(B, "sethost:msub1:ping"));

        OpenMetricsReader m = OpenMetricsReader.parse(adminMetrics());
        assertEquals(7, m.value("lonc_requests_total", "host", A));
        assertEquals(6, m.value("lonc_replies_total", "host", A, "kind", "answer"));
        assertEquals(1, m.value("lonc_replies_total", "host", A, "kind", "refused"));
        assertEquals(0, m.value("lonc_replies_total", "host", A, "kind", ReplyTokens.CON_LOST));
        assertEquals(2, m.value("lonc_replies_total", "host", A, "kind", ReplyTokens.NO_SUCH_HOST));
        assertEquals(7, m.value("lonc_request_latency_seconds_count", "host", A));
        assertEquals(7, m.value("lonc_request_latency_seconds_bucket", "host", A, "le", "+Inf"));
        assertTrue(m.value("lonc_request_latency_seconds_sum", "host", A) > 0);
        assertTrue(m.value("lonc_connection_opens_total", "host", A) >= 1);
        assertEquals(0, m.value("lonc_connection_failures_total", "host", A));
        assertEquals(1, m.value("lonc_host_state", "host", A, "state", "up"));
        assertEquals(0, m.value("lonc_host_state", "host", A, "state", "dead"));
        assertEquals(0, m.value("lonc_queue_length", "host", A));
        assertEquals(1, m.value("lonc_connections", "host", A, "phase", "idle"));
        assertEquals(0, m.value("lonc_deferred_pending", "host", A));

        assertEquals(1, m.value("lonc_requests_total", "host", B));
        assertEquals(1, m.value("lonc_replies_total", "host", B, "kind", ReplyTokens.CON_LOST));
        assertEquals(0, m.value("lonc_replies_total", "host", B, "kind", "answer"));
        assertTrue(m.value("lonc_connection_failures_total", "host", B) >= 1);
        assertEquals(0, m.value("lonc_request_latency_seconds_count", "host", B));
        assertEquals(0, m.value("lonc_requests_total", "host", DaemonRig.MY_HOST), "unused host listed too");
        assertEquals("histogram", m.types().get("lonc_request_latency_seconds"));
        assertTrue(m.value("lonc_socket_requests_total") >= 10);
    }

    @Test
    void theAdminCommandLinePrintsTheTextItself() throws Exception {
        rig = new DaemonRig(dir).host(A, "msul1");
        rig.start();
        assertEquals("msul1", rig.send(A, "ping"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.execute(new PrintWriter(out, true, StandardCharsets.UTF_8),
                new PrintWriter(err, true, StandardCharsets.UTF_8),
                "admin", "--socket", rig.socket(".lonc-admin").toString(), "metrics");
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        OpenMetricsReader m = OpenMetricsReader.parse(out.toString(StandardCharsets.UTF_8));
        assertEquals(1, m.value("lonc_requests_total", "host", A));
    }

    @Test
    void theHttpListenerServesTheSameTextOnLoopbackOnly() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        rig = new DaemonRig(dir).host(A, "msul1").set("metricsPort=" + port);
        rig.start();
        assertEquals("msul1", rig.send(A, "ping"));
        HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/metrics")
                .toURL().openConnection();
        assertEquals(200, c.getResponseCode());
        assertEquals(OpenMetrics.CONTENT_TYPE, c.getContentType());
        String body = new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(1, OpenMetricsReader.parse(body).value("lonc_requests_total", "host", A));
        HttpURLConnection other = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/x")
                .toURL().openConnection();
        assertEquals(404, other.getResponseCode());
        rig.close();
        rig = null;
        HttpURLConnection after = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/metrics")
                .toURL().openConnection();
        assertThrows(IOException.class, after::getResponseCode, "closed with the daemon");
    }

    @Test
    void offByDefaultAndABadPortIsAClearError() {
        assertEquals(0, DaemonSettings.defaults().port(Setting.METRICS_PORT));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DaemonSettings.parse(Setting.METRICS_PORT, "70000"));
        assertTrue(e.getMessage().contains("TCP port"), e.getMessage());
    }
}
