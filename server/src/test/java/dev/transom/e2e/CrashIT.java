package dev.transom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 at random moments while a client posts events and retries until 202: the exactly-once
 * file sinks must end up with exactly what a crash-free {@code run} of the acknowledged input gives,
 * for tumbling, sliding and session windows with the event clock.
 *
 * <p>Event time runs far ahead of system time (each event is up to seconds after the previous one,
 * posted milliseconds apart) and events come in time order, so windows close all along the run;
 * a restart moves the watermark forward by the downtime (SEMANTICS §7), but a downtime shorter
 * than the clock's 30 s wait can close no window early and make no item late: the crash-free run
 * is a fair reference.
 */
class CrashIT {
  static final int CYCLES = Integer.getInteger("transom.crash.cycles", 20);
  static final String[] PIPELINES = {"tumbling", "sliding", "sessions"};
  @TempDir
  Path tmp;

  static String definition(String name, String window, String aggregate) {
    return "name: " + name + "\n"
        + "source: {kind: http}\n"
        + "key: event.user\n"
        + "value: event.n\n"
        + "clock: {kind: event, timestamp: event.ts, wait: 30s}\n"
        + "window: " + window + "\n"
        + "aggregate: " + aggregate + "\n"
        + "checkpoint: {interval: 100ms}\n"
        + "sinks:\n  - {kind: file, path: out/" + name + ".jsonl}\n  - {kind: h2, table: " + name + "_out}\n";
  }

  @Test
  void outputsAfterRepeatedKillNineEqualACrashFreeRun() throws Exception {
    Files.createDirectories(tmp.resolve("defs"));
    Files.writeString(tmp.resolve("defs/tumbling.yaml"), definition("tumbling", "{kind: tumbling, length: 10s}", "{sum: true}"));
    Files.writeString(tmp.resolve("defs/sliding.yaml"), definition("sliding", "{kind: sliding, length: 10s, offset: 5s}",
        "{count: true}"));
    Files.writeString(tmp.resolve("defs/sessions.yaml"), definition("sessions", "{kind: session, gap: 3s}", "{collect: true}"));
    long seed = new Random().nextLong();
    System.out.println("CrashIT: seed " + seed + ", " + CYCLES + " kill -9 cycles");
    Random random = new Random(seed);
    ServerProcess server = new ServerProcess(tmp, "--workers", "2").start();

    List<String> acknowledged = new ArrayList<>();
    AtomicBoolean posting = new AtomicBoolean(true);
    Instant base = Instant.parse("2024-05-01T10:00:00Z");
    Thread client = new Thread(() -> {
      Random r = new Random(seed + 1);
      long tsMillis = 0;
      int i = 0;
      int batchNo = 0;
      while (posting.get()) {
        StringBuilder batch = new StringBuilder();
        List<String> lines = new ArrayList<>();
        int size = 1 + r.nextInt(5);
        for (int k = 0; k < size; k++) {
          tsMillis += 50 + r.nextInt(r.nextInt(10) == 0 ? 4_000 : 400);
          String line = "{\"user\":\"u" + (i % 5) + "\",\"n\":" + i + ",\"ts\":\"" + base.plusMillis(tsMillis) + "\"}";
          lines.add(line);
          batch.append(line).append('\n');
          i++;
        }
        String id = "b" + batchNo++;
        for (String p : PIPELINES) {
          while (true) { // retry until acknowledged, across crashes
            try {
              HttpResponse<String> res = server.post("/api/pipelines/" + p + "/events", batch.toString(), id);
              if (res.statusCode() == 202) {
                break;
              }
            } catch (Exception e) {
              // down: try again
            }
            try {
              Thread.sleep(20);
            } catch (InterruptedException e) {
              return;
            }
          }
        }
        synchronized (acknowledged) {
          acknowledged.addAll(lines);
        }
      }
    }, "crash-client");
    client.start();
    for (int cycle = 0; cycle < CYCLES; cycle++) {
      Thread.sleep(150 + random.nextInt(600));
      server.kill();
      server.start();
    }
    posting.set(false);
    client.join(60_000);
    assertFalse(client.isAlive(), "the client did not finish");
    // Watermarks are per key: one more event per key, far in the future, closes every window the
    // test made (its own windows stay open, and are left out of the comparison below). A clean
    // stop then commits the last epoch.
    Instant farAway = base.plusSeconds(86_400 * 10);
    StringBuilder lastBatch = new StringBuilder();
    for (int u = 0; u < 5; u++) {
      lastBatch.append("{\"user\":\"u").append(u).append("\",\"n\":-1,\"ts\":\"").append(farAway).append("\"}\n");
    }
    String last = lastBatch.toString().strip();
    for (String p : PIPELINES) {
      assertEquals(202, server.post("/api/pipelines/" + p + "/events", last, "last").statusCode());
    }
    ServerProcess.await("the flush to be processed", () -> {
      for (String p : PIPELINES) {
        com.fasterxml.jackson.databind.JsonNode windows = server.json("/api/pipelines/" + p + "/windows?limit=1000").get("windows");
        for (com.fasterxml.jackson.databind.JsonNode w : windows) {
          if (Instant.parse(w.get("close_time").asText()).isBefore(farAway.minusSeconds(86_400))) {
            return false;
          }
        }
      }
      return true;
    });
    server.stop();

    Path input = tmp.resolve("acknowledged.jsonl");
    List<String> all = new ArrayList<>(acknowledged);
    all.add(last);
    Files.write(input, all);
    for (String p : PIPELINES) {
      Path reference = tmp.resolve("reference-" + p + ".jsonl");
      Jar.Result r = Jar.run(tmp, null, "run", "defs/" + p + ".yaml", "--input", input.toString(), "--output",
          reference.toString());
      assertEquals(0, r.exit(), r.err());
      List<String> expected = new ArrayList<>();
      for (String line : Files.readAllLines(reference)) {
        String open = ServerProcess.JSON.readTree(line).get("window").get("open_time").asText();
        if (Instant.parse(open).isBefore(farAway.minusSeconds(86_400))) {
          expected.add(line); // windows of the final events stay open in the server: not compared
        }
      }
      List<String> actual = new ArrayList<>(Files.readAllLines(tmp.resolve("out/" + p + ".jsonl")));
      expected.sort(null);
      actual.sort(null);
      assertFalse(expected.isEmpty());
      assertEquals(expected, actual, p + ": outputs after " + CYCLES + " crashes (seed " + seed + ", "
          + acknowledged.size() + " acknowledged events) differ from a crash-free run");
      List<String> rows = new ArrayList<>();
      try (java.sql.Connection c = java.sql.DriverManager.getConnection(
              "jdbc:h2:file:" + tmp.resolve("data/transom").toAbsolutePath(), "sa", "");
          java.sql.ResultSet rs = c.createStatement().executeQuery("SELECT record FROM \"" + p + "_out\"")) {
        while (rs.next()) {
          rows.add(rs.getString(1));
        }
      }
      rows.sort(null);
      assertEquals(expected, rows, p + ": h2 sink rows after " + CYCLES + " crashes (seed " + seed + ")");
    }
    System.out.println("CrashIT: " + acknowledged.size() + " acknowledged events, file and h2 outputs equal for "
        + String.join(", ", PIPELINES));
  }
}
