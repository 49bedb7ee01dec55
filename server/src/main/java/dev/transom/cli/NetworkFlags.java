package dev.transom.cli;

import dev.transom.api.NetworkLimits;
import dev.transom.io.DurationText;
import java.time.Duration;

/** {@code serve}'s deadline and connection-limit flags, each defaulting to {@link NetworkLimits#DEFAULTS}. */
final class NetworkFlags {
  static final java.util.Set<String> NAMES =
      java.util.Set.of("header-timeout", "body-timeout", "idle-timeout", "max-connections");

  private static final long MAX_MICROS = 86_400_000_000L;

  private NetworkFlags() {}

  static NetworkLimits limits(Args a) throws UsageException {
    NetworkLimits d = NetworkLimits.DEFAULTS;
    int max = d.maxConnections();
    String maxText = a.flag("max-connections");
    if (maxText != null) {
      try {
        max = Integer.parseInt(maxText);
      } catch (NumberFormatException e) {
        throw new UsageException("--max-connections must be a number of connections (got '" + maxText + "')");
      }
      if (max < 1) {
        throw new UsageException("--max-connections must be at least 1");
      }
    }
    return new NetworkLimits(duration(a, "header-timeout", d.headerTimeout()), duration(a, "body-timeout", d.bodyTimeout()),
        duration(a, "idle-timeout", d.idleTimeout()), max);
  }

  static Duration duration(Args a, String name, Duration otherwise) throws UsageException {
    String text = a.flag(name);
    if (text == null) {
      return otherwise;
    }
    long micros;
    try {
      micros = DurationText.parseMicros(text);
    } catch (DurationText.Invalid e) {
      throw new UsageException("--" + name + ": " + e.getMessage());
    }
    if (micros != 0 && micros < 1_000) {
      throw new UsageException("--" + name + " must be 0s (off) or at least 1ms (got " + text + ")");
    }
    if (micros > MAX_MICROS) {
      throw new UsageException("--" + name + " must be at most 1d (got " + text + ")");
    }
    return Duration.ofNanos(micros * 1_000L);
  }
}
