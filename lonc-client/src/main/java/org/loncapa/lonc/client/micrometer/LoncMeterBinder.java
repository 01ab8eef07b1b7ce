package org.loncapa.lonc.client.micrometer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;
import org.loncapa.lonc.client.LoncClient;
import org.loncapa.lonc.core.HostState;
import org.loncapa.lonc.core.HostStatus;
import org.loncapa.lonc.core.ReplyTokens;

/**
 * Registers a {@link LoncClient}'s per-host numbers with an application's Micrometer registry,
 * under the names and tags of the daemon's OpenMetrics text ({@code org.loncapa.lonc.core.OpenMetrics}):
 * a Prometheus registry scrapes {@code lonc_requests_total{host=...}} from either.
 *
 * <table>
 *   <caption>Meters (tag {@code host} on each)</caption>
 *   <tr><th>name</th><th>type</th></tr>
 *   <tr><td>lonc.requests, lonc.timeouts, lonc.connection.opens, lonc.connection.failures</td>
 *       <td>function counter</td></tr>
 *   <tr><td>lonc.replies (tag {@code kind}: answer, refused, rejected, unknown_cmd, unable_to_set,
 *       con_lost, con_busy)</td><td>function counter</td></tr>
 *   <tr><td>lonc.host.state (tag {@code state}: 1 for the current one), lonc.retries.left,
 *       lonc.queue.length, lonc.connections (tag {@code phase})</td><td>gauge</td></tr>
 *   <tr><td>lonc.request.latency (count and total time of the replies)</td><td>function timer</td></tr>
 * </table>
 *
 * The meters read one shared snapshot ({@link LoncClient#status()}), taken again when it is older
 * than {@code maxAge}, so a scrape of many meters asks the engine (or the daemon) once. Hosts are
 * those configured when {@link #bindTo} runs. A snapshot that cannot be taken (daemon down) keeps
 * the last one. {@code micrometer-core} is an optional dependency of lonc-client: this class needs
 * it on the class path, nothing else in lonc-client does.
 */
public final class LoncMeterBinder implements MeterBinder {
    private final LoncClient client;
    private final long maxAgeNanos;
    private final LongSupplier nanoTime;
    private List<HostStatus> snapshot;
    private java.util.Map<String, HostStatus> byName = java.util.Map.of();
    private long takenAt;

    /** A binder whose snapshot is at most one second old, on {@link System#nanoTime()}. */
    public LoncMeterBinder(LoncClient client) {
        this(client, TimeUnit.SECONDS.toNanos(1), System::nanoTime);
    }

    /**
     * @param maxAgeNanos how old a snapshot may be before a meter reading takes a new one
     * @param nanoTime the clock of that age (tests pass their own)
     */
    public LoncMeterBinder(LoncClient client, long maxAgeNanos, LongSupplier nanoTime) {
        this.client = Objects.requireNonNull(client, "client");
        this.maxAgeNanos = maxAgeNanos;
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (HostStatus s : snapshot()) {
            String host = s.name();
            Tags t = Tags.of("host", host);
            counter(registry, "lonc.requests", t, "Requests submitted to the host.", host, HostStatus::requests);
            counter(registry, "lonc.timeouts", t, "Transactions that timed out (also counted as con_lost).",
                    host, HostStatus::timeouts);
            counter(registry, "lonc.connection.opens", t, "lond connections started.", host, HostStatus::opens);
            counter(registry, "lonc.connection.failures", t, "lond connection failures counted against the retries.",
                    host, HostStatus::failures);
            counter(registry, "lonc.replies", t.and("kind", "answer"), "Requests completed, by the kind of reply.",
                    host, x -> x.replies() - refusals(x));
            for (int i = 0; i < HostStatus.LOND_ERROR_WORDS.size(); i++) {
                int k = i;
                counter(registry, "lonc.replies", t.and("kind", HostStatus.LOND_ERROR_WORDS.get(i)),
                        "Requests completed, by the kind of reply.", host, x -> x.londErrors(k));
            }
            counter(registry, "lonc.replies", t.and("kind", ReplyTokens.CON_LOST),
                    "Requests completed, by the kind of reply.", host, HostStatus::conLost);
            counter(registry, "lonc.replies", t.and("kind", ReplyTokens.CON_BUSY),
                    "Requests completed, by the kind of reply.", host, HostStatus::busy);
            for (HostState st : HostState.values()) {
                gauge(registry, "lonc.host.state", t.and("state", st.name().toLowerCase(Locale.ROOT)),
                        "1 for the host's current state, 0 for the others.", host, x -> x.state() == st ? 1 : 0);
            }
            gauge(registry, "lonc.retries.left", t, "Connection failures left before the host is marked dead.",
                    host, x -> Math.max(0, x.retriesLeft()));
            gauge(registry, "lonc.queue.length", t, "Requests waiting for a connection.", host, HostStatus::queued);
            gauge(registry, "lonc.connections", t.and("phase", "active"), "lond connections open, by phase.",
                    host, HostStatus::active);
            gauge(registry, "lonc.connections", t.and("phase", "idle"), "lond connections open, by phase.",
                    host, HostStatus::idle);
            gauge(registry, "lonc.connections", t.and("phase", "connecting"), "lond connections open, by phase.",
                    host, HostStatus::connecting);
            FunctionTimer.builder("lonc.request.latency", this,
                            b -> count(b.host(host)), b -> b.host(host) == null ? 0 : b.host(host).latencySumMicros(),
                            TimeUnit.MICROSECONDS)
                    .tags(t).description("Reply latency from submission (queue wait included) to lond's reply.")
                    .register(registry);
        }
    }

    private void counter(MeterRegistry r, String name, Tags tags, String help, String host,
            ToDoubleFunction<HostStatus> f) {
        FunctionCounter.builder(name, this, b -> read(b.host(host), f)).tags(tags).description(help).register(r);
    }

    private void gauge(MeterRegistry r, String name, Tags tags, String help, String host,
            ToDoubleFunction<HostStatus> f) {
        Gauge.builder(name, this, b -> read(b.host(host), f)).tags(tags).description(help).register(r);
    }

    private static double read(HostStatus s, ToDoubleFunction<HostStatus> f) {
        return s == null ? Double.NaN : f.applyAsDouble(s);
    }

    private static long count(HostStatus s) {
        if (s == null || s.latencyBuckets() == null) {
            return 0;
        }
        long n = 0;
        for (long c : s.latencyBuckets()) {
            n += c;
        }
        return n;
    }

    private static long refusals(HostStatus s) {
        long n = 0;
        for (int i = 0; i < HostStatus.LOND_ERROR_WORDS.size(); i++) {
            n += s.londErrors(i);
        }
        return n;
    }

    private synchronized HostStatus host(String name) {
        snapshot();
        return byName.get(name);
    }

    /** The current snapshot, taken again when older than maxAge. */
    synchronized List<HostStatus> snapshot() {
        long now = nanoTime.getAsLong();
        if (snapshot == null || now - takenAt >= maxAgeNanos) {
            try {
                snapshot = client.status();
                java.util.Map<String, HostStatus> m = new java.util.HashMap<>();
                for (HostStatus s : snapshot) {
                    m.put(s.name(), s);
                }
                byName = m;
                takenAt = now;
            } catch (IOException e) {
                if (snapshot == null) {
                    throw new UncheckedIOException("cannot read lonc's status: " + e.getMessage(), e);
                }
                // keep the last snapshot; it is retried on the next reading
            }
        }
        return snapshot;
    }
}
