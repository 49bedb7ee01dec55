package dev.transom.definition;

import dev.transom.definition.spec.Problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where file sources and sinks may lead: every case through {@link PathPolicy#resolve}, and the
 * located problems a definition gets through {@link DefinitionLoader}. The working directory is
 * {@code tmp}, holding {@code input/}, {@code out/}, {@code data/}, {@code definitions/} and
 * {@code web/}, as a server started there with the default flags (and {@code --web-root web}) sees it.
 */
class PathPolicyTest {
  @TempDir
  Path tmp;
  Path in;
  Path out;
  Path data;
  Path defs;
  Path web;
  PathPolicy policy;

  @BeforeEach
  void layout() throws Exception {
    in = Files.createDirectories(tmp.resolve("input"));
    out = Files.createDirectories(tmp.resolve("out"));
    data = Files.createDirectories(tmp.resolve("data"));
    defs = Files.createDirectories(tmp.resolve("definitions"));
    web = Files.createDirectories(tmp.resolve("web"));
    Files.writeString(data.resolve("transom.mv.db"), "the server's database");
    policy = PathPolicy.confined(tmp, List.of(Path.of("input")), List.of(Path.of("out")), List.of(
        new PathPolicy.Guarded(data, "the data directory", "--data"),
        new PathPolicy.Guarded(defs, "the definitions directory", "--definitions"),
        new PathPolicy.Guarded(web, "the web root", "--web-root")));
  }

  private String sink(String path) {
    PathPolicy.Resolved r = policy.resolve(PathPolicy.Use.OUTPUT, path);
    assertNull(r.problem(), path + " should be allowed");
    return r.path();
  }

  private String refusedSink(String path) {
    PathPolicy.Resolved r = policy.resolve(PathPolicy.Use.OUTPUT, path);
    assertNotNull(r.problem(), path + " should be refused, resolved to " + r.path());
    assertNull(r.path());
    return r.problem();
  }

  @Test
  void relativePathsAreRelativeToTheWorkingDirectory() {
    assertEquals(out.resolve("clicks.jsonl").toString(), sink("out/clicks.jsonl"));
    assertEquals(out.resolve("a/b/c.jsonl").toString(), sink("out/a/./b/c.jsonl"));
    assertEquals(out.resolve("x.jsonl").toString(), sink("./out/x.jsonl"));
    assertEquals(in.resolve("clicks.jsonl").toString(), policy.resolve(PathPolicy.Use.INPUT, "input/clicks.jsonl").path());
  }

  @Test
  void aBareNameIsInTheWorkingDirectorySoOutsideTheOutputDirectory() {
    String bare = refusedSink("clicks.jsonl");
    assertEquals("'clicks.jsonl' is outside the output directory " + out + " (--output-dir DIR allows another); "
        + "relative paths are relative to the working directory " + tmp + " (did you mean 'out/clicks.jsonl'?)", bare);
    String source = policy.resolve(PathPolicy.Use.INPUT, "clicks.jsonl").problem();
    assertTrue(source != null && source.contains("outside the input directory " + in) && source.contains("--input-dir")
        && source.contains("(did you mean 'input/clicks.jsonl'?)"), source);
    // an absolute path gets no hint about relative ones
    assertEquals("'/etc/x' is outside the output directory " + out + " (--output-dir DIR allows another)",
        refusedSink("/etc/x"));
  }

  @Test
  void theHintSuggestsOnlyAPathThatWouldBeAllowed() throws Exception {
    // an output directory outside the working directory: the suggestion is absolute
    Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere/out"));
    Path cwd = Files.createDirectories(tmp.resolve("cwd"));
    PathPolicy far = PathPolicy.confined(cwd, List.of(in), List.of(elsewhere), List.of());
    String m = far.resolve(PathPolicy.Use.OUTPUT, "x.jsonl").problem();
    assertTrue(m.endsWith("relative paths are relative to the working directory " + cwd + " (did you mean '"
        + elsewhere.resolve("x.jsonl") + "'?)"), m);
    // the same name inside out/ leads through a link to the data directory: no suggestion
    Files.createSymbolicLink(out.resolve("state"), data);
    String linked = refusedSink("state/x.jsonl");
    assertTrue(linked.endsWith("relative paths are relative to the working directory " + tmp), linked);
  }

  @Test
  void absolutePathsOnlyInsideTheDirectory() {
    assertEquals(out.resolve("x.jsonl").toString(), sink(out.resolve("x.jsonl").toString()));
    String etc = refusedSink("/etc/x");
    assertTrue(etc.contains("outside the output directory " + out) && etc.contains("--output-dir"), etc);
    // a sink may not write into the input directory, nor a source read the output directory
    assertTrue(refusedSink(in.resolve("x.jsonl").toString()).contains("outside"));
    assertNotNull(policy.resolve(PathPolicy.Use.INPUT, out.resolve("x.jsonl").toString()).problem());
    // a sibling whose name starts like the directory's is outside it
    assertTrue(refusedSink(tmp.resolve("outside/x.jsonl").toString()).contains("outside"));
  }

  @Test
  void dotDotIsRefusedWhereverItLeads() {
    String up = refusedSink("../x.jsonl");
    assertTrue(up.contains("'..' is not allowed") && up.contains(out.toString()), up);
    refusedSink("../../etc/passwd");
    refusedSink("a/../b.jsonl"); // even back inside: a path says where it goes without climbing
    refusedSink(out.resolve("../data/transom.mv.db").toString());
  }

  @Test
  void theServersOwnDirectoriesAreRefusedEvenInsideAnAllowedDirectory() {
    PathPolicy wide = PathPolicy.confined(tmp, List.of(tmp), List.of(Path.of(".")), List.of(
        new PathPolicy.Guarded(data, "the data directory", "--data"),
        new PathPolicy.Guarded(defs, "the definitions directory", "--definitions"),
        new PathPolicy.Guarded(web, "the web root", "--web-root")));
    String db = wide.resolve(PathPolicy.Use.OUTPUT, "data/transom.mv.db").problem();
    assertTrue(db != null && db.contains("inside the data directory " + data) && db.contains("--data"), db);
    String def = wide.resolve(PathPolicy.Use.OUTPUT, defs.resolve("p.yaml").toString()).problem();
    assertTrue(def != null && def.contains("the definitions directory"), def);
    assertNotNull(wide.resolve(PathPolicy.Use.OUTPUT, "web/index.html").problem());
    assertNotNull(wide.resolve(PathPolicy.Use.OUTPUT, "data").problem(), "the directory itself");
    assertNotNull(wide.resolve(PathPolicy.Use.INPUT, "data/transom.mv.db").problem(), "nor read by a source");
    assertNull(wide.resolve(PathPolicy.Use.OUTPUT, "out/x.jsonl").problem());
    assertNull(wide.resolve(PathPolicy.Use.OUTPUT, "database.jsonl").problem(), "a name that only starts like data");
  }

  @Test
  void symbolicLinksAreJudgedByWhereTheyLead() throws Exception {
    Files.createSymbolicLink(out.resolve("etc"), Path.of("/etc"));
    String viaDir = refusedSink("out/etc/x");
    assertTrue(viaDir.contains("symbolic link") && viaDir.contains("/etc"), viaDir);
    Files.createSymbolicLink(out.resolve("db"), data.resolve("transom.mv.db"));
    String viaFile = refusedSink("out/db");
    assertTrue(viaFile.contains("the data directory"), viaFile);
    Files.createSymbolicLink(out.resolve("state"), data);
    assertTrue(refusedSink("out/state/new.jsonl").contains("the data directory"));
    Files.createSymbolicLink(out.resolve("dangling"), tmp.resolve("nowhere/x"));
    assertTrue(refusedSink("out/dangling").contains("does not exist"));
    Files.createDirectories(out.resolve("real"));
    Files.createSymbolicLink(out.resolve("inside"), out.resolve("real"));
    assertEquals(out.resolve("inside/x.jsonl").toString(), sink("out/inside/x.jsonl"), "a link that stays inside is fine");
  }

  @Test
  void anAllowedDirectoryReachedThroughALinkStillWorks() throws Exception {
    Path real = Files.createDirectories(tmp.resolve("real-out"));
    Path link = Files.createSymbolicLink(tmp.resolve("linked-out"), real);
    PathPolicy p = PathPolicy.confined(tmp, List.of(in), List.of(Path.of("linked-out")), List.of());
    assertNull(p.resolve(PathPolicy.Use.OUTPUT, "linked-out/x.jsonl").problem());
    assertNull(p.resolve(PathPolicy.Use.OUTPUT, link.resolve("x.jsonl").toString()).problem());
  }

  @Test
  void severalDirectoriesOfOneUse() {
    Path other = tmp.resolve("archive");
    PathPolicy p = PathPolicy.confined(tmp, List.of(in), List.of(out, other), List.of());
    assertEquals(out.resolve("x").toString(), p.resolve(PathPolicy.Use.OUTPUT, "out/x").path());
    assertEquals(other.resolve("x").toString(), p.resolve(PathPolicy.Use.OUTPUT, "archive/x").path(), "any of them, not the first");
    assertNull(p.resolve(PathPolicy.Use.OUTPUT, other.resolve("x").toString()).problem());
    String outside = p.resolve(PathPolicy.Use.OUTPUT, "/etc/x").problem();
    assertTrue(outside.contains("output directories " + out + ", " + other), outside);
  }

  @Test
  void theDirectoryItselfAndEmptyPathsAreNotFiles() {
    assertTrue(refusedSink("out").contains("itself"));
    assertTrue(refusedSink(".").contains("outside"), "the working directory is not the output directory");
    assertTrue(refusedSink("").contains("must name a file"));
  }

  @Test
  void aDirectoryInsideAGuardedOneIsReportedUpFront() {
    PathPolicy p = PathPolicy.confined(tmp, List.of(in), List.of(Path.of("data/out")),
        List.of(new PathPolicy.Guarded(data, "the data directory", "--data")));
    String m = p.misplacedDirectory();
    assertTrue(m != null && m.startsWith("--output-dir") && m.contains("--data"), m);
    assertNull(policy.misplacedDirectory());
  }

  @Test
  void runTakesPathsAsWrittenAndRefusesNothing() {
    PathPolicy run = PathPolicy.AS_WRITTEN;
    assertEquals("x.jsonl", run.resolve(PathPolicy.Use.OUTPUT, "x.jsonl").path());
    assertEquals("/tmp/case/late.jsonl", run.resolve(PathPolicy.Use.OUTPUT, "/tmp/case/late.jsonl").path());
    assertEquals("../x.jsonl", run.resolve(PathPolicy.Use.OUTPUT, "../x.jsonl").path());
    assertEquals("data/transom.mv.db", run.resolve(PathPolicy.Use.OUTPUT, "data/transom.mv.db").path());
    assertNull(run.misplacedDirectory());
  }

  private static final String PIPELINE = """
      name: p
      source: {kind: file, path: %s}
      key: event.user
      clock: {kind: system}
      window: {kind: tumbling, length: 1m}
      aggregate: {count: true}
      sinks:
        - {kind: file, path: %s}
        - {kind: h2, table: %s}
      late: {kind: file, path: %s}
      """;

  @Test
  void aDefinitionGetsLocatedProblemsAtEachPathAndTable() {
    String text = PIPELINE.formatted("../in.jsonl", "/etc/x", "CHECKPOINT", "'" + data.resolve("transom.mv.db") + "'");
    DefinitionLoader.Result r = DefinitionLoader.load("p.yaml", text, policy);
    List<String> got = r.problems().stream().map(Problem::format).toList();
    assertEquals(4, got.size(), String.join("\n", got));
    assertTrue(got.get(0).startsWith("p.yaml:2:28: source.path: '../in.jsonl': '..' is not allowed"), got.get(0));
    assertTrue(got.get(1).startsWith("p.yaml:8:24: sinks[0].path: '/etc/x' is outside the output directory"), got.get(1));
    assertTrue(got.get(2).startsWith("p.yaml:9:23: sinks[1].table: 'CHECKPOINT' is a table of the server's own state"),
        got.get(2));
    assertTrue(got.get(3).startsWith("p.yaml:10:26: late.path: '" + data.resolve("transom.mv.db") + "' is inside the data"),
        got.get(3));
  }

  @Test
  void aDefinitionThatPassesHoldsItsPathsResolved() {
    DefinitionLoader.Result r = DefinitionLoader.load("p.yaml",
        PIPELINE.formatted("input/in.jsonl", "out/o.jsonl", "mine", "./out/late.jsonl"), policy);
    assertTrue(r.ok(), r.problems().toString());
    assertEquals(in.resolve("in.jsonl").toString(), r.definition().source().text("path", null));
    assertEquals(out.resolve("o.jsonl").toString(), r.definition().sinks().get(0).text("path", null));
    assertEquals(out.resolve("late.jsonl").toString(), r.definition().late().text("path", null));
    assertEquals("mine", r.definition().sinks().get(1).text("table", null));
  }

  @Test
  void reservedTableNamesAreRefusedInAnyCaseAndWithoutAPolicy() {
    for (String t : List.of("checkpoint", "Ingest_Batches", "SCHEMA_VERSION", "sink_start")) {
      DefinitionLoader.Result r = DefinitionLoader.load("p.yaml", PIPELINE.formatted("in.jsonl", "o.jsonl", t, "l.jsonl"));
      assertEquals(1, r.problems().size(), t + ": " + r.problems());
      assertTrue(r.problems().get(0).message().startsWith("sinks[1].table: '" + t + "' is a table of the server's own"));
    }
  }
}
