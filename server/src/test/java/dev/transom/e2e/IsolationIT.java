package dev.transom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failure of one pipeline never stops another (docs/durability.md, "When a pipeline fails"), nor reloads, removals or shutdown. The
 * failure is an {@link Error} thrown while processing, injected with
 * {@code TRANSOM_FAULT=error:PIPELINE:MARKER} (runtime/Faults): the pipeline becomes {@code failed}
 * with the reason, refuses input (503 naming it), and keeps its last good checkpoint and the ingest
 * log, so a fixed version (or a restart) replays what it acknowledged.
 */
class IsolationIT {
  static final String MARKER = "boom";

  @TempDir
  Path tmp;

  /** A system clock with 1 s windows: every acknowledged event is counted in the file soon. */
  private static String definition(String name, String steps) {
    return "name: " + name + "\n"
        + "source: {kind: http}\n"
        + (steps == null ? "" : "steps:\n  - filter: '" + steps + "'\n")
        + "key: event.k\n"
        + "clock: {kind: system}\n"
        + "window: {kind: tumbling, length: 1s}\n"
        + "aggregate: {count: true}\n"
        + "checkpoint: {interval: 200ms}\n"
        + "sinks:\n  - {kind: file, path: out/" + name + ".jsonl}\n";
  }

  private static HttpResponse<String> put(ServerProcess s, String id, String text) throws Exception {
    return s.http.send(HttpRequest.newBuilder(URI.create(s.base() + "/api/pipelines/" + id))
        .timeout(Duration.ofSeconds(30)).PUT(HttpRequest.BodyPublishers.ofString(text)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> delete(ServerProcess s, String id) throws Exception {
    return s.http.send(HttpRequest.newBuilder(URI.create(s.base() + "/api/pipelines/" + id))
        .timeout(Duration.ofSeconds(30)).DELETE().build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Posts {@code n} events over keys k0..k4 (and a marked one if {@code marked}); returns how many were acknowledged. */
  private static int post(ServerProcess s, String id, int n, boolean marked) throws Exception {
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < n; i++) {
      body.append("{\"k\":\"k").append(i % 5).append("\",\"i\":").append(i).append("}\n");
    }
    if (marked) {
      body.append("{\"k\":\"k9\",\"note\":\"" + MARKER + "\"}\n");
    }
    HttpResponse<String> r = s.post("/api/pipelines/" + id + "/events", body.toString(), null);
    assertEquals(202, r.statusCode(), r.body());
    return n + (marked ? 1 : 0);
  }

  /** The sum of the counts in a pipeline's output file. */
  private static long counted(Path out) throws Exception {
    long sum = 0;
    for (String line : ServerProcess.lines(out)) {
      sum += ServerProcess.JSON.readTree(line).get("value").asLong();
    }
    return sum;
  }

  private static JsonNode pipeline(ServerProcess s, String id) throws Exception {
    return s.json("/api/pipelines/" + id);
  }

  @Test
  void anErrorFailsOnlyItsPipelineAndAFixedVersionOrARestartReplaysWhatItAcknowledged() throws Exception {
    ServerProcess.define(tmp, "broken.yaml", definition("broken", null));
    ServerProcess.define(tmp, "healthy.yaml", definition("healthy", null));
    ServerProcess s = new ServerProcess(tmp, "--workers", "2");
    s.env.put("TRANSOM_FAULT", "error:broken:" + MARKER);
    s.start();
    Path brokenOut = tmp.resolve("out/broken.jsonl");
    Path healthyOut = tmp.resolve("out/healthy.jsonl");

    // Before the failure: counted, and checkpointed (the last good checkpoint).
    long acknowledged = post(s, "broken", 20, false);
    ServerProcess.await("the first events counted", () -> counted(brokenOut) == 20);
    // Acknowledged in the same batch as the marked event, which fails the pipeline as it is processed.
    acknowledged += post(s, "broken", 10, true);
    ServerProcess.await("broken to fail", () -> pipeline(s, "broken").get("status").asText().equals("failed"));
    JsonNode failed = pipeline(s, "broken");
    String reason = failed.get("failure").asText();
    assertTrue(reason.contains("AssertionError") && reason.contains("injected error"), reason);
    assertFalse(s.get("/api/pipelines/broken").body().contains("\tat "), "no stack trace in the API");
    JsonNode listed = s.json("/api/pipelines");
    boolean seen = false;
    for (JsonNode p : listed.get("pipelines")) {
      if (p.get("id").asText().equals("broken")) {
        seen = true;
        assertEquals("failed", p.get("status").asText());
      }
    }
    assertTrue(seen, listed.toString());
    assertTrue(Files.readString(tmp.resolve("serve.log")).contains("pipeline 'broken' failed: internal error"),
        "stderr names the pipeline and the reason");

    // It refuses input, naming itself.
    HttpResponse<String> refused = s.post("/api/pipelines/broken/events", "{\"k\":\"k1\"}", null);
    assertEquals(503, refused.statusCode(), refused.body());
    JsonNode refusal = ServerProcess.JSON.readTree(refused.body());
    assertEquals("broken", refusal.get("pipeline").asText());
    assertEquals("failed", refusal.get("status").asText());

    // The other pipeline goes on, and reloads and removals of others still work.
    int healthyAcked = post(s, "healthy", 15, false);
    ServerProcess.await("healthy's outputs", () -> counted(healthyOut) == healthyAcked);
    assertEquals(201, put(s, "other", definition("other", null)).statusCode());
    assertEquals(200, delete(s, "other").statusCode());
    concurrentPutsEachDescribeTheirOwnResult(s);

    // A fixed version replaces the failed one: it resumes from the last good checkpoint and replays
    // the log, so every acknowledged event but the marked one (now filtered out) is counted.
    HttpResponse<String> fixed = put(s, "broken", definition("broken", "!has(event.note)"));
    assertEquals(200, fixed.statusCode(), fixed.body());
    JsonNode fixedView = ServerProcess.JSON.readTree(fixed.body());
    assertEquals("running", fixedView.get("status").asText(), fixed.body());
    assertTrue(fixedView.get("reload").asText().contains("replaced the failed version"), fixed.body());
    long expectedAfterFix = acknowledged - 1;
    ServerProcess.await("the acknowledged events counted after the fix", () -> counted(brokenOut) == expectedAfterFix);
    acknowledged += post(s, "broken", 5, true); // filtered: no failure
    long expectedNow = acknowledged - 2;
    ServerProcess.await("new events counted", () -> counted(brokenOut) == expectedNow);

    // The faulty version again: it fails again; SIGTERM still ends promptly.
    assertEquals(200, put(s, "broken", definition("broken", null)).statusCode()); // a swap: checkpointed
    acknowledged += post(s, "broken", 5, true);
    ServerProcess.await("broken to fail again", () -> pipeline(s, "broken").get("status").asText().equals("failed"));
    long stopping = System.nanoTime();
    s.stop(); // exit 0 (asserted there)
    long stopMillis = (System.nanoTime() - stopping) / 1_000_000;
    assertTrue(stopMillis < 15_000, "SIGTERM took " + stopMillis + " ms");
    assertTrue(Files.readString(tmp.resolve("serve.log")).contains("pipeline 'broken' failed"));

    // Restarted without the fault: the log after the last good checkpoint is replayed, the marked
    // event of the last batch included (only the first one was filtered out by the fixed version).
    s.env.clear();
    s.start();
    long expectedAtEnd = acknowledged - 2;
    ServerProcess.await("every acknowledged event counted after the restart", () -> counted(brokenOut) == expectedAtEnd);
    assertEquals("running", pipeline(s, "broken").get("status").asText());
    assertEquals(healthyAcked, counted(healthyOut));
    s.stop();
  }

  /** Two PUTs of one id at once: each 200 answer shows the definition that PUT sent. */
  private static void concurrentPutsEachDescribeTheirOwnResult(ServerProcess s) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<String> texts = List.of(definition("healthy", "true"), definition("healthy", "has(event.k)"));
      List<Future<HttpResponse<String>>> answers = new ArrayList<>();
      for (String text : texts) {
        answers.add(pool.submit((Callable<HttpResponse<String>>) () -> put(s, "healthy", text)));
      }
      for (int i = 0; i < texts.size(); i++) {
        HttpResponse<String> r = answers.get(i).get();
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(texts.get(i), ServerProcess.JSON.readTree(r.body()).get("definition").asText());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void anOversizedDefinitionIsAProblemAndTheWatcherGoesOn() throws Exception {
    ServerProcess.define(tmp, "ok.yaml", definition("ok", null));
    ServerProcess s = new ServerProcess(tmp).start();
    // Sparse: 64 MiB on paper, nothing on disk, far past the 4 MiB limit; it must never be read.
    Path huge = tmp.resolve("defs/huge.yaml");
    try (RandomAccessFile f = new RandomAccessFile(huge.toFile(), "rw")) {
      f.setLength(64L << 20);
    }
    ServerProcess.await("the oversized file listed as a problem", () -> hugeProblem(s) != null);
    assertTrue(hugeProblem(s).contains("too large"), hugeProblem(s));
    long version = pipeline(s, "ok").get("version").asLong();
    ServerProcess.define(tmp, "ok.yaml", definition("ok", "true"));
    ServerProcess.await("a later edit of another file reloaded", () -> pipeline(s, "ok").get("version").asLong() > version);
    s.stop();

    s.start(); // with the file there: serve comes up and lists it
    assertEquals("running", pipeline(s, "ok").get("status").asText());
    assertTrue(hugeProblem(s) != null && hugeProblem(s).contains("too large"), s.json("/api/pipelines").toString());
    s.stop();
  }

  /** The problem shown for huge.yaml, or null while it is not listed. */
  private static String hugeProblem(ServerProcess s) throws Exception {
    for (JsonNode p : s.json("/api/pipelines").get("pipelines")) {
      if (p.get("id").asText().equals("huge") && p.get("status").asText().equals("failed")
          && p.get("problems").size() > 0) {
        return p.get("problems").get(0).get("message").asText();
      }
    }
    return null;
  }
}
