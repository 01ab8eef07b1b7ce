package org.loncapa.lonc.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReplyTest {

    @ParameterizedTest
    @CsvSource({
        "con_lost, CON_LOST",
        "no_such_host, NO_SUCH_HOST",
        "con_busy, CON_BUSY",
        "con_delayed, CON_DELAYED",
        "con_failed, CON_FAILED",
        "unknown_cmd, UNKNOWN_CMD",
        "unable_to_set, UNABLE_TO_SET",
        "refused, REFUSED",
        "refused: not encrypted, REFUSED",
        "rejected, REJECTED",
        "rejected:policy, REJECTED",
        "ok, ANSWER",
        "pong, ANSWER",
        "msul1, ANSWER",
        "con_lostx, ANSWER",
        "xcon_lost, ANSWER",
        "error: Encrypted data without negotated key, ANSWER",
    })
    void classifiesLikeLonnet(String line, Reply.Kind kind) {
        Reply r = Reply.of(line);
        assertEquals(kind, r.kind());
        assertEquals(line, r.line());
        assertEquals(kind == Reply.Kind.ANSWER, r.isAnswer());
        assertEquals(kind != Reply.Kind.ANSWER, r.isError());
    }

    @Test
    void emptyLineIsAnAnswer() {
        assertTrue(Reply.of("").isAnswer());
    }

    @Test
    void trailingNewlineIsRemoved() {
        assertEquals(Reply.of("con_lost"), Reply.of("con_lost\n"));
    }

    @Test
    void aNewlineInsideIsImpossible() {
        assertThrows(IllegalArgumentException.class, () -> Reply.of("a\nb"));
    }

    @Test
    void tokensAndSources() {
        assertEquals("con_lost", Reply.token(Reply.Kind.CON_LOST).line());
        assertEquals(Reply.Source.LONC, Reply.Kind.CON_LOST.source());
        assertEquals(Reply.Source.CLIENT, Reply.Kind.NO_SUCH_HOST.source());
        assertEquals(Reply.Source.LOND, Reply.Kind.REFUSED.source());
        assertEquals(Reply.Source.LOND, Reply.Kind.ANSWER.source());
        assertThrows(IllegalArgumentException.class, () -> Reply.token(Reply.Kind.ANSWER));
    }

    @Test
    void orElseThrowKeepsTheReply() {
        assertEquals("pong", Reply.of("pong").orElseThrow());
        Reply lost = Reply.of("con_lost");
        LoncReplyException e = assertThrows(LoncReplyException.class, lost::orElseThrow);
        assertSame(lost, e.reply());
        assertFalse(e.getMessage().isEmpty());
    }
}
