package org.loncapa.lonc.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The README's first command: {@code java -jar lonc-daemon.jar demo}. */
class DemoTest {
    @Test
    void demoRunsEveryStepAndExitsZero() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(out), new PrintWriter(err), "demo");
        assertEquals(0, code, out + "\n" + err);
        String s = out.toString();
        assertTrue(s.contains("demo passed"), s);
        assertTrue(s.contains("decrypted it to 'currentauth:demo:jdoe'"), s);
        assertTrue(s.contains("the delayed request was replayed"), s);
        assertTrue(s.contains("/sockets/lonc-demo-multi"), s);
    }
}
