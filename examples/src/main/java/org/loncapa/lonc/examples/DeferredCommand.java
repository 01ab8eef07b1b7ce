package org.loncapa.lonc.examples;

import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import org.loncapa.lonc.client.DeferredItem;
import org.loncapa.lonc.client.FlushResult;
import org.loncapa.lonc.client.LoncClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code lonc deferred list|flush|hold|release}: the deferred (critical) transactions. */
@Command(name = "deferred", mixinStandardHelpOptions = true,
        header = "List, flush, hold or release deferred (critical) transactions.",
        description = {"Inspect and steer the deferred (critical) transactions waiting in",
            "<lonSockDir>/delayed/. Embedded this works on the files directly; with --daemon",
            "it asks the daemon over its admin socket."},
        subcommands = {DeferredCommand.ListItems.class, DeferredCommand.Flush.class,
            DeferredCommand.Hold.class, DeferredCommand.Release.class})
final class DeferredCommand implements Callable<Integer> {
    @ParentCommand
    LoncCli cli;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }

    static void printItems(PrintWriter out, List<DeferredItem> items) {
        String fmt = "%-44s %-10s %-9s %-5s %s%n";
        out.printf(fmt, "ID", "LONID", "AGE", "HELD", "COMMAND");
        Instant now = Instant.now();
        for (DeferredItem i : items) {
            out.printf(fmt, i.id(), i.lonId(), age(Duration.between(i.savedAt(), now)),
                    i.held() ? "yes" : "no", i.command()
                            + (i.deliveredNotRemoved() ? "  [delivered, not removed]" : ""));
        }
    }

    static String age(Duration d) {
        long s = Math.max(0, d.getSeconds());
        if (s < 120) {
            return s + "s";
        }
        if (s < 7200) {
            return s / 60 + "m";
        }
        if (s < 172800) {
            return s / 3600 + "h";
        }
        return s / 86400 + "d";
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            header = "List pending and held transactions.",
            description = "List pending and held transactions (secret arguments are never shown).")
    static final class ListItems implements Callable<Integer> {
        @ParentCommand
        DeferredCommand parent;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", arity = "0..1", paramLabel = "<lonid>",
                description = "Only this lonID (default: all).")
        String lonId;

        @Option(names = "--json", description = "Print a JSON array instead of a table.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            try (LoncClient client = parent.cli.openClient()) {
                List<DeferredItem> items = lonId == null ? client.deferred().list()
                        : client.deferred().list(lonId);
                PrintWriter out = spec.commandLine().getOut();
                if (json) {
                    out.println(JsonText.write(items));
                } else {
                    printItems(out, items);
                }
                return ExitCodes.OK;
            }
        }
    }

    @Command(name = "flush", mixinStandardHelpOptions = true,
            header = "Replay a lonID's pending transactions now.",
            description = {"Replay a lonID's pending transactions now, oldest first. Embedded this",
                "command replays them itself, stopping at the first that gets no reply; with",
                "--daemon the daemon replays them and answers once the host's line is empty or",
                "stopped. Prints 'delivered=<n> pending=<m>'; exits 3 while some remain pending."})
    static final class Flush implements Callable<Integer> {
        @ParentCommand
        DeferredCommand parent;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "<lonid>", description = "The lonID.")
        String lonId;

        @Override
        public Integer call() throws Exception {
            try (LoncClient client = parent.cli.openClient()) {
                FlushResult r = client.deferred().flush(lonId);
                spec.commandLine().getOut().println("delivered=" + r.delivered() + " pending="
                        + r.pending());
                if (r.pending() > 0) {
                    spec.commandLine().getErr().println("lonc: " + r.pending() + " still pending"
                            + " (too young, lonnet may still read them back, or the host did not"
                            + " answer); 'deferred list " + lonId + "' shows them");
                    return ExitCodes.DELAYED;
                }
                return ExitCodes.OK;
            }
        }
    }

    @Command(name = "hold", mixinStandardHelpOptions = true,
            header = "Keep transactions from being replayed.",
            description = "Keep pending transactions from being replayed (moved to delayed/hold/).")
    static final class Hold implements Callable<Integer> {
        @ParentCommand
        DeferredCommand parent;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "<lonid|id>",
                description = "A lonID (all its pending transactions) or one ID from 'list'.")
        String target;

        @Override
        public Integer call() throws Exception {
            try (LoncClient client = parent.cli.openClient()) {
                return moved(spec, () -> client.deferred().hold(target), target, "pending");
            }
        }
    }

    @Command(name = "release", mixinStandardHelpOptions = true,
            header = "Let held transactions be replayed again.",
            description = "Let held transactions be replayed again.")
    static final class Release implements Callable<Integer> {
        @ParentCommand
        DeferredCommand parent;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "<lonid|id>",
                description = "A lonID (all its held transactions) or one ID from 'list'.")
        String target;

        @Override
        public Integer call() throws Exception {
            try (LoncClient client = parent.cli.openClient()) {
                return moved(spec, () -> client.deferred().release(target), target, "held");
            }
        }
    }

    interface Move {
        List<DeferredItem> run() throws Exception;
    }

    static int moved(CommandSpec spec, Move move, String target, String what) throws Exception {
        List<DeferredItem> items;
        try {
            items = move.run();
        } catch (NoSuchFileException e) {
            items = List.of();
        }
        if (items.isEmpty()) {
            spec.commandLine().getErr().println("lonc: no " + what + " deferred transaction matches "
                    + target);
            return ExitCodes.ERROR_REPLY;
        }
        for (DeferredItem i : items) {
            spec.commandLine().getOut().println(i.id());
        }
        return ExitCodes.OK;
    }
}
