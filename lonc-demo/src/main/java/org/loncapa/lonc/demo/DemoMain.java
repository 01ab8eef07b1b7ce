package org.loncapa.lonc.demo;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.loncapa.lonc.daemon.LoncDaemon;
import org.loncapa.lonc.daemon.logging.LoncLogServiceProvider;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The demo's command line: {@code java -jar lonc-demo-<version>-all.jar [--keep] [--stay]}.
 * Exit codes: 0 every step of the demo did what it should, 1 a step failed, 2 usage error.
 */
@Command(name = "lonc-demo", mixinStandardHelpOptions = true, versionProvider = DemoMain.Version.class,
        description = "Start fake lond hosts on loopback, the real lonc daemon in front of them, send a"
                + " few requests like lonnet does, print what happened and exit. Needs no configuration.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every step passed", "1:a step failed", "2:usage error"})
public final class DemoMain implements Callable<Integer> {
    @Option(names = "--keep", description = "Keep the demo's temporary directory (and print it).")
    boolean keep;

    @Option(names = "--stay", description = "Keep the daemon and the fake hosts running after the"
            + " demo's requests, to try the example commands; stop with Ctrl-C.")
    boolean stay;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private DemoMain() {
    }

    /**
     * Runs the demo and exits with its code.
     *
     * @param args {@code [--keep] [--stay]}
     */
    public static void main(String[] args) {
        // the daemon writes lonc.log through its own SLF4J backend, as when run on its own
        LoncLogServiceProvider.install();
        System.exit(new CommandLine(new DemoMain()).execute(args));
    }

    /** Runs the command line with the given output streams (tests). */
    static int execute(PrintWriter out, PrintWriter err, String... args) {
        LoncLogServiceProvider.install();
        CommandLine cl = new CommandLine(new DemoMain());
        cl.setOut(out);
        cl.setErr(err);
        try {
            return cl.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    @Override
    public Integer call() {
        return new Demo(spec.commandLine().getOut(), keep || stay, stay).run();
    }

    /** The version from the daemon jar. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"lonc-demo " + LoncDaemon.version(), "Java " + System.getProperty("java.version")};
        }
    }
}
