package org.loncapa.lonc.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The lonc daemon run as a separate JVM ({@code org.loncapa.lonc.daemon.Main run --config ...}), so
 * that its CPU time, resident memory and descriptors can be read from {@code /proc/<pid>} apart from
 * the load tool's own. Stopped with SIGTERM (drain), then killed if it does not exit.
 */
public final class DaemonProcess implements AutoCloseable {
    /**
     * JVM options used when none are given: those the systemd unit gave before it ran the
     * distribution's launcher, kept so that figures compare with earlier ones. {@code --launcher}
     * measures a daemon run as now documented (bin/lonc and its options).
     */
    public static final List<String> DEFAULT_JVM_OPTIONS =
            List.of("-Xms64m", "-Xmx512m");
    static final String MAIN = "org.loncapa.lonc.daemon.Main";

    private final Process process;
    private final ClusterFiles files;
    private final long startedAt;

    private DaemonProcess(Process process, ClusterFiles files, long startedAt) {
        this.process = process;
        this.files = files;
        this.startedAt = startedAt;
    }

    /**
     * Starts the daemon.
     *
     * @param classpath where the daemon's classes are (this jar by default)
     * @param jvmOptions options of the daemon JVM (heap, GC, JFR)
     * @param settings daemon settings as {@code name=value} (passed as {@code --set})
     */
    public static DaemonProcess start(ClusterFiles files, String classpath, List<String> jvmOptions,
            List<String> settings) throws IOException {
        List<String> args = new ArrayList<>(List.of("run", "--config", files.config().toString()));
        for (String s : settings) {
            args.add("--set");
            args.add(s);
        }
        List<String> jvm = new ArrayList<>(JAR_MANIFEST_OPTIONS);
        jvm.addAll(jvmOptions);
        return spawn(files, classpath, jvm, MAIN, args);
    }

    /**
     * What the daemon jar's manifest gives {@code java -jar} (Add-Opens / Add-Exports), since the
     * daemon is started here with {@code -cp}; {@code -Dlonc.peerCredentials=names} in the JVM
     * options turns the numeric credentials off again for a before/after comparison.
     */
    static final List<String> JAR_MANIFEST_OPTIONS = List.of(
            "--add-opens=jdk.net/jdk.net=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED");

    /**
     * Starts the daemon through the distribution's launcher ({@code bin/lonc run ...}) with the
     * launcher's own JVM options; {@code extraJvmOptions} go to it as {@code LONC_JAVA_OPTS}.
     */
    public static DaemonProcess startLauncher(ClusterFiles files, Path launcher, List<String> extraJvmOptions,
            List<String> settings) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(launcher.toString(), "run", "--config", files.config().toString()));
        for (String s : settings) {
            cmd.add("--set");
            cmd.add(s);
        }
        ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(files.dir().resolve("daemon.out").toFile());
        b.environment().put("LONC_JAVA_OPTS", String.join(" ", extraJvmOptions));
        b.environment().put("JAVA_HOME", System.getProperty("java.home"));
        long t0 = System.nanoTime();
        return new DaemonProcess(b.start(), files, t0);
    }

    /**
     * Starts {@link ReferenceRelay} instead of the daemon, on the same files' socket directory.
     *
     * @param threads 1: front end on the engine's thread; 2: a front-end thread of its own
     */
    public static DaemonProcess startRelay(ClusterFiles files, String classpath, List<String> jvmOptions,
            int londPort, int connections, int threads, int hosts) throws IOException {
        return spawn(files, classpath, jvmOptions, ReferenceRelay.class.getName(),
                List.of(files.sockDir().toString(), Integer.toString(londPort),
                        Integer.toString(connections), Integer.toString(threads), Integer.toString(hosts)));
    }

    private static DaemonProcess spawn(ClusterFiles files, String classpath, List<String> jvmOptions,
            String main, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(main);
        cmd.addAll(args);
        Path out = files.dir().resolve("daemon.out");
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        return new DaemonProcess(p, files, t0);
    }

    public long pid() {
        return process.pid();
    }

    public ClusterFiles files() {
        return files;
    }

    /** {@link System#nanoTime()} just before the process was started. */
    public long startedAt() {
        return startedAt;
    }

    /** The exit status (the process must have ended). */
    public int exitValue() {
        return process.exitValue();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Waits until {@code socket} accepts connections.
     *
     * @throws IOException if the daemon exits or the time runs out (its output is in the message)
     */
    public void awaitSocket(Path socket, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() - deadline < 0) {
            if (!process.isAlive()) {
                throw new IOException("the daemon exited with " + process.exitValue() + ": " + output());
            }
            if (Files.exists(socket)) {
                try (LineChannel c = LineChannel.unix(socket)) {
                    return;
                } catch (IOException e) {
                    // not listening yet
                }
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
        }
        throw new IOException("the daemon's socket " + socket + " did not come up within " + timeout
                + ": " + output());
    }

    /** The daemon's stdout and stderr so far (last 4 KB). */
    public String output() {
        try {
            String s = Files.readString(files.dir().resolve("daemon.out"));
            return s.length() > 4096 ? s.substring(s.length() - 4096) : s;
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    /** SIGTERM, wait up to 20 s, then SIGKILL. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
