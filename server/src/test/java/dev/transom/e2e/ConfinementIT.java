package dev.transom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * File sinks and sources stay inside {@code --output-dir} / {@code --input-dir} and out of the
 * server's own directories, judged the same by {@code validate}, {@code PUT}, {@code POST
 * /api/validate} and a reload; a relative path is relative to the working directory, so
 * {@code out/x.jsonl} is a sink's file under the default {@code --output-dir out/} and a bare
 * {@code x.jsonl} is not; h2 sinks keep off the server's tables; the dashboard is the jar's.
 */
class ConfinementIT {
  @TempDir
  Path tmp;

  private static final String HEAD = """
      name: %s
      source: {kind: http}
      key: event.user
      clock: {kind: system}
      window: {kind: tumbling, length: 1h}
      aggregate: {count: true}
      checkpoint: {interval: 100ms}
      """;

  private static String pipeline(String name, String sinks) {
    return HEAD.formatted(name) + "sinks:\n" + sinks;
  }

  private static String fileSink(String path) {
    return "  - {kind: file, path: '" + path + "'}\n";
  }

  /** The problem lines of a validate run that mention {@code line:col}. */
  private static String lineAt(Jar.Result r, String fileLineCol) {
    return r.out().lines().filter(l -> l.startsWith(fileLineCol + ": ")).findFirst()
        .orElseThrow(() -> new AssertionError("no problem at " + fileLineCol + " in:\n" + r.all()));
  }

  @Test
  void validateRefusesSinksInEtcUpwardsInTheDataAndTheDefinitionsDirectory() throws Exception {
    Files.createDirectories(tmp.resolve("definitions"));
    Files.createDirectories(tmp.resolve("data"));
    Path db = tmp.resolve("data/transom.mv.db");
    Path own = tmp.resolve("definitions/p.yaml");
    String text = pipeline("p", fileSink("/etc/transom-x") + fileSink("../x.jsonl") + fileSink(db.toString())
        + fileSink(own.toString()) + fileSink("out/fine.jsonl") + fileSink("bare.jsonl"));
    Files.writeString(own, text);
    Jar.Result r = Jar.run(tmp, null, "validate", "definitions/p.yaml");
    assertEquals(2, r.exit(), r.all());
    Jar.assertNoStackTrace(r);
    Path out = tmp.resolve("out").toAbsolutePath();
    // sinks start on line 9; each path value at column 24
    String etc = lineAt(r, "definitions/p.yaml:9:24");
    assertTrue(etc.contains("sinks[0].path: '/etc/transom-x' is outside the output directory " + out)
        && etc.contains("--output-dir"), etc);
    String up = lineAt(r, "definitions/p.yaml:10:24");
    assertTrue(up.contains("sinks[1].path: '../x.jsonl': '..' is not allowed") && up.contains("--output-dir"), up);
    String data = lineAt(r, "definitions/p.yaml:11:24");
    assertTrue(data.contains("sinks[2].path: '" + db + "' is inside the data directory " + tmp.resolve("data")
        + " (--data)"), data);
    String defs = lineAt(r, "definitions/p.yaml:12:24");
    assertTrue(defs.contains("sinks[3].path: '" + own + "' is inside the definitions directory "
        + tmp.resolve("definitions") + " (--definitions)"), defs);
    String bare = lineAt(r, "definitions/p.yaml:14:24");
    assertTrue(bare.endsWith("sinks[5].path: 'bare.jsonl' is outside the output directory " + out
        + " (--output-dir DIR allows another); relative paths are relative to the working directory "
        + tmp.toAbsolutePath() + " (did you mean 'out/bare.jsonl'?)"), bare);
    assertEquals(5, r.out().lines().count(), "the fine sink is not a problem:\n" + r.out());

    // Allowing the whole directory still keeps the server's own out, also when named relatively.
    Files.writeString(own, pipeline("p", fileSink("data/transom.mv.db") + fileSink("definitions/p.yaml")
        + fileSink("out/fine.jsonl")));
    Jar.Result wide = Jar.run(tmp, null, "validate", "--output-dir", ".", "definitions/p.yaml");
    assertEquals(2, wide.exit(), wide.all());
    assertTrue(lineAt(wide, "definitions/p.yaml:9:24").contains("inside the data directory"), wide.out());
    assertTrue(lineAt(wide, "definitions/p.yaml:10:24").contains("inside the definitions directory"), wide.out());
    assertEquals(2, wide.out().lines().count(), wide.out());

    // The flags say where the server's own directories are, as serve's do.
    Files.writeString(own, pipeline("p", fileSink("state/x.jsonl")));
    Jar.Result moved = Jar.run(tmp, null, "validate", "--output-dir", ".", "--data", "state", "definitions/p.yaml");
    assertEquals(2, moved.exit(), moved.all());
    assertTrue(lineAt(moved, "definitions/p.yaml:9:24").contains("inside the data directory " + tmp.resolve("state")),
        moved.out());
    Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
    Files.writeString(own, pipeline("p", fileSink(elsewhere.resolve("x.jsonl").toString())));
    Jar.Result allowed = Jar.run(tmp, null, "validate", "--output-dir", "out", "--output-dir", elsewhere.toString(),
        "definitions/p.yaml");
    assertEquals(0, allowed.exit(), allowed.all());
  }

  @Test
  void aSymbolicLinkOutOfTheOutputDirectoryIsRefused() throws Exception {
    Files.createDirectories(tmp.resolve("out"));
    Files.createDirectories(tmp.resolve("data"));
    Files.createSymbolicLink(tmp.resolve("out/state"), tmp.resolve("data"));
    Files.writeString(tmp.resolve("p.yaml"), pipeline("p", fileSink("out/state/transom.mv.db")));
    Jar.Result r = Jar.run(tmp, null, "validate", "p.yaml");
    assertEquals(2, r.exit(), r.all());
    assertTrue(lineAt(r, "p.yaml:9:24").contains("inside the data directory"), r.out());
  }

  private static HttpResponse<String> send(ServerProcess s, String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(s.base() + path)).timeout(Duration.ofSeconds(20));
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return s.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static List<String> problems(JsonNode answer) {
    List<String> out = new ArrayList<>();
    for (JsonNode p : answer.get("problems")) {
      out.add(p.get("file").asText() + ":" + p.get("line").asInt() + ":" + p.get("col").asInt() + ": "
          + p.get("message").asText());
    }
    return out;
  }

  @Test
  void aPutOrAFileWithAnEscapingSinkIsRefusedAndWritesNothing() throws Exception {
    Files.createDirectories(tmp.resolve("defs"));
    // a webroot/ in the working directory is not the dashboard
    Files.createDirectories(tmp.resolve("webroot"));
    Files.writeString(tmp.resolve("webroot/index.html"), "NOT THE DASHBOARD");
    ServerProcess s = new ServerProcess(tmp).start();
    try {
      HttpResponse<String> home = s.get("/");
      assertEquals(200, home.statusCode());
      assertFalse(home.body().contains("NOT THE DASHBOARD"), "a webroot/ in the working directory was served");
      assertTrue(home.body().contains("app.js"), home.body());
      HttpResponse<String> js = s.get("/app.js");
      assertEquals(200, js.statusCode());
      assertTrue(js.headers().firstValue("Content-Type").orElse("").contains("javascript"), js.headers().toString());
      assertEquals(404, s.get("/webroot/index.html").statusCode());

      for (String bad : List.of("/etc/transom-x", "../defs/evil.yaml", tmp.resolve("defs/other.yaml").toString(),
          tmp.resolve("data/transom.mv.db").toString())) {
        HttpResponse<String> put = send(s, "PUT", "/api/pipelines/evil", pipeline("evil", fileSink(bad)));
        assertEquals(400, put.statusCode(), bad + ": " + put.body());
        List<String> problems = problems(ServerProcess.JSON.readTree(put.body()));
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("evil.yaml:9:24: sinks[0].path: '" + bad + "'"), problems.get(0));
        HttpResponse<String> validate = send(s, "POST", "/api/validate", pipeline("evil", fileSink(bad)));
        assertTrue(validate.body().contains("sinks[0].path: '"), validate.body());
      }
      HttpResponse<String> table = send(s, "PUT", "/api/pipelines/evil", pipeline("evil", "  - {kind: h2, table: checkpoint}\n"));
      assertEquals(400, table.statusCode(), table.body());
      assertTrue(problems(ServerProcess.JSON.readTree(table.body())).get(0)
          .startsWith("evil.yaml:9:23: sinks[0].table: 'checkpoint' is a table of the server's own state"), table.body());
      assertFalse(Files.exists(tmp.resolve("defs/evil.yaml")), "a refused PUT wrote the definition");
      assertFalse(Files.exists(tmp.resolve("defs/other.yaml")));
      assertFalse(Files.exists(Path.of("/etc/transom-x")));
      assertEquals(404, s.get("/api/pipelines/evil").statusCode());
      try (var files = Files.list(tmp.resolve("defs"))) {
        assertEquals(List.of(), files.toList(), "nothing written into the definitions directory");
      }
      // A bare name is in the working directory, outside out/: refused, with the path it means.
      HttpResponse<String> bare = send(s, "PUT", "/api/pipelines/good", pipeline("good", fileSink("good.jsonl")));
      assertEquals(400, bare.statusCode(), bare.body());
      String bareProblem = problems(ServerProcess.JSON.readTree(bare.body())).get(0);
      assertTrue(bareProblem.startsWith("good.yaml:9:24: sinks[0].path: 'good.jsonl' is outside the output directory "
          + tmp.resolve("out").toAbsolutePath() + " (--output-dir DIR allows another)")
          && bareProblem.contains("relative to the working directory " + tmp.toAbsolutePath())
          && bareProblem.endsWith("(did you mean 'out/good.jsonl'?)"), bareProblem);
      // A sink under out/ (relative to the working directory) deploys and writes there.
      HttpResponse<String> good = send(s, "PUT", "/api/pipelines/good", pipeline("good", fileSink("out/good.jsonl")));
      assertEquals(201, good.statusCode(), good.body());
      JsonNode view = s.json("/api/pipelines/good");
      assertEquals("running", view.get("status").asText(), view.toString());
      assertEquals(202, s.post("/api/pipelines/good/events", "{\"user\":\"a\"}", null).statusCode());
      assertEquals(200, send(s, "DELETE", "/api/pipelines/good", null).statusCode()); // removal flushes the window
      ServerProcess.await("the flushed window in out/good.jsonl", () -> Files.exists(tmp.resolve("out/good.jsonl"))
          && Files.readString(tmp.resolve("out/good.jsonl")).contains("\"key\":\"a\""));
      assertFalse(Files.exists(tmp.resolve("out/out/good.jsonl")));
    } finally {
      s.stop();
    }
  }

  @Test
  void aWebRootNamedByTheFlagIsServedAndGuarded() throws Exception {
    Files.createDirectories(tmp.resolve("defs"));
    Path site = Files.createDirectories(tmp.resolve("site"));
    Files.writeString(site.resolve("index.html"), "<p>my own dashboard</p>");
    ServerProcess s = new ServerProcess(tmp, "--web-root", site.toString(), "--output-dir", tmp.toString()).start();
    try {
      assertEquals("<p>my own dashboard</p>", s.get("/").body());
      HttpResponse<String> put = send(s, "PUT", "/api/pipelines/deface", pipeline("deface", fileSink("site/index.html")));
      assertEquals(400, put.statusCode(), put.body());
      String problem = problems(ServerProcess.JSON.readTree(put.body())).get(0);
      assertTrue(problem.contains("is inside the web root " + site + " (--web-root)"), problem);
      assertEquals("<p>my own dashboard</p>", Files.readString(site.resolve("index.html")));
    } finally {
      s.stop();
    }
  }

  @Test
  void noSinkCanReachTheServersDatabaseAndItKeepsEveryAcknowledgedEvent() throws Exception {
    // The widest output directory there is: the working directory, which holds data/ and defs/.
    ServerProcess.define(tmp, "counts.yaml", pipeline("counts", "  - {kind: h2, table: counts_out}\n"));
    ServerProcess s = new ServerProcess(tmp, "--output-dir", tmp.toString()).start();
    try {
      assertEquals(202, s.post("/api/pipelines/counts/events", "{\"user\":\"a\"}\n{\"user\":\"a\"}\n{\"user\":\"b\"}",
          null).statusCode());
      int epoch = s.json("/api/pipelines/counts").get("epoch").asInt();
      ServerProcess.await("a checkpoint after the events", () -> s.json("/api/pipelines/counts").get("epoch").asInt() > epoch + 1);

      String db = tmp.resolve("data/transom.mv.db").toString();
      for (String aim : List.of("data/transom.mv.db", db, "./data/../data/transom.mv.db", "data")) {
        String text = pipeline("wreck", fileSink(aim)) + "late: {kind: file, path: '" + aim + "'}\n";
        HttpResponse<String> put = send(s, "PUT", "/api/pipelines/wreck", text);
        assertEquals(400, put.statusCode(), aim + ": " + put.body());
        List<String> problems = problems(ServerProcess.JSON.readTree(put.body()));
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("wreck.yaml:9:24: sinks[0].path: '" + aim + "'"), problems.get(0));
        assertTrue(problems.get(1).startsWith("wreck.yaml:10:26: late.path: '" + aim + "'"), problems.get(1));
        assertTrue(problems.get(0).contains(aim.contains("..") ? "'..' is not allowed" : "inside the data directory"),
            problems.get(0));
      }
      // The same text written straight into the watched directory: a reload refuses it too.
      ServerProcess.define(tmp, "wreck.yaml", pipeline("wreck", fileSink("data/transom.mv.db")));
      ServerProcess.await("the reload's problems", () -> {
        JsonNode list = s.json("/api/pipelines").get("pipelines");
        for (JsonNode p : list) {
          if (p.get("id").asText().equals("wreck")) {
            return p.get("status").asText().equals("failed") && p.get("problems").size() == 1
                && p.get("problems").get(0).get("message").asText().contains("inside the data directory")
                && p.get("problems").get(0).get("line").asInt() == 9 && p.get("problems").get(0).get("col").asInt() == 24;
          }
        }
        return false;
      });
      assertEquals(202, s.post("/api/pipelines/counts/events", "{\"user\":\"a\"}", null).statusCode());
      int later = s.json("/api/pipelines/counts").get("epoch").asInt();
      ServerProcess.await("a checkpoint after the last event", () -> s.json("/api/pipelines/counts").get("epoch").asInt() > later + 1);
      s.kill(); // what lost acknowledged events when a sink could write the database file
      s.start();
      JsonNode windows = s.json("/api/pipelines/counts/windows").get("windows");
      java.util.Map<String, Integer> counts = new java.util.TreeMap<>();
      for (JsonNode w : windows) {
        counts.put(w.get("key").asText(), w.get("count").asInt());
      }
      assertEquals(java.util.Map.of("a", 3, "b", 1), counts, "every acknowledged event is in the restored state");
      JsonNode wreck = null;
      for (JsonNode p : s.json("/api/pipelines").get("pipelines")) {
        if (p.get("id").asText().equals("wreck")) {
          wreck = p;
        }
      }
      assertNotNull(wreck);
      assertEquals("failed", wreck.get("status").asText(), "still refused on the next start");
    } finally {
      s.stop();
    }
  }
}
