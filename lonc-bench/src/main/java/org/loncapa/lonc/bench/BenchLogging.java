package org.loncapa.lonc.bench;

/** Logging set-up of the bench mains: warnings and errors only, so the tables stay readable. */
final class BenchLogging {
    private BenchLogging() {}

    static void quiet() {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
    }
}
