package org.loncapa.lonc.core.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a small text configuration file as lines: UTF-8 (strict, so that a mangled byte is an
 * error on its line rather than a silently different path), LF or CRLF line ends, a leading UTF-8
 * byte order mark ignored. loncapa.conf, hosts.tab and the daemon's settings file are read this
 * way. Stateless; any thread.
 */
public final class ConfigFiles {

    private ConfigFiles() {
    }

    /** The lines of {@code file} without line terminators; element {@code i} is line {@code i + 1}. */
    public static List<String> readLines(Path file) throws ConfigException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw ConfigException.cannotRead(file, e);
        }
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        List<String> lines = new ArrayList<>();
        int start = 0;
        if (bytes.length >= 3 && (bytes[0] & 0xff) == 0xef && (bytes[1] & 0xff) == 0xbb
                && (bytes[2] & 0xff) == 0xbf) {
            start = 3;
        }
        while (start < bytes.length) {
            int end = start;
            while (end < bytes.length && bytes[end] != '\n') {
                end++;
            }
            int next = end + 1;
            if (end > start && bytes[end - 1] == '\r') {
                end--;
            }
            try {
                lines.add(utf8.decode(ByteBuffer.wrap(bytes, start, end - start)).toString());
            } catch (CharacterCodingException e) {
                throw new ConfigException(file, lines.size() + 1, "not valid UTF-8", e);
            }
            start = next;
        }
        return lines;
    }
}
