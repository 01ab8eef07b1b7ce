package org.loncapa.lonc.client.internal;

import java.util.ArrayList;
import java.util.List;
import org.loncapa.lonc.client.HostView;
import org.loncapa.lonc.core.HostStatus;

/** The client's immutable view of the engine's (or the daemon's) host snapshot. */
public final class HostViews {
    private HostViews() {}

    /** One host's view; the buckets are copied, so the snapshot's arrays are not shared. */
    public static HostView of(HostStatus s) {
        long[] b = s.latencyBuckets() == null ? new long[0] : s.latencyBuckets();
        List<Long> buckets = new ArrayList<>(b.length);
        for (long c : b) {
            buckets.add(c);
        }
        return new HostView(s.name(), s.lonIds(), HostView.State.valueOf(s.state().name()),
                s.keyMode(), s.peerVersion(),
                new HostView.Connections(s.active(), s.idle(), s.connecting(), s.queued()),
                s.retriesLeft(), s.nextProbeMillis(),
                new HostView.Counters(s.requests(), s.replies(), s.londErrors(0), s.londErrors(1),
                        s.londErrors(2), s.londErrors(3), s.conLost(), s.busy(), s.timeouts(),
                        s.opens(), s.failures()),
                new HostView.Latency(buckets, s.latencySumMicros()));
    }

    /** Every host's view, in the snapshot's order. */
    public static List<HostView> of(List<HostStatus> list) {
        List<HostView> out = new ArrayList<>(list.size());
        for (HostStatus s : list) {
            out.add(of(s));
        }
        return List.copyOf(out);
    }
}
