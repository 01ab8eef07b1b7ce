package org.loncapa.lonc.daemon.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loncapa.lonc.testkit.FakeTicker;

/**
 * The peer-credential reader on real UNIX sockets. Surefire runs this module with the options the
 * daemon jar's manifest carries, so the numeric path must be available here.
 */
class PeerCredentialsTest {
    @TempDir
    Path dir;

    private ServerSocketChannel server;
    private String myUser;
    private String myGroup;
    private int myUid;
    private int myGid;

    @BeforeEach
    void setUp() throws IOException {
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(dir.resolve("s")));
        // what the JDK's public call says about this process: the answer the cache must repeat
        try (SocketChannel ch = acceptOne()) {
            jdk.net.UnixDomainPrincipal p = ch.getOption(jdk.net.ExtendedSocketOptions.SO_PEERCRED);
            myUser = p.user().getName();
            myGroup = p.group().getName();
        }
        myUid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        myGid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:gid");
    }

    @AfterEach
    void tearDown() throws IOException {
        server.close();
    }

    /** One accepted connection; the client end is closed at once (credentials stay readable). */
    private SocketChannel acceptOne() throws IOException {
        try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(dir.resolve("s")))) {
            return server.accept();
        }
    }

    @Test
    void numericPathIsAvailableWithTheManifestOptions() {
        assertNull(PeerCredentials.unavailableReason());
        assertTrue(PeerCredentials.numericAvailable());
        assertTrue(PeerCredentials.best(new FakeTicker()).numeric());
    }

    @Test
    void rawCredentialsAreTheUidAndGidOfThePeer() throws IOException {
        try (SocketChannel ch = acceptOne()) {
            long raw = PeerCredentials.rawCredentials(ch);
            assertEquals(myUid, (int) (raw >> 32));
            assertEquals(myGid, (int) raw);
        }
    }

    @Test
    void numericIdentifiesByNameAndCachesPerUidForAMinute() throws IOException {
        FakeTicker ticker = new FakeTicker();
        PeerCredentials pc = PeerCredentials.best(ticker);
        for (int i = 0; i < 3; i++) {
            try (SocketChannel ch = acceptOne()) {
                assertEquals(new PeerCredentials.Identity(myUser, myGroup), pc.identify(ch));
            }
        }
        assertEquals(1, pc.nameLookups());
        assertEquals(2, pc.cacheHits());

        ticker.advance(Duration.ofSeconds(59));
        try (SocketChannel ch = acceptOne()) {
            pc.identify(ch);
        }
        assertEquals(1, pc.nameLookups(), "still cached just under a minute later");

        ticker.advance(Duration.ofSeconds(2));
        try (SocketChannel ch = acceptOne()) {
            assertEquals(new PeerCredentials.Identity(myUser, myGroup), pc.identify(ch));
        }
        assertEquals(2, pc.nameLookups(), "looked up again after the minute");

        pc.clear();
        try (SocketChannel ch = acceptOne()) {
            pc.identify(ch);
        }
        assertEquals(3, pc.nameLookups(), "looked up again after clear()");
    }

    @Test
    void portableLooksNamesUpForEveryConnection() throws IOException {
        PeerCredentials pc = PeerCredentials.portable(new FakeTicker());
        assertFalse(pc.numeric());
        for (int i = 0; i < 3; i++) {
            try (SocketChannel ch = acceptOne()) {
                assertEquals(new PeerCredentials.Identity(myUser, myGroup), pc.identify(ch));
            }
        }
        assertEquals(3, pc.nameLookups());
        assertEquals(0, pc.cacheHits());
    }

    @Test
    void numbersStandingInForNamesAreNotTakenAsResolved() {
        long key = (54321L << 32) | 54322L;
        assertFalse(PeerCredentials.resolved(new PeerCredentials.Identity("54321", "staff"), key));
        assertFalse(PeerCredentials.resolved(new PeerCredentials.Identity("alice", "54322"), key));
        assertTrue(PeerCredentials.resolved(new PeerCredentials.Identity("alice", "staff"), key));
        long high = (0xFFFFFFFEL << 32) | 0xFFFFFFFEL;
        assertFalse(PeerCredentials.resolved(new PeerCredentials.Identity("4294967294", "x"), high));
        assertFalse(PeerCredentials.resolved(new PeerCredentials.Identity("-2", "x"), high));
    }

    @Test
    void aPeerWithoutNamesIsLookedUpEveryTimeNotCached() throws Exception {
        Path python = Path.of("/usr/bin/python3");
        Path setpriv = Path.of("/usr/bin/setpriv");
        org.junit.jupiter.api.Assumptions.assumeTrue(myUid == 0 && Files.isExecutable(python)
                && Files.isExecutable(setpriv), "needs root, setpriv and python3 to connect as uid 54321");
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(dir.resolve("s"), java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        PeerCredentials pc = PeerCredentials.best(new FakeTicker());
        for (int i = 0; i < 2; i++) {
            Process p = new ProcessBuilder(setpriv.toString(), "--reuid=54321", "--regid=54321", "--clear-groups",
                    python.toString(), "-c", "import socket,sys\ns=socket.socket(socket.AF_UNIX)\n"
                            + "s.connect(sys.argv[1])\ns.recv(1)\n", dir.resolve("s").toString())
                    .redirectErrorStream(true).start();
            try (SocketChannel ch = server.accept()) {
                assertEquals(new PeerCredentials.Identity("54321", "54321"), pc.identify(ch));
            }
            p.destroy();
            assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
        }
        assertEquals(2, pc.nameLookups(), "not cached");
        assertEquals(0, pc.cacheHits());
    }

    @Test
    void propertyNamesTurnsTheNumericPathOff() {
        String old = System.getProperty(PeerCredentials.METHOD_PROPERTY);
        System.setProperty(PeerCredentials.METHOD_PROPERTY, "names");
        try {
            assertFalse(PeerCredentials.best(new FakeTicker()).numeric());
        } finally {
            if (old == null) {
                System.clearProperty(PeerCredentials.METHOD_PROPERTY);
            } else {
                System.setProperty(PeerCredentials.METHOD_PROPERTY, old);
            }
        }
    }

    @Test
    void aClosedChannelIsAnIoErrorNotAWrongAnswer() throws IOException {
        PeerCredentials pc = PeerCredentials.best(new FakeTicker());
        SocketChannel ch = acceptOne();
        ch.close();
        org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> pc.identify(ch));
    }
}
