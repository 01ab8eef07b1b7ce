package org.loncapa.lonc.examples;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import javax.net.ssl.SSLContext;
import org.loncapa.lonc.client.Reply;
import org.loncapa.lonc.core.internal.protocol.KeyMode;
import org.loncapa.lonc.core.tls.TlsConfigException;
import org.loncapa.lonc.core.tls.TlsContexts;
import org.loncapa.lonc.core.tls.TlsFiles;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lonc probe}: one lond connection, handshake, one request, like {@code openssl s_client}. */
@Command(name = "probe", mixinStandardHelpOptions = true,
        header = "Check one lond directly, like 'openssl s_client' for TLS.", sortOptions = false,
        description = {"Check one lond directly, as 'openssl s_client' checks a TLS server:",
            "connect, run the handshake in the chosen key mode with lonc's own protocol code,",
            "send one request and print lond's reply line alone on stdout. The handshake",
            "steps go to stderr (never key material). Needs no loncapa.conf.",
            "Exit 0 for an answer, 1 for an error token from lond, 4 if the connection or",
            "handshake failed (the reason is on stderr)."})
final class ProbeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--host", required = true, paramLabel = "<host>",
            description = "lond's host name or address (local mode: lond only accepts 127.0.0.1).")
    String host;

    @Option(names = "--port", defaultValue = "5663", paramLabel = "<port>",
            description = "lond's port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--my-id", required = true, paramLabel = "<lonid>",
            description = "This host's lonHostID, as lond knows it.")
    String myId;

    @Option(names = "--remote-id", required = true, paramLabel = "<lonid>",
            description = "The remote lonID to select with sethost.")
    String remoteId;

    @Option(names = "--mode", required = true, paramLabel = "insecure|local|ssl",
            description = "Key mode to start with: ${COMPLETION-CANDIDATES}.",
            converter = ModeConverter.class, completionCandidates = ModeConverter.Names.class)
    KeyMode mode;

    @Option(names = "--ca", paramLabel = "<pem>", description = "ssl: the LON-CAPA CA certificate.")
    Path ca;

    @Option(names = "--cert", paramLabel = "<pem>", description = "ssl: this host's certificate.")
    Path cert;

    @Option(names = "--key", paramLabel = "<pem>", description = "ssl: this host's private key.")
    Path key;

    @Option(names = "--key-dir", paramLabel = "<dir>",
            description = "local: where to write the one-time key file lond reads (default: java.io.tmpdir).")
    Path keyDir;

    @Option(names = "--allow-insecure",
            description = "Allow the fall back to insecure mode when an old lond answers"
                    + " init:local or init:ssl with a challenge.")
    boolean allowInsecure;

    @Option(names = "--lon-version", paramLabel = "<version>",
            description = "LON-CAPA version to announce in the init line (default: none, the 2005 form).")
    String lonVersion;

    @Option(names = "--request", defaultValue = "ping", paramLabel = "<cmd>",
            description = "The request to send (default: ${DEFAULT-VALUE}); e.g. 'encrypt:echo:secret'.")
    String request;

    @Option(names = "--timeout", defaultValue = "10s", converter = DurationConverter.class,
            paramLabel = "<duration>",
            description = "Limit for the connect, each handshake step and the reply (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        if (request.indexOf('\n') >= 0 || request.indexOf('\r') >= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--request must be one line");
        }
        SSLContext ssl = null;
        if (mode == KeyMode.SSL) {
            if (ca == null || cert == null || key == null) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--mode ssl needs --ca, --cert and --key");
            }
            try {
                ssl = TlsContexts.forClient(new TlsFiles(ca, cert, key));
            } catch (TlsConfigException e) {
                err.println("lonc probe: " + e.getMessage());
                return ExitCodes.USAGE;
            }
        }
        LondProbe.Result r = new LondProbe(new LondProbe.Settings(host, port, myId, remoteId, mode,
                allowInsecure, ssl, keyDir, lonVersion, request, timeout),
                step -> {
                    err.println("* " + step);
                    err.flush();
                }).run();
        if (!r.ok()) {
            err.println("lonc probe: " + r.failure() + ": " + r.reason());
            return ExitCodes.UNAVAILABLE;
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(r.reply());
        out.flush();
        return LoncCli.exitCode(Reply.of(r.reply()));
    }

    /** insecure|local|ssl, in lower case as operators type them. */
    static final class ModeConverter implements CommandLine.ITypeConverter<KeyMode> {
        @Override
        public KeyMode convert(String s) {
            for (KeyMode m : KeyMode.values()) {
                if (m.label().equalsIgnoreCase(s)) {
                    return m;
                }
            }
            throw new CommandLine.TypeConversionException("'" + s + "' is not one of insecure, local, ssl");
        }

        static final class Names extends java.util.ArrayList<String> {
            private static final long serialVersionUID = 1L;

            Names() {
                super(java.util.List.of("insecure", "local", "ssl"));
            }
        }
    }
}
