package org.loncapa.lonc.dist;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Just enough of tar (ustar, with POSIX long names) and ar (a .deb's outer format) to list what the
 * build packed, without external tools.
 */
final class Archives {
    /** A tar entry; {@code data} is the file's content (empty for directories and links). */
    record Entry(String name, int mode, char type, String link, byte[] data) {
        String text() {
            return new String(data, StandardCharsets.UTF_8);
        }

        boolean isFile() {
            return type == '0' || type == '\0';
        }
    }

    private Archives() {
    }

    /** The entries of a gzip-compressed tar, by name without a leading "./". */
    static Map<String, Entry> tarGz(byte[] gz) throws IOException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return tar(in.readAllBytes());
        }
    }

    static Map<String, Entry> tarGz(Path file) throws IOException {
        return tarGz(Files.readAllBytes(file));
    }

    static Map<String, Entry> tar(byte[] t) {
        Map<String, Entry> out = new LinkedHashMap<>();
        int pos = 0;
        String longName = null;
        while (pos + 512 <= t.length) {
            if (t[pos] == 0) {
                break; // end-of-archive blocks
            }
            String name = field(t, pos, 100);
            int mode = (int) octal(t, pos + 100, 8);
            long size = octal(t, pos + 124, 12);
            char type = (char) t[pos + 156];
            String link = field(t, pos + 157, 100);
            String prefix = new String(t, pos + 257, 6, StandardCharsets.US_ASCII).startsWith("ustar")
                    ? field(t, pos + 345, 155) : "";
            byte[] data = new byte[(int) size];
            System.arraycopy(t, pos + 512, data, 0, (int) size);
            pos += 512 + (int) ((size + 511) / 512 * 512);
            if (type == 'x') { // POSIX extended header: take its path
                for (String rec : new String(data, StandardCharsets.UTF_8).split("\n")) {
                    int sp = rec.indexOf(' ');
                    if (sp > 0 && rec.startsWith("path=", sp + 1)) {
                        longName = rec.substring(sp + 6);
                    }
                }
                continue;
            }
            if (type == 'L') { // GNU long name
                longName = new String(data, StandardCharsets.UTF_8).replace("\0", "");
                continue;
            }
            String full = longName != null ? longName : prefix.isEmpty() ? name : prefix + "/" + name;
            longName = null;
            if (full.startsWith("./")) {
                full = full.substring(2);
            }
            if (!full.isEmpty()) {
                out.put(full, new Entry(full, mode, type, link, data));
            }
        }
        return out;
    }

    /** The members of an ar archive (a .deb: debian-binary, control.tar.gz, data.tar.gz). */
    static Map<String, byte[]> ar(Path file) throws IOException {
        byte[] a = Files.readAllBytes(file);
        if (!new String(a, 0, 8, StandardCharsets.US_ASCII).equals("!<arch>\n")) {
            throw new IOException(file + " is not an ar archive");
        }
        Map<String, byte[]> out = new LinkedHashMap<>();
        int pos = 8;
        while (pos + 60 <= a.length) {
            String name = new String(a, pos, 16, StandardCharsets.US_ASCII).strip();
            if (name.endsWith("/")) {
                name = name.substring(0, name.length() - 1);
            }
            int size = Integer.parseInt(new String(a, pos + 48, 10, StandardCharsets.US_ASCII).strip());
            byte[] data = new byte[size];
            System.arraycopy(a, pos + 60, data, 0, size);
            out.put(name, data);
            pos += 60 + size + (size % 2);
        }
        return out;
    }

    private static String field(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, StandardCharsets.UTF_8);
    }

    private static long octal(byte[] b, int off, int len) {
        String s = field(b, off, len).trim();
        return s.isEmpty() ? 0 : Long.parseLong(s, 8);
    }
}
