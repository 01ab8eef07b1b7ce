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
 * @param deliveredNotRemoved lond answered it but the file could not be deleted ({@code delayed/}
 *     read-only): the replaying process will not send it again (daemon mode only)
 */
public record DeferredItem(String id, String lonId, Instant savedAt, long sizeBytes, boolean held,
        String command, boolean deliveredNotRemoved) {
    /** An item that is not "delivered, not removed". */
    public DeferredItem(String id, String lonId, Instant savedAt, long sizeBytes, boolean held,
            String command) {
        this(id, lonId, savedAt, sizeBytes, held, command, false);
    }

    /** Checks the components (all non-null). */
    public DeferredItem {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(lonId, "lonId");
        Objects.requireNonNull(savedAt, "savedAt");
        Objects.requireNonNull(command, "command");
    }
}
