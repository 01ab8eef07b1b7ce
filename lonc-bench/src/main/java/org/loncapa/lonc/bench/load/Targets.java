package org.loncapa.lonc.bench.load;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.loncapa.lonc.core.LoncEngine;

/** The paths the load tool compares. */
public final class Targets {
    private Targets() {}

    /** The direct baseline: each client has its own lond connection, handshake done once. */
    public static Target direct(InetSocketAddress lond, String myLonId, String remoteLonId) {
        return new Target() {
            @Override
            public String name() {
                return "direct";
            }

            @Override
            public int londConnections() {
                return 0;
            }

            @Override
            public Client newClient(int index) throws IOException {
                LondClient c = LondClient.connect(lond, myLonId, remoteLonId);
                return new Client() {
                    @Override
                    public String call(String line) throws IOException {
                        return c.call(line);
                    }

                    @Override
                    public void close() throws IOException {
                        c.close();
                    }
                };
            }
        };
    }

    /** The naive alternative: a new TCP connection and full handshake for every request. */
    public static Target naive(InetSocketAddress lond, String myLonId, String remoteLonId) {
        return new Target() {
            @Override
            public String name() {
                return "naive";
            }

            @Override
            public int londConnections() {
                return 0;
            }

            @Override
            public Client newClient(int index) {
                LineChannel.Buffers buffers = new LineChannel.Buffers();
                return line -> {
                    try (LondClient c = LondClient.connect(lond, myLonId, remoteLonId, buffers)) {
                        return c.call(line);
                    }
                };
            }
        };
    }

    /** lonc's engine embedded in this JVM: {@link LoncEngine#submit}, no sockets on the client side. */
    public static Target engine(LoncEngine engine, String lonId, int londConnections) {
        return new Target() {
            @Override
            public String name() {
                return "engine";
            }

            @Override
            public int londConnections() {
                return londConnections;
            }

            @Override
            public Client newClient(int index) {
                return line -> {
                    try {
                        return engine.submit(lonId, line).get(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted", e);
                    } catch (ExecutionException | TimeoutException e) {
                        throw new IOException(e);
                    }
                };
            }

            @Override
            public Meter meter() {
                return threadMeter("engine thread", "lonc-engine");
            }
        };
    }

    /**
     * A daemon's UNIX socket for one remote host. {@code persistent}: one connection per client for
     * all its requests; otherwise connect, write one line, read one line, close (what lonnet does).
     * Lines are sent as {@code sethost:<lonId>:<command>}, as lonnet 2.x does.
     */
    public static Target daemon(String label, Path socket, String lonId, boolean persistent,
            int londConnections, Target.Meter meter) {
        String prefix = "sethost:" + lonId + ":";
        return new Target() {
            @Override
            public String name() {
                return label + (persistent ? "/persistent" : "/per-request");
            }

            @Override
            public int londConnections() {
                return londConnections;
            }

            @Override
            public String wrap(String command) {
                return prefix + command;
            }

            @Override
            public Client newClient(int index) throws IOException {
                if (!persistent) {
                    LineChannel.Buffers buffers = new LineChannel.Buffers();
                    return line -> {
                        try (LineChannel c = LineChannel.unix(socket, buffers)) {
                            c.writeLine(line);
                            return c.readLine();
                        }
                    };
                }
                LineChannel c = LineChannel.unix(socket);
                return new Client() {
                    @Override
                    public String call(String line) throws IOException {
                        c.writeLine(line);
                        return c.readLine();
                    }

                    @Override
                    public void close() throws IOException {
                        c.close();
                    }
                };
            }

            @Override
            public Meter meter() {
                return meter;
            }
        };
    }

    /** CPU and RSS of another process, from /proc. */
    public static Target.Meter processMeter(String label, long pid) {
        return new Target.Meter() {
            @Override
            public String label() {
                return label;
            }

            @Override
            public long cpuNanos() {
                return ProcStats.sample(pid).cpuNanos();
            }

            @Override
            public long rssBytes() {
                return ProcStats.sample(pid).rssBytes();
            }

            @Override
            public java.util.Map<String, Long> cpuByThread() {
                return ProcStats.cpuByThread(pid);
            }
        };
    }

    /** CPU of the threads of this JVM whose names start with one of {@code prefixes}; RSS unknown. */
    public static Target.Meter threadMeter(String label, String... prefixes) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        LongSupplier cpu = () -> {
            long sum = 0;
            for (ThreadInfo ti : mx.getThreadInfo(mx.getAllThreadIds())) {
                if (ti == null) {
                    continue;
                }
                for (String p : prefixes) {
                    if (ti.getThreadName().startsWith(p)) {
                        long c = mx.getThreadCpuTime(ti.getThreadId());
                        if (c > 0) {
                            sum += c;
                        }
                        break;
                    }
                }
            }
            return sum;
        };
        return new Target.Meter() {
            @Override
            public String label() {
                return label;
            }

            @Override
            public long cpuNanos() {
                return cpu.getAsLong();
            }

            @Override
            public long rssBytes() {
                return -1;
            }
        };
    }
}
