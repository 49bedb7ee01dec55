package dev.transom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** {@code transom test} as users run it: the packaged jar on the repository's examples and on a broken copy. */
class PipelineTestsIT {
  @TempDir
  Path tmp;

  @Test
  void everyExampleDefinitionsTestPassesAndTheJUnitReportSaysSo() throws Exception {
    Path report = tmp.resolve("reports/transom.xml");
    Jar.Result r = Jar.run(Jar.ROOT, null, "test", "definitions", "--junit", report.toString());
    assertEquals(0, r.exit(), r.all());
    Jar.assertNoStackTrace(r);
    long tests = r.out().lines().filter(l -> l.startsWith("ok   definitions/")).count();
    assertTrue(tests >= 10, r.out());
    assertTrue(r.out().contains("\n" + tests + " tests: " + tests + " passed, 0 failed ("), r.out());
    Document xml = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(report.toFile());
    Element root = xml.getDocumentElement();
    assertEquals(String.valueOf(tests), root.getAttribute("tests"));
    assertEquals("0", root.getAttribute("failures"));
    assertEquals(6, xml.getElementsByTagName("testsuite").getLength(), "a suite per test file");
  }

  @Test
  void aBrokenExpectationFailsWithALocatedDiffAndExitOne() throws Exception {
    Path defs = tmp.resolve("definitions");
    Files.createDirectories(defs);
    Files.copy(Jar.ROOT.resolve("definitions/page-views.yaml"), defs.resolve("page-views.yaml"));
    String test = Files.readString(Jar.ROOT.resolve("definitions/page-views.test.yaml"));
    // the about page was viewed once, not twice
    String broken = test.replace("value: 1}\n      - at: 12s", "value: 2}\n      - at: 12s");
    assertTrue(!broken.equals(test), "the example changed: this test's edit no longer applies");
    Files.writeString(defs.resolve("page-views.test.yaml"), broken);
    int line = 1 + (int) broken.substring(0, broken.indexOf("value: 2}\n      - at: 12s")).chars().filter(c -> c == '\n').count();
    Path report = tmp.resolve("report.xml");
    Jar.Result r = Jar.run(tmp, null, "test", "--junit", report.toString());
    assertEquals(1, r.exit(), r.all());
    List<String> lines = r.out().lines().toList();
    assertTrue(lines.get(0).startsWith("FAIL definitions/page-views.test.yaml: views are counted per page in 10 s"), r.out());
    assertTrue(lines.get(1).matches("  definitions/page-views.test.yaml:" + line + ":15: outputs: expected, not produced: "
        + "\\{\"key\":\"about\",\"window\":.*,\"value\":2\\}; produced instead: \\{\"key\":\"about\",.*\"value\":1\\} "
        + "\\(value: expected 2, got 1\\)"), r.out());
    assertEquals("1 test: 0 passed, 1 failed", lines.get(lines.size() - 1).replaceAll(" \\(.*\\)$", ""));
    Document xml = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(report.toFile());
    NodeList failures = xml.getElementsByTagName("failure");
    assertEquals(1, failures.getLength());
    assertTrue(failures.item(0).getTextContent().contains("page-views.test.yaml:" + line + ":15: outputs"),
        failures.item(0).getTextContent());
  }

  /** A test file sits beside its definition: serve and validate must not take it for a pipeline. */
  @Test
  void serveRunsTheDefinitionsBesideTestFilesAndIgnoresTheTests() throws Exception {
    ServerProcess server = new ServerProcess(tmp);
    Files.createDirectories(tmp.resolve("defs"));
    Files.copy(Jar.ROOT.resolve("definitions/page-views.yaml"), tmp.resolve("defs/page-views.yaml"));
    Files.copy(Jar.ROOT.resolve("definitions/page-views.test.yaml"), tmp.resolve("defs/page-views.test.yaml"));
    server.start();
    try {
      var list = server.json("/api/pipelines").get("pipelines");
      assertEquals(1, list.size(), list.toString());
      assertEquals("page-views", list.get(0).get("id").asText());
      assertEquals("running", list.get(0).get("status").asText());
    } finally {
      server.stop();
    }
  }
}
