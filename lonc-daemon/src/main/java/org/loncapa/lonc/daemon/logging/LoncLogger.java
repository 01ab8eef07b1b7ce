package org.loncapa.lonc.daemon.logging;

import java.io.PrintStream;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * The SLF4J logger of the daemon's backend: decides what is written and with which severity
 * ({@link Severity#of}) and hands the line to {@link LoncLog}'s sink. Stateless apart from its name;
 * any thread.
 *
 * <p>What is written: WARN and ERROR from every logger; INFO from lonc's own packages except the
 * testkit (whose fake lond would otherwise fill the demo's log); DEBUG from lonc's own packages
 * while debug logging is on; never TRACE.
 */
final class LoncLogger extends LegacyAbstractLogger {
    private static final long serialVersionUID = 1L;
    private static final String LONC = "org.loncapa.lonc.";
    private static final String TESTKIT = "org.loncapa.lonc.testkit.";

    private final boolean lonc;
    private final boolean quietInfo;

    LoncLogger(String name) {
        this.name = name;
        this.lonc = name.startsWith(LONC);
        this.quietInfo = !lonc || name.startsWith(TESTKIT);
    }

    @Override
    public boolean isTraceEnabled() {
        return false;
    }

    @Override
    public boolean isDebugEnabled() {
        return lonc && LoncLog.debug();
    }

    @Override
    public boolean isInfoEnabled() {
        return !quietInfo;
    }

    @Override
    public boolean isWarnEnabled() {
        return true;
    }

    @Override
    public boolean isErrorEnabled() {
        return true;
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern,
            Object[] args, Throwable thrown) {
        String text = MessageFormatter.basicArrayFormat(pattern, args);
        if (level == Level.DEBUG) {
            text = "-Debug- " + text;
        }
        text = oneLine(text);
        LoncLog.Sink sink = LoncLog.sink();
        if (sink != null) {
            sink.write(Severity.of(level, marker), args, text, thrown);
        } else if (level == Level.WARN || level == Level.ERROR) {
            PrintStream err = System.err;
            err.println("lonc " + level + " [" + name + "] " + text
                    + (thrown != null ? ": " + thrown : ""));
        }
    }

    /** lonc.log has one line per record: line breaks inside a message are escaped. */
    static String oneLine(String s) {
        if (s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return s.replace("\r", "\\r").replace("\n", "\\n");
    }
}
