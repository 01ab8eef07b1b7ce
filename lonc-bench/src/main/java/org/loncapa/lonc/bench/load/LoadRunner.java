package org.loncapa.lonc.bench.load;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Drives one {@link Target} with N closed-loop clients (one thread each): every client sends a
 * request, waits for its reply, checks it and sends the next, for a warm-up and then a measured
 * interval. Every request is {@code echo:<token>} with a token unique to the client and sequence
 * number, so a reply that belongs to another request is caught as an error, not counted as a
 * success.
 */
public final class LoadRunner {
    private final Duration warmup;
    private final Duration measure;
    private final int requestBytes;

    /**
     * @param requestBytes length of {@code echo:<token>} in bytes (the token is padded)
     */
    public LoadRunner(Duration warmup, Duration measure, int requestBytes) {
        this.warmup = warmup;
        this.measure = measure;
        this.requestBytes = requestBytes;
    }

    /** The unique token of request {@code seq} of client {@code client}, padded to the size. */
    static String token(int client, long seq, int requestBytes) {
        StringBuilder b = new StringBuilder(Math.max(16, requestBytes));
        b.append('c').append(client).append('-').append(seq).append('-');
        int want = requestBytes - "echo:".length();
        while (b.length() < want) {
            b.append('x');
        }
        return b.toString();
    }

    public PhaseResult run(Target target, int clients) throws InterruptedException {
        Worker[] workers = new Worker[clients];
        CountDownLatch ready = new CountDownLatch(clients);
        CountDownLatch go = new CountDownLatch(1);
        Times times = new Times();
        List<Thread> threads = new ArrayList<>(clients);
        for (int i = 0; i < clients; i++) {
            Worker w = new Worker(target, i, ready, go, times);
            workers[i] = w;
            Thread t = new Thread(w, "load-" + target.name() + "-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        if (!ready.await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("clients of " + target.name() + " did not get ready");
        }
        long start = System.nanoTime();
        times.measureFrom = start + warmup.toNanos();
        times.end = times.measureFrom + measure.toNanos();
        go.countDown();
        sleepUntil(times.measureFrom);
        Target.Meter meter = target.meter();
        long subjectCpu0 = meter == null ? -1 : meter.cpuNanos();
        java.util.Map<String, Long> threads0 = meter == null ? java.util.Map.of() : meter.cpuByThread();
        long toolCpu0 = ProcStats.self().cpuNanos();
        long t0 = System.nanoTime();
        sleepUntil(times.end);
        long t1 = System.nanoTime();
        long subjectCpu1 = meter == null ? -1 : meter.cpuNanos();
        java.util.Map<String, Long> threads1 = meter == null ? java.util.Map.of() : meter.cpuByThread();
        long toolCpu1 = ProcStats.self().cpuNanos();
        long rss = meter == null ? -1 : meter.rssBytes();
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(60));
        }
        Latencies all = new Latencies();
        long ok = 0;
        long errors = 0;
        String firstError = null;
        for (Worker w : workers) {
            all.add(w.latencies);
            ok += w.ok;
            errors += w.errors;
            if (firstError == null) {
                firstError = w.firstError.get();
            }
        }
        long subjectCpu = subjectCpu0 < 0 || subjectCpu1 < 0 ? -1 : subjectCpu1 - subjectCpu0;
        long toolCpu = toolCpu0 < 0 || toolCpu1 < 0 ? -1 : toolCpu1 - toolCpu0;
        return new PhaseResult(target.name(), clients, target.londConnections(), ok, errors,
                (t1 - t0) / 1e9, all, subjectCpu, rss, toolCpu, firstError, delta(threads0, threads1));
    }

    static java.util.Map<String, Long> delta(java.util.Map<String, Long> a, java.util.Map<String, Long> b) {
        java.util.Map<String, Long> d = new java.util.TreeMap<>();
        b.forEach((k, v) -> {
            long x = v - a.getOrDefault(k, 0L);
            if (x > 0) {
                d.put(k, x);
            }
        });
        return d;
    }

    private static void sleepUntil(long deadline) {
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
        }
    }

    private static final class Times {
        volatile long measureFrom;
        volatile long end;
    }

    private final class Worker implements Runnable {
        private final Target target;
        private final int index;
        private final CountDownLatch ready;
        private final CountDownLatch go;
        private final Times times;
        final Latencies latencies = new Latencies();
        final AtomicReference<String> firstError = new AtomicReference<>();
        long ok;
        long errors;

        Worker(Target target, int index, CountDownLatch ready, CountDownLatch go, Times times) {
            this.target = target;
            this.index = index;
            this.ready = ready;
            this.go = go;
            this.times = times;
        }

        @Override
        public void run() {
            Target.Client client = null;
            try {
                try {
                    client = target.newClient(index);
                } catch (IOException e) {
                    note("connect: " + e);
                } finally {
                    ready.countDown();
                }
                go.await();
                long measureFrom = times.measureFrom;
                long end = times.end;
                long seq = 0;
                while (true) {
                    long t0 = System.nanoTime();
                    if (t0 - end >= 0) {
                        break;
                    }
                    boolean counted = t0 - measureFrom >= 0;
                    String token = token(index, seq++, requestBytes);
                    try {
                        if (client == null) {
                            client = target.newClient(index);
                        }
                        String reply = client.call(target.wrap("echo:" + token));
                        long t1 = System.nanoTime();
                        if (reply.equals(token)) {
                            if (counted) {
                                ok++;
                                latencies.record(t1 - t0);
                            }
                        } else if (counted) {
                            errors++;
                            note("reply '" + abbreviate(reply) + "' to " + abbreviate(token));
                        }
                    } catch (IOException | RuntimeException e) {
                        if (counted) {
                            errors++;
                            note(e.toString());
                        }
                        closeQuietly(client);
                        client = null;
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                closeQuietly(client);
            }
        }

        private void note(String error) {
            firstError.compareAndSet(null, error);
        }
    }

    static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "…" : s;
    }

    private static void closeQuietly(Target.Client c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException e) {
                // ignore
            }
        }
    }
}
