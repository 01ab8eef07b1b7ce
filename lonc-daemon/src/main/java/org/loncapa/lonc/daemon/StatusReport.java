package org.loncapa.lonc.daemon;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.loncapa.lonc.core.HostState;
import org.loncapa.lonc.core.HostStatus;

/**
 * The status report: {@code <lonDocRoot>/lon-status/loncstatus.txt} in the Perl daemon's layout,
 * and {@code loncstatus.json} beside it with every field of every host.
 *
 * <p>Text layout (Perl's {@code CheckKids} header, then one line per host as its children wrote
 * them in {@code ChildStatus}, with the status text of {@code UpdateStatus}):
 *
 * <pre>
 * LONC status Mon Aug 29 18:22:48 2005 - parent 4321 \n
 * \n
 * 4321\tmsul1.example.edu\tMon Aug 29 18:22:48 2005: msul1.example.edu Connection count: 2 Retries remaining: 5 (ssl)\t&lt;last lonc.log line about the host&gt;\n
 * 4321\tmsul2.example.edu\tMon Aug 29 18:22:48 2005: msul2.example.edu &gt;&gt; DEAD &lt;&lt;\t...\n
 * LONC Parent process listening for msul3.example.edu\n
 * </pre>
 *
 * A host that has not been used since the daemon started gets Perl's "listening" line (in Perl it
 * had no child yet). Both files are replaced atomically (temporary file, rename).
 *
 * <p>Stateless apart from the JSON mapper; any thread.
 */
final class StatusReport {
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * Perl's {@code UpdateStatus} text for a host.
     *
     * @param retries the configured retry budget, shown for a host whose pool does not exist yet
     */
    static String statusText(HostStatus s, int retries) {
        if (s.state() == HostState.DEAD) {
            return s.name() + " >> DEAD <<";
        }
        if (s.state() == HostState.PAUSED) {
            return s.name() + " >> PAUSED <<";
        }
        return s.name() + " Connection count: " + s.connections() + " Retries remaining: "
                + (s.retriesLeft() < 0 ? retries : s.retriesLeft()) + " (" + (s.keyMode() == null ? "" : s.keyMode()) + ")";
    }

    /** True if the host has not been used since start (Perl: no child for it). */
    static boolean unused(HostStatus s) {
        return s.state() == HostState.UNKNOWN && s.requests() == 0 && s.connections() == 0;
    }

    /**
     * The text report.
     *
     * @param localtime Perl's {@code scalar localtime} of now
     * @param statusOf the stamped status text of a host (as shown in lonc.log)
     * @param recentOf the last lonc.log line about a host, with its newline, or ""
     */
    static String text(String localtime, long pid, List<HostStatus> hosts,
            java.util.function.Function<String, String> statusOf,
            java.util.function.Function<String, String> recentOf) {
        StringBuilder b = new StringBuilder();
        b.append("LONC status ").append(localtime).append(" - parent ").append(pid).append(" \n\n");
        for (HostStatus s : hosts) {
            if (unused(s)) {
                b.append("LONC Parent process listening for ").append(s.name()).append('\n');
                continue;
            }
            String recent = recentOf.apply(s.name());
            b.append(pid).append('\t').append(s.name()).append('\t').append(statusOf.apply(s.name()))
                    .append('\t').append(recent.isEmpty() ? "\n" : recent);
        }
        return b.toString();
    }

    /** The JSON document. */
    Map<String, Object> document(int retries, Instant now, String localtime, long pid, String version,
            Map<String, Object> daemon, Map<String, Long> frontEnd, List<HostStatus> hosts,
            Map<String, List<String>> socketsByHost, Map<String, Object> deferred) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("time", now.toString());
        m.put("localtime", localtime);
        m.put("pid", pid);
        m.put("version", version);
        m.putAll(daemon);
        m.put("frontEnd", frontEnd);
        if (deferred != null) {
            m.put("deferred", deferred);
        }
        List<Map<String, Object>> hs = new java.util.ArrayList<>();
        for (HostStatus s : hosts) {
            Map<String, Object> h = new LinkedHashMap<>();
            h.put("status", statusText(s, retries));
            h.put("sockets", socketsByHost.getOrDefault(s.name(), List.of()));
            h.put("connections", s.connections());
            @SuppressWarnings("unchecked")
            Map<String, Object> fields = json.convertValue(s, Map.class);
            h.putAll(fields);
            hs.add(h);
        }
        m.put("hosts", hs);
        return m;
    }

    String toJson(Object doc) throws IOException {
        return json.writeValueAsString(doc) + "\n";
    }

    /** Writes {@code content} to {@code file} atomically (temporary file in the same directory, rename). */
    static void writeAtomically(Path file, String content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve("." + file.getFileName() + ".tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    /** {@code loncstatus.json} beside {@code loncstatus.txt}. */
    static Path jsonFile(Path textFile) {
        String n = textFile.getFileName().toString();
        String base = n.endsWith(".txt") ? n.substring(0, n.length() - 4) : n;
        return textFile.resolveSibling(base + ".json");
    }
}
