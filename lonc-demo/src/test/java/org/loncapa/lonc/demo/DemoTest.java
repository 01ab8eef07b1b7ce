package org.loncapa.lonc.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The README's first command: {@code java -jar lonc-demo-<version>-all.jar}. */
class DemoTest {
    @Test
    void demoRunsEveryStepAndExitsZero() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = DemoMain.execute(new PrintWriter(out), new PrintWriter(err));
        assertEquals(0, code, out + "\n" + err);
        String s = out.toString();
        assertTrue(s.contains("demo passed"), s);
        assertTrue(s.contains("decrypted it to 'currentauth:demo:jdoe'"), s);
        assertTrue(s.contains("the delayed request was replayed"), s);
        assertTrue(s.contains("/sockets/lonc-demo-multi"), s);
        // the daemon's own backend wrote lonc.log in the Perl format
        assertTrue(s.contains("now ready for action") || s.contains("Master process"), s);
    }

    @Test
    void helpExitsZero() {
        StringWriter out = new StringWriter();
        assertEquals(0, DemoMain.execute(new PrintWriter(out), new PrintWriter(new StringWriter()), "--help"));
        assertTrue(out.toString().contains("--stay"), out.toString());
    }
}
