package dev.transom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.transom.cli.Usage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class MainTest {
  record Ran(int code, String out, String err) {}

  static Ran run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Ran(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void versionBothWays() {
    for (String v : new String[] {"--version", "version"}) {
      Ran r = run(v);
      assertEquals(0, r.code(), v);
      assertEquals("transom dev\n", r.out(), v + ": from classes there is no manifest");
    }
  }

  @Test
  void everyCommandHasHelpOnStdout() {
    for (Usage.Command c : Usage.ALL) {
      for (String h : new String[] {"--help", "-h"}) {
        Ran r = run(c.name(), h);
        assertEquals(0, r.code(), c.name() + " " + h + ": " + r.err());
        assertTrue(r.out().startsWith("usage: transom " + c.name()), r.out());
        assertEquals("", r.err());
      }
      assertEquals(c.text(), run("help", c.name()).out());
    }
    Ran top = run("--help");
    assertEquals(0, top.code());
    for (Usage.Command c : Usage.ALL) {
      assertTrue(top.out().contains("\n  " + c.name() + " "), c.name() + " missing from:\n" + top.out());
    }
    // after a flag that takes a value, -h is that value, not a request for help
    assertFalse(run("serve", "--token", "-h", "--port", "x").out().startsWith("usage"));
  }

  @Test
  void usageNamesEveryOptionTheParserAcceptsWithItsDefault() {
    for (Usage.Command c : Usage.ALL) {
      String text = c.text();
      for (String f : c.flags()) {
        assertTrue(text.contains("--" + f + " "), c.name() + " usage lacks --" + f);
      }
      for (String s : c.switches()) {
        assertTrue(text.contains("--" + s), c.name() + " usage lacks --" + s);
      }
    }
    String serve = Usage.SERVE.text();
    for (String f : new String[] {"workers", "queue", "memory", "stuck-after", "shutdown-timeout", "input-dir",
        "output-dir", "web-root", "header-timeout", "body-timeout", "idle-timeout", "max-connections", "allow-host"}) {
      assertTrue(serve.contains("--" + f), f);
    }
    assertTrue(serve.contains("(default: 8080) [TRANSOM_PORT]"), serve);
  }

  /** run's flags are parsed in RunCommand; its usage table must name each of them. */
  @Test
  void runUsageNamesEveryFlagRunCommandParses() throws Exception {
    String source = Files.readString(Path.of("src/main/java/dev/transom/cli/RunCommand.java"));
    Matcher m = Pattern.compile("Args\\.parse\\(args, 1, Set\\.of\\(([^)]*)\\)").matcher(source);
    assertTrue(m.find(), "RunCommand's flag set");
    for (String f : m.group(1).split(",")) {
      String name = f.strip().replace("\"", "");
      assertTrue(Usage.RUN.flags().contains(name), "run usage lacks --" + name);
    }
  }

  @Test
  void badPortsInWords() {
    for (String p : new String[] {"99999", "abc", "-1"}) {
      Ran r = run("serve", "--port", p);
      assertEquals(2, r.code(), p);
      String first = r.err().lines().findFirst().orElse("");
      assertTrue(first.startsWith("transom: --port must be"), first);
      assertFalse(first.contains("Exception") || first.contains("out of range:"), first);
    }
  }
}
