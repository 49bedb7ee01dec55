package dev.transom.api;

import java.time.Duration;

/**
 * How long a client may take and how many connections it may hold (slowloris). A zero duration
 * turns that deadline off.
 *
 * @param headerTimeout a request's line and headers must have arrived this long after the
 *     connection opened or the previous response ended
 * @param bodyTimeout a request's body must have arrived this long after its headers
 * @param idleTimeout a connection on which nothing is read or written for this long is closed
 * @param maxConnections open connections beyond this many are answered 503 and closed
 */
public record NetworkLimits(Duration headerTimeout, Duration bodyTimeout, Duration idleTimeout, int maxConnections) {
  /** Vert.x's defaults, kept and named: a request head is at most this long a line and this much headers. */
  public static final int MAX_REQUEST_LINE_BYTES = 4096;
  public static final int MAX_HEADER_BYTES = 8192;
  public static final NetworkLimits DEFAULTS =
      new NetworkLimits(Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(60), 1_000);
  private static final Duration SSE_PING = Duration.ofSeconds(15);

  /**
   * How often an output stream with nothing to say writes a comment line: well inside the idle
   * timeout, so a stream that is being read is never taken for an idle connection.
   */
  public Duration ssePing() {
    if (idleTimeout.isZero()) {
      return SSE_PING;
    }
    Duration third = idleTimeout.dividedBy(3);
    return third.compareTo(SSE_PING) < 0 ? (third.isZero() ? Duration.ofMillis(1) : third) : SSE_PING;
  }
}
