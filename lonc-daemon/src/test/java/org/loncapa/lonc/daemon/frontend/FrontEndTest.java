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

    /** Replies "re:<line>"; "hold:<x>" waits for the test; "close" means close_connection_exit. */
    private final LineService service = (line, peer) -> {
        seen.add(line);
        if (line.startsWith("hold:")) {
            return held.computeIfAbsent(line, k -> new CompletableFuture<>());
        }
        if (line.equals("close")) {
            return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.completedFuture("re:" + line);
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
}
