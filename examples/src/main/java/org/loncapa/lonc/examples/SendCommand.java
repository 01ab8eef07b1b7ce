package org.loncapa.lonc.examples;

import java.util.concurrent.Callable;
import org.loncapa.lonc.client.LoncClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code lonc send <lonid> <cmd>}: lonnet's {@code reply()}. */
@Command(name = "send", mixinStandardHelpOptions = true,
        header = "Send one command to a host, as lonnet's reply() does.",
        description = {"Send one command to a host and print lond's reply line on stdout,",
            "as lonnet's reply() does. A leading 'encrypt:' makes it travel encrypted."})
final class SendCommand implements Callable<Integer> {
    @ParentCommand
    LoncCli cli;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<lonid>", description = "The target lonID.")
    String lonId;

    @Parameters(index = "1", arity = "0..1", paramLabel = "<cmd>",
            description = "The command, one line (quote it), e.g. 'echo:hello'.")
    String command;

    @Option(names = "--stdin", description = "Read the command from standard input instead: its bytes"
            + " as they are (one line; a trailing newline is dropped), for requests that are not UTF-8.")
    boolean fromStdin;

    @Override
    public Integer call() throws Exception {
        String request = cli.request(spec, command, fromStdin);
        try (LoncClient client = cli.openClient()) {
            return cli.printReply(spec, client.reply(lonId, request));
        }
    }
}
