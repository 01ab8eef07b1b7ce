package org.loncapa.lonc.core.internal.protocol;

import java.util.Objects;

/**
 * Turns a request line into text that is safe to write to a log, a status file or an operator's
 * screen: secret arguments never leave the process through a log.
 *
 * <p>Rules, applied to the request with one trailing {@code "\n"} (or {@code "\r\n"}) removed:
 *
 * <ul>
 *   <li>{@code sethost:<id>:<rest>}: the prefix is kept ({@code <id>} escaped and cut) and
 *       {@code <rest>} is redacted by these same rules. A bare {@code sethost:<id>} is plain.
 *   <li>{@code encrypt:<cmd>:<args…>} becomes {@code encrypt:<cmd>}: the command name only,
 *       as loncnew 1.88 logs "Failing transaction &lt;cmd&gt;:&lt;subcmd&gt;" for encrypted
 *       requests and never their arguments.
 *   <li>{@code enc:<len>:<hex>} (the encrypted wire form) becomes {@code enc:<len>:…}; when
 *       {@code <len>} is not all digits, just {@code enc:…}.
 *   <li>Anything else is returned as is, but cut to {@code maxChars} characters (then
 *       {@value #ELLIPSIS} is appended) with control characters escaped ({@code \n}, {@code
 *       \r}, {@code \t}, other C0 controls as {@code \xNN}, C1 controls and Unicode line
 *       separators as a backslash-u escape, a backslash as two), so one request is always
 *       one unambiguous log line.
 * </ul>
 *
 * <p>Which prefixes carry secrets ({@link #SETHOST_PREFIX}, {@link #ENCRYPT_PREFIX}, {@link
 * #ENC_PREFIX}) is [SRC]/[RECALL] knowledge of lonnet and LondConnection (protocol.md §3, §4.2,
 * §7) and lives only in this class.
 *
 * <p>Threading: stateless, safe from any thread. Nullability: a {@code null} request gives
 * {@code "null"}; this method never throws for any string.
 */
public final class Redaction {

  /** Default maximum number of characters kept from a plain request. */
  public static final int DEFAULT_MAX_CHARS = 200;

  /** Appended when something was cut or redacted. */
  public static final String ELLIPSIS = "\u2026";

  /** [RECALL, high] 2.x lonnet prefix naming the target lonID (protocol.md §4.2). */
  public static final String SETHOST_PREFIX = "sethost:";

  /** [SRC] lonnet's marker for a request that must be encrypted (protocol.md §3). */
  public static final String ENCRYPT_PREFIX = "encrypt:";

  /** [SRC]/[RECALL, high] the encrypted wire form {@code enc:<len>:<hex>} (protocol.md §3). */
  public static final String ENC_PREFIX = "enc:";

  /** Longest command name or lonID kept inside a redacted request. */
  static final int MAX_NAME_CHARS = 64;

  private Redaction() {}

  /**
   * Redacts {@code request} for logging with the {@link #DEFAULT_MAX_CHARS default} length cut.
   *
   * @param request a request line as a client sent it or as stored on disk; may be {@code null}
   * @return a single-line, secret-free rendering, never {@code null}
   */
  public static String forLog(String request) {
    return forLog(request, DEFAULT_MAX_CHARS);
  }

  /**
   * Like {@link #forLog(String)} with an explicit length cut for plain requests.
   *
   * @param request the request; may be {@code null}
   * @param maxChars maximum number of output characters taken from a plain request, at least 1
   * @return a single-line, secret-free rendering, never {@code null}
   * @throws IllegalArgumentException if {@code maxChars < 1}
   */
  public static String forLog(String request, int maxChars) {
    if (maxChars < 1) {
      throw new IllegalArgumentException("maxChars must be >= 1: " + maxChars);
    }
    if (request == null) {
      return "null";
    }
    String r = stripOneLineEnd(request);
    // A loop, not recursion: "sethost:a:sethost:b:…" must neither leak nor overflow the stack.
    StringBuilder prefixes = new StringBuilder();
    while (r.startsWith(SETHOST_PREFIX)) {
      int idEnd = r.indexOf(':', SETHOST_PREFIX.length());
      if (idEnd < 0) {
        break; // bare "sethost:<id>": plain
      }
      if (prefixes.length() > maxChars) {
        return prefixes.append(ELLIPSIS).toString();
      }
      String id = r.substring(SETHOST_PREFIX.length(), idEnd);
      prefixes.append(SETHOST_PREFIX).append(escape(id, MAX_NAME_CHARS)).append(':');
      r = r.substring(idEnd + 1);
    }
    return prefixes.append(redactBody(r, maxChars)).toString();
  }

  private static String redactBody(String r, int maxChars) {
    if (r.startsWith(ENCRYPT_PREFIX)) {
      int cmdEnd = r.indexOf(':', ENCRYPT_PREFIX.length());
      String cmd = cmdEnd < 0 ? r.substring(ENCRYPT_PREFIX.length())
          : r.substring(ENCRYPT_PREFIX.length(), cmdEnd);
      return ENCRYPT_PREFIX + escape(cmd, MAX_NAME_CHARS);
    }
    if (r.startsWith(ENC_PREFIX)) {
      int lenEnd = r.indexOf(':', ENC_PREFIX.length());
      String len = lenEnd < 0 ? "" : r.substring(ENC_PREFIX.length(), lenEnd);
      if (!len.isEmpty() && len.length() <= 12 && isAsciiDigits(len)) {
        return ENC_PREFIX + len + ":" + ELLIPSIS;
      }
      return ENC_PREFIX + ELLIPSIS;
    }
    return escape(r, maxChars);
  }

  private static String stripOneLineEnd(String s) {
    if (s.endsWith("\r\n")) {
      return s.substring(0, s.length() - 2);
    }
    if (s.endsWith("\n")) {
      return s.substring(0, s.length() - 1);
    }
    return s;
  }

  private static boolean isAsciiDigits(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  /**
   * Escapes control characters and cuts to {@code maxChars} output characters (escapes count
   * with their full length and are never split, nor are surrogate pairs).
   */
  static String escape(String s, int maxChars) {
    Objects.requireNonNull(s);
    StringBuilder out = new StringBuilder(Math.min(s.length(), maxChars) + 8);
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      String piece;
      int consumed = 1;
      if (c == '\n') {
        piece = "\\n";
      } else if (c == '\r') {
        piece = "\\r";
      } else if (c == '\t') {
        piece = "\\t";
      } else if (c == '\\') {
        piece = "\\\\";
      } else if (c < 0x20 || c == 0x7f) {
        piece = String.format("\\x%02x", (int) c);
      } else if ((c >= 0x80 && c <= 0x9f) || c == '\u2028' || c == '\u2029'
          || c == '\u0085') {
        piece = String.format("\\u%04x", (int) c);
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        piece = s.substring(i, i + 2);
        consumed = 2;
      } else if (Character.isSurrogate(c)) {
        piece = String.format("\\u%04x", (int) c); // lone surrogate: not printable text
      } else {
        piece = String.valueOf(c);
      }
      if (out.length() + piece.length() > maxChars) {
        return out.append(ELLIPSIS).toString();
      }
      out.append(piece);
      i += consumed;
    }
    return out.toString();
  }
}
