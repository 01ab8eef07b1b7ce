package org.loncapa.lonc.daemon.logging;

import org.slf4j.Marker;
import org.slf4j.MarkerFactory;
import org.slf4j.event.Level;

/**
 * The severities of {@code lonc.log}, with the HTML dressing the Perl daemon's {@code Log} gave
 * them ({@code %LogFormats} in loncnew). Operators grep for these words; LON-CAPA's web status
 * pages show the colours.
 *
 * <p>SLF4J levels map to severities as follows, unless a call carries one of the {@link #marker()}s
 * to say otherwise: ERROR is CRITICAL, WARN is WARNING, INFO is SUCCESS (the Perl daemon logged
 * routine good news such as "Connection 1 to h now ready for action" as SUCCESS), DEBUG is INFO
 * with a {@code -Debug-} prefix (as Perl's {@code Debug}), written only while debug logging is on.
 */
public enum Severity {
    CRITICAL("<font color='red'>CRITICAL: %s</font>"),
    WARNING("<font color='blue'>WARNING: %s</font>"),
    INFO("<font color='yellow'>INFO: %s</font>"),
    SUCCESS("<font color='green'>SUCCESS: %s</font>"),
    /** Perl's {@code DEFAULT} format, for completeness; nothing in lonc uses it. */
    DEFAULT(" %s ");

    private final String format;
    private final Marker marker;

    Severity(String format) {
        this.format = format;
        this.marker = MarkerFactory.getMarker(name());
    }

    /** The message dressed as the Perl daemon did. */
    public String dress(String message) {
        return String.format(format, message);
    }

    /** An SLF4J marker that forces this severity, e.g. {@code log.info(Severity.INFO.marker(), ...)}. */
    public Marker marker() {
        return marker;
    }

    /** The severity of a logging call: the marker's if it names one, else the level's. */
    static Severity of(Level level, Marker marker) {
        if (marker != null) {
            for (Severity s : values()) {
                if (s.name().equals(marker.getName())) {
                    return s;
                }
            }
        }
        switch (level) {
            case ERROR:
                return CRITICAL;
            case WARN:
                return WARNING;
            case INFO:
                return SUCCESS;
            default:
                return INFO;
        }
    }
}
