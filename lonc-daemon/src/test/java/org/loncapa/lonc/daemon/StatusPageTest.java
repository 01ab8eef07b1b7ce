package org.loncapa.lonc.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loncapa.lonc.core.ReplyTokens;

/**
 * loncstatus.html: written with the other status files, one row per host, a histogram per host,
 * nothing a browser would fetch or run. The page of this test is kept in
 * {@code target/status-page/} for the headless-browser check that .ci/run runs
 * ({@code lonc-daemon/src/test/browser/check-status-page.sh}).
 */
class StatusPageTest {
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

    @Test
    void thePageHasARowAndAHistogramPerHostAndNothingExternal() throws Exception {
        rig = new DaemonRig(dir).host(A, "msul1").host(B, "msub1");
        rig.start();
        rig.lond(B).close();
        for (int i = 0; i < 20; i++) {
            assertEquals("msul1", rig.send(A, "sethost:msul1:ping"));
        }
        assertEquals(ReplyTokens.CON_LOST, rig.send(B, "sethost:msub1:ping"));
        assertEquals(ReplyTokens.CON_LOST, rig.send(B, "sethost:msub1:ping"));
        Path page = StatusPage.file(rig.daemon.statusFile());
        assertEquals(rig.daemon.statusFile().resolveSibling("loncstatus.html"), page);
        rig.daemon.writeStatus(); // what USR1 and statusInterval do (USR1 also resets the retries)
        String html = Files.readString(page);

        assertTrue(html.startsWith("<!DOCTYPE html>"), html);
        Matcher a = Pattern.compile("<tr class=\"up\"><td class=\"h\">a\\.example\\.edu</td><td class=\"s\">UP</td>"
                + "<td>insecure</td><td>1</td><td>0</td><td>2</td><td>0</td><td>20</td><td>0</td>").matcher(html);
        assertTrue(a.find(), html);
        assertTrue(html.contains("<td class=\"h\">b.example.edu</td><td class=\"s\">DEAD</td>"), html);
        assertTrue(html.contains("<td class=\"h\">" + DaemonRig.MY_HOST + "</td><td class=\"s\">UNKNOWN</td>"), html);
        assertEquals(3, count(html, "<svg "), "one histogram per host");
        assertTrue(html.contains("<title>20 replies, median"), html);
        assertTrue(html.contains("<title>0 replies</title>"), html);
        for (String external : new String[] {"<script", "src=", "href=", "url(", "@import", "<link", "<img"}) {
            assertFalse(html.contains(external), "nothing external or executable: " + external);
        }

        Path kept = Path.of("target", "status-page", "loncstatus.html");
        Files.createDirectories(kept.getParent());
        Files.copy(page, kept, StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void histogramColumnsFoldTheEngineBucketsAndHostNamesAreEscaped() {
        long[] buckets = new long[32];
        buckets[0] = 1;   // 1 µs
        buckets[6] = 2;   // 64 µs: below 128 µs, first column
        buckets[7] = 3;   // [128, 256) µs
        buckets[25] = 4;  // 33 s: last column
        buckets[31] = 5;  // beyond: last column too
        long[] cols = StatusPage.columns(buckets);
        assertEquals(20, cols.length);
        long[] expected = new long[20];
        expected[0] = 3;
        expected[1] = 3;
        expected[19] = 9;
        assertArrayEquals(expected, cols);
        assertEquals("&lt;b&gt; &amp; &quot;x&quot;", StatusPage.esc("<b> & \"x\""));
    }

    private static int count(String s, String sub) {
        int n = 0;
        for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + 1)) {
            n++;
        }
        return n;
    }
}
