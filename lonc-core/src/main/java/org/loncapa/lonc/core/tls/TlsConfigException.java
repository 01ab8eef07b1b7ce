package org.loncapa.lonc.core.tls;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One of the TLS files cannot be used: it is missing or unreadable, holds no certificate, holds a
 * key in an unsupported format, or the key does not match the host certificate.
 *
 * <p>The message always starts with the full path of the offending file, then says what is wrong,
 * so that an operator can act on the log line alone.
 */
public final class TlsConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    /** The file that is at fault; never {@code null}. */
    private final transient Path file;

    /**
     * @param file the file at fault (named in the message)
     * @param problem what is wrong with it, as a sentence fragment
     * @param cause the underlying exception, or {@code null}
     */
    public TlsConfigException(Path file, String problem, Throwable cause) {
        super(Objects.requireNonNull(file, "file") + ": " + problem, cause);
        this.file = file;
    }

    /** Same as {@link #TlsConfigException(Path, String, Throwable)} without a cause. */
    public TlsConfigException(Path file, String problem) {
        this(file, problem, null);
    }

    /** The file at fault; never {@code null}. */
    public Path file() {
        return file;
    }
}
