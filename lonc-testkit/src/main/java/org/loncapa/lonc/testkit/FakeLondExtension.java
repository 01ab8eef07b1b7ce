package org.loncapa.lonc.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Objects;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A {@link FakeLond} for a JUnit 5 test, started before and closed after it.
 *
 * <pre>{@code
 * @RegisterExtension
 * FakeLondExtension lond = new FakeLondExtension(FakeLond.builder().lonIds("msul1").clientLonId("msua3"));
 *
 * @Test
 * void pings(@TempDir Path dir) throws Exception {
 *     try (LoncClient lonc = LoncClient.fromConfig(lond.writeConfig(dir)).build()) {
 *         assertEquals("msul1", lonc.reply("msul1", "ping").line());
 *     }
 * }
 * }</pre>
 *
 * In an instance field it gives every test its own FakeLond; in a {@code static} field one FakeLond
 * serves the whole class (then tests share its recorded requests and {@link FakeLond#store()}).
 * After each test it fails the test if an {@code enc:} request did not decrypt during it (the
 * client's lonIDs differ from the ones the FakeLond was built with), naming the key it expected,
 * unless {@link #allowUndecryptable()} says that is the point of the test. Needs
 * {@code org.junit.jupiter:junit-jupiter-api} on the test class path (the test kit declares it
 * optional).
 */
public final class FakeLondExtension
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
    /** Hostname of the FakeLond in {@link #writeConfig(Path)}'s hosts.tab. */
    public static final String LOND_HOSTNAME = "lond.test";
    /** Hostname of the client node in {@link #writeConfig(Path)}'s hosts.tab. */
    public static final String CLIENT_HOSTNAME = "client.test";

    private final FakeLond.Builder builder;
    private FakeLond lond;
    private boolean perClass;
    private boolean allowUndecryptable;
    private int failuresBefore;

    /** A FakeLond with the defaults: lonID {@value FakeLond#DEFAULT_LON_ID}, client {@value FakeLond#DEFAULT_CLIENT_LON_ID}. */
    public FakeLondExtension() {
        this(FakeLond.builder());
    }

    /** A FakeLond built from {@code builder} when the test (or class) starts. */
    public FakeLondExtension(FakeLond.Builder builder) {
        this.builder = Objects.requireNonNull(builder, "builder");
    }

    /** Do not fail a test in which a request did not decrypt. */
    public FakeLondExtension allowUndecryptable() {
        this.allowUndecryptable = true;
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        perClass = true;
        start();
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        if (lond == null) {
            start();
        }
        failuresBefore = lond.decryptionFailureCount();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        int failures = lond.decryptionFailureCount() - failuresBefore;
        String last = lond.lastDecryptionError();
        if (!perClass) {
            stop();
        }
        if (failures > 0 && !allowUndecryptable && context.getExecutionException().isEmpty()) {
            throw new AssertionError(failures + " encrypted request(s) did not decrypt at FakeLond: " + last
                    + ". Build the FakeLond with the lonIDs the client uses (lonIds(...), clientLonId(...)),"
                    + " or call allowUndecryptable() if that is what the test is about.");
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    private void start() throws IOException {
        lond = builder.build().start();
    }

    private void stop() {
        if (lond != null) {
            lond.close();
            lond = null;
        }
    }

    /** The running FakeLond. */
    public FakeLond lond() {
        if (lond == null) {
            throw new IllegalStateException("the FakeLond runs only while a test runs");
        }
        return lond;
    }

    /** Its port on 127.0.0.1. */
    public int port() {
        return lond().port();
    }

    /**
     * A node for the client ({@link FakeLond#clientLonId()}, host {@value #CLIENT_HOSTNAME}) under
     * {@code dir}: {@code loncapa.conf} (insecure key exchange allowed, the FakeLond's port) and
     * {@code hosts.tab} naming the FakeLond's lonIDs on {@value #LOND_HOSTNAME}, both at 127.0.0.1.
     * Add to it before writing again, e.g. {@code .londPort("other.test", other.port())}.
     */
    public LoncapaSandbox sandbox(Path dir) {
        FakeLond l = lond();
        LoncapaSandbox s = LoncapaSandbox.in(dir, l.clientLonId()).londPort(l.port())
                .londPort(LOND_HOSTNAME, l.port()).comment("written by FakeLondExtension");
        try {
            java.util.List<String> hosts = new java.util.ArrayList<>();
            hosts.add(l.clientLonId() + ":test:access:" + CLIENT_HOSTNAME + ":127.0.0.1");
            for (String id : l.lonIds()) {
                hosts.add(id + ":test:library:" + LOND_HOSTNAME + ":127.0.0.1");
            }
            s.writeHostsTab(hosts);
            s.writeConfig();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return s;
    }

    /** {@link #sandbox(Path)}, returning the path of its {@code loncapa.conf}. */
    public Path writeConfig(Path dir) {
        return sandbox(dir).config();
    }
}
