package org.loncapa.lonc.examples;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.loncapa.lonc.client.LoncClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code lonc metrics}: every host's counters as OpenMetrics text. */
@Command(name = "metrics", mixinStandardHelpOptions = true,
        header = "Print the metrics of every host as OpenMetrics text.",
        description = {"Print requests, replies by kind, connection opens and failures, state,",
            "queue, connections, deferred backlog and the latency histogram of every host, in",
            "the OpenMetrics text format a Prometheus scrape reads. With --daemon this is the",
            "running daemon's {\"cmd\":\"metrics\"} answer (what its /metrics listener serves);",
            "embedded it is this command's own fresh engine."})
final class MetricsCommand implements Callable<Integer> {
    @ParentCommand
    LoncCli cli;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (LoncClient client = cli.openClient()) {
            out.print(client.metrics());
            out.flush();
            return ExitCodes.OK;
        }
    }
}
