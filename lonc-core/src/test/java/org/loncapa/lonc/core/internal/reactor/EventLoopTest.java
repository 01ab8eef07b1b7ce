package org.loncapa.lonc.core.internal.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The selector loop: posting, cross-loop wake-ups and closing after deregistration. The loops tick
 * once an hour, so anything that waited for a tick instead of a wake-up would hang (and fail at the
 * 30 s limits here) rather than pass slowly.
 */
class EventLoopTest {
    private static final long HOUR = TimeUnit.HOURS.toNanos(1);
    private final List<EventLoop> loops = new ArrayList<>();

    @TempDir
    Path dir;

    private EventLoop start(String name) {
        EventLoop l = new EventLoop(name, HOUR, () -> { });
        loops.add(l);
        l.start();
        return l;
    }

    @AfterEach
    void stop() throws Exception {
        for (EventLoop l : loops) {
            l.close();
            l.terminated().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void taskFromAnotherThreadRunsOnTheLoop() throws Exception {
        EventLoop l = start("t-loop");
        CompletableFuture<Boolean> inLoop = new CompletableFuture<>();
        l.execute(() -> inLoop.complete(l.inLoop()));
        assertTrue(inLoop.get(30, TimeUnit.SECONDS));
        assertFalse(l.inLoop());
    }

    @Test
    void postsFromAnotherLoopWakeItOnceWhenThatLoopsPassEnds() throws Exception {
        EventLoop a = start("t-a");
        EventLoop b = start("t-b");
        // hold b inside a task, so that it is not selecting while a posts
        CountDownLatch bBusy = new CountDownLatch(1);
        CountDownLatch releaseB = new CountDownLatch(1);
        b.execute(() -> {
            bBusy.countDown();
            await(releaseB);
        });
        assertTrue(bBusy.await(30, TimeUnit.SECONDS));
        long before = b.wakeups();

        AtomicInteger ran = new AtomicInteger();
        CompletableFuture<Long> wakeupsInsideThePass = new CompletableFuture<>();
        CountDownLatch all = new CountDownLatch(100);
        a.execute(() -> {
            for (int i = 0; i < 100; i++) {
                b.execute(() -> {
                    ran.incrementAndGet();
                    all.countDown();
                });
            }
            wakeupsInsideThePass.complete(b.wakeups());
        });
        assertEquals(before, wakeupsInsideThePass.get(30, TimeUnit.SECONDS),
                "no wake-up while a's pass is still running");
        // a's next pass starts by waking b; a is idle otherwise, so wait for that wake-up
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (b.wakeups() == before && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(before + 1, b.wakeups(), "one wake-up for 100 posts");
        releaseB.countDown();
        assertTrue(all.await(30, TimeUnit.SECONDS));
        assertEquals(100, ran.get());
    }

    @Test
    void aPlainThreadDoesNotWaitForAWakeUpAnotherLoopDeferred() throws Exception {
        EventLoop a = start("t-a");
        EventLoop b = start("t-b");
        CountDownLatch bBusy = new CountDownLatch(1);
        CountDownLatch releaseB = new CountDownLatch(1);
        b.execute(() -> {
            bBusy.countDown();
            await(releaseB);
        });
        assertTrue(bBusy.await(30, TimeUnit.SECONDS));
        long before = b.wakeups();
        CountDownLatch aPosted = new CountDownLatch(1);
        CountDownLatch releaseA = new CountDownLatch(1);
        CountDownLatch ran = new CountDownLatch(2);
        a.execute(() -> {
            b.execute(ran::countDown); // deferred to the end of a's pass
            aPosted.countDown();
            await(releaseA);
        });
        assertTrue(aPosted.await(30, TimeUnit.SECONDS));
        assertEquals(before, b.wakeups(), "a's wake-up is still deferred");
        b.execute(ran::countDown); // from this plain thread, while a's pass goes on
        assertEquals(before + 1, b.wakeups(), "woken at once, not after a's pass");
        releaseA.countDown();
        a.submit(() -> { }).get(30, TimeUnit.SECONDS); // a's next pass has started and ended
        assertEquals(before + 1, b.wakeups(), "a does not wake b a second time");
        releaseB.countDown();
        assertTrue(ran.await(30, TimeUnit.SECONDS));
    }

    @Test
    void aLoopThatBlocksOnAnotherLoopWakesItFirst() throws Exception {
        EventLoop a = start("t-a");
        EventLoop b = start("t-b");
        // let b fall asleep in select (its tick is an hour away)
        b.submit(() -> { }).get(30, TimeUnit.SECONDS);
        CompletableFuture<String> outcome = new CompletableFuture<>();
        long before = b.wakeups();
        CompletableFuture<Long> wokenInsideThePass = new CompletableFuture<>();
        a.execute(() -> {
            CompletableFuture<String> answer = new CompletableFuture<>();
            b.execute(() -> answer.complete("from b"));
            EventLoop.wakePendingNow();
            wokenInsideThePass.complete(b.wakeups() - before);
            try {
                outcome.complete(answer.get(20, TimeUnit.SECONDS));
            } catch (Exception e) {
                outcome.completeExceptionally(e);
            }
        });
        assertEquals(1L, wokenInsideThePass.get(30, TimeUnit.SECONDS), "b woken before a blocked");
        assertEquals("from b", outcome.get(30, TimeUnit.SECONDS));
    }

    @Test
    void aPostFromAnotherLoopReachesASleepingLoop() throws Exception {
        EventLoop a = start("t-a");
        EventLoop b = start("t-b");
        for (int round = 0; round < 50; round++) {
            CompletableFuture<Boolean> done = new CompletableFuture<>();
            a.execute(() -> b.execute(() -> done.complete(b.inLoop())));
            assertTrue(done.get(30, TimeUnit.SECONDS), "round " + round);
        }
    }

    @Test
    void closeAfterDeregistrationClosesWithoutWaitingForATick() throws Exception {
        EventLoop l = start("t-loop");
        Path sock = dir.resolve("s");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock));
            try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(sock))) {
                SocketChannel accepted = server.accept();
                CompletableFuture<SelectionKey> key = new CompletableFuture<>();
                l.execute(() -> {
                    try {
                        key.complete(l.register(accepted, SelectionKey.OP_READ, k -> { }));
                    } catch (IOException e) {
                        key.completeExceptionally(e);
                    }
                });
                SelectionKey k = key.get(30, TimeUnit.SECONDS);
                CompletableFuture<Boolean> openRightAfter = new CompletableFuture<>();
                l.execute(() -> {
                    l.closeAfterDeregistration(k);
                    openRightAfter.complete(accepted.isOpen());
                });
                assertTrue(openRightAfter.get(30, TimeUnit.SECONDS), "closed on the next pass, not at once");
                // the client sees EOF once the loop has closed its end
                CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
                    try {
                        return client.read(ByteBuffer.allocate(16));
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                assertEquals(-1, read.get(30, TimeUnit.SECONDS));
                assertFalse(accepted.isOpen());
                assertFalse(k.isValid());
            }
        }
    }

    @Test
    void aHandlerThatThrowsHasItsChannelClosedAndIsTold() throws Exception {
        EventLoop l = start("t-loop");
        Path sock = dir.resolve("t");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock));
            try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(sock))) {
                SocketChannel accepted = server.accept();
                CompletableFuture<RuntimeException> told = new CompletableFuture<>();
                EventLoop.Handler h = new EventLoop.Handler() {
                    @Override
                    public void onReady(SelectionKey key) {
                        throw new IllegalStateException("bug in a handler");
                    }

                    @Override
                    public void onFailed(RuntimeException error) {
                        told.complete(error);
                    }
                };
                l.submit(() -> {
                    try {
                        l.register(accepted, SelectionKey.OP_READ, h);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }).get(30, TimeUnit.SECONDS);
                client.write(ByteBuffer.wrap(new byte[] {'x', '\n'}));
                assertEquals("bug in a handler", told.get(30, TimeUnit.SECONDS).getMessage());
                // the peer sees the channel closed (EOF, or a reset as its byte was never read), not
                // a connection left open until a timeout
                CompletableFuture<String> read = CompletableFuture.supplyAsync(() -> {
                    try {
                        return client.read(ByteBuffer.allocate(16)) < 0 ? "eof" : "data";
                    } catch (IOException e) {
                        return "reset";
                    }
                });
                String seen = read.get(30, TimeUnit.SECONDS);
                assertTrue(seen.equals("eof") || seen.equals("reset"), seen);
                assertFalse(accepted.isOpen());
                // the loop goes on serving
                l.submit(() -> { }).get(30, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void aTaskPostedAfterTheLoopStoppedIsRefusedAtOnce() throws Exception {
        EventLoop l = start("t-loop");
        l.close();
        l.terminated().get(30, TimeUnit.SECONDS);
        AtomicInteger ran = new AtomicInteger();
        CompletableFuture<Void> f = l.submit(ran::incrementAndGet);
        assertTrue(f.isCompletedExceptionally(), "completed at once, not left pending forever");
        java.util.concurrent.ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(
                java.util.concurrent.ExecutionException.class, () -> f.get(1, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof java.util.concurrent.RejectedExecutionException, e.toString());
        assertFalse(l.execute(ran::incrementAndGet));
        assertEquals(0, ran.get());
    }

    @Test
    void aPostFromATerminationCallbackOnTheLoopThreadIsRefused() throws Exception {
        EventLoop l = start("t-loop");
        CompletableFuture<CompletableFuture<Void>> posted = new CompletableFuture<>();
        l.terminated().thenRun(() -> posted.complete(l.submit(() -> { })));
        l.close();
        CompletableFuture<Void> f = posted.get(30, TimeUnit.SECONDS);
        assertTrue(f.isCompletedExceptionally());
    }

    /** Posts racing with the loop's end: each task runs exactly once or is refused, none is lost. */
    @Test
    void everyTaskPostedWhileTheLoopStopsRunsOrIsRefused() throws Exception {
        for (int round = 0; round < 20; round++) {
            EventLoop l = new EventLoop("t-race", HOUR, () -> { });
            l.start();
            AtomicInteger ran = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();
            int perThread = 2_000;
            List<Thread> posters = new ArrayList<>();
            CountDownLatch go = new CountDownLatch(1);
            for (int t = 0; t < 2; t++) {
                Thread p = new Thread(() -> {
                    await(go);
                    for (int i = 0; i < perThread; i++) {
                        if (!l.execute(ran::incrementAndGet)) {
                            refused.incrementAndGet();
                        }
                    }
                });
                p.start();
                posters.add(p);
            }
            go.countDown();
            l.close();
            for (Thread p : posters) {
                p.join(30_000);
            }
            l.terminated().get(30, TimeUnit.SECONDS);
            assertEquals(2 * perThread, ran.get() + refused.get(), "round " + round);
        }
    }

    private static void await(CountDownLatch l) {
        try {
            l.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
