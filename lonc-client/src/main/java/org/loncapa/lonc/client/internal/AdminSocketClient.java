package org.loncapa.lonc.client.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * connection. The vocabulary below is this client's proposal, not yet checked against the daemon
 * (which defines the admin protocol); every name of it is in {@link Wire} so that it can be
 * changed in one place. Host status objects are read by the component names of {@link
 * HostStatus} (what Jackson writes for a record), deferred items by those of {@link
 * DeferredItem}.
 *
 * <pre>
 * → {"op":"status"}                                  ← {"ok":true,"hosts":[{HostStatus}...]}
 * → {"op":"deferred.list","lonid":"msul1"|null}      ← {"ok":true,"items":[{DeferredItem}...]}
 * → {"op":"deferred.flush","lonid":"msul1"}          ← {"ok":true,"delivered":3}
 * → {"op":"deferred.hold","target":"msul1"|id}       ← {"ok":true,"items":[...]}
 * → {"op":"deferred.release","target":"msul1"|id}    ← {"ok":true,"items":[...]}
 * any failure                                        ← {"ok":false,"error":"text"}
 * </pre>
 *
 * <p>Thread-safe (no shared state besides the settings); blocking.
 */
public final class AdminSocketClient implements DaemonAdmin {

    /** The admin protocol's names, in one place. */
    public static final class Wire {
        private Wire() {}

        /** Default file name of the admin socket inside {@code lonSockDir}. */
        public static final String DEFAULT_SOCKET_NAME = "lonc.admin";
        static final String OP = "op";
        static final String OK = "ok";
        static final String ERROR = "error";
        static final String STATUS = "status";
        static final String HOSTS = "hosts";
        static final String DEFERRED_LIST = "deferred.list";
        static final String DEFERRED_FLUSH = "deferred.flush";
        static final String DEFERRED_HOLD = "deferred.hold";
        static final String DEFERRED_RELEASE = "deferred.release";
        static final String LONID = "lonid";
        static final String TARGET = "target";
        static final String ITEMS = "items";
        static final String DELIVERED = "delivered";
        /** Longest answer line accepted (a status of thousands of hosts fits easily). */
        static final int MAX_ANSWER_BYTES = 16 << 20;
    }

    private final Path socket;
    private final Duration timeout;

    /**
     * @param socket the admin socket
     * @param timeout how long one operation may take (a flush replays many requests)
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
            out.add(convert(m, HostStatus.class));
        }
        return out;
    }

    @Override
    public List<DeferredItem> deferredList(String lonId) throws IOException {
        Map<String, Object> req = request(Wire.DEFERRED_LIST);
        req.put(Wire.LONID, lonId);
        return items(call(req));
    }

    @Override
    public int deferredFlush(String lonId) throws IOException {
        Map<String, Object> req = request(Wire.DEFERRED_FLUSH);
        req.put(Wire.LONID, Objects.requireNonNull(lonId, "lonId"));
        Object n = call(req).get(Wire.DELIVERED);
        if (!(n instanceof Number num)) {
            throw new IOException("the daemon's answer has no '" + Wire.DELIVERED + "' count");
        }
        return num.intValue();
    }

    @Override
    public List<DeferredItem> deferredHold(String lonIdOrId) throws IOException {
        Map<String, Object> req = request(Wire.DEFERRED_HOLD);
        req.put(Wire.TARGET, Objects.requireNonNull(lonIdOrId, "lonIdOrId"));
        return items(call(req));
    }

    @Override
    public List<DeferredItem> deferredRelease(String lonIdOrId) throws IOException {
        Map<String, Object> req = request(Wire.DEFERRED_RELEASE);
        req.put(Wire.TARGET, Objects.requireNonNull(lonIdOrId, "lonIdOrId"));
        return items(call(req));
    }

    private static Map<String, Object> request(String op) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(Wire.OP, op);
        return m;
    }

    private List<DeferredItem> items(Map<String, Object> answer) throws IOException {
        List<DeferredItem> out = new ArrayList<>();
        for (Map<String, Object> m : objects(answer, Wire.ITEMS)) {
            out.add(convert(m, DeferredItem.class));
        }
        return out;
    }

    private static <R extends Record> R convert(Map<String, Object> m, Class<R> type)
            throws IOException {
        try {
            return Json.toRecord(m, type);
        } catch (RuntimeException e) {
            throw new IOException("the daemon sent a " + type.getSimpleName()
                    + " this client cannot read: " + e.getMessage(), e);
        }
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
                throw new IOException("the daemon refused " + request.get(Wire.OP) + ": "
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
