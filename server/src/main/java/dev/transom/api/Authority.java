package dev.transom.api;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A host name or IP address with an optional port, as a {@code Host} header, an {@code Origin} or
 * an {@code --allow-host} value writes it, in one canonical form so that two spellings of the same
 * name compare equal ({@code LOCALHOST.} and {@code localhost}, {@code [0:0::1]} and {@code [::1]}).
 * Parsing never resolves a name: a DNS lookup is exactly what the checks built on this must not
 * trust.
 */
record Authority(String host, int port) {
  /** No port was written. */
  static final int NO_PORT = -1;

  private static final Pattern NAME = Pattern.compile("[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*");
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9a-f:.]+");

  /** Thrown with a one-line reason. */
  static final class Invalid extends Exception {
    Invalid(String message) {
      super(message, null, false, false);
    }
  }

  /** {@code host}, {@code host:port}, {@code [v6]} or {@code [v6]:port}. */
  static Authority parse(String text) throws Invalid {
    String s = text.strip();
    String host;
    String port = null;
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      if (close < 0) {
        throw new Invalid("'" + text + "' opens an IPv6 address with [ but does not close it");
      }
      host = s.substring(1, close);
      String rest = s.substring(close + 1);
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":")) {
          throw new Invalid("'" + text + "' has something other than :PORT after the IPv6 address");
        }
        port = rest.substring(1);
      }
      if (!host.contains(":")) {
        throw new Invalid("'" + text + "' has brackets around something that is not an IPv6 address");
      }
    } else {
      int colon = s.indexOf(':');
      if (colon >= 0 && s.indexOf(':', colon + 1) >= 0) {
        throw new Invalid("'" + text + "' looks like an IPv6 address without [brackets]");
      }
      host = colon < 0 ? s : s.substring(0, colon);
      port = colon < 0 ? null : s.substring(colon + 1);
    }
    return new Authority(canonicalHost(host, text), parsePort(port, text));
  }

  /**
   * A command-line value ({@code --host}, {@code --allow-host}): as {@link #parse}, and also a bare
   * IPv6 address without brackets, which then has no port.
   */
  static Authority parseFlag(String text) throws Invalid {
    String s = text.strip();
    if (!s.startsWith("[") && s.indexOf(':') != s.lastIndexOf(':')) {
      return new Authority(canonicalHost(s, text), NO_PORT);
    }
    return parse(s);
  }

  /** An {@code Origin} header: {@code scheme://host[:port]}, its port made explicit from the scheme. */
  static Authority parseOrigin(String origin) throws Invalid {
    String s = origin.strip();
    int sep = s.indexOf("://");
    if (sep < 0) {
      throw new Invalid("Origin '" + origin + "' is not scheme://host[:port]");
    }
    String scheme = s.substring(0, sep).toLowerCase(Locale.ROOT);
    int defaultPort = switch (scheme) {
      case "http" -> 80;
      case "https" -> 443;
      default -> throw new Invalid("Origin '" + origin + "' has scheme '" + scheme + "', not http or https");
    };
    String rest = s.substring(sep + 3);
    if (rest.endsWith("/")) {
      rest = rest.substring(0, rest.length() - 1);
    }
    if (rest.isEmpty() || rest.contains("/") || rest.contains("@") || rest.contains("?") || rest.contains("#")) {
      throw new Invalid("Origin '" + origin + "' is not scheme://host[:port]");
    }
    Authority a = parse(rest);
    return a.port == NO_PORT ? new Authority(a.host, defaultPort) : a;
  }

  boolean hasPort() {
    return port != NO_PORT;
  }

  boolean isIpLiteral() {
    return host.contains(":") || IPV4.matcher(host).matches();
  }

  /** As a request would write it: IPv6 in brackets, the port when there is one. */
  @Override
  public String toString() {
    String h = host.contains(":") ? "[" + host + "]" : host;
    return hasPort() ? h + ":" + port : h;
  }

  private static String canonicalHost(String raw, String text) throws Invalid {
    String h = raw.toLowerCase(Locale.ROOT);
    if (h.endsWith(".") && !h.contains(":")) {
      h = h.substring(0, h.length() - 1); // "localhost." is the same name, fully qualified
    }
    if (h.isEmpty()) {
      throw new Invalid("'" + text + "' has no host name");
    }
    if (h.contains(":")) {
      if (!IPV6.matcher(h).matches()) {
        throw new Invalid("'" + text + "' is not an IPv6 address");
      }
      try {
        // a literal with ':' is parsed, never looked up
        return shortIpv6(InetAddress.getByName("[" + h + "]").getAddress());
      } catch (UnknownHostException e) {
        throw new Invalid("'" + text + "' is not an IPv6 address");
      }
    }
    if (IPV4.matcher(h).matches()) {
      String[] parts = h.split("\\.");
      StringBuilder sb = new StringBuilder();
      for (String part : parts) {
        int n = Integer.parseInt(part);
        if (n > 255) {
          throw new Invalid("'" + text + "' is not an IPv4 address (" + n + " is more than 255)");
        }
        sb.append(sb.length() == 0 ? "" : ".").append(n);
      }
      return sb.toString();
    }
    if (!NAME.matcher(h).matches()) {
      throw new Invalid("'" + text + "' is not a host name");
    }
    return h;
  }

  /** RFC 5952's form: groups without leading zeros, the longest run of two or more zero groups as {@code ::}. */
  private static String shortIpv6(byte[] address) throws UnknownHostException {
    if (address.length != 16) {
      // an IPv4-mapped literal (::ffff:1.2.3.4) comes back as IPv4
      return InetAddress.getByAddress(address).getHostAddress();
    }
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((address[2 * i] & 0xff) << 8) | (address[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; ) {
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j == i ? i + 1 : j;
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLength - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(groups[i]));
    }
    return sb.toString();
  }

  private static int parsePort(String port, String text) throws Invalid {
    if (port == null) {
      return NO_PORT;
    }
    if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new Invalid("'" + text + "' has a port that is not a number from 1 to 65535");
    }
    int p = Integer.parseInt(port);
    if (p < 1 || p > 65535) {
      throw new Invalid("'" + text + "' has a port that is not a number from 1 to 65535");
    }
    return p;
  }
}
