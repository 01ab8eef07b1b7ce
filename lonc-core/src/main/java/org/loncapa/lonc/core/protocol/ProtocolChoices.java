package org.loncapa.lonc.core.protocol;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every point of the lond protocol that {@code protocol.md} marks [RECALL] (reconstructed, not read
 * in source), kept in one place so that each can be changed in one line if a real lond disagrees.
 * Each constant says what it decides and how sure we are.
 */
public final class ProtocolChoices {
    private ProtocolChoices() {}

    /**
     * A client's request line without the carriage return of a {@code \r\n} line end (socat, nc,
     * Windows tools): lond would take {@code ping\r} for an unknown command. Only one trailing CR
     * goes; a CR inside the line is data.
     */
    public static String withoutTrailingCr(String line) {
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }

    /**
     * [RECALL, medium] The insecure hailing line. 2005 lonc sends {@code init}; from about
     * LON-CAPA 2.9 {@code init::<lonVersion>}. We send the version when one is configured.
     */
    public static String insecureInit(String lonVersion) {
        return lonVersion == null || lonVersion.isEmpty() ? "init" : "init::" + lonVersion;
    }

    /** [RECALL, medium] The ssl hailing line: {@code init:ssl}, or {@code init:ssl:<lonVersion>}. */
    public static String sslInit(String lonVersion) {
        return lonVersion == null || lonVersion.isEmpty() ? "init:ssl" : "init:ssl:" + lonVersion;
    }

    /**
     * [RECALL, high for the form, low for the version] The local hailing line
     * {@code init:local:<absolute key file path>}. No version is appended, because lond takes the
     * path from the field after {@code local}.
     */
    public static String localInit(String keyFilePath) {
        return "init:local:" + keyFilePath;
    }

    /** [RECALL, high] lond's positive answer to an ssl init (compared after removing the newline). */
    public static final String OK_SSL = "ok:ssl";
    /** [RECALL, high] lond's positive answer to a local init is a line starting with this. */
    public static final String OK_LOCAL_PREFIX = "ok:local";
    /** [RECALL, high] lond's answer when the client is not in its host table. */
    public static final String REFUSED = "refused";
    /** [RECALL, high] the only acceptable answer to the challenge echo and to {@code sethost}. */
    public static final String OK = "ok";

    /** The keyword of the version request: {@code version}, alone or as {@code version:<x>}. */
    public static final String VERSION_REQUEST = "version";

    /**
     * [RECALL, medium] The switch between the two forms of the version request: false sends
     * {@code version} alone (as recalled of lonc), true sends {@code version:<lonVersion>}. lond has
     * kept a {@code $remoteVERSION} from the second field since rev 1.121 (2003) [SRC], so it may
     * expect the client's version; it accepts both. Without a configured lonVersion the request is
     * {@code version} either way.
     */
    public static final boolean VERSION_REQUEST_WITH_OWN_VERSION = false;

    /** The version request as this build sends it ({@link #VERSION_REQUEST_WITH_OWN_VERSION}). */
    public static String versionRequest(String lonVersion) {
        return versionRequest(VERSION_REQUEST_WITH_OWN_VERSION, lonVersion);
    }

    /** The version request in either form; {@code version} alone when there is no version to send. */
    public static String versionRequest(boolean withOwnVersion, String lonVersion) {
        return withOwnVersion && lonVersion != null && !lonVersion.isEmpty()
                ? VERSION_REQUEST + ":" + lonVersion : VERSION_REQUEST;
    }

    /** [RECALL, high] The key request of insecure mode. */
    public static final String EKEY_REQUEST = "ekey";

    /** [RECALL, high] The sethost request that selects one of a multihomed lond's lonIDs. */
    public static String setHost(String lonId) {
        return "sethost:" + lonId;
    }

    /** Prefix of a request that names its target lonID: {@code sethost:<id>:<cmd>}. */
    public static final String SETHOST_PREFIX = "sethost:";

    /**
     * [RECALL, medium] The last lond revision (the N of {@code $Revision: 1.N $}) that does NOT
     * understand an inline {@code sethost:<id>:<cmd>}; toward such a lond (or one whose revision we
     * could not parse) the sethost is sent as a line of its own and its reply is discarded.
     */
    public static final int LAST_REVISION_WITHOUT_INLINE_SETHOST = 321;

    /** True if a lond of this revision takes {@code sethost:<id>:<cmd>} in one line. */
    public static boolean supportsInlineSetHost(int peerRevision) {
        return peerRevision > LAST_REVISION_WITHOUT_INLINE_SETHOST;
    }

    private static final Pattern REVISION = Pattern.compile("Revision:\\s*\\d+\\.(\\d+)");

    /**
     * The revision number N from lond's version string ({@code $Revision: 1.N $}), or -1 when it
     * cannot be found.
     */
    public static int parseRevision(String versionReply) {
        Matcher m = REVISION.matcher(versionReply);
        if (!m.find()) {
            return -1;
        }
        try {
            return Integer.parseInt(m.group(1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * [RECALL, medium / INFER] lond never puts a newline into the buildkey; the Perl client may keep
     * it. Stripping it is the choice that matches lond's own derivation.
     */
    public static final boolean STRIP_BUILDKEY_NEWLINE = true;

    /**
     * [RECALL, low] Local mode's key file: the directory (configurable; default {@code lonIDsDir}),
     * the name pattern, and whether a newline follows the 32 hex digits (lond chomps it).
     */
    public static String localKeyFileName(long pid, long counter, String random) {
        return "lonc-" + pid + "-" + counter + "-" + random + ".key";
    }

    /** [RECALL, low] Written after the 32 hex digits in the local key file. */
    public static final String LOCAL_KEY_FILE_TRAILER = "\n";

    /** [SEED] lond's challenge is digits only (pid then time). */
    public static boolean looksLikeChallenge(String line) {
        if (line.isEmpty()) {
            return false;
        }
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
