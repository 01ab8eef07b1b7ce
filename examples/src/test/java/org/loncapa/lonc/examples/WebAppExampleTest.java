package org.loncapa.lonc.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.loncapa.lonc.client.LondHost;
import org.loncapa.lonc.client.LoncClient;
import org.loncapa.lonc.client.internal.Json;
import org.loncapa.lonc.testkit.FakeLond;

/** The web-app example answers HTTP requests by calling FakeLond through a LoncClient. */
@Timeout(60)
class WebAppExampleTest {

    @Test
    void answersHttpRequestsThroughLoncClient() throws Exception {
        try (FakeLond lond = FakeLond.builder().lonIds("msul1").clientLonId("msua3")
                        .allowInsecure(true).build().start();
                LoncClient lonc = LoncClient.builder("msua3")
                        .host(new LondHost("lond.test", List.of("msul1"), "127.0.0.1", lond.port(), false))
                        .allowInsecure(true).build();
                WebAppExample app = new WebAppExample(lonc,
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            String base = "http://127.0.0.1:" + app.port();
            HttpResponse<String> ping = get(http, base + "/ping?lonid=msul1");
            assertEquals(200, ping.statusCode());
            assertEquals("msul1\n", ping.body());
            HttpResponse<String> echo = get(http, base + "/send?lonid=msul1&cmd=echo%3Ahello%20web");
            assertEquals("hello web\n", echo.body());
            assertEquals(404, get(http, base + "/ping?lonid=nosuch").statusCode());
            HttpResponse<String> unknown = get(http, base + "/send?lonid=msul1&cmd=frob");
            assertEquals(502, unknown.statusCode());
            assertEquals("unknown_cmd\n", unknown.body());
            assertEquals(400, get(http, base + "/send?lonid=msul1&cmd=a%0Ab").statusCode());
            HttpResponse<String> status = get(http, base + "/status");
            assertEquals(200, status.statusCode());
            assertTrue(Json.parse(status.body().trim()) instanceof List<?>);
        }
    }

    static HttpResponse<String> get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void listensOnLoopbackUnlessToldOtherwise() {
        WebAppExample.Options o = WebAppExample.parse("--config", "x.conf").orElseThrow();
        assertTrue(o.address().getAddress().isLoopbackAddress(), o.address().toString());
        assertEquals(8080, o.address().getPort());
        WebAppExample.Options any = WebAppExample.parse("--config", "x.conf", "--bind", "0.0.0.0",
                "--port", "0").orElseThrow();
        assertTrue(any.address().getAddress().isAnyLocalAddress(), any.address().toString());
    }

    @Test
    void helpIsNotAUsageError() {
        assertTrue(WebAppExample.parse("--help").isEmpty());
        assertTrue(WebAppExample.parse("--config", "x.conf", "-h").isEmpty());
        assertThrows(IllegalArgumentException.class, () -> WebAppExample.parse("--port"));
        assertThrows(IllegalArgumentException.class, () -> WebAppExample.parse("--frob"));
        assertThrows(IllegalArgumentException.class, () -> WebAppExample.parse("--daemon"));
    }
}
