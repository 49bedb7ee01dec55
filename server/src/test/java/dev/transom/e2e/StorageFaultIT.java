package dev.transom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Storage that fails and works again while the server runs (docs/durability.md, "When writing fails"): the pipeline pauses (503
 * with Retry-After, status {@code paused}), others go on, nothing acknowledged is lost, and it
 * resumes by itself, with no restart. The full disk is injected with {@code TRANSOM_FAULT_DISK_FULL}
 * markers (state/DiskFullFault): chmod does not stop root, and a tmpfs needs mount.
 */
class StorageFaultIT {
  @TempDir
  Path tmp;

  private static String definition(String name) {
    // A system clock: no item is ever late, so every acknowledged event is counted in the file.
    return """
        name: %s
        source: {kind: http}
        key: event.user
        clock: {kind: system}
        window: {kind: tumbling, length: 1s}
        aggregate: {count: true}
        checkpoint: {interval: 200ms}
        sinks:
          - {kind: file, path: out/%s.jsonl}
        """.formatted(name, name);
  }

  /** Posts numbered batches with batch ids, each retried until 202, and counts what it sent. */
  private static final class Client {
    final ServerProcess server;
    final String pipeline;
    final Map<String, Integer> expected = new TreeMap<>();
    int batches;

    Client(ServerProcess server, String pipeline) {
      this.server = server;
      this.pipeline = pipeline;
    }

    String newBatch() {
      int b = ++batches;
      StringBuilder body = new StringBuilder();
      for (int i = 0; i < 10; i++) {
        String user = "u" + ((b + i) % 5);
        body.append("{\"user\":\"").append(user).append("\",\"b\":").append(b).append("}\n");
        expected.merge(user, 1, Integer::sum); // it is sent until acknowledged, so it must be counted
      }
      return b + "\n" + body;
    }

    /** One try; the batch is "N\nbody". */
    HttpResponse<String> post(String batch) throws Exception {
      int nl = batch.indexOf('\n');
      return server.post("/api/pipelines/" + pipeline + "/events", batch.substring(nl + 1),
          pipeline + "-" + batch.substring(0, nl));
    }

    void sendUntilAccepted(String batch) throws Exception {
      ServerProcess.await(pipeline + " to accept a batch", () -> post(batch).statusCode() == 202);
    }

    void send() throws Exception {
      sendUntilAccepted(newBatch());
    }
  }

  private static JsonNode pipeline(ServerProcess s, String id) throws Exception {
    return s.json("/api/pipelines/" + id);
  }

  private static long epoch(ServerProcess s, String id) throws Exception {
    return pipeline(s, id).get("epoch").asLong();
  }

  private static void assertRefused(HttpResponse<String> r, String expectedText) {
    assertEquals(503, r.statusCode(), r.body());
    assertTrue(r.headers().firstValue("Retry-After").isPresent(), "503 without Retry-After");
    assertTrue(r.body().contains(expectedText), r.body());
  }

  private static Map<String, Integer> countsByKey(Path out) throws Exception {
    Map<String, Integer> counts = new TreeMap<>();
    for (String line : Files.readAllLines(out)) {
      JsonNode r = ServerProcess.JSON.readTree(line);
      counts.merge(r.get("key").asText(), r.get("value").asInt(), Integer::sum);
    }
    return counts;
  }

  private long logLines(String text) throws Exception {
    return Files.readAllLines(tmp.resolve("serve.log")).stream().filter(l -> l.contains(text)).count();
  }

  @Test
  void failingStoragePausesThePipelineLosesNothingAndResumesWithoutARestart() throws Exception {
    Path faults = Files.createDirectories(tmp.resolve("faults"));
    Files.createDirectories(tmp.resolve("defs"));
    Files.writeString(tmp.resolve("defs/broken.yaml"), definition("broken"));
    Files.writeString(tmp.resolve("defs/healthy.yaml"), definition("healthy"));
    ServerProcess s = new ServerProcess(tmp);
    s.env.put("TRANSOM_FAULT_DISK_FULL", faults.toString());
    s.start();
    Client broken = new Client(s, "broken");
    Client healthy = new Client(s, "healthy");
    for (int i = 0; i < 5; i++) {
      broken.send();
      healthy.send();
    }
    ServerProcess.await("first checkpoints", () -> epoch(s, "broken") > 0 && epoch(s, "healthy") > 0);

    // 1. One pipeline's storage fails (its ingest log and its checkpoints): it pauses, alone.
    Path brokenDisk = Files.createFile(faults.resolve("broken"));
    String refused = broken.newBatch();
    assertRefused(broken.post(refused), "No space left on device");
    ServerProcess.await("broken to pause", () -> pipeline(s, "broken").get("status").asText().equals("paused"));
    JsonNode p = pipeline(s, "broken");
    assertTrue(p.get("storage").get("problem").asText().contains("No space left on device"), p.toString());
    assertTrue(p.get("failure").asText().contains("No space left on device"), p.toString());
    long inWhilePaused = p.get("counters").get("in").asLong();
    long brokenEpoch = p.get("epoch").asLong();
    for (int i = 0; i < 10; i++) {
      assertRefused(broken.post(refused), "storage is failing");
    }
    long healthyEpoch = epoch(s, "healthy");
    for (int i = 0; i < 10; i++) {
      assertEquals(202, healthy.post(healthy.newBatch()).statusCode(), "the other pipeline goes on");
    }
    ServerProcess.await("healthy to checkpoint on", () -> epoch(s, "healthy") >= healthyEpoch + 3);
    assertEquals("running", pipeline(s, "healthy").get("status").asText());
    ServerProcess.await("broken to retry", () -> pipeline(s, "broken").get("storage").get("retries").asInt() >= 3);
    p = pipeline(s, "broken");
    assertEquals(brokenEpoch, p.get("epoch").asLong(), "no checkpoint of broken succeeded while its disk was full");
    assertEquals(inWhilePaused, p.get("counters").get("in").asLong(), "nothing was admitted while paused");

    // 2. Its storage works again: it resumes by itself.
    Files.delete(brokenDisk);
    ServerProcess.await("broken to resume", () -> pipeline(s, "broken").get("status").asText().equals("running"));
    assertFalse(pipeline(s, "broken").has("storage"), pipeline(s, "broken").toString());
    assertEquals(202, broken.post(refused).statusCode(), "the refused batch is taken now");
    ServerProcess.await("broken to checkpoint again", () -> epoch(s, "broken") > brokenEpoch);

    // 3. The shared database fails (H2 closes it): every pipeline pauses, then both resume.
    Path databaseDisk = Files.createFile(faults.resolve("transom.mv.db"));
    ServerProcess.await("both to pause", () -> pipeline(s, "broken").get("status").asText().equals("paused")
        && pipeline(s, "healthy").get("status").asText().equals("paused"));
    long[] epochs = {epoch(s, "broken"), epoch(s, "healthy")};
    String refusedBroken = broken.newBatch();
    String refusedHealthy = healthy.newBatch();
    assertRefused(broken.post(refusedBroken), "storage is failing");
    assertRefused(healthy.post(refusedHealthy), "storage is failing");
    ServerProcess.await("retries", () -> pipeline(s, "healthy").get("storage").get("retries").asInt() >= 3);
    assertEquals(epochs[0], epoch(s, "broken"));
    assertEquals(epochs[1], epoch(s, "healthy"));
    Files.delete(databaseDisk);
    ServerProcess.await("both to resume", () -> pipeline(s, "broken").get("status").asText().equals("running")
        && pipeline(s, "healthy").get("status").asText().equals("running"));
    broken.sendUntilAccepted(refusedBroken);
    healthy.sendUntilAccepted(refusedHealthy);
    for (int i = 0; i < 5; i++) {
      broken.send();
      healthy.send();
    }
    ServerProcess.await("checkpoints again", () -> epoch(s, "broken") > epochs[0] && epoch(s, "healthy") > epochs[1]);

    // 4. Every acknowledged event is counted once; the log said each pause once, not per retry.
    for (String id : new String[] {"broken", "healthy"}) {
      assertEquals(200, s.http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(s.base() + "/api/pipelines/"
          + id)).DELETE().build(), HttpResponse.BodyHandlers.ofString()).statusCode()); // flushes its open windows
    }
    assertEquals(broken.expected, countsByKey(tmp.resolve("out/broken.jsonl")));
    assertEquals(healthy.expected, countsByKey(tmp.resolve("out/healthy.jsonl")));
    s.stop();
    Files.readAllLines(tmp.resolve("serve.log")).stream().filter(l -> l.contains("transom: pipeline"))
        .forEach(System.out::println);
    assertEquals(2, logLines("pipeline 'broken' paused"));
    assertEquals(2, logLines("pipeline 'broken' resumed"));
    assertEquals(1, logLines("pipeline 'healthy' paused"));
    assertEquals(1, logLines("pipeline 'healthy' resumed"));
  }

  /**
   * The same with a disk that really fills up: the data directory is a 4 MiB tmpfs, filled by a
   * file until the kernel says ENOSPC. Needs mount (root, or CAP_SYS_ADMIN in a container): where it
   * is not allowed the test is skipped, saying so; the marker test above runs everywhere.
   */
  @Test
  void aReallyFullDiskPausesEveryPipelineAndTheyResumeWhenSpaceReturns() throws Exception {
    Path data = Files.createDirectories(tmp.resolve("data"));
    String why;
    boolean mounted;
    try {
      Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", data.toString())
          .redirectErrorStream(true).start();
      why = new String(mount.getInputStream().readAllBytes()).strip();
      mounted = mount.waitFor() == 0;
    } catch (java.io.IOException e) {
      why = e.getMessage();
      mounted = false;
    }
    if (!mounted) {
      System.out.println("StorageFaultIT: skipping the real full disk (mount -t tmpfs not permitted here: " + why + ")");
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(mounted, "mount -t tmpfs not permitted here: " + why);
    ServerProcess s = null;
    try {
      Files.createDirectories(tmp.resolve("defs"));
      Files.writeString(tmp.resolve("defs/one.yaml"), definition("one"));
      Files.writeString(tmp.resolve("defs/two.yaml"), definition("two"));
      s = new ServerProcess(tmp).start();
      ServerProcess server = s;
      Client one = new Client(s, "one");
      Client two = new Client(s, "two");
      for (int i = 0; i < 5; i++) {
        one.send();
        two.send();
      }
      ServerProcess.await("first checkpoints", () -> epoch(server, "one") > 0 && epoch(server, "two") > 0);
      Path filler = data.resolve("filler");
      try (java.io.OutputStream out = Files.newOutputStream(filler)) {
        byte[] chunk = new byte[64 * 1024];
        while (true) {
          out.write(chunk);
        }
      } catch (java.io.IOException full) {
        System.out.println("StorageFaultIT: tmpfs full after " + Files.size(filler) + " bytes (" + full.getMessage() + ")");
      }
      // Small appends still fit in the segment file's last page for a while; keep sending.
      java.util.List<String> unacknowledged = new java.util.ArrayList<>();
      ServerProcess.await("both to pause", () -> {
        for (Client c : java.util.List.of(one, two)) {
          String batch = c.newBatch();
          HttpResponse<String> r = c.post(batch);
          if (r.statusCode() != 202) {
            assertRefused(r, "");
            unacknowledged.add(c.pipeline + "\n" + batch);
          }
        }
        return pipeline(server, "one").get("status").asText().equals("paused")
            && pipeline(server, "two").get("status").asText().equals("paused");
      });
      System.out.println("StorageFaultIT: paused with " + pipeline(server, "one").get("storage"));
      long[] epochs = {epoch(server, "one"), epoch(server, "two")};
      Files.delete(filler);
      ServerProcess.await("both to resume", () -> pipeline(server, "one").get("status").asText().equals("running")
          && pipeline(server, "two").get("status").asText().equals("running"));
      for (String u : unacknowledged) {
        int nl = u.indexOf('\n');
        (u.substring(0, nl).equals("one") ? one : two).sendUntilAccepted(u.substring(nl + 1));
      }
      ServerProcess.await("checkpoints again", () -> epoch(server, "one") > epochs[0] && epoch(server, "two") > epochs[1]);
      for (String id : new String[] {"one", "two"}) {
        assertEquals(200, s.http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(s.base()
            + "/api/pipelines/" + id)).DELETE().build(), HttpResponse.BodyHandlers.ofString()).statusCode());
      }
      assertEquals(one.expected, countsByKey(tmp.resolve("out/one.jsonl")));
      assertEquals(two.expected, countsByKey(tmp.resolve("out/two.jsonl")));
      s.stop();
      s = null;
    } finally {
      if (s != null) {
        s.kill();
      }
      new ProcessBuilder("umount", "-l", data.toString()).inheritIO().start().waitFor();
    }
  }
}
