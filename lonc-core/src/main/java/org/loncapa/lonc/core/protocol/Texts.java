package org.loncapa.lonc.core.protocol;

/** Small text helpers for log and error messages. */
final class Texts {
    private Texts() {}

    /** At most 80 characters of {@code s}, control characters escaped. */
    static String forLog(String s) {
        return printable(s, 80);
    }

    static String printable(String s, int max) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), max) + 4);
        for (int i = 0; i < s.length() && b.length() < max; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\x%02x", (int) c));
            } else {
                b.append(c);
            }
        }
        if (b.length() >= max && s.length() > max) {
            b.append('…');
        }
        return b.toString();
    }
}
