package org.loncapa.lonc.examples;

import java.util.concurrent.Callable;
import org.loncapa.lonc.client.LoncClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code lonc critical <lonid> <cmd>}: lonnet's {@code critical()}. */
@Command(name = "critical", mixinStandardHelpOptions = true,
        header = "Send a command that must not be lost, as lonnet's critical() does.",
        description = {"Send a command that must not be lost, as lonnet's critical() does:",
            "on con_lost the host is reset and the command tried once more; if that fails",
            "too it is saved in <lonSockDir>/delayed/ for replay and 'con_delayed' is",
            "printed (exit 3), or 'con_failed' if it could not be saved (exit 1)."})
final class CriticalCommand implements Callable<Integer> {
    @ParentCommand
    LoncCli cli;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<lonid>", description = "The target lonID.")
    String lonId;

    @Parameters(index = "1", arity = "0..1", paramLabel = "<cmd>",
            description = "The command, one line (quote it).")
    String command;

    @Option(names = "--stdin", description = "Read the command from standard input instead: its bytes"
            + " as they are (one line; a trailing newline is dropped), for requests that are not UTF-8.")
    boolean fromStdin;

    @Override
    public Integer call() throws Exception {
        String request = cli.request(spec, command, fromStdin);
        try (LoncClient client = cli.openClient()) {
            return cli.printReply(spec, client.critical(lonId, request));
        }
    }
}
