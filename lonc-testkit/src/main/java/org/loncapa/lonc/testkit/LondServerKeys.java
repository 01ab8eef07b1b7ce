package org.loncapa.lonc.testkit;

/**
 * lond's side of the insecure key exchange (protocol.md §2.1 and §2.4): the challenge, the check of
 * its echo, and the buildkey. Pure functions; the caller supplies time, pid and random draws.
 */
final class LondServerKeys {
    private LondServerKeys() {}

    /** lond's challenge: {@code $$ . time()}. */
    static String challenge(long pid, long epochSeconds) {
        return Long.toString(pid) + epochSeconds;
    }

    /** lond strips {@code \W} from the echo ({@code s/\W//g}) and compares it with the challenge. */
    static boolean echoMatches(String challenge, String echo) {
        StringBuilder b = new StringBuilder(echo.length());
        for (int i = 0; i < echo.length(); i++) {
            char c = echo.charAt(i);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_') {
                b.append(c);
            }
        }
        return b.toString().equals(challenge);
    }

    /**
     * The buildkey sent in reply to {@code ekey}: {@code B0 = time . pid . inside}; digits 1-6 of B0
     * become A-F; {@code B = prefix . B1 . suffix}. lond draws {@code inside} first, then
     * {@code prefix}, then {@code suffix}, each as {@code int(rand 100000)}.
     */
    static String buildKey(long epochSeconds, long pid, int inside, int prefix, int suffix) {
        char[] b = (Long.toString(epochSeconds) + pid + inside).toCharArray();
        for (int i = 0; i < b.length; i++) {
            if (b[i] >= '1' && b[i] <= '6') {
                b[i] = (char) ('A' + (b[i] - '1'));
            }
        }
        return prefix + new String(b) + suffix;
    }
}
