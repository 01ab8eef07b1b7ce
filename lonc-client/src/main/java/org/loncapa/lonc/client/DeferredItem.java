package org.loncapa.lonc.client;

import java.time.Instant;
import java.util.Objects;

/**
 * One deferred ("critical") transaction waiting in {@code <lonSockDir>/delayed/}, as operators
 * see it: never with the secret arguments of an {@code encrypt:} request.
 *
 * @param id the file's name with any secret part of its middle field redacted; unique, and
 *     accepted by {@link DeferredTransactions#hold(String)} and {@link
 *     DeferredTransactions#release(String)}
 * @param lonId the target lonID
 * @param savedAt when lonnet (or {@code critical()}) saved it, from the file name
 * @param sizeBytes the file size
 * @param held true if it is in {@code hold/} (not replayed until released)
 * @param command the request, redacted for display (an {@code encrypt:} request shows only its
 *     command name)
 */
public record DeferredItem(String id, String lonId, Instant savedAt, long sizeBytes, boolean held,
        String command) {
    /** Checks the components (all non-null). */
    public DeferredItem {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(lonId, "lonId");
        Objects.requireNonNull(savedAt, "savedAt");
        Objects.requireNonNull(command, "command");
    }
}
