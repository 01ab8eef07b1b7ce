package org.loncapa.lonc.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.loncapa.lonc.testkit.Await;
import org.loncapa.lonc.testkit.FakeDaemonSockets;
import org.loncapa.lonc.testkit.FakeLond;
import org.loncapa.lonc.testkit.Response;

/**
 * Which threads complete a call and which run the application's callbacks: a blocked or
 * rejecting callback executor never holds back another call's reply or timeout, and never makes
 * lonc run application code on its own threads; close is idempotent under concurrency; status
 * on a closed client fails at once; criticalAsync behaves as critical.
 */
@Timeout(60)
class CallbackThreadsTest {
    static final long WAIT_S = 10;

    @TempDir
    Path tmp;
    FakeLond lond;
    LoncClient client;
    ExecutorService single;
    final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void tearDown() {
        release.countDown();
        if (client != null) {
            client.close(Duration.ofSeconds(1));
        }
        if (lond != null) {
            lond.close();
        }
        if (single != null) {
            single.shutdownNow();
        }
    }

    LoncClient.Builder builder(int port) {
        return LoncClient.builder("msua3")
                .host(new LondHost("s1.example.edu", List.of("msul1"), "127.0.0.1", port, false))
                .allowInsecure(true)
                .deferredStore(tmp.resolve("delayed"), tmp.resolve("lonnet.perm.log"));
    }

    int startLond() throws IOException {
        lond = FakeLond.builder().lonIds("msul1").clientLonId("msua3").allowInsecure(true)
                .dispatcher(r -> r.commandName().equals("put") ? Response.reply("ok") : null)
                .build().start();
        return lond.port();
    }

    /** Sends a ping whose callback blocks the (single) callback thread until {@link #release}. */
    void blockTheCallbackThread() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        client.send("msul1", "ping").thenAccept(r -> {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(entered.await(WAIT_S, TimeUnit.SECONDS), "the callback did not run");
    }

    @Test
    void aBlockedCallbackDoesNotDelayAnotherCallsReply() throws Exception {
        single = Executors.newSingleThreadExecutor();
        client = builder(startLond()).callbackExecutor(single).build();
        blockTheCallbackThread();
        CompletableFuture<Reply> other = client.send("msul1", "echo:other");
        assertEquals("other", other.get(WAIT_S, TimeUnit.SECONDS).line(),
                "the reply waited for an unrelated callback");
        // its own dependent stages do wait for the executor: that is the documented cost
        CompletableFuture<String> stage = other.thenApply(Reply::line);
        assertFalse(stage.isDone());
        release.countDown();
        assertEquals("other", stage.get(WAIT_S, TimeUnit.SECONDS));
    }

    @Test
    void aBlockedCallbackDoesNotDelayAnotherCallsTimeout() throws Exception {
        single = Executors.newSingleThreadExecutor();
        client = builder(startLond()).callbackExecutor(single).build();
        blockTheCallbackThread();
        lond.enqueue(Response.stall());
        CompletableFuture<Reply> stalled = client.send("msul1", "stall:me", Duration.ofMillis(200));
        assertEquals(Reply.Kind.CON_LOST, stalled.get(WAIT_S, TimeUnit.SECONDS).kind(),
                "the timeout waited for an unrelated callback");
    }

    @Test
    void aRejectingExecutorFailsTheStageInsteadOfRunningItOnALoncThread() throws Exception {
        List<String> ranOn = new CopyOnWriteArrayList<>();
        client = builder(startLond()).callbackExecutor(r -> {
            throw new RejectedExecutionException("saturated");
        }).build();
        CompletableFuture<Reply> f = client.send("msul1", "ping");
        CompletableFuture<String> stage = f.thenApply(r -> {
            ranOn.add(Thread.currentThread().getName());
            return r.line();
        });
        CompletableFuture<Void> after = f.whenComplete((r, e) -> ranOn.add(Thread.currentThread().getName()))
                .thenRun(() -> ranOn.add(Thread.currentThread().getName()));
        assertEquals("msul1", f.get(WAIT_S, TimeUnit.SECONDS).line(), "the call itself completes");
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> stage.get(WAIT_S, TimeUnit.SECONDS));
        assertInstanceOf(RejectedExecutionException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains("instead of running on a lonc thread"),
                e.getCause().getMessage());
        assertThrows(ExecutionException.class, () -> after.get(WAIT_S, TimeUnit.SECONDS));
        // a stage added after completion is refused the same way, not run on the caller's thread
        assertThrows(ExecutionException.class, () -> f.thenApply(r -> {
            ranOn.add(Thread.currentThread().getName());
            return r;
        }).get(WAIT_S, TimeUnit.SECONDS));
        assertEquals(List.of(), ranOn, "application code ran on " + ranOn);
    }

    @Test
    void theDefaultCallbackExecutorIsTheClientsOwn() throws Exception {
        client = builder(startLond()).build();
        Thread t = client.send("msul1", "ping").thenApply(r -> Thread.currentThread())
                .get(WAIT_S, TimeUnit.SECONDS);
        assertTrue(t.getName().startsWith("lonc-callback-"), t.getName());
        assertTrue(t.isDaemon());
        // derived futures keep to it, Async variants without an executor too
        Thread t2 = client.send("msul1", "ping").thenApply(r -> r).thenApplyAsync(r -> Thread.currentThread())
                .get(WAIT_S, TimeUnit.SECONDS);
        assertTrue(t2.getName().startsWith("lonc-callback-"), t2.getName());
    }

    @Test
    void statusOfAClosedClientFailsAtOnce() throws Exception {
        client = builder(startLond()).build();
        assertEquals(1, client.statusAsync().get(WAIT_S, TimeUnit.SECONDS).size());
        client.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, client::status);
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        CompletableFuture<List<HostView>> f = client.statusAsync();
        assertTrue(f.isCompletedExceptionally(), "statusAsync after close must fail at once");
        ExecutionException x = assertThrows(ExecutionException.class, f::get);
        assertInstanceOf(IllegalStateException.class, x.getCause());
    }

    @Test
    void concurrentClosersRunTheShutdownOnceAndAllReturnWhenItIsDone() throws Exception {
        Path sockets = Files.createDirectories(tmp.resolve("sockets"));
        CountDownLatch answer = new CountDownLatch(1);
        try (FakeDaemonSockets daemon = new FakeDaemonSockets(sockets).listen("s1.example.edu")) {
            daemon.dispatch(r -> {
                try {
                    answer.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return "late";
            });
            client = LoncClient.builder("msua3")
                    .host(new LondHost("s1.example.edu", List.of("msul1"), "s1.example.edu", 5663,
                            false))
                    .daemon(sockets).build();
            CompletableFuture<Reply> inFlight = client.send("msul1", "ping", Duration.ofSeconds(30));
            daemon.takeRequest(Duration.ofSeconds(WAIT_S));
            Thread first = new Thread(() -> client.close(Duration.ofSeconds(30)), "closer-1");
            first.start();
            Await.until("the first closer drains", () -> first.getState() == Thread.State.TIMED_WAITING);
            CompletableFuture<Void> secondDone = new CompletableFuture<>();
            Thread second = new Thread(() -> {
                client.close(Duration.ofSeconds(30));
                secondDone.complete(null);
            }, "closer-2");
            second.start();
            Await.until("the second closer returns or waits", () -> second.getState() == Thread.State.WAITING
                    || second.getState() == Thread.State.TERMINATED);
            assertFalse(secondDone.isDone(), "a concurrent close() returned while the first was still draining");
            answer.countDown();
            secondDone.get(WAIT_S, TimeUnit.SECONDS);
            first.join(TimeUnit.SECONDS.toMillis(WAIT_S));
            assertFalse(first.isAlive());
            assertEquals("late", inFlight.get(WAIT_S, TimeUnit.SECONDS).line(), "drained, not cut");
        }
    }

    @Test
    void criticalAsyncAnswersLikeCritical() throws Exception {
        client = builder(startLond()).build();
        assertEquals("ok", client.criticalAsync("msul1", "put:msu:jdoe:x=1").get(WAIT_S, TimeUnit.SECONDS).line());
        assertEquals(Reply.Kind.NO_SUCH_HOST, client.criticalAsync("nosuch", "put:a:b")
                .get(WAIT_S, TimeUnit.SECONDS).kind());
        assertThrows(IllegalArgumentException.class, () -> client.criticalAsync("msul1", "a\nb"));
    }

    @Test
    void criticalAsyncDefersWhatBothAttemptsLose() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        client = builder(closedPort).build();
        Thread t = client.criticalAsync("msul1", "put:msu:jdoe:x=1")
                .thenApply(r -> {
                    assertEquals(Reply.Kind.CON_DELAYED, r.kind());
                    return Thread.currentThread();
                }).get(WAIT_S, TimeUnit.SECONDS);
        assertTrue(t.getName().startsWith("lonc-callback-"), t.getName());
        try (Stream<Path> files = Files.list(tmp.resolve("delayed"))) {
            List<Path> l = files.filter(Files::isRegularFile).toList();
            assertEquals(1, l.size());
            assertEquals("put:msu:jdoe:x=1\n", Files.readString(l.get(0)));
        }
        assertTrue(Files.readString(tmp.resolve("lonnet.perm.log")).contains(":D:msul1:put:msu:jdoe:x=1:"));
        client.close();
        assertEquals(Reply.Kind.CON_LOST, client.criticalAsync("msul1", "put:msu:jdoe:x=2")
                .get(WAIT_S, TimeUnit.SECONDS).kind());
        assertNotEquals(null, t);
    }
}
