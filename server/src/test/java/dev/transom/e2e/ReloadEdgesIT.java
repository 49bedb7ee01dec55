package dev.transom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hot reload at its edges: a definition file with {@code name:} renamed (the pipeline follows it,
 * with its open windows, however the watcher orders the old name's removal and the new name's
 * creation); a file that never loaded deleted through the API; a PUT is one new version, not two
 * (its own write seen again by the watcher is not a change).
 */
class ReloadEdgesIT {
  @TempDir
  Path tmp;

  private static final String SUMS = "name: sums\nsource: {kind: http}\nkey: event.k\n"
      + "clock: {kind: event, timestamp: event.at, wait: 1h}\n"
      + "value: event.v\nwindow: {kind: tumbling, length: 1h}\naggregate: {sum: true}\n"
      + "sinks:\n  - {kind: file, path: out/sums.jsonl}\n";

  private static HttpResponse<String> send(ServerProcess s, String method, String path, String body) throws Exception {
    return s.http.send(HttpRequest.newBuilder(URI.create(s.base() + path)).timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aRenamedFileTakesItsRunningPipelineWithIt() throws Exception {
    ServerProcess.define(tmp, "first.yaml", SUMS);
    ServerProcess s = new ServerProcess(tmp).start();
    StringBuilder events = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      events.append("{\"k\":\"k").append(i).append("\",\"v\":").append(i + 1).append(",\"at\":\"2024-05-01T10:00:00Z\"}\n");
    }
    assertEquals(202, s.post("/api/pipelines/sums/events", events.toString(), null).statusCode());
    ServerProcess.await("5 open windows", () -> s.json("/api/pipelines/sums").path("open_windows").asInt() == 5);

    String[] names = {"first.yaml", "second.yaml", "third.yml", "fourth.yaml"};
    for (int i = 1; i < names.length; i++) {
      String to = names[i];
      Files.move(tmp.resolve("defs").resolve(names[i - 1]), tmp.resolve("defs").resolve(to), StandardCopyOption.ATOMIC_MOVE);
      try {
        ServerProcess.await("the pipeline defined by " + to, () -> {
          JsonNode p = s.json("/api/pipelines/sums");
          return p.path("file").asText().endsWith(to) && p.path("status").asText().equals("running");
        });
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "\n" + s.json("/api/pipelines") + "\n"
            + Files.readString(tmp.resolve("serve.log")), e);
      }
      JsonNode all = s.json("/api/pipelines");
      assertEquals(1, all.path("pipelines").size(), "the renamed file is listed once, not also as a failed entry: " + all);
      JsonNode p = s.json("/api/pipelines/sums");
      assertEquals(5, p.path("open_windows").asInt(), "windows kept across the rename to " + to + ": " + p);
      assertEquals(0, p.path("problems").size(), p.toString());
    }
    assertEquals(0, ServerProcess.lines(tmp.resolve("out/sums.jsonl")).size(), "no window was flushed by a rename");
    String log = Files.readString(tmp.resolve("serve.log"));
    assertTrue(log.contains("pipeline 'sums' moved from defs/third.yml to defs/fourth.yaml"), log);
    assertFalse(log.contains("already used by"), log);

    // The windows still close into the sink the pipeline had from the start.
    assertEquals(200, send(s, "DELETE", "/api/pipelines/sums", null).statusCode());
    assertEquals(5, ServerProcess.lines(tmp.resolve("out/sums.jsonl")).size());
    s.stop();
  }

  @Test
  void aFileThatNeverLoadedCanBeDeletedByItsName() throws Exception {
    ServerProcess.define(tmp, "broken.yaml", SUMS.replace("name: sums\n", "").replace("length: 1h", "length: never"));
    ServerProcess s = new ServerProcess(tmp).start();
    JsonNode listed = s.json("/api/pipelines/broken");
    assertEquals("failed", listed.path("status").asText(), listed.toString());
    HttpResponse<String> del = send(s, "DELETE", "/api/pipelines/broken", null);
    assertEquals(200, del.statusCode(), del.body());
    assertFalse(Files.exists(tmp.resolve("defs/broken.yaml")));
    assertEquals(404, s.get("/api/pipelines/broken").statusCode());
    assertEquals(0, s.json("/api/pipelines").path("pipelines").size());
    s.stop();
  }

  @Test
  void aPutIsOneVersion() throws Exception {
    ServerProcess.define(tmp, "sums.yaml", SUMS);
    ServerProcess s = new ServerProcess(tmp).start();
    assertEquals(1, s.json("/api/pipelines/sums").path("version").asInt());
    HttpResponse<String> put = send(s, "PUT", "/api/pipelines/sums", SUMS.replace("out/sums.jsonl", "out/sums2.jsonl"));
    assertTrue(put.statusCode() / 100 == 2, put.body());
    assertEquals(2, s.json("/api/pipelines/sums").path("version").asInt());
    // A file written after the PUT's: once the watcher has deployed it, it has seen the PUT's write too.
    ServerProcess.define(tmp, "later.yaml", SUMS.replace("name: sums", "name: later"));
    ServerProcess.await("later deployed", () -> s.get("/api/pipelines/later").statusCode() == 200);
    assertEquals(2, s.json("/api/pipelines/sums").path("version").asInt(), "the watcher made the PUT a second version");
    // Writing the running text again (a touch, an undo) is no new version either.
    Files.writeString(tmp.resolve("defs/sums.yaml"), SUMS.replace("out/sums.jsonl", "out/sums2.jsonl"));
    ServerProcess.define(tmp, "last.yaml", SUMS.replace("name: sums", "name: last"));
    ServerProcess.await("last deployed", () -> s.get("/api/pipelines/last").statusCode() == 200);
    assertEquals(2, s.json("/api/pipelines/sums").path("version").asInt());
    s.stop();
  }
}
