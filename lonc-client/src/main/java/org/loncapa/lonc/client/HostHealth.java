package org.loncapa.lonc.client;

import java.io.IOException;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether requests to one host can be expected to work now, for an application's health check
 * (a Spring Boot {@code HealthIndicator}, a servlet's readiness probe). A host is usable when it
 * is up, not used yet (the first request connects), or failing but still tried; it is not usable
 * when lonc has marked it dead or an operator paused it, when it is not in the host table, or when
 * the daemon cannot be asked.
 *
 * @param host what was asked for (a hostname or a lonID)
 * @param usable requests are worth sending
 * @param state the host's state, or null if unknown
 * @param reason a short sentence for the health report
 */
public record HostHealth(String host, boolean usable, HostView.State state, String reason) {

    /** Asks {@code client} about {@code hostOrLonId} (one status snapshot). Never throws for lonc's trouble. */
    public static HostHealth check(LoncClient client, String hostOrLonId) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(hostOrLonId, "hostOrLonId");
        Optional<HostView> s;
        try {
            s = client.status(hostOrLonId);
        } catch (IOException e) {
            return new HostHealth(hostOrLonId, false, null, "lonc cannot be asked: " + e.getMessage());
        }
        if (s.isEmpty()) {
            return new HostHealth(hostOrLonId, false, null, "not in the host table");
        }
        return of(hostOrLonId, s.get());
    }

    /** The health that a status snapshot says. */
    public static HostHealth of(String host, HostView s) {
        return switch (s.state()) {
            case UP -> new HostHealth(host, true, s.state(), "up, " + s.connections().total() + " connection(s)");
            case UNKNOWN -> new HostHealth(host, true, s.state(), "not used yet");
            case FAILING -> new HostHealth(host, true, s.state(), "failing, " + s.retriesLeft()
                    + " retries left before it is marked dead");
            case DEAD -> new HostHealth(host, false, s.state(), "marked dead"
                    + (s.nextProbeMillis() >= 0 ? ", next probe in " + s.nextProbeMillis() + " ms" : ""));
            case PAUSED -> new HostHealth(host, false, s.state(), "paused by an operator");
        };
    }
}
