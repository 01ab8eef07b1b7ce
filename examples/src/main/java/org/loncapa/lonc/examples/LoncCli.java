package org.loncapa.lonc.examples;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.loncapa.lonc.client.LoncClient;
import org.loncapa.lonc.client.Reply;
import org.loncapa.lonc.client.LoncConfigException;
import org.loncapa.lonc.client.WireBytes;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code lonc} command: talk to LON-CAPA hosts from a shell, embedded (the command runs its
 * own engine) or through a running lonc daemon ({@code --daemon}), plus {@code probe}, a
 * lond connectivity check in the spirit of {@code openssl s_client}. The reply line is printed
 * alone on stdout; everything else goes to stderr; exit codes are in {@link ExitCodes}.
 */
@Command(name = "lonc", mixinStandardHelpOptions = true, version = "lonc 0.1.0",
        sortOptions = false, usageHelpAutoWidth = true,
        description = {
            "Talk to LON-CAPA hosts the way lonnet does: embedded (this command runs its own",
            "connection engine) or through a running lonc daemon (--daemon).",
            "The reply line is printed alone on stdout; messages go to stderr."},
        subcommands = {PingCommand.class, SendCommand.class, CriticalCommand.class,
            StatusCommand.class, MetricsCommand.class, DeferredCommand.class, ProbeCommand.class,
            CommandLine.HelpCommand.class},
        footerHeading = "%nExit codes:%n",
        footer = {
            "  0  an ordinary reply (or the command did what was asked)",
            "  1  an error token (con_lost, no_such_host, refused, ...), or nothing matched",
            "  2  usage or configuration error",
            "  3  critical: saved in the deferred store (con_delayed)",
            "  4  could not ask: admin socket, deferred directory, or (probe) lond",
            "  5  internal error"})
public final class LoncCli implements java.util.concurrent.Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "<loncapa.conf>",
            description = "LON-CAPA's loncapa.conf (PerlSetVar lines: lonHostID, lonSockDir, ...).")
    Path config;

    @Option(names = "--hosts", paramLabel = "<hosts.tab>",
            description = "Host table to use instead of <lonTabDir>/hosts.tab.")
    Path hosts;

    @Option(names = "--daemon",
            description = "Go through the running lonc daemon's UNIX sockets in lonSockDir"
                    + " (default: embedded, no daemon needed).")
    boolean daemon;

    @Option(names = "--admin-socket", paramLabel = "<path>",
            description = "The daemon's admin socket (default: <lonSockDir>/.lonc-admin).")
    Path adminSocket;

    @Option(names = "--timeout", paramLabel = "<duration>", defaultValue = "30s",
            converter = DurationConverter.class,
            description = "How long to wait for a reply, e.g. 500ms, 5s, 2m (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    /**
     * Standard output as bytes, so that a reply reaches it exactly as lond sent it (a text writer
     * would turn every byte that is not UTF-8 into '?'); null when only a writer was given (tests
     * of text output).
     */
    private OutputStream rawOut;

    /** Where {@code --stdin} reads a request's bytes. */
    private InputStream stdin = System.in;

    /** The longest request {@code --stdin} accepts, newline included. */
    static final int MAX_STDIN_REQUEST = 1 << 20;

    /** {@code lonc} without a command: the usage, on stderr. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }

    /** Builds the client the subcommands use, from the global options. */
    LoncClient openClient() throws LoncConfigException {
        if (config == null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "Missing required option: '--config=<loncapa.conf>'");
        }
        LoncClient.Builder b = LoncClient.fromConfig(config, hosts)
                .timeout(timeout)
                .replayDeferred(false); // a short-lived command must not replay as a side effect
        if (daemon) {
            b.daemon();
        }
        if (adminSocket != null) {
            b.adminSocket(adminSocket);
        }
        return b.build();
    }

    /**
     * Prints the reply line on stdout, byte for byte as received (followed by a newline), and maps
     * its kind to an exit code.
     */
    int printReply(CommandSpec spec, Reply r) throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        out.flush();
        if (rawOut != null) {
            rawOut.write(WireBytes.encode(r.line()));
            rawOut.write('\n');
            rawOut.flush();
        } else {
            out.println(r.line());
            out.flush();
        }
        return exitCode(r);
    }

    /**
     * The request of {@code send}/{@code critical}: the argument, or with {@code --stdin} one line
     * read from standard input as bytes (a trailing newline dropped), so that a request that is not
     * UTF-8 reaches lond unchanged; the JVM decodes arguments and cannot give their bytes back.
     */
    String request(CommandSpec sub, String argument, boolean fromStdin) throws IOException {
        if (fromStdin == (argument != null)) {
            throw new CommandLine.ParameterException(sub.commandLine(),
                    "Give either <cmd> or --stdin, not " + (fromStdin ? "both" : "neither"));
        }
        if (!fromStdin) {
            return argument;
        }
        byte[] b = stdin.readNBytes(MAX_STDIN_REQUEST + 1);
        if (b.length > MAX_STDIN_REQUEST) {
            throw new IllegalArgumentException("the request on standard input is longer than "
                    + MAX_STDIN_REQUEST + " bytes");
        }
        int n = b.length;
        if (n > 0 && b[n - 1] == '\n') {
            n--;
        }
        for (int i = 0; i < n; i++) {
            if (b[i] == '\n' || b[i] == '\r') {
                throw new IllegalArgumentException("the request on standard input must be one line;"
                        + " found a " + (b[i] == '\n' ? "newline" : "carriage return") + " at byte " + i);
            }
        }
        if (n == 0) {
            throw new IllegalArgumentException("the request on standard input is empty");
        }
        return WireBytes.decode(b, 0, n);
    }

    /** The exit code for a reply. */
    static int exitCode(Reply r) {
        return switch (r.kind()) {
            case ANSWER -> ExitCodes.OK;
            case CON_DELAYED -> ExitCodes.DELAYED;
            default -> ExitCodes.ERROR_REPLY;
        };
    }

    /** A command line with lonc's error handling, writing to the given streams. */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new LoncCli());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            PrintWriter e = commandLine.getErr();
            int code;
            if (ex instanceof LoncConfigException) {
                e.println("lonc: configuration error: " + ex.getMessage());
                code = ExitCodes.USAGE;
            } else if (ex instanceof IllegalArgumentException) {
                e.println("lonc: " + ex.getMessage());
                code = ExitCodes.USAGE;
            } else if (ex instanceof IOException) {
                e.println("lonc: " + ex.getMessage());
                code = ExitCodes.UNAVAILABLE;
            } else if (ex instanceof IllegalStateException) {
                e.println("lonc: " + ex.getMessage());
                code = ExitCodes.USAGE;
            } else {
                e.println("lonc: internal error: " + ex);
                ex.printStackTrace(e);
                code = ExitCodes.SOFTWARE;
            }
            e.flush();
            return code;
        });
        return cl;
    }

    /** Runs the command line in-process and returns its exit code (replies written as text). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        int code = commandLine(out, err).execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /**
     * Runs the command line in-process with byte streams, as {@link #main} does: replies reach
     * {@code out} byte for byte and {@code --stdin} reads {@code in}.
     */
    public static int run(String[] args, InputStream in, OutputStream out, PrintWriter err) {
        PrintWriter text = new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true);
        CommandLine cl = commandLine(text, err);
        LoncCli cli = cl.getCommand();
        cli.rawOut = out;
        cli.stdin = in;
        int code = cl.execute(args);
        text.flush();
        err.flush();
        return code;
    }

    public static void main(String[] args) {
        // Operators want warnings and errors from the engine, not its chatter; -Dorg.slf4j.simpleLogger
        // .defaultLogLevel=debug shows every handshake step.
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        System.exit(run(args, System.in, System.out, new PrintWriter(System.err, true, StandardCharsets.UTF_8)));
    }
}
