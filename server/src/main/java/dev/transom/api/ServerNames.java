package dev.transom.api;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntSupplier;

/**
 * The names this server answers to, which is what defeats DNS rebinding: a page on
 * {@code evil.example} that re-points its name at 127.0.0.1 reaches this port, but its browser
 * still sends {@code Host: evil.example}, a name the server does not know as its own.
 *
 * <p>Its own names are the loopback names, the address given to {@code --host} and every name of
 * {@code --allow-host}. The loopback names and the bound address count only with this server's port
 * or with none: a page on {@code localhost:3000} is another program, not us. Bound to a wildcard
 * address (0.0.0.0 or ::), every IP literal counts as ours too: no DNS answer can make a browser send
 * an IP literal it did not type, so an IP in {@code Host} is never rebinding, and the machine's
 * addresses are not known in advance. Its DNS names must then be named with {@code --allow-host}.
 * An {@code --allow-host} NAME matches any port (a proxy in front may use its own), NAME:PORT only
 * that port, and {@code *} turns the Host check off (the Origin check stays).
 */
public final class ServerNames {
  private static final List<String> LOOPBACK = List.of("localhost", "127.0.0.1", "::1");
  private final Set<String> own = new LinkedHashSet<>();
  private final List<Authority> allowed = new ArrayList<>();
  private final boolean anyIp;
  private final boolean anyHost;
  private final IntSupplier port;

  /**
   * @param bindHost what {@code --host} says
   * @param allowHosts every {@code --allow-host} value
   * @param port the port the server listens on (known once it listens, hence a supplier)
   */
  public ServerNames(String bindHost, List<String> allowHosts, IntSupplier port) throws IllegalArgumentException {
    this.port = port;
    for (String name : LOOPBACK) {
      own.add(parseOrThrow(name, "").host());
    }
    Authority bound = parseOrThrow(bindHost, "--host");
    boolean wildcard = bound.host().equals("0.0.0.0") || bound.host().equals("::");
    if (!wildcard) {
      own.add(bound.host());
    }
    this.anyIp = wildcard;
    boolean star = false;
    for (String entry : allowHosts) {
      if (entry.strip().equals("*")) {
        star = true;
      } else {
        allowed.add(parseOrThrow(entry, "--allow-host"));
      }
    }
    this.anyHost = star;
  }

  private static Authority parseOrThrow(String text, String flag) {
    try {
      return Authority.parseFlag(text);
    } catch (Authority.Invalid e) {
      throw new IllegalArgumentException(flag + ": " + e.getMessage());
    }
  }

  /** Null when a request with this {@code Host} header is for us, else why not (one line). */
  String refuseHost(String hostHeader) {
    if (anyHost) {
      return null;
    }
    Authority a;
    try {
      a = Authority.parse(hostHeader);
    } catch (Authority.Invalid e) {
      return "the Host header " + e.getMessage();
    }
    if (isOurs(a, true)) {
      return null;
    }
    return "this server does not answer to the host name '" + a + "' (Host header); it answers to " + describe()
        + ". Start it with --allow-host " + a.host() + " if that name is meant to reach it";
  }

  /**
   * Null when a state-changing request from a page of this {@code Origin} may go ahead, else why
   * not. The origin is ours when it is the page's own server, the one the request's (already
   * checked) {@code Host} names, or one of our names on our port, or an {@code --allow-host} name.
   */
  String refuseOrigin(String origin, String hostHeader) {
    Authority o;
    try {
      o = Authority.parseOrigin(origin);
    } catch (Authority.Invalid e) {
      return "refused: " + e.getMessage() + "; a page may change something here only from this server's own origin "
          + "(cross-site request forgery protection)";
    }
    if (hostHeader != null) {
      try {
        Authority h = Authority.parse(hostHeader);
        boolean samePort = h.hasPort() ? h.port() == o.port() : o.port() == 80 || o.port() == 443;
        if (h.host().equals(o.host()) && samePort) {
          return null;
        }
      } catch (Authority.Invalid e) {
        // not the same as the origin, then; the other rules still apply
      }
    }
    // Not every IP literal here: an IP in Host reached us, but an IP in Origin may be another machine.
    if (isOurs(o, false)) {
      return null;
    }
    return "refused: a page from " + origin + " may not change anything here (Origin is not this server's; cross-site "
        + "request forgery protection). Start the server with --allow-host " + o.host() + " to trust that site";
  }

  private boolean isOurs(Authority a, boolean anyIpCounts) {
    for (Authority entry : allowed) {
      if (entry.host().equals(a.host()) && (!entry.hasPort() || entry.port() == a.port())) {
        return true;
      }
    }
    boolean ourPort = !a.hasPort() || a.port() == port.getAsInt();
    return ourPort && (own.contains(a.host()) || (anyIpCounts && anyIp && a.isIpLiteral()));
  }

  private String describe() {
    List<String> names = new ArrayList<>();
    for (String h : own) {
      names.add(h.contains(":") ? "[" + h + "]" : h);
    }
    // --allow-host names stay out: a rebinding page can read this answer, and they may be internal names
    return String.join(", ", names) + (anyIp ? ", any IP address of this machine" : "") + " on port " + port.getAsInt()
        + (allowed.isEmpty() ? "" : ", and the names given with --allow-host");
  }
}
