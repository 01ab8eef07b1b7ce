package org.loncapa.lonc.core.config;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A configuration file (or in-code configuration) that lonc cannot use.
 *
 * <p>{@link #getMessage()} is meant for operators and reads like a compiler error:
 * {@code "/etc/httpd/conf/loncapa.conf:12: PerlSetVar needs a name and a value"}. The parts are
 * also available on their own: {@link #file()} (empty for in-code configuration or for problems
 * that span several files), {@link #line()} (1-based; 0 when the problem is not tied to one line)
 * and {@link #detail()} (the message without the location).
 *
 * <p>Immutable. The file is not serialized (a {@link Path} is not serializable); the message is.
 */
public final class ConfigException extends Exception {

    private final transient Path file;
    private final int line;
    private final String detail;

    /**
     * @param file   the file the problem is in; {@code null} for in-code configuration
     * @param line   1-based line number, or 0 when the problem is not tied to one line
     * @param detail what is wrong, without the location; not null
     * @throws IllegalArgumentException if {@code line} is negative
     */
    public ConfigException(Path file, int line, String detail) {
        this(file, line, detail, null);
    }

    /**
     * Like {@link #ConfigException(Path, int, String)}, with a cause.
     *
     * @param cause the underlying problem; may be null
     */
    public ConfigException(Path file, int line, String detail, Throwable cause) {
        this(file, line, detail, format(file, line, detail), cause);
    }

    private ConfigException(Path file, int line, String detail, String message, Throwable cause) {
        super(message, cause);
        if (line < 0) {
            throw new IllegalArgumentException("line must be >= 0, got " + line);
        }
        this.file = file;
        this.line = line;
        this.detail = Objects.requireNonNull(detail, "detail");
    }

    /**
     * The error for a file that cannot be read at all: {@code "cannot read <file>: No such file"}.
     */
    static ConfigException cannotRead(Path file, IOException cause) {
        String detail = "cannot read " + file + ": " + reason(cause);
        return new ConfigException(file, 0, detail, detail, cause);
    }

    private static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "No such file";
        }
        if (e instanceof AccessDeniedException) {
            return "Permission denied";
        }
        if (e instanceof FileSystemException && ((FileSystemException) e).getReason() != null) {
            return ((FileSystemException) e).getReason();
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    private static String format(Path file, int line, String detail) {
        if (file != null) {
            return line > 0 ? file + ":" + line + ": " + detail : file + ": " + detail;
        }
        return line > 0 ? "line " + line + ": " + detail : detail;
    }

    /** The file the problem is in; empty for in-code configuration or several files. */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    /** The 1-based line number, or 0 when the problem is not tied to one line. */
    public int line() {
        return line;
    }

    /** What is wrong, without the file and line prefix. Never null. */
    public String detail() {
        return detail;
    }
}
