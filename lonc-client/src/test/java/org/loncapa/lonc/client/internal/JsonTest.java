package org.loncapa.lonc.client.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.loncapa.lonc.client.DeferredItem;
import org.loncapa.lonc.core.HostState;
import org.loncapa.lonc.core.HostStatus;

class JsonTest {

    static HostStatus sample() {
        return new HostStatus("s1.example.edu", List.of("msul1", "msul2"), HostState.UP, "ssl",
                "version:$Revision: 1.489 $", 1, 2, 0, 3, 5, -1, 10, 9, 1, 0, 1, 0, 120, 400, 900,
                new long[] {0, 1, 2});
    }

    @Test
    void recordRoundTrip() {
        HostStatus s = sample();
        String text = Json.write(s);
        HostStatus back = Json.toRecord(Json.parseObject(text), HostStatus.class);
        assertEquals(s.name(), back.name());
        assertEquals(s.lonIds(), back.lonIds());
        assertEquals(s.state(), back.state());
        assertEquals(s.peerVersion(), back.peerVersion());
        assertEquals(s.latencyP99Micros(), back.latencyP99Micros());
        assertArrayEquals(s.latencyBuckets(), back.latencyBuckets());
        assertEquals(Json.write(s), Json.write(back));
    }

    @Test
    void writesRecordsByComponentName() {
        DeferredItem d = new DeferredItem("1.2.3.ping.msul1", "msul1", Instant.ofEpochSecond(7), 5,
                false, "ping");
        assertEquals("{\"id\":\"1.2.3.ping.msul1\",\"lonId\":\"msul1\",\"savedAt\":"
                + "\"1970-01-01T00:00:07Z\",\"sizeBytes\":5,\"held\":false,\"command\":\"ping\","
                + "\"deliveredNotRemoved\":false}",
                Json.write(d));
        assertEquals(d, Json.toRecord(Json.parseObject(Json.write(d)), DeferredItem.class));
    }

    @Test
    void escapesStrings() {
        String s = "a\"b\\c\nd\te\u0001f\u2028é";
        String text = Json.write(s);
        assertEquals("\"a\\\"b\\\\c\\nd\\te\\u0001f\\u2028é\"", text);
        assertEquals(s, Json.parse(text));
    }

    @Test
    void parsesAllKinds() {
        Object v = Json.parse(" {\"a\": [1, -2.5e1, true, false, null, \"x\\u0041\"], \"b\": {}} ");
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("a", Arrays.asList(1L, -25.0, true, false, null, "xA"));
        expected.put("b", Map.of());
        assertEquals(expected, v);
    }

    @Test
    void missingMembersGetDefaults() {
        HostStatus s = Json.toRecord(Json.parseObject("{\"name\":\"h\",\"state\":\"DEAD\"}"),
                HostStatus.class);
        assertEquals("h", s.name());
        assertEquals(HostState.DEAD, s.state());
        assertEquals(List.of(), s.lonIds());
        assertEquals(0, s.latencyBuckets().length);
    }

    @Test
    void rejectsBadText() {
        for (String bad : new String[] {"", "{", "[1,]", "{\"a\" 1}", "tru", "\"abc", "1 2",
                "{\"a\":\"\u0001\"}", "-", "[" .repeat(100) + "]".repeat(100)}) {
            assertThrows(Json.JsonException.class, () -> Json.parse(bad), bad);
        }
    }

    @Test
    void rejectsWrongTypes() {
        assertThrows(Json.JsonException.class,
                () -> Json.toRecord(Json.parseObject("{\"active\":\"x\"}"), HostStatus.class));
        assertThrows(Json.JsonException.class,
                () -> Json.toRecord(Json.parseObject("{\"state\":\"ASLEEP\"}"), HostStatus.class));
    }
}
