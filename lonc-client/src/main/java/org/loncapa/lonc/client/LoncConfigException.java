package org.loncapa.lonc.client;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A LON-CAPA configuration file ({@code loncapa.conf}, {@code hosts.tab}) or a certificate file it
 * names is missing or cannot be used. The message names the file, and the line when there is one.
 */
public final class LoncConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final int line;

    /**
     * @param message what is wrong, naming the file (and line)
     * @param file the file, or null
     * @param line the 1-based line, or 0 when the problem is not on one line
     * @param cause the underlying exception, or null
     */
    public LoncConfigException(String message, Path file, int line, Throwable cause) {
        super(message, cause);
        this.file = file;
        this.line = line;
    }

    /** The file at fault; empty when the problem is not in one file. */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    /** The 1-based line at fault, or 0 when the problem is not on one line. */
    public int line() {
        return line;
    }
}
