package org.loncapa.lonc.examples;

import java.util.concurrent.Callable;
import org.loncapa.lonc.client.LoncClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code lonc ping <lonid>}: lond answers {@code ping} with its lonID. */
@Command(name = "ping", mixinStandardHelpOptions = true,
        header = "Send 'ping' to a host (lond answers with its lonID).",
        description = {"Send 'ping' to a host; lond answers with its lonID.",
            "Prints the reply line on stdout."})
final class PingCommand implements Callable<Integer> {
    @ParentCommand
    LoncCli cli;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<lonid>", description = "The host's lonID, e.g. msul1.")
    String lonId;

    @Override
    public Integer call() throws Exception {
        try (LoncClient client = cli.openClient()) {
            return cli.printReply(spec, client.reply(lonId, "ping"));
        }
    }
}
