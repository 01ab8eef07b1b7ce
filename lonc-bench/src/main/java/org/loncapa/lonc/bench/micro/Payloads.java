package org.loncapa.lonc.bench.micro;

import java.nio.charset.StandardCharsets;

/** Request and reply texts shared by the micro-benchmarks. */
final class Payloads {
    private Payloads() {}

    /** A request of exactly {@code n} ASCII bytes that looks like a lonnet command. */
    static String request(int n) {
        StringBuilder b = new StringBuilder(n);
        b.append("echo:msul1:user:smith:");
        int i = 0;
        while (b.length() < n) {
            b.append((char) ('a' + (i++ % 26)));
        }
        b.setLength(n);
        return b.toString();
    }

    /** {@code text} as UTF-8 bytes followed by a newline. */
    static byte[] line(String text) {
        byte[] t = text.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[t.length + 1];
        System.arraycopy(t, 0, out, 0, t.length);
        out[t.length] = '\n';
        return out;
    }
}
