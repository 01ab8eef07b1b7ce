package org.loncapa.lonc.client.internal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.loncapa.lonc.client.DeferredItem;
import org.loncapa.lonc.client.DeferredTransactions;
import org.loncapa.lonc.client.FlushResult;
import org.loncapa.lonc.client.Reply;
import org.loncapa.lonc.core.internal.protocol.Redaction;
import org.loncapa.lonc.core.deferred.DeferredEntry;
import org.loncapa.lonc.core.deferred.DeferredReplayer;
import org.loncapa.lonc.core.deferred.DeferredStore;
import org.loncapa.lonc.core.deferred.DelayedFileName;
import org.loncapa.lonc.core.protocol.ProtocolChoices;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link DeferredTransactions} on the files themselves, for the embedded client (no daemon):
 * listing, holding and releasing through the {@link DeferredStore}, and {@link #flush} replaying
 * through the client's own engine, one request at a time, on the caller's thread (so a CLI can
 * report how many were delivered): a file is deleted only after lond replied (at-least-once) with
 * the perm log's {@code S:} line as Perl lonc writes it; a file lond refuses ({@code refused},
 * {@code rejected}, {@code unknown_cmd}, {@code error...}) is moved to hold, as the engine's
 * {@code DeferredReplayer} does. If that replayer runs in the same process, {@link #flush} asks it
 * instead (one line per host, so nothing is sent twice or out of order).
 *
 * <p>Thread-safe as far as the store is; a flush runs on the caller's thread.
 */
public final class StoreDeferredTransactions implements DeferredTransactions {
    private static final Logger log = LoggerFactory.getLogger(StoreDeferredTransactions.class);

    private final DeferredStore store;
    private final Clock clock;
    /** Sends one request and waits for its reply (the client's blocking {@code reply}). */
    private final BiFunction<String, String, Reply> sender;
    /** The engine's replayer's flush of a lonID's host, when it runs in this process; else null. */
    private final Function<String, DeferredReplayer.FlushReport> replayerFlush;

    /** The store's perm log gets the {@code S:} lines ({@link DeferredStore#finishReplay}). */
    public StoreDeferredTransactions(DeferredStore store, Clock clock,
            BiFunction<String, String, Reply> sender) {
        this(store, clock, sender, null);
    }

    /** As above; {@code replayerFlush} (may be null) flushes through the engine's replayer. */
    public StoreDeferredTransactions(DeferredStore store, Clock clock,
            BiFunction<String, String, Reply> sender,
            Function<String, DeferredReplayer.FlushReport> replayerFlush) {
        this.store = store;
        this.clock = clock;
        this.sender = sender;
        this.replayerFlush = replayerFlush;
    }

    @Override
    public List<DeferredItem> list() throws IOException {
        List<DeferredItem> out = new ArrayList<>();
        for (DeferredEntry e : store.listAll()) {
            out.add(item(e, false));
        }
        for (String lonId : heldLonIds()) {
            for (DeferredEntry e : store.listHeld(lonId)) {
                out.add(item(e, true));
            }
        }
        return out;
    }

    @Override
    public List<DeferredItem> list(String lonId) throws IOException {
        List<DeferredItem> out = new ArrayList<>();
        for (DeferredEntry e : store.list(lonId)) {
            out.add(item(e, false));
        }
        for (DeferredEntry e : store.listHeld(lonId)) {
            out.add(item(e, true));
        }
        return out;
    }

    @Override
    public FlushResult flush(String lonId) throws IOException {
        if (replayerFlush != null) {
            DeferredReplayer.FlushReport r = replayerFlush.apply(lonId);
            return new FlushResult(r.delivered(), r.remaining(), false);
        }
        int delivered = 0;
        for (DeferredEntry e : store.listReplayable(lonId, clock.instant())) {
            Optional<String> cmd = store.readCommand(e);
            if (cmd.isEmpty()) {
                continue; // moved aside (logged by the store) or already gone
            }
            Reply r;
            try {
                r = sender.apply(lonId, cmd.get());
            } catch (IllegalArgumentException bad) {
                log.warn("Deferred transaction {} cannot be sent as it is ({}); left in place",
                        e.name(), bad.getMessage());
                continue;
            }
            if (r.kind().source() != Reply.Source.LOND) {
                log.info("Replay of deferred transactions for {} stopped at {}: {}", lonId,
                        e.name(), r.line());
                break;
            }
            // the same rule and order as the engine's DeferredReplayer
            if (store.finishReplay(e, lonId, ProtocolChoices.SETHOST_PREFIX + lonId + ":" + cmd.get(),
                    r.line()) == DeferredStore.ReplayOutcome.HELD) {
                log.warn("lond refused deferred transaction {} ({}): moved to hold", e.name(),
                        r.kind());
                continue;
            }
            log.info("A delayed transaction was completed: {}", Redaction.forLog(cmd.get()));
            delivered++;
        }
        return new FlushResult(delivered, store.list(lonId).size(), false);
    }

    @Override
    public List<DeferredItem> hold(String lonIdOrId) throws IOException {
        List<DeferredItem> out = new ArrayList<>();
        for (DeferredEntry e : select(lonIdOrId, false)) {
            out.add(item(store.hold(e), true));
        }
        return out;
    }

    @Override
    public List<DeferredItem> release(String lonIdOrId) throws IOException {
        List<DeferredItem> out = new ArrayList<>();
        for (DeferredEntry e : select(lonIdOrId, true)) {
            out.add(item(store.release(e), false));
        }
        return out;
    }

    /** Entries by lonID, or the one whose (redacted or raw) file name is {@code lonIdOrId}. */
    private List<DeferredEntry> select(String lonIdOrId, boolean held) throws IOException {
        if (lonIdOrId.indexOf('.') < 0) {
            return held ? store.listHeld(lonIdOrId) : store.list(lonIdOrId);
        }
        List<DeferredEntry> candidates = new ArrayList<>();
        if (held) {
            for (String id : heldLonIds()) {
                candidates.addAll(store.listHeld(id));
            }
        } else {
            candidates.addAll(store.listAll());
        }
        for (DeferredEntry e : candidates) {
            if (e.name().forLog().equals(lonIdOrId) || e.name().fileName().equals(lonIdOrId)) {
                return List.of(e);
            }
        }
        throw new NoSuchFileException("no " + (held ? "held" : "pending")
                + " deferred transaction " + lonIdOrId);
    }

    /** The lonIDs that have files in {@code hold/} (the store lists held files per lonID). */
    private TreeSet<String> heldLonIds() throws IOException {
        TreeSet<String> ids = new TreeSet<>();
        Path holdDir = store.directory().resolve(DeferredStore.HOLD_DIR);
        if (!Files.isDirectory(holdDir)) {
            return ids;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(holdDir)) {
            for (Path p : ds) {
                DelayedFileName.parse(p.getFileName().toString()).ifPresent(n -> ids.add(n.lonid()));
            }
        }
        return ids;
    }

    private DeferredItem item(DeferredEntry e, boolean held) {
        String described = store.describe(e, clock.instant());
        // describe() is "<name> age <d> size <n>: <redacted command>" (or "(unreadable: ...)")
        String marker = " size " + e.sizeBytes() + ": ";
        int at = described.indexOf(marker);
        String command = at >= 0 ? described.substring(at + marker.length()) : "";
        return new DeferredItem(e.name().forLog(), e.lonid(), e.savedAt(), e.sizeBytes(), held,
                command);
    }
}
