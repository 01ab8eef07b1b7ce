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
        Path f = Files.createFile(dir.resolve("owned"));
        myUser = System.getProperty("user.name");
        myGroup = Files.readAttributes(f, java.nio.file.attribute.PosixFileAttributes.class).group().getName();
        myUid = (Integer) Files.getAttribute(f, "unix:uid");
        myGid = (Integer) Files.getAttribute(f, "unix:gid");
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
