package org.loncapa.lonc.daemon.logging;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The daemon's SLF4J 2 backend, chosen by the daemon's entry point through {@link #install()}. It
 * is not registered in the jar's {@code META-INF/services}, so that it does not reach the class
 * path of applications that merely depend on the daemon (an SDK user's tests would otherwise see
 * two SLF4J providers); the daemon's own tests register it in their test resources. It exists so that
 * {@code lonc.log} has exactly the Perl daemon's line format (see {@link LogFile}); a general
 * backend would need a custom layout anyway, and this is smaller than one.
 */
public final class LoncLogServiceProvider implements SLF4JServiceProvider {
    /** The SLF4J API version this backend is written against. */
    public static final String REQUESTED_API_VERSION = "2.0.99";

    private ILoggerFactory loggerFactory;
    private IMarkerFactory markerFactory;
    private MDCAdapter mdcAdapter;

    /**
     * Makes this the process's SLF4J backend, unless {@code slf4j.provider} is already set. Call it
     * first thing in {@code main}, before any logger is created.
     */
    public static void install() {
        if (System.getProperty("slf4j.provider") == null) {
            System.setProperty("slf4j.provider", LoncLogServiceProvider.class.getName());
            // or SLF4J says on stderr, at every start, that it loaded the provider it was told to
            if (System.getProperty("slf4j.internal.verbosity") == null) {
                System.setProperty("slf4j.internal.verbosity", "WARN");
            }
        }
    }

    /** Created by SLF4J. */
    public LoncLogServiceProvider() {
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggerFactory;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markerFactory;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdcAdapter;
    }

    @Override
    public String getRequestedApiVersion() {
        return REQUESTED_API_VERSION;
    }

    @Override
    public void initialize() {
        loggerFactory = new LoncLoggerFactory();
        markerFactory = new BasicMarkerFactory();
        mdcAdapter = new BasicMDCAdapter();
    }
}
