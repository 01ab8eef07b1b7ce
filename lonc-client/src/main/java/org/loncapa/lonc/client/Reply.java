package org.loncapa.lonc.client;

import java.util.Objects;
import org.loncapa.lonc.core.ReplyTokens;

/**
 * One reply line from a remote host, or one of the error tokens that lond, lonc or lonnet
 * itself produce in its place. The raw line is always available as {@link #line()}; {@link
 * #kind()} tells an ordinary answer apart from the error tokens, so code does not have to compare
 * strings:
 *
 * <pre>{@code
 * Reply r = client.reply("msul1", "ping");
 * if (r.isAnswer()) { use(r.line()); } else if (r.kind() == Reply.Kind.CON_LOST) { ... }
 * }</pre>
 *
 * <p>The classification mirrors lonnet's: lonc's own tokens ({@code con_lost}, {@code
 * no_such_host}, ...) and lond's {@code unknown_cmd} and {@code unable_to_set} are recognised
 * when they are the whole line; {@code refused} and {@code rejected} when they start the line
 * (lonnet's {@code /^refused/} and {@code /^rejected/}). Everything else is an {@link
 * Kind#ANSWER}, including lond answers such as {@code error:...} that are only meaningful for the
 * command that was sent.
 *
 * <p>Immutable and thread-safe. The line never contains a newline. A reply that is valid UTF-8 is
 * an ordinary String; bytes that are not (old Latin-1 data) arrive as the lone surrogates
 * U+DC80..U+DCFF, one per byte, and {@code WireText.encode(line())} gives the exact bytes lond sent.
 *
 * @param line the reply line without its newline (never null)
 * @param kind what the line means (never null)
 */
public record Reply(String line, Kind kind) {

    /** What a reply line means. */
    public enum Kind {
        /** An ordinary reply from lond: the answer to the command. */
        ANSWER(null, Source.LOND),
        /**
         * lonc lost the connection, could not connect, the host is marked dead, or the request
         * timed out. The request may or may not have been carried out by lond.
         */
        CON_LOST(ReplyTokens.CON_LOST, Source.LONC),
        /** The lonID is not in the host table; nothing was sent. */
        NO_SUCH_HOST(ReplyTokens.NO_SUCH_HOST, Source.CLIENT),
        /**
         * lonc's queue was full (a bound of the Java engine, not a Perl lonc reply); nothing was
         * sent, retry later.
         */
        CON_BUSY(ReplyTokens.CON_BUSY, Source.LONC),
        /** lond refused the command (it needs encryption, or this host may not run it). */
        REFUSED("refused", Source.LOND),
        /** lond rejected the command (a policy check). */
        REJECTED("rejected", Source.LOND),
        /** lond does not know the command. */
        UNKNOWN_CMD("unknown_cmd", Source.LOND),
        /** lond could not switch to the lonID named in {@code sethost}. */
        UNABLE_TO_SET("unable_to_set", Source.LOND),
        /** {@code critical()}: not delivered now; saved in the deferred store and verified. */
        CON_DELAYED(ReplyTokens.CON_DELAYED, Source.CLIENT),
        /** {@code critical()}: not delivered, and could not be saved in the deferred store. */
        CON_FAILED(ReplyTokens.CON_FAILED, Source.CLIENT);

        private final String token;
        private final Source source;

        Kind(String token, Source source) {
            this.token = token;
            this.source = source;
        }

        /** The reply line of this kind (the prefix, for {@code refused}/{@code rejected}); null for ANSWER. */
        public String token() {
            return token;
        }

        /** Who produces replies of this kind. */
        public Source source() {
            return source;
        }
    }

    /** Who produced a reply. */
    public enum Source {
        /** The remote lond. */
        LOND,
        /** lonc (the daemon or the in-process engine), in place of lond's reply. */
        LONC,
        /** This client (as lonnet does), without contacting lonc for it. */
        CLIENT
    }

    /** Checks the components; use {@link #of(String)} to classify a line. */
    public Reply {
        Objects.requireNonNull(line, "line");
        Objects.requireNonNull(kind, "kind");
        if (line.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("a reply line has no newline");
        }
    }

    /** Classifies a reply line (without its newline; a trailing newline is removed). */
    public static Reply of(String line) {
        Objects.requireNonNull(line, "line");
        if (line.endsWith("\n")) {
            line = line.substring(0, line.length() - 1);
        }
        return new Reply(line, classify(line));
    }

    /** The reply of the given token kind, e.g. {@code Reply.token(Kind.CON_LOST)}. */
    public static Reply token(Kind kind) {
        if (kind == Kind.ANSWER) {
            throw new IllegalArgumentException("ANSWER has no token");
        }
        return new Reply(kind.token(), kind);
    }

    private static Kind classify(String line) {
        switch (line) {
            case ReplyTokens.CON_LOST:
                return Kind.CON_LOST;
            case ReplyTokens.NO_SUCH_HOST:
                return Kind.NO_SUCH_HOST;
            case ReplyTokens.CON_BUSY:
                return Kind.CON_BUSY;
            case ReplyTokens.CON_DELAYED:
                return Kind.CON_DELAYED;
            case ReplyTokens.CON_FAILED:
                return Kind.CON_FAILED;
            case "unknown_cmd":
                return Kind.UNKNOWN_CMD;
            case "unable_to_set":
                return Kind.UNABLE_TO_SET;
            default:
                if (line.startsWith("refused")) {
                    return Kind.REFUSED;
                }
                if (line.startsWith("rejected")) {
                    return Kind.REJECTED;
                }
                return Kind.ANSWER;
        }
    }

    /** True for an ordinary answer from lond (not one of the error tokens). */
    public boolean isAnswer() {
        return kind == Kind.ANSWER;
    }

    /** True for every kind but {@link Kind#ANSWER}. */
    public boolean isError() {
        return kind != Kind.ANSWER;
    }

    /**
     * The answer line, or a {@link LoncReplyException} carrying this reply when it is an error
     * token.
     */
    public String orElseThrow() {
        if (kind != Kind.ANSWER) {
            throw new LoncReplyException(this);
        }
        return line;
    }

    @Override
    public String toString() {
        return kind == Kind.ANSWER ? line : kind + "(" + line + ")";
    }
}
