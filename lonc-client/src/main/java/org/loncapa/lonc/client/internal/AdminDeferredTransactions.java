package org.loncapa.lonc.client.internal;

import java.io.IOException;
import java.util.List;
import java.util.Objects;
import org.loncapa.lonc.client.DeferredItem;
import org.loncapa.lonc.client.DeferredTransactions;

/** {@link DeferredTransactions} through a running daemon's admin socket. Thread-safe. */
public final class AdminDeferredTransactions implements DeferredTransactions {
    private final DaemonAdmin admin;

    public AdminDeferredTransactions(DaemonAdmin admin) {
        this.admin = Objects.requireNonNull(admin, "admin");
    }

    @Override
    public List<DeferredItem> list() throws IOException {
        return admin.deferredList(null);
    }

    @Override
    public List<DeferredItem> list(String lonId) throws IOException {
        return admin.deferredList(Objects.requireNonNull(lonId, "lonId"));
    }

    @Override
    public int flush(String lonId) throws IOException {
        return admin.deferredFlush(lonId);
    }

    @Override
    public List<DeferredItem> hold(String lonIdOrId) throws IOException {
        return admin.deferredHold(lonIdOrId);
    }

    @Override
    public List<DeferredItem> release(String lonIdOrId) throws IOException {
        return admin.deferredRelease(lonIdOrId);
    }
}
