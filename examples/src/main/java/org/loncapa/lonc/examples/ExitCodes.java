package org.loncapa.lonc.examples;

/**
 * The exit codes of the {@code lonc} command, for scripts. Documented in {@code docs/cli.md}; keep
 * the two in step.
 */
public final class ExitCodes {
    private ExitCodes() {}

    /** The command did what was asked: lond's reply was an ordinary answer. */
    public static final int OK = 0;
    /**
     * lond, lonc or the client answered with an error token ({@code con_lost}, {@code
     * no_such_host}, {@code refused}, {@code rejected}, {@code unknown_cmd}, {@code
     * unable_to_set}, {@code con_busy}, {@code con_failed}); the token is still printed on
     * stdout. Also: nothing matched (an unknown host for {@code status}, no deferred transaction
     * for {@code hold}/{@code release}).
     */
    public static final int ERROR_REPLY = 1;
    /** Usage or configuration error: bad options, a broken config file, a request with a newline. */
    public static final int USAGE = 2;
    /**
     * {@code critical}: not delivered now, but saved in the deferred store ({@code con_delayed});
     * {@code deferred flush}: requests remain pending.
     */
    public static final int DELAYED = 3;
    /**
     * Could not ask: the daemon's admin socket is missing or refused, the deferred directory is
     * unreadable, or (probe) the connection or handshake to lond failed.
     */
    public static final int UNAVAILABLE = 4;
    /** An unexpected internal error (a bug): please report it with the message. */
    public static final int SOFTWARE = 5;
}
