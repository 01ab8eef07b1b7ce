package org.loncapa.lonc.client.internal;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.loncapa.lonc.client.DeferredItem;
import org.loncapa.lonc.client.DeferredTransactions;
import org.loncapa.lonc.client.FlushResult;
import org.loncapa.lonc.core.deferred.DelayedFileName;

/**
 * {@link DeferredTransactions} through a running daemon's admin socket. The daemon works per host
 * and per file; this class maps lonIDs to their host and a lonID selection to its files.
 * Thread-safe.
 */
public final class AdminDeferredTransactions implements DeferredTransactions {
    private final DaemonAdmin admin;
    private final Map<String, String> hostnameByLonId;

    /**
     * @param admin the daemon's admin interface
     * @param hostnameByLonId the host (socket name) of each lonID
     */
    public AdminDeferredTransactions(DaemonAdmin admin, Map<String, String> hostnameByLonId) {
        this.admin = Objects.requireNonNull(admin, "admin");
        this.hostnameByLonId = Map.copyOf(hostnameByLonId);
    }

    @Override
    public List<DeferredItem> list() throws IOException {
        return admin.deferredList(null);
    }

    @Override
    public List<DeferredItem> list(String lonId) throws IOException {
        Objects.requireNonNull(lonId, "lonId");
        String host = hostnameByLonId.get(lonId);
        List<DeferredItem> out = new ArrayList<>();
        for (DeferredItem i : admin.deferredList(host)) {
            if (i.lonId().equals(lonId)) {
                out.add(i);
            }
        }
        return out;
    }

    private int pending(String lonId) throws IOException {
        return (int) list(lonId).stream().filter(i -> !i.held()).count();
    }

    @Override
    public FlushResult flush(String lonId) throws IOException {
        String host = hostOf(lonId);
        int before = pending(lonId);
        admin.deferredFlush(host); // the daemon answers once the host's line is empty or stopped
        int after = pending(lonId);
        return new FlushResult(Math.max(0, before - after), after, true);
    }

    @Override
    public List<DeferredItem> hold(String lonIdOrId) throws IOException {
        List<DeferredItem> out = new ArrayList<>();
        for (DeferredItem i : select(lonIdOrId, false)) {
            admin.deferredHold(i.id());
            out.add(new DeferredItem(i.id(), i.lonId(), i.savedAt(), i.sizeBytes(), true, i.command()));
        }
        return out;
    }

    @Override
    public List<DeferredItem> release(String lonIdOrId) throws IOException {
        List<DeferredItem> out = new ArrayList<>();
        for (DeferredItem i : select(lonIdOrId, true)) {
            admin.deferredRelease(i.id());
            out.add(new DeferredItem(i.id(), i.lonId(), i.savedAt(), i.sizeBytes(), false, i.command()));
        }
        return out;
    }

    /** A lonID's items in the given state, or the one item whose id is {@code lonIdOrId}. */
    private List<DeferredItem> select(String lonIdOrId, boolean held) throws IOException {
        Objects.requireNonNull(lonIdOrId, "lonIdOrId");
        if (lonIdOrId.indexOf('.') < 0) {
            return list(lonIdOrId).stream().filter(i -> i.held() == held).toList();
        }
        // a file name ends in .<lonid>; the per-host list also holds the held files
        String lonId = DelayedFileName.parse(lonIdOrId).map(DelayedFileName::lonid).orElse(null);
        if (lonId == null) {
            throw new NoSuchFileException("not a deferred file name: " + lonIdOrId);
        }
        for (DeferredItem i : list(lonId)) {
            if (i.held() == held && i.id().equals(lonIdOrId)) {
                return List.of(i);
            }
        }
        throw new NoSuchFileException("no " + (held ? "held" : "pending")
                + " deferred transaction " + lonIdOrId);
    }

    private String hostOf(String lonId) throws IOException {
        String host = hostnameByLonId.get(Objects.requireNonNull(lonId, "lonId"));
        if (host == null) {
            throw new IOException("no_such_host: " + lonId + " is not in the host table");
        }
        return host;
    }
}
