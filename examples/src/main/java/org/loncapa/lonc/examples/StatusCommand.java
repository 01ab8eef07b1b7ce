package org.loncapa.lonc.examples;

import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.loncapa.lonc.client.HostView;
import org.loncapa.lonc.client.LoncClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code lonc status [host]}: the per-host status snapshot, as a table or JSON. */
@Command(name = "status", mixinStandardHelpOptions = true,
        header = "Show the state of every host, or of one.",
        description = {"Show the state of every host (or one): health, key mode, connections,",
            "queue, counters and reply latency. With --daemon this is the running daemon's",
            "view (via its admin socket); embedded it is this command's own fresh engine,",
            "which has not connected anywhere yet."})
final class StatusCommand implements Callable<Integer> {
    @ParentCommand
    LoncCli cli;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "<host>",
            description = "A host's DNS name or one of its lonIDs (default: all hosts).")
    String host;

    @Option(names = "--json", description = "Print JSON (one object per host, in an array;"
            + " a single object with <host>) instead of a table.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (LoncClient client = cli.openClient()) {
            List<HostView> list;
            if (host != null) {
                Optional<HostView> one = client.status(host);
                if (one.isEmpty()) {
                    spec.commandLine().getErr().println("lonc: no host " + host);
                    return ExitCodes.ERROR_REPLY;
                }
                if (json) {
                    out.println(JsonText.write(one.get()));
                    return ExitCodes.OK;
                }
                list = List.of(one.get());
            } else {
                list = client.status();
                if (json) {
                    out.println(JsonText.write(list));
                    return ExitCodes.OK;
                }
            }
            printTable(out, list);
            return ExitCodes.OK;
        }
    }

    /** P50_MS and P99_MS are bucket bounds: the quantile is at most that, more than half of it. */
    static void printTable(PrintWriter out, List<HostView> list) {
        String fmt = "%-28s %-16s %-8s %-8s %-8s %6s %7s %8s %8s %8s %8s%n";
        out.printf(fmt, "HOST", "LONIDS", "STATE", "MODE", "CONN", "QUEUED", "RETRIES", "REQUESTS",
                "CON_LOST", "P50_MS", "P99_MS");
        for (HostView s : list) {
            HostView.Connections c = s.connections();
            out.printf(fmt, s.name(), String.join(",", s.lonIds()), s.state(),
                    s.keyMode() == null ? "-" : s.keyMode(),
                    c.active() + "/" + c.idle() + "/" + c.connecting(), c.queued(),
                    s.retriesLeft() < 0 ? "-" : Integer.toString(s.retriesLeft()), s.counters().requests(),
                    s.counters().conLost(), millis(s.latency().p50UpperBoundMicros()),
                    millis(s.latency().p99UpperBoundMicros()));
        }
        out.println("CONN is active/idle/connecting.");
    }

    private static String millis(long micros) {
        return micros < 0 ? "-" : String.format("%.1f", micros / 1000.0);
    }
}
