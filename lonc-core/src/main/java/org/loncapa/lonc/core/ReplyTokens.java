package org.loncapa.lonc.core;

/**
 * The reply lines that lonc itself produces (protocol.md §4.4), kept in one place. Everything else a
 * caller receives is lond's own reply line.
 */
public final class ReplyTokens {
    private ReplyTokens() {}

    /**
     * The transaction's lond connection failed (read or write error, EOF, timeout), no connection
     * could be made, or the host is marked dead. lonnet's {@code critical()} saves the request to the
     * deferred store on this reply.
     */
    public static final String CON_LOST = "con_lost";

    /** The lonID is not in the host table (lonnet's own reply; lonc never contacts anyone). */
    public static final String NO_SUCH_HOST = "no_such_host";

    /**
     * lonc's queue for the host (or in total) is full: the request was not queued and nothing was
     * sent. Distinct from {@link #CON_LOST} on purpose: the host is not known to be down, so
     * {@code critical()} callers should retry later rather than defer. Not a Perl lonc reply.
     */
    public static final String CON_BUSY = "con_busy";

    /** Answer to {@code reset_retries}. */
    public static final String OK = "ok";

    /** lonnet {@code critical()}: saved to the deferred store and verified. */
    public static final String CON_DELAYED = "con_delayed";

    /** lonnet {@code critical()}: could not be saved (or verified) in the deferred store. */
    public static final String CON_FAILED = "con_failed";

    /**
     * The daemon refused a request line longer than its limit ({@code maxRequestBytes}) and closed
     * the connection; nothing was sent to lond. Starts with {@code rejected} so that lonnet logs
     * it as a warning. Not a Perl lonc reply.
     */
    public static final String REJECTED_TOO_LONG = "rejected: request too long";

    /**
     * The daemon refused a request that is not a line of text (NUL or other control bytes) and
     * closed the connection; nothing was sent to lond. Not a Perl lonc reply. (Bytes that are not
     * UTF-8 are not refused: they pass unchanged, as in Perl lonc.)
     */
    public static final String REJECTED_MALFORMED = "rejected: malformed request";
}
