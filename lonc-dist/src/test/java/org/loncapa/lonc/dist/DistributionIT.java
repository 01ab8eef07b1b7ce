package org.loncapa.lonc.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loncapa.lonc.testkit.Await;
import org.loncapa.lonc.testkit.FakeLond;
import org.loncapa.lonc.testkit.LoncapaSandbox;
import org.loncapa.lonc.testkit.OpenMetricsReader;

/**
 * What {@code mvn verify} built: the tarball's and the .deb's contents, and the daemon run from the
 * unpacked tarball's {@code bin/lonc} serving a request.
 */
class DistributionIT {
    private static final String VERSION = System.getProperty("lonc.dist.version");
    private static final Path TARBALL = Path.of(System.getProperty("lonc.dist.tarball"));
    private static final Path DEB = Path.of(System.getProperty("lonc.dist.deb"));
    private static final String TOP = "lonc-" + VERSION + "/";

    @TempDir
    Path tmp;

    @Test
    void theTarballHoldsTheLauncherLibrariesSampleSettingsUnitAndDocs() throws IOException {
        Map<String, Archives.Entry> t = Archives.tarGz(TARBALL);
        assertEquals(0755, t.get(TOP + "bin/lonc").mode() & 0777, "the launcher is executable");
        assertTrue(t.get(TOP + "bin/lonc").text().startsWith("#!/bin/sh\n"));
        assertTrue(t.get(TOP + "conf/lonc.properties").text().contains("#metricsPort = 0"));
        assertTrue(t.get(TOP + "lonc.service").text().contains("ExecStart=/opt/lonc/bin/lonc run"));
        assertTrue(t.get(TOP + "lonc.service").text().contains("CacheDirectory=lonc"));
        assertTrue(t.containsKey(TOP + "docs/operations.md"));
        assertTrue(t.containsKey(TOP + "README.md"));
        List<String> lib = t.keySet().stream().filter(n -> n.startsWith(TOP + "lib/") && !n.endsWith("/"))
                .map(n -> n.substring((TOP + "lib/").length())).sorted().toList();
        assertTrue(lib.contains("lonc-daemon-" + VERSION + ".jar"), lib.toString());
        assertTrue(lib.contains("lonc-core-" + VERSION + ".jar"), lib.toString());
        assertTrue(lib.stream().anyMatch(n -> n.startsWith("picocli-")), lib.toString());
        assertTrue(lib.stream().anyMatch(n -> n.startsWith("jackson-databind-")), lib.toString());
        assertTrue(lib.stream().allMatch(n -> n.endsWith(".jar")), "only jars in lib/: " + lib);
        for (String name : t.keySet()) {
            assertTrue(name.startsWith(TOP), "everything under one top directory: " + name);
        }
    }

    @Test
    void theDebInstallsUnderConventionalPathsWithTheUnitNotEnabled() throws IOException {
        Map<String, byte[]> deb = Archives.ar(DEB);
        assertEquals("2.0\n", new String(deb.get("debian-binary"), StandardCharsets.US_ASCII));
        Map<String, Archives.Entry> control = Archives.tarGz(deb.get("control.tar.gz"));
        String c = control.get("control").text();
        assertTrue(c.contains("Package: lonc\n"), c);
        assertTrue(c.contains("Architecture: all\n"), c);
        assertTrue(c.contains("Depends: default-jre-headless"), c);
        assertEquals("/etc/lonc/lonc.properties", control.get("conffiles").text().strip());
        for (String script : List.of("preinst", "postinst", "prerm", "postrm")) {
            assertFalse(control.containsKey(script), "no maintainer script, so nothing is enabled or started: " + script);
        }
        Map<String, Archives.Entry> data = Archives.tarGz(deb.get("data.tar.gz"));
        assertEquals(0755, data.get("usr/share/lonc/bin/lonc").mode() & 0777);
        Archives.Entry link = data.get("usr/bin/lonc");
        assertEquals('2', link.type(), "a symbolic link");
        assertEquals("/usr/share/lonc/bin/lonc", link.link());
        assertTrue(data.containsKey("usr/share/lonc/lib/lonc-daemon-" + VERSION + ".jar"), data.keySet().toString());
        assertTrue(data.containsKey("usr/share/doc/lonc/operations.md"));
        assertTrue(data.get("etc/lonc/lonc.properties").text().contains("#metricsPort = 0"));
        String unit = data.get("lib/systemd/system/lonc.service").text();
        assertTrue(unit.contains("ExecStart=/usr/bin/lonc run --config ${LONC_CONF} --settings ${LONC_SETTINGS}"), unit);
        assertTrue(unit.contains("Environment=LONC_SETTINGS=/etc/lonc/lonc.properties"), unit);
        assertFalse(unit.contains("/opt/lonc"), "the .deb's unit names the .deb's paths: " + unit);
        assertFalse(data.keySet().stream().anyMatch(n -> n.startsWith("etc/systemd/system/")),
                "not enabled: no wants/ link");
        // the same jars as the tarball
        Set<String> tarLib = Archives.tarGz(TARBALL).keySet().stream()
                .filter(n -> n.startsWith(TOP + "lib/") && n.endsWith(".jar"))
                .map(n -> n.substring(n.lastIndexOf('/') + 1)).collect(Collectors.toSet());
        Set<String> debLib = data.keySet().stream().filter(n -> n.startsWith("usr/share/lonc/lib/") && n.endsWith(".jar"))
                .map(n -> n.substring(n.lastIndexOf('/') + 1)).collect(Collectors.toSet());
        assertEquals(tarLib, debLib);
    }

    @Test
    void theUnpackedLauncherPrintsItsVersionAndRunsTheDaemon() throws Exception {
        Path home = unpack().resolve("lonc-" + VERSION);
        Path lonc = home.resolve("bin/lonc");
        Process v = new ProcessBuilder(lonc.toString(), "--version").redirectErrorStream(true).start();
        String out = new String(v.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(v.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, v.exitValue(), out);
        assertTrue(out.startsWith("lonc-daemon " + VERSION), out);

        try (FakeLond lond = FakeLond.builder().lonIds("msul1").clientLonId("msua3").allowInsecure(true).build()) {
            lond.start();
            Path node = tmp.resolve("node");
            LoncapaSandbox sandbox = LoncapaSandbox.in(node, "msua3").londPort(lond.port());
            Path conf = sandbox.writeConfig();
            sandbox.writeHostsTab("msua3:msu:access:me.example.edu:127.0.0.1",
                    "msul1:msu:library:a.example.edu:127.0.0.1");
            Path cds = home.resolve("cds");
            // first run: the class-data archive is written when the daemon exits; second run: used
            runOnce(lonc, home, sandbox, conf, tmp.resolve("daemon1.out"), "-XX:ArchiveClassesAtExit=" + cds);
            try (var files = Files.list(cds)) {
                assertEquals(1, files.filter(f -> f.getFileName().toString().endsWith(".jsa")).count());
            }
            runOnce(lonc, home, sandbox, conf, tmp.resolve("daemon2.out"), "-XX:SharedArchiveFile=" + cds);
        }
    }

    /** Runs the daemon from the launcher, sends it requests, checks its metrics and stops it. */
    private static void runOnce(Path lonc, Path home, LoncapaSandbox sandbox, Path conf, Path log, String cdsOption)
            throws Exception {
        Process d = new ProcessBuilder(lonc.toString(), "run", "--config", conf.toString(),
                "--settings", home.resolve("conf/lonc.properties").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            Path socket = sandbox.sockets().resolve("a.example.edu");
            Path admin = sandbox.sockets().resolve(".lonc-admin");
            Await.until("the daemon's sockets", Duration.ofSeconds(60),
                    () -> !d.isAlive() || Files.exists(admin));
            assertTrue(d.isAlive(), () -> "the daemon exited: " + read(log));
            assertEquals("msul1", request(socket, "sethost:msul1:ping"));
            assertEquals("hi", request(socket, "sethost:msul1:echo:hi"));
            String metrics = request(admin, "{\"cmd\":\"metrics\"}");
            assertTrue(metrics.contains("\"ok\":true"), metrics);
            String text = new com.fasterxml.jackson.databind.ObjectMapper().readTree(metrics).path("text").asText();
            assertEquals(2, OpenMetricsReader.parse(text).value("lonc_requests_total", "host", "a.example.edu"));
            // the launcher's JVM options reached the daemon's JVM
            String cmdline = ProcessHandle.of(d.pid()).flatMap(p -> p.info().commandLine()).orElse("");
            assertTrue(cmdline.isEmpty() || cmdline.contains("-Xmx48m"), cmdline);
            // out of memory is lonc's own supervision (status 4), not the JVM flag (status 3)
            assertFalse(cmdline.contains("ExitOnOutOfMemoryError"), cmdline);
            assertTrue(cmdline.isEmpty() || cmdline.contains("-XX:+UseSerialGC"), cmdline);
            assertTrue(cmdline.isEmpty() || cmdline.contains(cdsOption), cdsOption + ": " + cmdline);
            assertFalse(read(log).contains("warning"), () -> "no JVM warning: " + read(log));
        } finally {
            d.destroy(); // SIGTERM: drain and exit 0
            assertTrue(d.waitFor(30, TimeUnit.SECONDS), () -> "no exit after TERM: " + read(log));
        }
        assertEquals(0, d.exitValue(), () -> read(log));
    }

    private Path unpack() throws IOException {
        Path dest = tmp.resolve("opt");
        for (Archives.Entry e : Archives.tarGz(TARBALL).values()) {
            Path p = dest.resolve(e.name());
            if (e.type() == '5') {
                Files.createDirectories(p);
                continue;
            }
            Files.createDirectories(p.getParent());
            Files.write(p, e.data());
            Set<PosixFilePermission> perms = EnumSet.of(PosixFilePermission.OWNER_READ,
                    PosixFilePermission.OWNER_WRITE);
            if ((e.mode() & 0100) != 0) {
                perms.add(PosixFilePermission.OWNER_EXECUTE);
            }
            Files.setPosixFilePermissions(p, perms);
        }
        return dest;
    }

    private static String request(Path socket, String line) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ByteBuffer b = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                ch.write(b);
            }
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch),
                    StandardCharsets.UTF_8));
            return in.readLine();
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return e.toString();
        }
    }

}
