package org.loncapa.lonc.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loncapa.lonc.client.DeferredItem;
import org.loncapa.lonc.client.FlushResult;
import org.loncapa.lonc.client.Reply;
import org.loncapa.lonc.core.deferred.DeferredStore;
import org.loncapa.lonc.core.deferred.PermLog;
import org.loncapa.lonc.core.deferred.RealStoreIo;

class StoreDeferredTransactionsTest {
    @TempDir
    Path tmp;
    final List<String> sent = new ArrayList<>();
    DeferredStore store;
    PermLog permLog;
    /** Files are saved "an hour ago" and replayed "now", so none is too young to replay. */
    final Clock saveClock = Clock.fixed(Instant.parse("2026-01-01T10:00:00Z"), ZoneOffset.UTC);
    final Clock nowClock = Clock.fixed(Instant.parse("2026-01-01T11:00:00Z"), ZoneOffset.UTC);

    @BeforeEach
    void setUp() {
        permLog = new PermLog(tmp.resolve("lonnet.perm.log"), nowClock);
        store = new DeferredStore(tmp.resolve("delayed"), saveClock, 4242, new RealStoreIo(), permLog);
    }

    StoreDeferredTransactions deferred(BiFunction<String, String, String> lond) {
        DeferredStore replayStore = new DeferredStore(tmp.resolve("delayed"), nowClock, 4242,
                new RealStoreIo(), permLog);
        return new StoreDeferredTransactions(replayStore, nowClock, (id, cmd) -> {
            sent.add(id + " " + cmd);
            return Reply.of(lond.apply(id, cmd));
        });
    }

    @Test
    void flushReplaysInOrderAndDeletesWhatLondAnswered() throws IOException {
        store.save("msul1", "put:a");
        store.save("msul1", "encrypt:passwd:msu:jdoe:x");
        store.save("msul2", "put:c");
        StoreDeferredTransactions d = deferred((id, cmd) -> "ok");
        assertEquals(new FlushResult(2, 0, false), d.flush("msul1"));
        assertEquals(List.of("msul1 put:a", "msul1 encrypt:passwd:msu:jdoe:x"), sent);
        assertEquals(List.of(), d.list("msul1"));
        assertEquals(1, d.list("msul2").size());
        String perm = Files.readString(tmp.resolve("lonnet.perm.log"));
        assertTrue(perm.contains(":S:msul1 :sethost:msul1:put:a:"), perm);
        assertTrue(perm.contains(":S:msul1 :sethost:msul1:encrypt:passwd"), perm);
        assertTrue(!perm.contains("jdoe"), perm);
    }

    @Test
    void whatLondRefusesIsHeldNotDeleted() throws IOException {
        store.save("msul1", "put:a");
        store.save("msul1", "badcmd:b");
        store.save("msul1", "put:c");
        StoreDeferredTransactions d = deferred((id, cmd) -> cmd.startsWith("badcmd") ? "unknown_cmd" : "ok");
        assertEquals(new FlushResult(2, 0, false), d.flush("msul1"));
        List<DeferredItem> left = d.list("msul1");
        assertEquals(1, left.size());
        assertTrue(left.get(0).held());
        assertEquals("badcmd:b", left.get(0).command());
    }

    @Test
    void flushStopsAtTheFirstRequestWithoutAReplyFromLond() throws IOException {
        store.save("msul1", "put:a");
        store.save("msul1", "put:b");
        store.save("msul1", "put:c");
        StoreDeferredTransactions d = deferred((id, cmd) -> cmd.equals("put:b") ? "con_lost" : "ok");
        assertEquals(new FlushResult(1, 2, false), d.flush("msul1"));
        assertEquals(List.of("msul1 put:a", "msul1 put:b"), sent);
        List<DeferredItem> left = d.list("msul1");
        assertEquals(List.of("put:b", "put:c"), left.stream().map(DeferredItem::command).toList());
    }

    @Test
    void holdAndReleaseByLonIdAndById() throws IOException {
        store.save("msul1", "put:a");
        store.save("msul1", "put:b");
        store.save("msul2", "put:c");
        StoreDeferredTransactions d = deferred((id, cmd) -> "ok");
        List<DeferredItem> held = d.hold("msul1");
        assertEquals(2, held.size());
        assertTrue(held.stream().allMatch(DeferredItem::held));
        assertEquals(0, d.flush("msul1").delivered(), "held files are not replayed");
        assertEquals(3, d.list().size());
        assertEquals(2, d.list().stream().filter(DeferredItem::held).count());

        String one = held.get(0).id();
        List<DeferredItem> released = d.release(one);
        assertEquals(1, released.size());
        assertEquals(false, released.get(0).held());
        assertEquals("put:a", released.get(0).command());
        assertEquals(new FlushResult(1, 0, false), d.flush("msul1"));
        assertEquals(List.of("msul1 put:a"), sent);

        assertEquals(1, d.release("msul1").size());
        assertThrows(NoSuchFileException.class, () -> d.hold("1.2.3.nope.msul1"));
        assertEquals(List.of(), d.hold("nosuch"));
    }

    @Test
    void listRedactsEncryptedArguments() throws IOException {
        store.save("msul1", "encrypt:passwd:msu:jdoe:old:new");
        DeferredItem item = deferred((id, cmd) -> "ok").list().get(0);
        assertEquals("encrypt:passwd", item.command());
        assertTrue(!item.id().contains("passwdms"), item.id());
        assertEquals("msul1", item.lonId());
        assertEquals(Instant.parse("2026-01-01T10:00:00Z"), item.savedAt());
    }
}
