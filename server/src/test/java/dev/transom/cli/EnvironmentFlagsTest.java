package dev.transom.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvironmentFlagsTest {
  private static Args serve(Map<String, String> env, String... flags) throws UsageException {
    String[] all = new String[flags.length + 1];
    all[0] = "serve";
    System.arraycopy(flags, 0, all, 1, flags.length);
    Args a = Args.parse(all, 1, Usage.SERVE.flags(), Usage.SERVE.switches());
    a.fromEnvironment(Usage.SERVE, env);
    return a;
  }

  @Test
  void everyServeOptionHasItsVariable() throws Exception {
    Args a = serve(Map.of("TRANSOM_PORT", "9001", "TRANSOM_DATA", "/tmp/d", "TRANSOM_STUCK_AFTER", "5s",
        "TRANSOM_ALLOW_HOST", "a.example, b.example", "TRANSOM_PUBLIC_METRICS", "true", "TRANSOM_MAX_CONNECTIONS", "3"));
    assertEquals("9001", a.flag("port"));
    assertEquals("/tmp/d", a.flag("data"));
    assertEquals("5s", a.flag("stuck-after"));
    assertEquals(List.of("a.example", "b.example"), a.values("allow-host"));
    assertTrue(a.has("public-metrics"));
    assertEquals(3, NetworkFlags.limits(a).maxConnections());
    assertEquals("TRANSOM_SHUTDOWN_TIMEOUT", Usage.SERVE.options().stream()
        .filter(o -> o.name().equals("shutdown-timeout")).findFirst().orElseThrow().env());
  }

  @Test
  void theFlagWins() throws Exception {
    Args a = serve(Map.of("TRANSOM_PORT", "9001", "TRANSOM_ALLOW_HOST", "env.example"), "--port", "9002",
        "--allow-host", "flag.example");
    assertEquals("9002", a.flag("port"));
    assertEquals(List.of("flag.example"), a.values("allow-host"));
    // --token on the command line beats a token file from the environment
    assertEquals(null, serve(Map.of("TRANSOM_TOKEN_FILE", "/x"), "--token", "t".repeat(32)).flag("token-file"));
  }

  @Test
  void aBadValueNamesTheVariable() throws Exception {
    Args a = serve(Map.of("TRANSOM_MAX_CONNECTIONS", "many"));
    UsageException e = assertThrows(UsageException.class, () -> NetworkFlags.limits(a));
    String m = a.named(e).getMessage();
    assertTrue(m.startsWith("TRANSOM_MAX_CONNECTIONS (from the environment) must be"), m);
    assertFalse(m.contains("--max-connections"), m);
    String sw = assertThrows(UsageException.class, () -> serve(Map.of("TRANSOM_PUBLIC_METRICS", "maybe"))).getMessage();
    assertTrue(sw.startsWith("TRANSOM_PUBLIC_METRICS must be"), sw);
    // a flag given on the command line keeps its own name
    Args b = serve(Map.of(), "--max-connections", "many");
    assertTrue(b.named(assertThrows(UsageException.class, () -> NetworkFlags.limits(b))).getMessage()
        .startsWith("--max-connections"));
  }

  @Test
  void portsInWords() {
    assertTrue(assertThrows(UsageException.class, () -> ServeCommand.port("99999")).getMessage()
        .equals("--port must be from 0 to 65535 (got 99999)"));
    assertTrue(assertThrows(UsageException.class, () -> ServeCommand.port("abc")).getMessage()
        .startsWith("--port must be a number"));
    String inUse = ServeCommand.cannotListen("127.0.0.1", 8080,
        new RuntimeException(new java.net.BindException("Address already in use")));
    assertTrue(inUse.startsWith("127.0.0.1:8080 is already in use; "), inUse);
    assertFalse(inUse.contains("Exception"), inUse);
  }
}
