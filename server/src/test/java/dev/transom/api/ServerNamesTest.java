package dev.transom.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ServerNamesTest {
  private static ServerNames names(String bind, String... allow) {
    return new ServerNames(bind, List.of(allow), () -> 8080);
  }

  @Test
  void loopbackNamesAreOursWithOurPortOrNone() {
    ServerNames n = names("127.0.0.1");
    for (String host : List.of("127.0.0.1:8080", "127.0.0.1", "localhost:8080", "LOCALHOST", "localhost.:8080", "[::1]:8080",
        "[0:0:0:0:0:0:0:1]", "127.000.000.001:8080")) {
      assertNull(n.refuseHost(host), host);
    }
  }

  @Test
  void otherNamesAndOtherPortsAreRefusedWithTheNameAndTheFix() {
    ServerNames n = names("127.0.0.1");
    String reason = n.refuseHost("evil.example:8080");
    assertNotNull(reason);
    assertTrue(reason.contains("'evil.example:8080'") && reason.contains("--allow-host evil.example"), reason);
    assertNotNull(n.refuseHost("localhost:3000"));
    assertNotNull(n.refuseHost("10.0.0.5:8080"), "an IP literal is not ours when bound to one address");
    assertNotNull(n.refuseHost("localhost.evil.example:8080"));
  }

  @Test
  void malformedHostHeadersAreRefusedNotThrown() {
    ServerNames n = names("127.0.0.1");
    for (String host : List.of("", "a b", "::1", "[::1", "[::1]x", "localhost:", "localhost:0", "localhost:99999",
        "localhost:80a", "999.0.0.1", "[zz::1]", "user@localhost")) {
      assertNotNull(n.refuseHost(host), host);
    }
  }

  @Test
  void theBoundAddressIsOurs() {
    assertNull(names("10.1.2.3").refuseHost("10.1.2.3:8080"));
    assertNull(names("myhost.lan").refuseHost("MyHost.lan:8080"));
    assertNotNull(names("10.1.2.3").refuseHost("10.1.2.4:8080"));
  }

  @Test
  void boundToTheWildcardEveryIpLiteralIsOursButNoOtherName() {
    for (String bind : List.of("0.0.0.0", "::", "[::]")) {
      ServerNames n = names(bind);
      assertNull(n.refuseHost("192.168.1.20:8080"), bind);
      assertNull(n.refuseHost("[fe80::1]:8080"), bind);
      assertNull(n.refuseHost("localhost:8080"), bind);
      assertNotNull(n.refuseHost("myhost.lan:8080"), bind);
      assertNotNull(n.refuseHost("192.168.1.20:9090"), bind);
    }
  }

  @Test
  void allowedNamesMatchAnyPortUnlessOneIsGiven() {
    ServerNames n = names("127.0.0.1", "transom.example", "other.example:9000");
    assertNull(n.refuseHost("transom.example"));
    assertNull(n.refuseHost("transom.example:443"));
    assertNull(n.refuseHost("other.example:9000"));
    assertNotNull(n.refuseHost("other.example:9001"));
    assertTrue(!n.refuseHost("evil.example").contains("transom.example"), "a refusal a rebinding page can read lists no allowed names");
    assertNull(names("127.0.0.1", "*").refuseHost("anything.example:1"));
    assertThrows(IllegalArgumentException.class, () -> names("127.0.0.1", "bad name"));
    assertThrows(IllegalArgumentException.class, () -> names("127.0.0.1", "x:http"));
  }

  @Test
  void anOriginIsOursWhenItIsTheHostsOwnOrOneOfOurNamesOnOurPort() {
    ServerNames n = names("127.0.0.1");
    assertNull(n.refuseOrigin("http://127.0.0.1:8080", "127.0.0.1:8080"));
    assertNull(n.refuseOrigin("http://localhost:8080", "127.0.0.1:8080"), "another name of the same server");
    assertNull(n.refuseOrigin("http://127.0.0.1", "127.0.0.1"), "a proxy on port 80 keeping the Host");
    assertNotNull(n.refuseOrigin("http://localhost:3000", "127.0.0.1:8080"));
    assertNotNull(n.refuseOrigin("http://localhost", "127.0.0.1:8080"), "no port in an Origin means 80");
    assertNotNull(n.refuseOrigin("https://evil.example", "127.0.0.1:8080"));
    assertNotNull(n.refuseOrigin("null", "127.0.0.1:8080"), "sandboxed frames and file: pages send null");
    assertNotNull(n.refuseOrigin("file://", "127.0.0.1:8080"));
    String reason = n.refuseOrigin("http://evil.example", "127.0.0.1:8080");
    assertTrue(reason.contains("http://evil.example") && reason.contains("forgery"), reason);
  }

  @Test
  void anIpOriginIsNotOursJustBecauseWeListenOnEveryAddress() {
    ServerNames n = names("0.0.0.0");
    assertNotNull(n.refuseOrigin("http://192.168.1.66:8080", "192.168.1.20:8080"), "another machine's page");
    assertNull(n.refuseOrigin("http://192.168.1.20:8080", "192.168.1.20:8080"));
  }

  @Test
  void allowedNamesAreTrustedOriginsAndStarDoesNotTurnOffTheOriginCheck() {
    assertNull(names("127.0.0.1", "app.example").refuseOrigin("https://app.example", "127.0.0.1:8080"));
    ServerNames star = names("127.0.0.1", "*");
    assertNotNull(star.refuseOrigin("https://evil.example", "127.0.0.1:8080"));
    assertNull(star.refuseOrigin("https://proxy.example", "proxy.example"));
  }

  @Test
  void authoritiesPrintAsRequestsWriteThem() throws Exception {
    assertEquals("[::1]:8080", Authority.parse("[0:0:0:0:0:0:0:1]:8080").toString());
    assertEquals("localhost", Authority.parse("LocalHost.").toString());
    assertEquals(new Authority("example.com", 443), Authority.parseOrigin("https://Example.com"));
  }
}
