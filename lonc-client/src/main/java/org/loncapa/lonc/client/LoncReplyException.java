package org.loncapa.lonc.client;

/**
 * Thrown by {@link Reply#orElseThrow()} when a reply is an error token rather than an answer.
 * The reply itself is kept, so a caller can still look at its {@link Reply#kind()}.
 */
public final class LoncReplyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Reply reply;

    /** @param reply the error reply (never null) */
    public LoncReplyException(Reply reply) {
        super("lonc reply " + reply.line() + " (" + reply.kind() + ")");
        this.reply = reply;
    }

    /** The error reply. */
    public Reply reply() {
        return reply;
    }
}
