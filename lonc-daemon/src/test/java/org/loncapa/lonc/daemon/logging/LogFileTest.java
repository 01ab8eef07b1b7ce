package org.loncapa.lonc.daemon.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class LogFileTest {
    /** 2005-08-01 18:22:48 UTC, a date with a one-digit day (Perl pads it with a space). */
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2005-08-01T18:22:48Z"), ZoneId.of("UTC"));

    @TempDir
    Path dir;

    private LogFile file;

    @AfterEach
    void close() {
        if (file != null) {
            file.close();
        }
        LoncLog.setDebug(false);
    }

    private List<String> lines() throws IOException {
        return Files.readAllLines(dir.resolve("lonc.log"));
    }

    @Test
    void linesHaveThePerlFormatAndSeverityColours() throws IOException {
        file = new LogFile(dir.resolve("lonc.log"), 4321, CLOCK);
        file.setHosts(Set.of("msul1.example.edu"));
        file.setStatus("msul1.example.edu", "msul1.example.edu Connection count: 1 Retries remaining: 5 (ssl)");
        file.setParentStatus("Parent keeping the flock");
        file.log(Severity.SUCCESS, "msul1.example.edu", "Connection 1 to msul1.example.edu now ready for action");
        file.log(Severity.CRITICAL, null, "Master process exiting");
        file.log(Severity.WARNING, null, "w");
        file.log(Severity.INFO, null, "i");
        assertEquals(List.of(
                "Mon Aug  1 18:22:48 2005 (4321) [msul1.example.edu] [Mon Aug  1 18:22:48 2005: msul1.example.edu"
                        + " Connection count: 1 Retries remaining: 5 (ssl)] <font color='green'>SUCCESS: Connection 1 to"
                        + " msul1.example.edu now ready for action</font>",
                "Mon Aug  1 18:22:48 2005 (4321) [Parent] [Mon Aug  1 18:22:48 2005: Parent keeping the flock]"
                        + " <font color='red'>CRITICAL: Master process exiting</font>",
                "Mon Aug  1 18:22:48 2005 (4321) [Parent] [Mon Aug  1 18:22:48 2005: Parent keeping the flock]"
                        + " <font color='blue'>WARNING: w</font>",
                "Mon Aug  1 18:22:48 2005 (4321) [Parent] [Mon Aug  1 18:22:48 2005: Parent keeping the flock]"
                        + " <font color='yellow'>INFO: i</font>"), lines());
        assertTrue(file.recentEntry("msul1.example.edu").endsWith("now ready for action</font>\n"));
    }

    @Test
    void slf4jLevelsAndMarkersMapToSeveritiesAndTheHostIsFoundInTheArguments() throws IOException {
        file = new LogFile(dir.resolve("lonc.log"), 1, CLOCK);
        file.setHosts(Set.of("h1"));
        LoncLog.install(file);
        Logger log = LoggerFactory.getLogger("org.loncapa.lonc.core.internal.pool.HostPool");
        log.error("Host marked DEAD {} (last failure: {})", "h1", "refused");
        log.warn("Failing transaction {} on {} #{}: {}", "put", "h1", 3, "eof");
        log.info("Connection {} to {} now ready", 1, "h1");
        log.info(Severity.INFO.marker(), "Probing {}", "h1");
        log.debug("hidden while debug is off");
        LoncLog.setDebug(true);
        log.debug("{}: opening connection", "h1");
        log.info("line\nbreak");
        LoggerFactory.getLogger("org.loncapa.lonc.testkit.FakeLond").info("fake lond chatter");
        LoggerFactory.getLogger("com.example.Other").info("other library info");
        LoggerFactory.getLogger("com.example.Other").warn("other library warning");
        List<String> l = lines();
        assertEquals(7, l.size(), "testkit and other libraries log no INFO: " + String.join("\n", l));
        assertTrue(l.get(0).contains("[h1] [] <font color='red'>CRITICAL: Host marked DEAD h1 (last failure: refused)"));
        assertTrue(l.get(1).contains("[h1] [] <font color='blue'>WARNING: Failing transaction put on h1 #3: eof"));
        assertTrue(l.get(2).contains("<font color='green'>SUCCESS: Connection 1 to h1 now ready"));
        assertTrue(l.get(3).contains("<font color='yellow'>INFO: Probing h1"));
        assertTrue(l.get(4).contains("[h1] [] <font color='yellow'>INFO: -Debug- h1: opening connection"));
        assertTrue(l.get(5).contains("[Parent]") && l.get(5).contains("SUCCESS: line\\nbreak"));
        assertTrue(l.get(6).contains("WARNING: other library warning"));
    }

    @Test
    void reopensAfterRotation() throws IOException {
        Path p = dir.resolve("lonc.log");
        Clock[] now = {CLOCK};
        Clock moving = new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneId.of("UTC");
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now[0].instant();
            }
        };
        file = new LogFile(p, 1, moving);
        file.log(Severity.INFO, null, "before");
        Files.move(p, dir.resolve("lonc.log.1"));
        now[0] = Clock.offset(CLOCK, java.time.Duration.ofSeconds(2));
        file.log(Severity.INFO, null, "after");
        assertTrue(Files.readString(p).contains("INFO: after"));
        assertTrue(Files.readString(dir.resolve("lonc.log.1")).contains("INFO: before"));
    }
}
