package dev.transom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file a running server writes exactly once is its alone: {@code run} over the same definition
 * (the README's example, while the server runs) is refused before it truncates the server's late
 * file, and says how to write elsewhere; a second pipeline naming the same file does not start.
 */
class SharedFilesIT {
  @TempDir
  Path tmp;

  private static final String DEF = "name: p\nsource: {kind: http}\nkey: event.k\n"
      + "clock: {kind: event, timestamp: event.at, wait: 0s}\nwindow: {kind: tumbling, length: 10s}\n"
      + "aggregate: {count: true}\nsinks:\n  - {kind: file, path: out/p.jsonl}\n"
      + "late: {kind: file, path: out/p-late.jsonl}\ncheckpoint: {interval: 200ms}\n";

  @Test
  void runIsRefusedTheFilesAServerWritesAndAnotherPipelineToo() throws Exception {
    ServerProcess.define(tmp, "p.yaml", DEF);
    Files.createDirectories(tmp.resolve("out"));
    Files.writeString(tmp.resolve("out/p-late.jsonl"), "{\"server\":\"owns this\"}\n");
    ServerProcess server = new ServerProcess(tmp).start();
    Files.writeString(tmp.resolve("in.jsonl"), "{\"k\":\"a\",\"at\":\"2024-05-01T10:00:15Z\"}\n"
        + "{\"k\":\"a\",\"at\":\"2024-05-01T10:00:01Z\"}\n");

    Jar.Result refused = Jar.run(tmp, null, "run", "defs/p.yaml", "--input", "in.jsonl", "--output", "-");
    assertEquals(1, refused.exit(), refused.err());
    assertTrue(refused.err().contains("out/p-late.jsonl is being written by another sink"), refused.err());
    assertTrue(refused.err().contains("--late PATH"), refused.err());
    assertEquals(List.of("{\"server\":\"owns this\"}"), Files.readAllLines(tmp.resolve("out/p-late.jsonl")),
        "the server's late file was cut");

    Jar.Result own = Jar.run(tmp, null, "run", "defs/p.yaml", "--input", "in.jsonl", "--output", "-", "--late", "mine.jsonl");
    assertEquals(0, own.exit(), own.err());
    assertEquals(1, Files.readAllLines(tmp.resolve("mine.jsonl")).size());

    ServerProcess.define(tmp, "q.yaml", DEF.replace("name: p", "name: q").replace("out/p.jsonl", "out/q.jsonl"));
    ServerProcess.await("q listed", () -> server.get("/api/pipelines/q").statusCode() == 200);
    JsonNode q = server.json("/api/pipelines/q");
    assertEquals("failed", q.path("status").asText(), q.toString());
    assertTrue(q.toString().contains("out/p-late.jsonl is being written by another sink"), q.toString());
    // Refusing q opened no channel of p's files: p's lock still holds against another process.
    Jar.Result again = Jar.run(tmp, null, "run", "defs/p.yaml", "--input", "in.jsonl", "--output", "-");
    assertEquals(1, again.exit(), "p's lock was dropped when q was refused: " + again.err());
    assertEquals(202, server.post("/api/pipelines/p/events", "{\"k\":\"a\",\"at\":\"2024-05-01T10:00:15Z\"}\n"
        + "{\"k\":\"a\",\"at\":\"2024-05-01T10:00:01Z\"}\n", null).statusCode());
    ServerProcess.await("p's late item", () -> ServerProcess.lines(tmp.resolve("out/p-late.jsonl")).size() == 2);
    server.stop();
  }
}
