package org.loncapa.lonc.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.loncapa.lonc.core.config.ConfigException;
import org.loncapa.lonc.core.config.LoncapaConfig;
import org.loncapa.lonc.daemon.logging.LoncLogServiceProvider;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The command line of the daemon jar. Scripts and service files depend on it; keep it stable.
 *
 * <pre>
 * java -jar lonc-daemon-all.jar run --config /etc/httpd/conf/loncapa.conf [--hosts hosts.tab]
 *                               [--settings lonc.properties] [--set name=value]...
 * java -jar lonc-daemon-all.jar admin --config loncapa.conf status [host]
 * java -jar lonc-daemon-all.jar send --socket /home/httpd/sockets/msul1.example.edu 'sethost:msul1:ping'
 * java -jar lonc-daemon-all.jar settings
 * </pre>
 *
 * Exit codes: 0 done, 1 failure, 2 configuration or usage error, 3 a socket is in use by a live
 * process (another lonc is running), 4 a fatal internal error (a lonc thread died, for example of
 * OutOfMemoryError; lonc.log has a CRITICAL line; the service manager should restart it).
 */
@Command(name = "lonc-daemon", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "lonc for Java: a drop-in replacement for LON-CAPA's Perl lonc daemon.%n"
                + "To see it work without any configuration, run the lonc-demo jar.",
        subcommands = {Main.Run.class, Main.Admin.class, Main.Send.class,
            Main.Settings.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:failure", "2:configuration or usage error",
            "3:a socket is in use by a live process (another lonc?)",
            "4:fatal internal error (a thread died, e.g. out of memory); restart it"})
public final class Main implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        LoncLogServiceProvider.install();
        boundDnsCache();
        System.exit(execute(args));
    }

    /**
     * Name lookups must not be cached forever, or a lond host that moves to a new IP address would
     * only be reached again after a restart. The JDK caches successful lookups for 30 s unless a
     * security manager is installed, where it caches them forever; say 30 s explicitly, unless the
     * operator set {@code networkaddress.cache.ttl} in java.security. Failed lookups: 10 s.
     */
    static void boundDnsCache() {
        if (java.security.Security.getProperty("networkaddress.cache.ttl") == null) {
            java.security.Security.setProperty("networkaddress.cache.ttl", "30");
        }
        if (java.security.Security.getProperty("networkaddress.cache.negative.ttl") == null) {
            java.security.Security.setProperty("networkaddress.cache.negative.ttl", "10");
        }
    }

    /** Runs the command line and returns the exit code. */
    public static int execute(String... args) {
        return new CommandLine(new Main()).execute(args);
    }

    /** Runs the command line with the given output streams (tests). */
    static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new Main());
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
        spec.commandLine().usage(spec.commandLine().getErr());
        return LoncDaemon.EXIT_CONFIG;
    }

    /** The version from the jar. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"lonc-daemon " + LoncDaemon.version(),
                "Java " + System.getProperty("java.version")};
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Run the daemon in the foreground until SIGTERM.%n"
                    + "Signals: HUP reload, USR1 status files + reset retries, USR2 toggle"
                    + " transaction logging, INT toggle debug logging, TERM drain and exit.")
    static final class Run implements Callable<Integer> {
        @CommandLine.Mixin
        ConfigMixin cfg;

        @Option(names = "--hosts", paramLabel = "<hosts.tab>",
                description = "Host table to use instead of <lonTabDir>/hosts.tab.")
        Path hosts;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            if (cfg.config == null) {
                err.println("lonc: --config <loncapa.conf> is required");
                return LoncDaemon.EXIT_CONFIG;
            }
            LoncDaemon d;
            try {
                d = LoncDaemon.start(new LoncDaemon.Options().config(cfg.config).hostsFile(hosts)
                        .settingsFile(cfg.settings).overrides(cfg.set).signals(true).supervise(true));
            } catch (ConfigException e) {
                err.println("lonc: configuration error: " + e.getMessage());
                return LoncDaemon.EXIT_CONFIG;
            } catch (LoncDaemon.StartupException e) {
                err.println("lonc: " + e.getMessage());
                return e.exitCode();
            }
            Thread hook = new Thread(() -> d.shutdown("JVM shutdown"), "lonc-shutdown-hook");
            Runtime.getRuntime().addShutdownHook(hook);
            long pid = ProcessHandle.current().pid();
            spec.commandLine().getOut().println("lonc running (pid " + pid + "), log "
                    + d.logFile().path() + "; stop it with 'kill -TERM " + pid + "' (SIGINT toggles"
                    + " debug logging, as in Perl lonc)");
            spec.commandLine().getOut().flush();
            int code = d.awaitExit();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down
            }
            return code;
        }
    }

    /** --config/--settings/--set as a picocli mixin. */
    static final class ConfigMixin {
        @Option(names = "--config", paramLabel = "<loncapa.conf>",
                description = "LON-CAPA's loncapa.conf (PerlSetVar lines).")
        Path config;

        @Option(names = "--settings", paramLabel = "<file>",
                description = "A file of daemon settings (name = value lines); see 'settings'.")
        Path settings;

        @Option(names = "--set", paramLabel = "name=value",
                description = "Override one setting (repeatable); applied after --settings.")
        List<String> set = new ArrayList<>();
    }

    @Command(name = "admin", mixinStandardHelpOptions = true,
            description = "Send one command to a running daemon's admin socket and print the JSON"
                    + " reply. Commands: status [host], reset [host], pause <host>, resume <host>,"
                    + " close <host>, reload, write-status, txlog [on|off], debug [on|off],"
                    + " deferred-list [host], deferred-flush <host>, deferred-hold <file>,"
                    + " deferred-release <file>, deferred-delete <file>, metrics (prints the"
                    + " OpenMetrics text itself), help; or a raw JSON object.")
    static final class Admin implements Callable<Integer> {
        @CommandLine.Mixin
        ConfigMixin cfg;

        @Option(names = "--socket", paramLabel = "<path>",
                description = "The admin socket (default: <lonSockDir>/.lonc-admin from --config).")
        Path socket;

        @Parameters(arity = "1..2", paramLabel = "<command> [host|file|on|off]")
        List<String> words;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter err = spec.commandLine().getErr();
            Path path = socket;
            if (path == null) {
                if (cfg.config == null) {
                    err.println("lonc: give --socket <path> or --config <loncapa.conf>");
                    return LoncDaemon.EXIT_CONFIG;
                }
                try {
                    LoncapaConfig c = LoncapaConfig.load(cfg.config);
                    DaemonSettings s = DaemonSettings.defaults();
                    if (cfg.settings != null) {
                        s = s.withFile(cfg.settings);
                    }
                    s = s.withOverrides(cfg.set);
                    path = c.lonSockDir().resolve(s.text(Setting.ADMIN_SOCKET));
                } catch (ConfigException e) {
                    err.println("lonc: configuration error: " + e.getMessage());
                    return LoncDaemon.EXIT_CONFIG;
                }
            }
            ObjectMapper json = new ObjectMapper();
            String request;
            if (words.get(0).startsWith("{")) {
                request = words.get(0);
            } else {
                ObjectNode o = json.createObjectNode();
                String cmd = words.get(0);
                o.put("cmd", cmd);
                if (words.size() > 1) {
                    String arg = words.get(1);
                    if (cmd.equals("txlog") || cmd.equals("debug")) {
                        o.put("on", arg.equals("on") || arg.equals("true") || arg.equals("1"));
                    } else if (cmd.startsWith("deferred-") && !cmd.equals("deferred-list")
                            && !cmd.equals("deferred-flush")) {
                        o.put("file", arg);
                    } else {
                        o.put("host", arg);
                    }
                }
                request = json.writeValueAsString(o);
            }
            List<String> replies;
            try {
                replies = exchange(path, List.of(request));
            } catch (IOException e) {
                err.println("lonc: cannot talk to " + path + ": " + e.getMessage());
                return LoncDaemon.EXIT_FAILURE;
            }
            String reply = replies.isEmpty() ? "" : replies.get(0);
            JsonNode n;
            try {
                n = json.readTree(reply);
            } catch (IOException e) {
                spec.commandLine().getOut().println(reply);
                return LoncDaemon.EXIT_FAILURE;
            }
            if (n.path("ok").asBoolean(false) && n.path("text").isTextual() && n.has("contentType")) {
                spec.commandLine().getOut().print(n.path("text").asText()); // metrics: the text as served
                spec.commandLine().getOut().flush();
                return LoncDaemon.EXIT_OK;
            }
            spec.commandLine().getOut().println(json.enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(n));
            return n.path("ok").asBoolean(false) ? LoncDaemon.EXIT_OK : LoncDaemon.EXIT_FAILURE;
        }
    }

    @Command(name = "send", mixinStandardHelpOptions = true,
            description = "Send request lines to a host socket, as lonnet does, and print the reply"
                    + " lines. Several requests go over one connection, in order.")
    static final class Send implements Callable<Integer> {
        @Option(names = "--socket", required = true, paramLabel = "<path>",
                description = "The host socket, e.g. /home/httpd/sockets/msul1.example.edu.")
        Path socket;

        @Parameters(arity = "1..*", paramLabel = "<request>",
                description = "Request lines, e.g. 'sethost:msul1:ping'.")
        List<String> requests;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            try {
                for (String r : exchange(socket, requests)) {
                    spec.commandLine().getOut().println(r);
                }
                return LoncDaemon.EXIT_OK;
            } catch (IOException e) {
                spec.commandLine().getErr().println("lonc: cannot talk to " + socket + ": " + e.getMessage());
                return LoncDaemon.EXIT_FAILURE;
            }
        }
    }

    @Command(name = "settings", mixinStandardHelpOptions = true,
            description = "List every daemon setting with its default, unit and meaning.")
    static final class Settings implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--markdown", description = "As the table in docs/configuration.md.")
        boolean markdown;

        @Option(names = "--sample", description = "As a settings file with every line commented out"
                + " (the distribution's conf/lonc.properties).")
        boolean sample;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            if (markdown) {
                out.print(markdownTable());
                out.flush();
                return LoncDaemon.EXIT_OK;
            }
            if (sample) {
                out.print(sampleSettings());
                out.flush();
                return LoncDaemon.EXIT_OK;
            }
            for (Setting s : Setting.values()) {
                out.printf("%-24s default %-12s (%s)%n    %s%n", s.key(),
                        s.defaultValue().isEmpty() ? "\"\"" : s.defaultValue(), s.unit(), s.description());
            }
            return LoncDaemon.EXIT_OK;
        }
    }

    /** Every setting as a Markdown table (docs/configuration.md holds the same table). */
    static String markdownTable() {
        StringBuilder b = new StringBuilder("| setting | default | unit | meaning |\n| --- | --- | --- | --- |\n");
        for (Setting s : Setting.values()) {
            b.append("| `").append(s.key()).append("` | ")
                    .append(s.defaultValue().isEmpty() ? "(see meaning)" : "`" + s.defaultValue() + "`")
                    .append(" | ").append(s.unit().replace("|", "\\|")).append(" | ")
                    .append(s.description().replace("|", "\\|")).append(" |\n");
        }
        return b.toString();
    }

    /** A settings file (for --settings) listing every setting at its default, commented out. */
    static String sampleSettings() {
        StringBuilder b = new StringBuilder()
                .append("# lonc daemon settings: 'name = value' lines, read with --settings <file> at start and\n")
                .append("# on reload (SIGHUP). Every setting is here at its default, commented out: remove the '#'\n")
                .append("# and change the value. 'lonc settings' lists them; docs/configuration.md explains them.\n")
                .append("# loncapa.conf (lonHostID, lonSockDir, ...) is read separately, with --config.\n");
        for (Setting s : Setting.values()) {
            b.append('\n');
            StringBuilder line = new StringBuilder("#");
            for (String w : (s.description() + " [" + s.unit() + "]").split(" ")) {
                if (line.length() + w.length() + 1 > 98) {
                    b.append(line).append('\n');
                    line = new StringBuilder("#");
                }
                line.append(' ').append(w);
            }
            b.append(line).append('\n');
            b.append('#').append(s.key()).append(" = ").append(s.defaultValue()).append('\n');
        }
        return b.toString();
    }

    /**
     * Writes each request line to a UNIX socket and reads one reply line per request, over one
     * connection. A missing reply (the daemon closed the connection) ends the list early.
     */
    public static List<String> exchange(Path socket, List<String> requests) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            StringBuilder all = new StringBuilder();
            for (String r : requests) {
                all.append(r).append('\n');
            }
            ByteBuffer b = ByteBuffer.wrap(all.toString().getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.shutdownOutput();
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(
                    Channels.newInputStream(ch), StandardCharsets.UTF_8));
            List<String> replies = new ArrayList<>();
            for (int i = 0; i < requests.size(); i++) {
                String line = in.readLine();
                if (line == null) {
                    break;
                }
                replies.add(line);
            }
            return replies;
        }
    }
}
