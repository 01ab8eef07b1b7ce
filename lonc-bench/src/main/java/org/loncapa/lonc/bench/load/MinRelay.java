package org.loncapa.lonc.bench.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The C baseline relay ({@code minrelay}, from the project's shared {@code bench/} folder): a
 * single-threaded epoll relay that does lonc's job with nothing else. The load tool runs it as a
 * path beside the daemon, against the same lond in the same run, so that "daemon ÷ relay" is a
 * ratio two processes on one machine produced side by side.
 *
 * <p>It is found as a built binary or as {@code minrelay.c}, which is compiled with {@code gcc -O2}
 * into a temporary directory (gcc is on the build machines; the relay is not part of lonc).
 */
public final class MinRelay implements AutoCloseable {
    /** Where {@link #locate} looks, relative to the working directory, when nothing is given. */
    static final List<String> SEARCH = List.of("../shared/bench/minrelay.c", "shared/bench/minrelay.c",
            "../../shared/bench/minrelay.c", "../shared/bench/minrelay", "shared/bench/minrelay");

    private final Process process;
    private final Path socket;
    private final Path log;

    private MinRelay(Process process, Path socket, Path log) {
        this.process = process;
        this.socket = socket;
        this.log = log;
    }

    /**
     * The relay to run: {@code given} if not null (a binary or a {@code .c} file), else the
     * {@code LONC_MINRELAY} environment variable, else the first of {@link #SEARCH} that exists
     * under {@code cwd}.
     */
    public static Optional<Path> locate(Path given, String env, Path cwd) {
        if (given != null) {
            return Optional.of(given);
        }
        if (env != null && !env.isBlank()) {
            return Optional.of(Path.of(env));
        }
        for (String s : SEARCH) {
            Path p = cwd.resolve(s).normalize();
            if (Files.isRegularFile(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** {@code source} itself if it is not C source, else a fresh {@code gcc -O2} build of it in {@code dir}. */
    public static Path binary(Path source, Path dir) throws IOException, InterruptedException {
        if (!source.getFileName().toString().endsWith(".c")) {
            if (!Files.isExecutable(source)) {
                throw new IOException(source + " is neither C source nor an executable");
            }
            return source;
        }
        Path out = dir.resolve("minrelay");
        Process gcc = new ProcessBuilder("gcc", "-O2", "-o", out.toString(), source.toString())
                .redirectErrorStream(true).start();
        String text = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (gcc.waitFor() != 0) {
            throw new IOException("gcc could not build " + source + ": " + text);
        }
        return out;
    }

    /**
     * Starts the relay on {@code socket} and waits for its {@code READY} line.
     *
     * @param connections the most lond connections (as lonc's maxConnectionsPerHost)
     */
    public static MinRelay start(Path binary, Path socket, int londPort, int connections, String remoteId,
            Duration timeout) throws IOException, InterruptedException {
        Path log = socket.resolveSibling("minrelay.err");
        Process p = new ProcessBuilder(binary.toString(), "--sock", socket.toString(), "--port",
                Integer.toString(londPort), "--conns", Integer.toString(connections), "--remote-id", remoteId)
                .redirectError(log.toFile()).start();
        MinRelay r = new MinRelay(p, socket, log);
        CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
            try {
                BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(),
                        StandardCharsets.UTF_8));
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith("READY")) {
                        return line;
                    }
                }
                return null;
            } catch (IOException e) {
                return null;
            }
        });
        try {
            if (ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS) == null) {
                r.close();
                throw new IOException("minrelay exited before it was ready: " + r.errors());
            }
        } catch (TimeoutException | ExecutionException e) {
            r.close();
            throw new IOException("minrelay was not ready within " + timeout + ": " + r.errors());
        }
        return r;
    }

    public long pid() {
        return process.pid();
    }

    public Path socket() {
        return socket;
    }

    private String errors() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no stderr: " + e + ")";
        }
    }

    /** SIGTERM (the relay unlinks its socket and exits 0), then SIGKILL if it lingers. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
