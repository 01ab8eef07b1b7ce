package org.loncapa.lonc.client.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.loncapa.lonc.client.DeferredItem;
import org.loncapa.lonc.core.HostStatus;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * A client of the daemon's admin socket: one JSON object per line each way, one request per
 * connection. The vocabulary is the daemon's ({@code AdminService} in lonc-daemon; checked
 * end to end by {@code RealDaemonTest}); every name of it is in {@link Wire}, so a change on the
 * daemon's side is a change in one place here:
 *
 * <pre>
 * → {"cmd":"status"}                         ← {"ok":true,...,"hosts":[{HostStatus fields...}...]}
 * → {"cmd":"deferred-list"[,"host":h]}       ← {"ok":true,"items":[{"file","lonId","host",
 *                                                 "savedAt","ageSeconds","description","held"}...]}
 * → {"cmd":"deferred-flush","host":h}        ← {"ok":true}
 * → {"cmd":"deferred-hold","file":f}         ← {"ok":true}      (also deferred-release)
 * any failure                                ← {"ok":false,"error":"text"}
 * </pre>
 *
 * Host status objects are read by the component names of {@link HostStatus} (what Jackson writes
 * for a record); other members are ignored.
 *
 * <p>Thread-safe (no state besides the settings); blocking.
 */
public final class AdminSocketClient implements DaemonAdmin {

    /** The admin protocol's names, in one place. */
    public static final class Wire {
        private Wire() {}

        /**
         * Default file name of the admin socket inside {@code lonSockDir}: the daemon's default
         * (a leading dot, which no hostname or lonID can have).
         */
        public static final String DEFAULT_SOCKET_NAME = ".lonc-admin";
        static final String CMD = "cmd";
        static final String OK = "ok";
        static final String ERROR = "error";
        static final String STATUS = "status";
        static final String HOSTS = "hosts";
        static final String HOST = "host";
        static final String FILE = "file";
        static final String DEFERRED_LIST = "deferred-list";
        static final String DEFERRED_FLUSH = "deferred-flush";
        static final String DEFERRED_HOLD = "deferred-hold";
        static final String DEFERRED_RELEASE = "deferred-release";
        static final String ITEMS = "items";
        static final String ITEM_LON_ID = "lonId";
        static final String ITEM_SAVED_AT = "savedAt";
        static final String ITEM_DESCRIPTION = "description";
        static final String ITEM_HELD = "held";
        static final String ITEM_DELIVERED_NOT_REMOVED = "deliveredNotRemoved";
        /** Longest answer line accepted (a status of thousands of hosts fits easily). */
        static final int MAX_ANSWER_BYTES = 16 << 20;
    }

    private final Path socket;
    private final Duration timeout;

    /**
     * @param socket the admin socket
     * @param timeout how long one operation may take
     */
    public AdminSocketClient(Path socket, Duration timeout) {
        this.socket = Objects.requireNonNull(socket, "socket");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /** The admin socket path. */
    public Path socket() {
        return socket;
    }

    @Override
    public List<HostStatus> status() throws IOException {
        Map<String, Object> answer = call(request(Wire.STATUS));
        List<HostStatus> out = new ArrayList<>();
        for (Map<String, Object> m : objects(answer, Wire.HOSTS)) {
            try {
                out.add(Json.toRecord(m, HostStatus.class));
            } catch (RuntimeException e) {
                throw new IOException("the daemon sent a host status this client cannot read: "
                        + e.getMessage(), e);
            }
        }
        return out;
    }

    @Override
    public String metrics() throws IOException {
        Object text = call(request("metrics")).get("text");
        if (!(text instanceof String t)) {
            throw new IOException("the daemon's metrics answer has no text");
        }
        return t;
    }

    @Override
    public List<DeferredItem> deferredList(String host) throws IOException {
        Map<String, Object> req = request(Wire.DEFERRED_LIST);
        if (host != null) {
            req.put(Wire.HOST, host);
        }
        List<DeferredItem> out = new ArrayList<>();
        for (Map<String, Object> m : objects(call(req), Wire.ITEMS)) {
            out.add(item(m));
        }
        return out;
    }

    @Override
    public void deferredFlush(String host) throws IOException {
        Map<String, Object> req = request(Wire.DEFERRED_FLUSH);
        req.put(Wire.HOST, Objects.requireNonNull(host, "host"));
        call(req);
    }

    @Override
    public void deferredHold(String file) throws IOException {
        Map<String, Object> req = request(Wire.DEFERRED_HOLD);
        req.put(Wire.FILE, Objects.requireNonNull(file, "file"));
        call(req);
    }

    @Override
    public void deferredRelease(String file) throws IOException {
        Map<String, Object> req = request(Wire.DEFERRED_RELEASE);
        req.put(Wire.FILE, Objects.requireNonNull(file, "file"));
        call(req);
    }

    private static Map<String, Object> request(String cmd) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(Wire.CMD, cmd);
        return m;
    }

    /**
     * A daemon item as a {@link DeferredItem}. The daemon's description is the store's
     * {@code "<name> age <d> size <n>: <redacted command>"}; size and command are taken from it.
     */
    static DeferredItem item(Map<String, Object> m) throws IOException {
        Object file = m.get(Wire.FILE);
        Object lonId = m.get(Wire.ITEM_LON_ID);
        Object saved = m.get(Wire.ITEM_SAVED_AT);
        if (!(file instanceof String f) || !(lonId instanceof String id) || !(saved instanceof String at)) {
            throw new IOException("the daemon sent a deferred item without file, lonId or savedAt");
        }
        Instant savedAt;
        try {
            savedAt = Instant.parse(at);
        } catch (DateTimeParseException e) {
            throw new IOException("the daemon sent a bad savedAt: " + at, e);
        }
        String description = m.get(Wire.ITEM_DESCRIPTION) instanceof String d ? d : "";
        long size = 0;
        String command = description;
        java.util.regex.Matcher x = java.util.regex.Pattern.compile(" size (\\d+): ").matcher(description);
        if (x.find()) {
            size = Long.parseLong(x.group(1));
            command = description.substring(x.end());
        }
        return new DeferredItem(f, id, savedAt, size, Boolean.TRUE.equals(m.get(Wire.ITEM_HELD)), command,
                Boolean.TRUE.equals(m.get(Wire.ITEM_DELIVERED_NOT_REMOVED)));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> objects(Map<String, Object> answer, String key)
            throws IOException {
        Object v = answer.get(key);
        if (!(v instanceof List<?> l)) {
            throw new IOException("the daemon's answer has no '" + key + "' list");
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object o : l) {
            if (!(o instanceof Map)) {
                throw new IOException("the daemon's '" + key + "' list holds a non-object");
            }
            out.add((Map<String, Object>) o);
        }
        return out;
    }

    /** One request, one answer; the answer must say {@code "ok":true}. */
    Map<String, Object> call(Map<String, Object> request) throws IOException {
        if (!Files.exists(socket)) {
            throw new IOException("no admin socket at " + socket + " (is the lonc daemon running?)");
        }
        try (AFUNIXSocket s = AFUNIXSocket.newInstance()) {
            s.connect(AFUNIXSocketAddress.of(socket));
            s.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis())));
            OutputStream out = s.getOutputStream();
            out.write((Json.write(request) + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            String line = readLine(s.getInputStream());
            Map<String, Object> answer;
            try {
                answer = Json.parseObject(line);
            } catch (Json.JsonException e) {
                throw new IOException("the daemon's admin answer is not JSON: " + e.getMessage(), e);
            }
            if (!Boolean.TRUE.equals(answer.get(Wire.OK))) {
                Object err = answer.get(Wire.ERROR);
                throw new IOException("the daemon refused " + request.get(Wire.CMD) + ": "
                        + (err == null ? "no reason given" : err));
            }
            return answer;
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(256);
        byte[] chunk = new byte[8192];
        while (true) {
            int n = in.read(chunk);
            if (n < 0) {
                throw new IOException("the daemon closed the admin connection without an answer");
            }
            for (int i = 0; i < n; i++) {
                if (chunk[i] == '\n') {
                    buf.write(chunk, 0, i);
                    return buf.toString(StandardCharsets.UTF_8);
                }
            }
            buf.write(chunk, 0, n);
            if (buf.size() > Wire.MAX_ANSWER_BYTES) {
                throw new IOException("the daemon's admin answer is over " + Wire.MAX_ANSWER_BYTES
                        + " bytes");
            }
        }
    }
}
