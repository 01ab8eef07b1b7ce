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
import org.loncapa.lonc.client.HostView;
import org.loncapa.lonc.client.LoncClient;
import org.loncapa.lonc.client.Reply;

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
    /** The kinds of lond's refusals, as tagged, and how to read each from a snapshot. */
    private static final List<java.util.Map.Entry<String, ToDoubleFunction<HostView>>> REFUSALS = List.of(
            java.util.Map.entry(Reply.Kind.REFUSED.token(), x -> x.counters().refused()),
            java.util.Map.entry(Reply.Kind.REJECTED.token(), x -> x.counters().rejected()),
            java.util.Map.entry(Reply.Kind.UNKNOWN_CMD.token(), x -> x.counters().unknownCmd()),
            java.util.Map.entry(Reply.Kind.UNABLE_TO_SET.token(), x -> x.counters().unableToSet()));

    private List<HostView> snapshot;
    private java.util.Map<String, HostView> byName = java.util.Map.of();
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
        for (HostView s : snapshot()) {
            String host = s.name();
            Tags t = Tags.of("host", host);
            counter(registry, "lonc.requests", t, "Requests submitted to the host.", host,
                    x -> x.counters().requests());
            counter(registry, "lonc.timeouts", t, "Transactions that timed out (also counted as con_lost).",
                    host, x -> x.counters().timeouts());
            counter(registry, "lonc.connection.opens", t, "lond connections started.", host,
                    x -> x.counters().opens());
            counter(registry, "lonc.connection.failures", t, "lond connection failures counted against the retries.",
                    host, x -> x.counters().failures());
            counter(registry, "lonc.replies", t.and("kind", "answer"), "Requests completed, by the kind of reply.",
                    host, x -> x.counters().answers());
            for (java.util.Map.Entry<String, ToDoubleFunction<HostView>> r : REFUSALS) {
                counter(registry, "lonc.replies", t.and("kind", r.getKey()),
                        "Requests completed, by the kind of reply.", host, r.getValue());
            }
            counter(registry, "lonc.replies", t.and("kind", Reply.Kind.CON_LOST.token()),
                    "Requests completed, by the kind of reply.", host, x -> x.counters().conLost());
            counter(registry, "lonc.replies", t.and("kind", Reply.Kind.CON_BUSY.token()),
                    "Requests completed, by the kind of reply.", host, x -> x.counters().busy());
            for (HostView.State st : HostView.State.values()) {
                gauge(registry, "lonc.host.state", t.and("state", st.name().toLowerCase(Locale.ROOT)),
                        "1 for the host's current state, 0 for the others.", host, x -> x.state() == st ? 1 : 0);
            }
            gauge(registry, "lonc.retries.left", t, "Connection failures left before the host is marked dead.",
                    host, x -> Math.max(0, x.retriesLeft()));
            gauge(registry, "lonc.queue.length", t, "Requests waiting for a connection.", host,
                    x -> x.connections().queued());
            gauge(registry, "lonc.connections", t.and("phase", "active"), "lond connections open, by phase.",
                    host, x -> x.connections().active());
            gauge(registry, "lonc.connections", t.and("phase", "idle"), "lond connections open, by phase.",
                    host, x -> x.connections().idle());
            gauge(registry, "lonc.connections", t.and("phase", "connecting"), "lond connections open, by phase.",
                    host, x -> x.connections().connecting());
            FunctionTimer.builder("lonc.request.latency", this,
                            b -> count(b.host(host)),
                            b -> b.host(host) == null ? 0 : b.host(host).latency().sumMicros(),
                            TimeUnit.MICROSECONDS)
                    .tags(t).description("Reply latency from submission (queue wait included) to lond's reply.")
                    .register(registry);
        }
    }

    private void counter(MeterRegistry r, String name, Tags tags, String help, String host,
            ToDoubleFunction<HostView> f) {
        FunctionCounter.builder(name, this, b -> read(b.host(host), f)).tags(tags).description(help).register(r);
    }

    private void gauge(MeterRegistry r, String name, Tags tags, String help, String host,
            ToDoubleFunction<HostView> f) {
        Gauge.builder(name, this, b -> read(b.host(host), f)).tags(tags).description(help).register(r);
    }

    private static double read(HostView s, ToDoubleFunction<HostView> f) {
        return s == null ? Double.NaN : f.applyAsDouble(s);
    }

    private static long count(HostView s) {
        return s == null ? 0 : s.latency().count();
    }

    private synchronized HostView host(String name) {
        snapshot();
        return byName.get(name);
    }

    /** The current snapshot, taken again when older than maxAge. */
    synchronized List<HostView> snapshot() {
        long now = nanoTime.getAsLong();
        if (snapshot == null || now - takenAt >= maxAgeNanos) {
            try {
                snapshot = client.status();
                java.util.Map<String, HostView> m = new java.util.HashMap<>();
                for (HostView s : snapshot) {
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
