package org.loncapa.lonc.testkit;

import java.time.Duration;
import java.util.Objects;

/**
 * What {@link FakeLond} does with one request: answer it (in plain text or as an {@code enc:} frame),
 * or misbehave in one of the ways a real lond or network can. Immutable; the same instance may be
 * enqueued several times or returned by a dispatcher for many requests.
 *
 * <p>A {@linkplain #delay(Duration) delay} is wall time spent by the server thread before it acts,
 * whatever the action is.
 */
public final class Response {

    /** What the server does. */
    public enum Kind {
        /** Write the text and a newline. */
        REPLY,
        /** Write the text as {@code enc:<L>:<hex>} with the connection's session key, and a newline. */
        ENCRYPTED_REPLY,
        /** Write the text exactly as given, without adding a newline, and keep the connection. */
        RAW,
        /** Close the connection without answering. */
        DISCONNECT,
        /** Write the text without a newline (a reply cut short), then close the connection. */
        MID_REPLY,
        /** Never answer; the connection stays open until the client or the FakeLond closes it. */
        STALL,
        /** Write {@link #garbageBytes()} (binary, not UTF-8) and a newline, and keep the connection. */
        GARBAGE
    }

    private static final byte[] GARBAGE = {
        0x00, 0x01, (byte) 0xff, (byte) 0xfe, 0x7f, (byte) 0x80, 0x1b, (byte) 0xc3, 0x28, 0x02
    };

    private final Kind kind;
    private final String text;
    private final Duration delay;

    private Response(Kind kind, String text, Duration delay) {
        this.kind = kind;
        this.text = text;
        this.delay = delay;
    }

    /** Answer with {@code line} and a newline; {@code line} must not contain a newline. */
    public static Response reply(String line) {
        return new Response(Kind.REPLY, checkLine(line), Duration.ZERO);
    }

    /**
     * Answer with {@code enc:<L>:<hex>} of {@code line} under the connection's session key. If the
     * connection has no key (an insecure connection before {@code ekey}), the server logs a warning
     * and closes the connection instead.
     */
    public static Response encryptedReply(String line) {
        return new Response(Kind.ENCRYPTED_REPLY, checkLine(line), Duration.ZERO);
    }

    /**
     * Write {@code text} exactly (UTF-8), adding no newline: for several lines in one answer, a stray
     * unsolicited line, or a {@code \r\n} ending.
     */
    public static Response raw(String text) {
        return new Response(Kind.RAW, Objects.requireNonNull(text, "text"), Duration.ZERO);
    }

    /** Read the request, then close the connection without a reply. */
    public static Response disconnect() {
        return new Response(Kind.DISCONNECT, null, Duration.ZERO);
    }

    /** Write {@code partial} (no newline), then close the connection: a reply cut off mid-line. */
    public static Response midReply(String partial) {
        return new Response(Kind.MID_REPLY, checkLine(partial), Duration.ZERO);
    }

    /** Never answer this request (nor any later one on the same connection). */
    public static Response stall() {
        return new Response(Kind.STALL, null, Duration.ZERO);
    }

    /** Answer with binary bytes ({@link #garbageBytes()}) followed by a newline. */
    public static Response garbage() {
        return new Response(Kind.GARBAGE, null, Duration.ZERO);
    }

    /** The binary bytes sent by {@link #garbage()} and {@link Fault#GARBAGE_HANDSHAKE}, without newline. */
    public static byte[] garbageBytes() {
        return GARBAGE.clone();
    }

    /** A copy of this response that waits {@code delay} (wall time) before acting. */
    public Response delay(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("negative delay " + delay);
        }
        return new Response(kind, text, delay);
    }

    /** What the server does. */
    public Kind kind() {
        return kind;
    }

    /** The reply text (plain text before any encryption), or null for kinds without text. */
    public String text() {
        return text;
    }

    /** Wall time waited before acting; {@link Duration#ZERO} by default. */
    public Duration delay() {
        return delay;
    }

    private static String checkLine(String line) {
        Objects.requireNonNull(line, "line");
        if (line.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("a reply line must not contain a newline; use raw()");
        }
        return line;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("Response[").append(kind);
        if (text != null) {
            b.append(" '").append(text.length() > 40 ? text.substring(0, 40) + "…" : text).append('\'');
        }
        if (!delay.isZero()) {
            b.append(" after ").append(delay.toMillis()).append(" ms");
        }
        return b.append(']').toString();
    }
}
