package dev.transom.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.transom.api.NetworkLimits;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class NetworkFlagsTest {
  private static NetworkLimits parse(String... args) throws UsageException {
    String[] all = new String[args.length + 1];
    all[0] = "serve";
    System.arraycopy(args, 0, all, 1, args.length);
    return NetworkFlags.limits(Args.parse(all, 1, NetworkFlags.NAMES));
  }

  private static String problem(String... args) {
    return assertThrows(UsageException.class, () -> parse(args)).getMessage();
  }

  @Test
  void defaultsUnlessGiven() throws Exception {
    assertEquals(NetworkLimits.DEFAULTS, parse());
    NetworkLimits l = parse("--header-timeout", "1s500ms", "--body-timeout", "PT2M", "--idle-timeout", "0s",
        "--max-connections", "7");
    assertEquals(new NetworkLimits(Duration.ofMillis(1_500), Duration.ofMinutes(2), Duration.ZERO, 7), l);
  }

  @Test
  void badValuesAreUsageErrorsNamingTheFlag() {
    assertTrue(problem("--header-timeout", "10").contains("--header-timeout"));
    assertTrue(problem("--idle-timeout", "-1s").contains("negative"));
    assertTrue(problem("--body-timeout", "500us").contains("at least 1ms"));
    assertTrue(problem("--body-timeout", "2d").contains("at most 1d"));
    assertTrue(problem("--max-connections", "0").contains("at least 1"));
    assertTrue(problem("--max-connections", "many").contains("number"));
  }

  @Test
  void streamsPingWellInsideTheIdleTimeout() {
    for (Duration idle : List.of(Duration.ofMillis(30), Duration.ofSeconds(2), Duration.ofSeconds(60), Duration.ofHours(1))) {
      NetworkLimits l = new NetworkLimits(Duration.ofSeconds(1), Duration.ofSeconds(1), idle, 1);
      assertTrue(l.ssePing().multipliedBy(3).compareTo(idle) <= 0 && !l.ssePing().isZero(), idle + " -> " + l.ssePing());
      assertTrue(l.ssePing().compareTo(Duration.ofSeconds(15)) <= 0);
    }
    assertEquals(Duration.ofSeconds(15), new NetworkLimits(Duration.ZERO, Duration.ZERO, Duration.ZERO, 1).ssePing());
  }

  @Test
  void aFlagGivenTwiceKeepsEveryValueAndSwitchesTakeNone() throws Exception {
    Args a = Args.parse(new String[] {"serve", "--allow-host", "a", "--allow-host=b", "--public-metrics"}, 1,
        java.util.Set.of("allow-host"), java.util.Set.of("public-metrics"));
    assertEquals(List.of("a", "b"), a.values("allow-host"));
    assertTrue(a.has("public-metrics"));
    assertThrows(UsageException.class, () -> Args.parse(new String[] {"serve", "--public-metrics=yes"}, 1,
        java.util.Set.of(), java.util.Set.of("public-metrics")));
  }
}
