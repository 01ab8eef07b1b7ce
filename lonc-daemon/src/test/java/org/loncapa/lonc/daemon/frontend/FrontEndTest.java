package org.loncapa.lonc.daemon.frontend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.loncapa.lonc.core.ReplyTokens;
import org.loncapa.lonc.daemon.TestClient;
import org.loncapa.lonc.testkit.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The front end on real UNIX sockets, with a scripted {@link LineService} instead of the engine. */
class FrontEndTest {
    @TempDir
    Path dir;

    private FrontEnd frontEnd;
    /** Requests whose reply the test completes by hand, by request text. */
    private final Map<String, CompletableFuture<String>> held = new ConcurrentHashMap<>();
    private final List<String> seen = Collections.synchronizedList(new ArrayList<>());

    /** Futures the front end withdrew because their client had gone. */
    private final List<CompletableFuture<String>> abandoned = Collections.synchronizedList(new ArrayList<>());

    /**
     * Replies "re:<line>"; "hold:<x>" waits for the test; "close" means close_connection_exit;
     * "big:<n>:<tag>" is answered with {@code <tag>} and n 'x'.
     */
    private final LineService service = new LineService() {
        @Override
        public CompletableFuture<String> request(String line, Peer peer) {
            seen.add(line);
            if (line.startsWith("hold:")) {
                return held.computeIfAbsent(line, k -> new CompletableFuture<>());
            }
            if (line.equals("close")) {
                return CompletableFuture.completedFuture(null);
            }
            if (line.startsWith("big:")) {
                String[] f = line.split(":");
                return CompletableFuture.completedFuture(f[2] + "x".repeat(Integer.parseInt(f[1])));
            }
            return CompletableFuture.completedFuture("re:" + line);
        }

        @Override
        public void abandon(CompletableFuture<String> reply) {
            abandoned.add(reply);
        }
    };

    private Path start(FrontEnd.Limits limits, AccessPolicy access) throws IOException {
        frontEnd = new FrontEnd(access, limits, null);
        frontEnd.start();
        Path p = dir.resolve("host.example");
        frontEnd.listen("host.example", p, 0660, service);
        return p;
    }

    private Path start() throws IOException {
        return start(new FrontEnd.Limits(1024, 100, 8, 50), AccessPolicy.ownUserAndRoot());
    }

    private CompletableFuture<String> heldFuture(String line) {
        Await.until("request " + line + " seen", () -> held.containsKey(line));
        return held.get(line);
    }

    @AfterEach
    void stop() {
        if (frontEnd != null) {
            frontEnd.close();
        }
    }

    @Test
    void oneRequestOneReply() throws IOException {
        Path p = start();
        assertEquals("re:sethost:msul1:ping", TestClient.request(p, "sethost:msul1:ping"));
        assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
    }

    @Test
    void pipelinedRepliesComeBackInRequestOrderEvenWhenCompletedOutOfOrder() throws IOException {
        Path p = start();
        try (TestClient c = TestClient.connect(p)) {
            c.write("hold:1\nhold:2\nplain\n".getBytes(StandardCharsets.UTF_8));
            CompletableFuture<String> second = heldFuture("hold:2");
            CompletableFuture<String> first = heldFuture("hold:1");
            second.complete("two");
            Await.until("third request seen", () -> seen.contains("plain"));
            first.complete("one");
            assertEquals("one", c.readLine());
            assertEquals("two", c.readLine());
            assertEquals("re:plain", c.readLine());
        }
    }

    @Test
    void halfClosedClientStillGetsItsReply() throws IOException {
        Path p = start();
        try (TestClient c = TestClient.connect(p)) {
            c.writeLine("hold:x");
            c.shutdownOutput();
            heldFuture("hold:x").complete("late reply");
            assertEquals("late reply", c.readLine());
            assertNull(c.readLine(), "the daemon closes after the last reply of a half-closed client");
        }
    }

    @Test
    void clientThatHangsUpBeforeItsReplyDisturbsNobody() throws IOException {
        Path p = start();
        TestClient gone = TestClient.connect(p);
        gone.writeLine("hold:gone");
        CompletableFuture<String> f = heldFuture("hold:gone");
        gone.close();
        f.complete("nobody listens");
        Await.until("the connection is gone once its reply could not be written",
                () -> frontEnd.openClients() == 0);
        assertEquals("re:next", TestClient.request(p, "next"));
    }

    @Test
    void overLongRequestIsRejectedAfterEarlierRepliesAndTheConnectionClosed() throws IOException {
        Path p = start();
        try (TestClient c = TestClient.connect(p); TestClient other = TestClient.connect(p)) {
            c.write(("first\n" + "x".repeat(5000) + "\n").getBytes(StandardCharsets.UTF_8));
            assertEquals("re:first", c.readLine());
            assertEquals(ReplyTokens.REJECTED_TOO_LONG, c.readLine());
            assertNull(c.readLine());
            other.writeLine("still served");
            assertEquals("re:still served", other.readLine());
        }
        assertFalse(seen.stream().anyMatch(s -> s.startsWith("xxx")), "nothing of it was passed on");
        assertEquals(1L, frontEnd.counters().get("requestsRejected"));
    }

    @Test
    void overLongRequestWithoutNewlineIsRejectedBeforeItIsWhole() throws IOException {
        Path p = start();
        try (TestClient c = TestClient.connect(p)) {
            c.write("y".repeat(3000).getBytes(StandardCharsets.UTF_8));
            assertEquals(ReplyTokens.REJECTED_TOO_LONG, c.readLine());
            assertNull(c.readLine());
        }
    }

    @Test
    void binaryRequestsAreRejectedAndBytesThatAreNotUtf8PassUnchanged() throws IOException {
        Path p = start();
        try (TestClient c = TestClient.connect(p)) {
            c.write(new byte[] {'p', 0, 'x', '\n'});
            assertEquals(ReplyTokens.REJECTED_MALFORMED, c.readLine());
            assertNull(c.readLine());
        }
        try (TestClient c = TestClient.connect(p)) {
            // Latin-1 and stray bytes, as Perl lonc passes them: the service sees escapes, the
            // client gets its own bytes back
            c.write(new byte[] {'a', (byte) 0xff, (byte) 0xfe, 'c', 'a', 'f', (byte) 0xe9, '\n'});
            String reply = c.readLine();
            assertEquals("re:a\uDCFF\uDCFEcaf\uDCE9", reply);
            assertArrayEquals(new byte[] {'r', 'e', ':', 'a', (byte) 0xff, (byte) 0xfe, 'c', 'a', 'f', (byte) 0xe9},
                    org.loncapa.lonc.core.protocol.WireText.encode(reply));
        }
        assertEquals("re:ok", TestClient.request(p, "ok"));
    }

    @Test
    void utf8RequestsAndRepliesPassUnchanged() throws IOException {
        Path p = start();
        assertEquals("re:put:msu:jdoe:name=Jürgen Ωmega", TestClient.request(p, "put:msu:jdoe:name=Jürgen Ωmega"));
    }

    @Test
    void nullReplyClosesTheConnectionWithoutReplyingAndIgnoresWhatFollows() throws IOException {
        Path p = start();
        try (TestClient c = TestClient.connect(p)) {
            c.write("before\nclose\nafter\n".getBytes(StandardCharsets.UTF_8));
            assertEquals("re:before", c.readLine());
            assertNull(c.readLine());
        }
        assertFalse(seen.contains("after"));
    }

    @Test
    void refusedPeerIsClosedAndLoggedWhileOthersAreServed() throws IOException {
        Path p = start(new FrontEnd.Limits(1024, 100, 8, 50), new AccessPolicy(Set.of("someone-else"), Set.of()));
        assertNull(TestClient.requestOrNull(p, "sethost:msul1:ping"), "closed without a reply");
        assertTrue(seen.isEmpty());
        assertEquals(1L, frontEnd.counters().get("clientsRefused"));
        frontEnd.setAccessPolicy(AccessPolicy.ownUserAndRoot());
        assertEquals("re:again", TestClient.request(p, "again"));
    }

    @Test
    void groupInTheAllowListAdmitsThePeer() throws IOException {
        String group = Files.readAttributes(dir, java.nio.file.attribute.PosixFileAttributes.class).group().getName();
        Path p = start(new FrontEnd.Limits(1024, 100, 8, 50), new AccessPolicy(Set.of("someone-else"), Set.of(group)));
        assertEquals("re:hi", TestClient.request(p, "hi"));
    }

    @Test
    void pipelineBoundStopsReadingUntilRepliesGoOut() throws IOException {
        Path p = start(new FrontEnd.Limits(1024, 100, 2, 50), AccessPolicy.ownUserAndRoot());
        try (TestClient c = TestClient.connect(p)) {
            c.write("hold:a\nhold:b\nhold:c\n".getBytes(StandardCharsets.UTF_8));
            heldFuture("hold:a");
            heldFuture("hold:b");
            assertFalse(held.containsKey("hold:c"), "the third request waits: two are unanswered");
            held.get("hold:a").complete("A");
            assertEquals("A", c.readLine());
            heldFuture("hold:c").complete("C");
            held.get("hold:b").complete("B");
            assertEquals("B", c.readLine());
            assertEquals("C", c.readLine());
        }
    }

    @Test
    void clientsBeyondMaxClientsWaitInTheBacklog() throws IOException {
        Path p = start(new FrontEnd.Limits(1024, 2, 8, 50), AccessPolicy.ownUserAndRoot());
        TestClient a = TestClient.connect(p);
        TestClient b = TestClient.connect(p);
        a.writeLine("one");
        b.writeLine("two");
        assertEquals("re:one", a.readLine());
        assertEquals("re:two", b.readLine());
        try (TestClient c = TestClient.connect(p)) {
            c.writeLine("three");
            assertThrows(IOException.class, () -> c.readLine(Duration.ofMillis(300)),
                    "not accepted while two clients are open");
        }
        a.close();
        assertEquals("re:four", TestClient.request(p, "four"));
        b.close();
    }

    @Test
    void manyConcurrentClients() throws Exception {
        Path p = start(new FrontEnd.Limits(1024, 20_000, 8, 4096), AccessPolicy.ownUserAndRoot());
        int n = Integer.getInteger("lonc.test.clients", 2000); // 9,000 also passes (fd limit 20,000)
        List<TestClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                TestClient c = TestClient.connect(p);
                clients.add(c);
                c.writeLine("hold:" + i);
            }
            Await.until("all requests seen", () -> held.size() == n);
            assertEquals(n, frontEnd.openClients());
            for (int i = n - 1; i >= 0; i--) {
                held.get("hold:" + i).complete("r" + i);
            }
            for (int i = 0; i < n; i++) {
                assertEquals("r" + i, clients.get(i).readLine());
            }
        } finally {
            for (TestClient c : clients) {
                c.close();
            }
        }
    }

    @Test
    void staleSocketIsReplacedAndItsLockFileRemoved() throws IOException {
        Path p = dir.resolve("stale.example");
        ServerSocketChannel old = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        old.bind(UnixDomainSocketAddress.of(p));
        old.close(); // the file stays: a lonc that died
        Files.writeString(SocketFiles.lockFile(p), "Contents not important");
        frontEnd = new FrontEnd(AccessPolicy.ownUserAndRoot(), new FrontEnd.Limits(1024, 10, 8, 10), null);
        frontEnd.start();
        frontEnd.listen("stale.example", p, 0600, service);
        assertEquals("re:x", TestClient.request(p, "x"));
        assertFalse(Files.exists(SocketFiles.lockFile(p)));
    }

    @Test
    void liveSocketIsRefused() throws IOException {
        Path p = dir.resolve("live.example");
        try (ServerSocketChannel live = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            live.bind(UnixDomainSocketAddress.of(p));
            IOException e = assertThrows(SocketFiles.SocketInUseException.class, () -> SocketFiles.clearStale(p));
            assertTrue(e.getMessage().contains("in use by a running process"), e.getMessage());
            assertTrue(Files.exists(p), "a live socket is never deleted");
        }
    }

    @Test
    void aFileThatIsNotASocketIsRefused() throws IOException {
        Path p = dir.resolve("plain-file");
        Files.writeString(p, "x");
        IOException e = assertThrows(SocketFiles.SocketInUseException.class, () -> SocketFiles.clearStale(p));
        assertTrue(e.getMessage().contains("not a socket"), e.getMessage());
    }

    @Test
    void unlistenRemovesTheSocketFileButServesOpenClients() throws Exception {
        Path p = start();
        try (TestClient c = TestClient.connect(p)) {
            c.writeLine("hold:inflight");
            CompletableFuture<String> f = heldFuture("hold:inflight");
            frontEnd.unlisten("host.example").get(5, TimeUnit.SECONDS);
            assertFalse(Files.exists(p));
            assertThrows(IOException.class, () -> TestClient.connect(p));
            f.complete("still answered");
            assertEquals("still answered", c.readLine());
        }
    }

    @Test
    void drainWaitsForPendingRepliesThenClosesQuietConnections() throws Exception {
        Path p = start();
        TestClient idle = TestClient.connect(p);
        idle.writeLine("warm");
        assertEquals("re:warm", idle.readLine());
        TestClient busy = TestClient.connect(p);
        busy.writeLine("hold:drain");
        CompletableFuture<String> f = heldFuture("hold:drain");
        frontEnd.closeListeners().get(5, TimeUnit.SECONDS);
        CompletableFuture<Void> drained = frontEnd.drain();
        assertNull(idle.readLine(), "a quiet connection is closed");
        assertFalse(drained.isDone());
        CountDownLatch replied = new CountDownLatch(1);
        f.whenComplete((r, e) -> replied.countDown());
        f.complete("drained reply");
        assertEquals("drained reply", busy.readLine());
        drained.get(5, TimeUnit.SECONDS);
        assertTrue(replied.await(1, TimeUnit.SECONDS));
        idle.close();
        busy.close();
    }

    @Test
    void silentClientsAreClosedAfterTheIdleTimeoutButNotWhileAwaitingAReply() throws IOException {
        org.loncapa.lonc.testkit.FakeTicker ticker = new org.loncapa.lonc.testkit.FakeTicker();
        frontEnd = new FrontEnd(AccessPolicy.ownUserAndRoot(),
                new FrontEnd.Limits(1024, 100, 8, 50, java.time.Duration.ofSeconds(300)), null, ticker);
        frontEnd.start();
        Path p = dir.resolve("host.example");
        frontEnd.listen("host.example", p, 0660, service);
        try (TestClient silent = TestClient.connect(p); TestClient waiting = TestClient.connect(p);
                TestClient active = TestClient.connect(p)) {
            waiting.writeLine("hold:w");
            CompletableFuture<String> w = heldFuture("hold:w");
            active.writeLine("ping");
            assertEquals("re:ping", active.readLine());
            ticker.advance(java.time.Duration.ofSeconds(200));
            active.writeLine("again");
            assertEquals("re:again", active.readLine());
            ticker.advance(java.time.Duration.ofSeconds(101));
            frontEnd.tickNow().join();
            assertNull(silent.readLine(), "a client silent for 301 s is closed");
            w.complete("late");
            assertEquals("late", waiting.readLine(), "a client awaiting its reply is never idle");
            active.writeLine("still here");
            assertEquals("re:still here", active.readLine(), "activity 101 s ago keeps a client open");
        }
    }

    // ------------------------------------------------------------------ backpressure, abandonment

    private static final int BIG = 16 * 1024;

    /** A counter as the front-end thread sees it between events (not in the middle of a flush). */
    private long counter(String name) {
        Long v = frontEnd.countersBetweenEvents().join().get(name);
        return v == null ? -1 : v;
    }

    private long bigRequestsSeen(String tagPrefix) {
        synchronized (seen) {
            return seen.stream().filter(l -> l.startsWith("big:") && l.split(":")[2].startsWith(tagPrefix)).count();
        }
    }

    /** Writes {@code n} big requests tagged {@code tag<i>;} on a thread (the writes block once not read). */
    private static Thread writeBig(java.nio.channels.SocketChannel ch, String tag, int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append("big:").append(BIG).append(':').append(tag).append(i).append(";\n");
        }
        Thread t = new Thread(() -> {
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(b.toString().getBytes(StandardCharsets.US_ASCII));
            try {
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
            } catch (IOException e) {
                // the test closed it
            }
        }, "test-writer-" + tag);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Reads {@code n} replies and checks they are the big replies tagged {@code tag<i>;} in order. */
    private static void readBig(java.nio.channels.SocketChannel ch, String tag, int n) throws IOException {
        java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(
                java.nio.channels.Channels.newInputStream(ch), StandardCharsets.US_ASCII), 1 << 16);
        for (int i = 0; i < n; i++) {
            String line = r.readLine();
            String want = tag + i + ";";
            assertTrue(line != null && line.startsWith(want) && line.length() == want.length() + BIG,
                    "reply " + i + " is its own: " + (line == null ? null : line.substring(0, Math.min(20, line.length()))));
        }
    }

    private static java.nio.channels.SocketChannel open(Path p) throws IOException {
        return java.nio.channels.SocketChannel.open(UnixDomainSocketAddress.of(p));
    }

    @Test
    void clientThatDoesNotReadIsNoLongerReadAtItsBoundAndOthersAreServed() throws Exception {
        long bound = 64 * 1024;
        Path p = start(new FrontEnd.Limits(1024, 100, 64, 50, Duration.ZERO, bound, 64L << 20),
                AccessPolicy.ownUserAndRoot());
        int n = 400; // 6.5 MB of replies: far more than the bound and the socket buffers hold
        try (java.nio.channels.SocketChannel hog = open(p)) {
            Thread writer = writeBig(hog, "h", n);
            Await.until("the client that does not read is paused", () -> counter("clientsPaused") == 1);
            long taken = bigRequestsSeen("h");
            assertTrue(taken < n / 2, "only what the bound and the socket buffers hold was taken: " + taken);
            long buffered = counter("replyBytesBuffered");
            assertTrue(buffered > bound / 2 && buffered <= bound + 2 * (BIG + 16),
                    "paused over the bound until read down to half of it: " + buffered);
            assertEquals("re:ping", TestClient.request(p, "ping"), "other clients are served as usual");
            assertEquals(taken, bigRequestsSeen("h"), "nothing more was taken from the paused client");

            readBig(hog, "h", n);
            writer.join(10_000);
            assertEquals(n, bigRequestsSeen("h"), "once it reads, all its requests are served");
            Await.until("no longer paused", () -> counter("clientsPaused") == 0);
            assertTrue(counter("clientPauses") >= 1);
        }
        Await.until("its buffers are released", () -> counter("replyBytesBuffered") == 0
                && frontEnd.openClients() == 0);
    }

    @Test
    void buffersOfAClientThatLeavesWithoutReadingAreReleased() throws Exception {
        Path p = start(new FrontEnd.Limits(1024, 100, 64, 50, Duration.ZERO, 64 * 1024, 64L << 20),
                AccessPolicy.ownUserAndRoot());
        java.nio.channels.SocketChannel hog = open(p);
        writeBig(hog, "h", 400);
        Await.until("paused", () -> counter("clientsPaused") == 1);
        assertTrue(counter("replyBytesBuffered") > 32 * 1024);
        hog.close();
        Await.until("gone and its replies dropped", () -> frontEnd.openClients() == 0
                && counter("replyBytesBuffered") == 0 && counter("clientsPaused") == 0);
        assertEquals("re:after", TestClient.request(p, "after"));
    }

    @Test
    void globalBoundPausesTheLargestHoldersAndOthersAreStillServed() throws Exception {
        long total = 128 * 1024;
        Path p = start(new FrontEnd.Limits(1024, 100, 64, 50, Duration.ZERO, 1L << 20, total),
                AccessPolicy.ownUserAndRoot());
        int n = 300;
        try (java.nio.channels.SocketChannel a = open(p); java.nio.channels.SocketChannel b = open(p)) {
            Thread wa = writeBig(a, "a", n);
            Await.until("the first holder is paused by the global bound", () -> counter("clientsPaused") == 1);
            Thread wb = writeBig(b, "b", n);
            Await.until("both holders are paused", () -> counter("clientsPaused") == 2);
            long buffered = counter("replyBytesBuffered");
            assertTrue(buffered <= total + 2 * (BIG + 16), "all clients together stay near the bound: " + buffered);
            assertTrue(bigRequestsSeen("a") < n && bigRequestsSeen("b") < n);
            assertEquals("re:ping", TestClient.request(p, "ping"), "a client that reads is served");
            Thread rb = new Thread(() -> {
                try {
                    readBig(b, "b", n);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            rb.start();
            readBig(a, "a", n);
            rb.join(20_000);
            wa.join(10_000);
            wb.join(10_000);
            assertEquals(n, bigRequestsSeen("a"));
            assertEquals(n, bigRequestsSeen("b"));
        }
        Await.until("nothing held", () -> counter("replyBytesBuffered") == 0 && counter("clientsPaused") == 0);
    }

    @Test
    void replyLargerThanTheClientBoundStillGoesThrough() throws IOException {
        Path p = start(new FrontEnd.Limits(1024, 100, 64, 50, Duration.ZERO, 8 * 1024, 16 * 1024),
                AccessPolicy.ownUserAndRoot());
        try (java.nio.channels.SocketChannel c = open(p)) {
            c.write(java.nio.ByteBuffer.wrap(("big:100000:one;\nbig:100000:two;\nsmall\n")
                    .getBytes(StandardCharsets.US_ASCII)));
            java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(
                    java.nio.channels.Channels.newInputStream(c), StandardCharsets.US_ASCII));
            assertEquals("one;" + "x".repeat(100000), r.readLine());
            assertEquals("two;" + "x".repeat(100000), r.readLine());
            assertEquals("re:small", r.readLine());
        }
    }

    @Test
    void workOfAClientThatHangsUpIsWithdrawnButAHalfClosedClientIsServed() throws IOException {
        Path p = start(new FrontEnd.Limits(1024, 100, 2, 50), AccessPolicy.ownUserAndRoot());
        TestClient gone = TestClient.connect(p);
        gone.write("hold:g1\nhold:g2\n".getBytes(StandardCharsets.UTF_8));
        CompletableFuture<String> g1 = heldFuture("hold:g1");
        CompletableFuture<String> g2 = heldFuture("hold:g2");
        // pipeline full (maxPipelined 2): this one is not read until a reply has gone out
        TestClient stuck = TestClient.connect(p);
        stuck.write("hold:s1\nhold:s2\nhold:s3\n".getBytes(StandardCharsets.UTF_8));
        CompletableFuture<String> s1 = heldFuture("hold:s1");
        CompletableFuture<String> s2 = heldFuture("hold:s2");
        try (TestClient half = TestClient.connect(p)) {
            half.writeLine("hold:h1");
            half.shutdownOutput();
            CompletableFuture<String> h1 = heldFuture("hold:h1");

            gone.close();
            Await.until("the hung-up client's requests are withdrawn",
                    () -> abandoned.contains(g1) && abandoned.contains(g2));
            stuck.close();
            frontEnd.tickNow().join(); // a client that is not read is checked once a second
            Await.until("the paused client's requests are withdrawn too",
                    () -> abandoned.contains(s1) && abandoned.contains(s2));
            assertFalse(seen.contains("hold:s3"), "its unread request was never dispatched");
            assertFalse(abandoned.contains(h1), "a half-closed client still waits for its reply");
            assertEquals(4, counter("clientsAbandoned") + 2, "two clients left work behind");
            h1.complete("for the half-closed client");
            assertEquals("for the half-closed client", half.readLine());
        }
    }

    @Test
    void clientsWaitingInTheBacklogAreServedWhenTheSocketCloses() throws Exception {
        Path p = start(new FrontEnd.Limits(1024, 1, 8, 50), AccessPolicy.ownUserAndRoot());
        try (TestClient first = TestClient.connect(p)) {
            first.writeLine("hold:first");
            CompletableFuture<String> f = heldFuture("hold:first");
            // maxClients is 1: these two wait in the listen backlog, their requests written
            TestClient b = TestClient.connect(p);
            TestClient c = TestClient.connect(p);
            b.writeLine("from b");
            c.writeLine("from c");
            frontEnd.unlisten("host.example").join();
            assertFalse(Files.exists(p), "the socket file is gone");
            assertEquals("re:from b", b.readLine(), "a client of the backlog is served, not reset");
            assertEquals("re:from c", c.readLine());
            f.complete("first");
            assertEquals("first", first.readLine());
            b.close();
            c.close();
        }
    }
}
