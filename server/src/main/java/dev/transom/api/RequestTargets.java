package dev.transom.api;

import dev.transom.io.Utf8;

/**
 * Checks a request's target (path and query) before the router sees it. The router cannot route a
 * target whose %-escapes are malformed ({@code /api/pipelines/%}) and answers it with a bare
 * "Bad Request" of its own, before any of our handlers or failure handlers run; and it decodes
 * escapes that are not UTF-8 ({@code %ff}) into U+FFFD, so a path or a {@code key=} filter would
 * silently name something else.
 */
final class RequestTargets {
  private RequestTargets() {}

  /** Why {@code uri} cannot be routed, or {@code null} when it can. */
  static String problem(String uri) {
    boolean plain = true;
    for (int i = 0; i < uri.length(); i++) {
      char c = uri.charAt(i);
      if (c == '%' || c >= 0x80) {
        plain = false;
        break;
      }
    }
    if (plain) {
      return null;
    }
    byte[] bytes = new byte[uri.length()];
    int n = 0;
    for (int i = 0; i < uri.length(); i++) {
      char c = uri.charAt(i);
      if (c == '%') {
        int hi = i + 1 < uri.length() ? Character.digit(uri.charAt(i + 1), 16) : -1;
        int lo = i + 2 < uri.length() ? Character.digit(uri.charAt(i + 2), 16) : -1;
        if (hi < 0 || lo < 0) {
          return "malformed request target: '%' at character " + (i + 1) + " is not followed by two hex digits"
              + " (write a literal % as %25)";
        }
        bytes[n++] = (byte) (hi << 4 | lo);
        i += 2;
      } else {
        bytes[n++] = (byte) c; // the HTTP decoder hands raw bytes over as chars 0-255
      }
    }
    Utf8.Malformed bad = Utf8.firstMalformed(bytes, 0, n);
    return bad == null ? null : "malformed request target: not UTF-8 once its %-escapes are decoded (" + bad.getMessage() + ")";
  }
}
