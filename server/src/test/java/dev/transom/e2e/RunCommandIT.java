package dev.transom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunCommandIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir
  Path tmp;

  private static final String DEF = """
      name: per-user
      source: {kind: http}
      key: event.user
      value: event.n
      clock: {kind: event, timestamp: event.ts, wait: 0s}
      window: {kind: tumbling, length: 10s}
      aggregate: {sum: true}
      late: {kind: file, path: late.jsonl}
      """;

  @Test
  void stdinToStdoutWithLateItemsToTheirFile() throws Exception {
    Files.writeString(tmp.resolve("p.yaml"), DEF);
    String input = String.join("\n",
        "{\"user\":\"a\",\"n\":1,\"ts\":\"2024-05-01T10:00:01Z\"}",
        "{\"user\":\"a\",\"n\":2,\"ts\":\"2024-05-01T10:00:12Z\"}",
        "{\"user\":\"a\",\"n\":4,\"ts\":\"2024-05-01T10:00:03Z\"}",
        "{\"user\":\"b\",\"n\":8,\"ts\":\"2024-05-01T10:00:03Z\"}") + "\n";
    Jar.Result r = Jar.run(tmp, input, "run", "p.yaml", "--input", "-", "--output", "-");
    assertEquals(0, r.exit(), r.err());
    List<String> lines = r.out().lines().toList();
    assertEquals(3, lines.size(), r.out());
    JsonNode first = JSON.readTree(lines.get(0));
    assertEquals("per-user", first.get("pipeline").asText());
    assertEquals("a", first.get("key").asText());
    assertEquals("2024-05-01T10:00:00Z", first.get("window").get("open_time").asText());
    assertEquals(1, first.get("value").asLong());
    List<String> late = Files.readAllLines(tmp.resolve("late.jsonl"));
    assertEquals(1, late.size());
    assertEquals(4, JSON.readTree(late.get(0)).get("value").asLong());
  }

  @Test
  void badJsonLinesAreReportedWithTheirLineNumberAndTheRunGoesOn() throws Exception {
    Files.writeString(tmp.resolve("p.yaml"), DEF);
    Files.writeString(tmp.resolve("in.jsonl"), "{\"user\":\"a\",\"n\":1,\"ts\":\"2024-05-01T10:00:01Z\"}\n{oops\n"
        + "{\"user\":\"a\",\"n\":2}\n{\"user\":\"a\",\"n\":2,\"ts\":\"2024-05-01T10:00:02Z\"}\n");
    Jar.Result r = Jar.run(tmp, null, "run", "p.yaml", "--input", "in.jsonl", "--output", "out.jsonl");
    assertEquals(0, r.exit(), r.err());
    Jar.assertNoStackTrace(r);
    assertTrue(r.err().contains("in.jsonl:2:"), r.err());
    assertTrue(r.err().contains("in.jsonl:3: clock.timestamp:"), r.err());
    List<String> out = Files.readAllLines(tmp.resolve("out.jsonl"));
    assertEquals(1, out.size());
    assertEquals(3, JSON.readTree(out.get(0)).get("value").asLong());
  }

  /**
   * Input that is not UTF-8, a number no double holds and a timestamp that would wrap around are
   * each reported at their line (and column, where the line itself is wrong) like any bad line, in
   * every way run reads input: a file, a file over several workers, and stdin.
   */
  @Test
  void badBytesHugeNumbersAndOverflowingTimestampsAreLocatedLineErrors() throws Exception {
    Files.writeString(tmp.resolve("p.yaml"), DEF);
    java.io.ByteArrayOutputStream in = new java.io.ByteArrayOutputStream();
    in.writeBytes("{\"user\":\"a\",\"n\":1,\"ts\":\"2024-05-01T10:00:01Z\"}\n".getBytes(StandardCharsets.UTF_8));
    in.writeBytes("{\"user\":\"a".getBytes(StandardCharsets.UTF_8));
    in.write(0xff); // byte 11 of line 2
    in.writeBytes("\",\"n\":1,\"ts\":\"2024-05-01T10:00:01Z\"}\n".getBytes(StandardCharsets.UTF_8));
    in.writeBytes("{\"user\":\"a\",\"n\":1e999,\"ts\":\"2024-05-01T10:00:01Z\"}\n".getBytes(StandardCharsets.UTF_8));
    in.writeBytes("{\"user\":\"a\",\"n\":1,\"ts\":-9223372036854775808}\n".getBytes(StandardCharsets.UTF_8));
    in.writeBytes("{\"user\":\"a\",\"n\":2,\"ts\":\"2024-05-01T10:00:02Z\"}\n".getBytes(StandardCharsets.UTF_8));
    Files.write(tmp.resolve("in.jsonl"), in.toByteArray());
    List<Jar.Result> runs = List.of(
        Jar.run(tmp, null, "run", "p.yaml", "--input", "in.jsonl", "--output", "-"),
        Jar.run(tmp, null, "run", "p.yaml", "--input", "in.jsonl", "--output", "-", "--workers", "2"),
        Jar.runWithBytes(tmp, in.toByteArray(), "run", "p.yaml", "--input", "-", "--output", "-"));
    for (Jar.Result r : runs) {
      assertEquals(0, r.exit(), r.err());
      Jar.assertNoStackTrace(r);
      String where = r.err().contains("in.jsonl:") ? "in.jsonl" : "stdin";
      assertTrue(r.err().contains(where + ":2:11: invalid UTF-8 (byte 0xff): events must be UTF-8 text"), r.err());
      assertTrue(r.err().contains(where + ":3:17: number out of range: 1e999"), r.err());
      assertTrue(r.err().contains(where + ":4: clock.timestamp: timestamp out of range"), r.err());
      List<String> out = r.out().lines().toList();
      assertEquals(1, out.size(), r.out());
      assertEquals(3, JSON.readTree(out.get(0)).get("value").asLong(), "lines 1 and 5 only: " + out);
    }
  }

  @Test
  void httpSourceWithoutInputIsAClearUsageError() throws Exception {
    Files.writeString(tmp.resolve("p.yaml"), DEF);
    Jar.Result r = Jar.run(tmp, null, "run", "p.yaml");
    assertEquals(2, r.exit());
    assertTrue(r.err().startsWith("p.yaml:2:"), r.err());
    assertTrue(r.err().contains("--input"), r.err());
  }

  @Test
  void invalidDefinitionMakesRunExitTwoWithLocatedProblems() throws Exception {
    Files.writeString(tmp.resolve("p.yaml"), DEF.replace("length: 10s", "length: 0s"));
    Jar.Result r = Jar.run(tmp, "", "run", "p.yaml", "--input", "-");
    assertEquals(2, r.exit());
    assertEquals("p.yaml:6:34: window.length: must be greater than 0 (got 0s)", r.err().strip());
  }

  @Test
  void everyExamplePipelineRunsToCompletion() throws Exception {
    for (String name : List.of("clicks-per-user", "moving-average", "user-sessions", "live-counts")) {
      Path out = tmp.resolve(name + ".jsonl");
      Jar.Result r = Jar.run(Jar.ROOT, null, "run", "definitions/" + name + ".yaml", "--output", out.toString());
      assertEquals(0, r.exit(), name + ": " + r.err());
      List<String> lines = Files.readAllLines(out);
      assertFalse(lines.isEmpty(), name + " gave no output");
      for (String l : lines) {
        assertEquals(name, JSON.readTree(l).get("pipeline").asText());
      }
      if (name.equals("live-counts")) {
        long total = 0;
        for (String l : lines) {
          total += JSON.readTree(l).get("value").asLong();
        }
        assertEquals(200, total, "the generator's 200 events, each counted once");
      }
    }
  }

  /** With live input the watermark advances with system time: a window closes while stdin is quiet. */
  @Test
  void windowClosesOnTimeWhileStdinStaysOpen() throws Exception {
    Files.writeString(tmp.resolve("p.yaml"), DEF.replace("wait: 0s", "wait: 1s").replace("late: {kind: file, path: late.jsonl}\n", ""));
    ProcessBuilder pb = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", Jar.JAR.toString(), "run", "p.yaml", "--input", "-", "--output", "-").directory(tmp.toFile());
    pb.redirectError(ProcessBuilder.Redirect.DISCARD);
    Process p = pb.start();
    try {
      p.getOutputStream().write("{\"user\":\"a\",\"n\":5,\"ts\":\"2024-05-01T10:00:09Z\"}\n".getBytes());
      p.getOutputStream().flush();
      java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()));
      java.util.concurrent.CompletableFuture<String> first = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
        try {
          return out.readLine();
        } catch (java.io.IOException e) {
          return null;
        }
      });
      // The window [10:00:00, 10:00:10) closes when the watermark (09 - 1 s + elapsed) reaches 10: ~2 s.
      String line = first.get(60, java.util.concurrent.TimeUnit.SECONDS);
      assertTrue(p.isAlive(), "the output came before end of input");
      assertEquals(5, JSON.readTree(line).get("value").asLong(), line);
    } finally {
      p.getOutputStream().close();
      p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
      p.destroyForcibly();
    }
  }

  /** Keys spread over worker threads give, per key, exactly what one worker gives. */
  @Test
  void workersGiveTheSameOutputsAsOneThread() throws Exception {
    java.util.Random r = new java.util.Random(7);
    StringBuilder in = new StringBuilder();
    long t = 1_714_557_600_000L;
    for (int i = 0; i < 20_000; i++) {
      t += r.nextInt(40) - 8;
      in.append("{\"user\":\"u").append(r.nextInt(300)).append("\",\"n\":").append(r.nextInt(10))
          .append(",\"ts\":").append(t).append("}\n");
      if (i % 997 == 0) {
        in.append("{broken\n");
      }
    }
    Files.writeString(tmp.resolve("in.jsonl"), in.toString());
    for (String window : List.of("{kind: tumbling, length: 1s}", "{kind: sliding, length: 2s, offset: 500ms}",
        "{kind: session, gap: 300ms}")) {
      Files.writeString(tmp.resolve("p.yaml"), "source: {kind: http}\nkey: event.user\nvalue: event.n\n"
          + "clock: {kind: event, timestamp: event.ts, wait: 100ms}\nwindow: " + window + "\naggregate: {collect: true}\n"
          + "late: {kind: file, path: late.jsonl}\n");
      List<String> expected = null;
      List<String> expectedLate = null;
      for (String workers : List.of("1", "3")) {
        Jar.Result res = Jar.run(tmp, null, "run", "p.yaml", "--input", "in.jsonl", "--output", "out.jsonl", "--workers", workers);
        assertEquals(0, res.exit(), res.err());
        List<String> out = new java.util.ArrayList<>(Files.readAllLines(tmp.resolve("out.jsonl")));
        List<String> late = new java.util.ArrayList<>(Files.readAllLines(tmp.resolve("late.jsonl")));
        out.sort(null);
        late.replaceAll(l -> l.replaceAll("\"watermark\":\"[^\"]*\",", ""));
        late.sort(null);
        assertTrue(res.err().contains("item errors"), res.err());
        if (expected == null) {
          expected = out;
          expectedLate = late;
          assertTrue(out.size() > 100, window + ": " + out.size() + " outputs");
        } else {
          assertEquals(expected, out, window + ": --workers " + workers + " vs 1");
          assertEquals(expectedLate, late, window + ": late items, --workers " + workers + " vs 1");
        }
      }
    }
  }

  /** An item the aggregate cannot take is reported with its own line, however many workers. */
  /**
   * {@code reduce: 'acc + acc'} doubles its accumulator on every item; before {@code max_size} it
   * grew until the process died ("internal error: OutOfMemoryError"). Now each step past the limit
   * is an item error shown with its line, the window emits what it held, and the run ends normally.
   */
  @Test
  void aDoublingReduceIsStoppedByItsSizeLimitAndTheRunEndsNormally() throws Exception {
    StringBuilder in = new StringBuilder();
    for (int line = 1; line <= 60; line++) {
      in.append("{\"user\":\"a\",\"s\":\"ab\",\"ts\":\"2024-05-01T10:00:01Z\"}\n");
    }
    in.append("{\"user\":\"b\",\"s\":\"cd\",\"ts\":\"2024-05-01T10:00:02Z\"}\n");
    in.append("{\"user\":\"b\",\"s\":\"cd\",\"ts\":\"2024-05-01T10:00:03Z\"}\n");
    Files.writeString(tmp.resolve("in.jsonl"), in.toString());
    Files.writeString(tmp.resolve("p.yaml"), "source: {kind: http}\nkey: event.user\nvalue: event.s\n"
        + "clock: {kind: event, timestamp: event.ts, wait: 0s}\nwindow: {kind: tumbling, length: 10s}\n"
        + "aggregate: {reduce: 'acc + acc'}\n");
    Jar.Result r = Jar.run(tmp, null, "run", "p.yaml", "--input", "in.jsonl", "--output", "out.jsonl");
    assertEquals(0, r.exit(), r.err());
    Jar.assertNoStackTrace(r);
    assertFalse(r.err().contains("OutOfMemoryError"), r.err());
    // "ab" doubled 20 times is 2 MiB; the 21st doubling (line 22) would pass the default 4 MiB.
    assertTrue(r.err().contains("in.jsonl:22: aggregate: reduce: the accumulator would take about 4.0 MiB as JSON, "
        + "more than aggregate.max_size (4.0 MiB); the item is left out of this window"), r.err());
    assertTrue(r.err().contains("39 item errors"), r.err());
    List<String> out = Files.readAllLines(tmp.resolve("out.jsonl"));
    assertEquals(2, out.size());
    java.util.Map<String, String> byKey = new java.util.HashMap<>();
    for (String o : out) {
      JsonNode n = JSON.readTree(o);
      byKey.put(n.get("key").asText(), n.get("value").asText());
    }
    assertEquals(2 << 20, byKey.get("a").length());
    assertEquals("cdcd", byKey.get("b"));
  }

  @Test
  void aggregateErrorsNameTheItemsLineWithWorkers() throws Exception {
    java.util.Random r = new java.util.Random(11);
    StringBuilder in = new StringBuilder();
    java.util.Set<Long> zeroLines = new java.util.TreeSet<>();
    long t = 1_714_557_600_000L;
    for (int line = 1; line <= 5_000; line++) {
      t += r.nextInt(20);
      int n = line % 601 == 0 ? 0 : 1 + r.nextInt(9); // 8 of them: run shows the first 10 errors
      if (n == 0) {
        zeroLines.add((long) line);
      }
      in.append("{\"user\":\"u").append(r.nextInt(200)).append("\",\"n\":").append(n).append(",\"ts\":").append(t)
          .append("}\n");
    }
    Files.writeString(tmp.resolve("in.jsonl"), in.toString());
    Files.writeString(tmp.resolve("p.yaml"), "source: {kind: http}\nkey: event.user\nvalue: event.n\n"
        + "clock: {kind: event, timestamp: event.ts, wait: 1s}\nwindow: {kind: tumbling, length: 1s}\n"
        + "aggregate: {fold: {init: '1000', step: 'acc / value'}}\n");
    for (String workers : List.of("1", "2", "3")) {
      Jar.Result res = Jar.run(tmp, null, "run", "p.yaml", "--input", "in.jsonl", "--output", "out.jsonl", "--workers",
          workers);
      assertEquals(0, res.exit(), res.err());
      java.util.Set<Long> reported = new java.util.TreeSet<>();
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("in\\.jsonl:(\\d+): .*\"n\":0").matcher(res.err());
      while (m.find()) {
        reported.add(Long.parseLong(m.group(1)));
      }
      assertEquals(zeroLines, reported, "--workers " + workers + ":\n" + res.err());
    }
  }

  @Test
  void unknownCommandAndMissingArgumentsAreUsageErrors() throws Exception {
    Jar.Result r = Jar.run(tmp, null, "frobnicate");
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("unknown command 'frobnicate'"), r.err());
    Jar.Result noFile = Jar.run(tmp, null, "run", "missing.yaml", "--input", "-");
    assertEquals(2, noFile.exit());
    assertEquals("missing.yaml:1:1: no such file", noFile.err().strip());
  }

  /**
   * A webhook receiver that refuses everything for a while: {@code run} waits at the sink's queue
   * limit (here 3 records) instead of holding every output in memory, then delivers them all.
   */
  @Test
  void aWebhookThatIsDownMakesRunWaitAtItsQueueLimitThenEverythingArrives() throws Exception {
    java.util.List<String> received = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    long upAt = System.nanoTime() + 2_000_000_000L;
    com.sun.net.httpserver.HttpServer receiver = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext("/hook", exchange -> {
      byte[] body = exchange.getRequestBody().readAllBytes();
      boolean up = System.nanoTime() > upAt;
      if (up) {
        for (JsonNode r : JSON.readTree(body)) {
          received.add(r.get("key").asText());
        }
      }
      exchange.sendResponseHeaders(up ? 200 : 503, -1);
      exchange.close();
    });
    receiver.start();
    try {
      Files.writeString(tmp.resolve("p.yaml"), DEF.replace("late: {kind: file, path: late.jsonl}\n", "")
          + "sinks:\n  - {kind: webhook, url: 'http://127.0.0.1:" + receiver.getAddress().getPort()
          + "/hook', batch: 1, queue: 3}\n");
      StringBuilder in = new StringBuilder();
      for (int i = 0; i < 20; i++) {
        in.append("{\"user\":\"u").append(i).append("\",\"n\":1,\"ts\":\"2024-05-01T10:00:01Z\"}\n");
      }
      Files.writeString(tmp.resolve("in.jsonl"), in.toString());
      Jar.Result r = Jar.run(tmp, null, "run", "p.yaml", "--input", "in.jsonl");
      assertEquals(0, r.exit(), r.err());
      assertTrue(r.err().contains("transom run: input waits for a full sink, http://127.0.0.1:"), r.err());
      assertEquals(20, new java.util.TreeSet<>(received).size(), "every window delivered: " + received);
    } finally {
      receiver.stop(0);
    }
  }

  private static final String FOUR_EVENTS = String.join("\n",
      "{\"user\":\"a\",\"n\":1,\"ts\":\"2024-05-01T10:00:01Z\"}",
      "{\"user\":\"a\",\"n\":2,\"ts\":\"2024-05-01T10:00:12Z\"}",
      "{\"user\":\"a\",\"n\":4,\"ts\":\"2024-05-01T10:00:03Z\"}",
      "{\"user\":\"b\",\"n\":8,\"ts\":\"2024-05-01T10:00:03Z\"}") + "\n";

  /** {@code --late PATH} sends late items there, and the definition's late file is not opened at all. */
  @Test
  void lateFlagSendsLateItemsToItsFileAndLeavesTheDefinitionsLateFileAlone() throws Exception {
    Files.writeString(tmp.resolve("p.yaml"), DEF);
    Files.writeString(tmp.resolve("late.jsonl"), "{\"server\":\"owns this\"}\n");
    Jar.Result r = Jar.run(tmp, FOUR_EVENTS, "run", "p.yaml", "--input", "-", "--output", "out.jsonl",
        "--late", "mine.jsonl");
    assertEquals(0, r.exit(), r.err());
    assertEquals(List.of("{\"server\":\"owns this\"}"), Files.readAllLines(tmp.resolve("late.jsonl")));
    List<String> mine = Files.readAllLines(tmp.resolve("mine.jsonl"));
    assertEquals(1, mine.size(), mine.toString());
    assertEquals(4, JSON.readTree(mine.get(0)).get("value").asLong());
    assertEquals(3, Files.readAllLines(tmp.resolve("out.jsonl")).size());

    Jar.Result toStdout = Jar.run(tmp, FOUR_EVENTS, "run", "p.yaml", "--input", "-", "--output", "o2.jsonl",
        "--late", "-");
    assertEquals(0, toStdout.exit(), toStdout.err());
    assertEquals(4, JSON.readTree(toStdout.out().strip()).get("value").asLong(), toStdout.out());

    Jar.Result both = Jar.run(tmp, FOUR_EVENTS, "run", "p.yaml", "--input", "-", "--output", "-", "--late", "-");
    assertEquals(2, both.exit(), both.err());
    assertTrue(both.err().contains("--late - and the outputs would share stdout"), both.err());
  }

  /** Every run ends with one summary line on stderr; stdout holds the outputs only. */
  @Test
  void aRunEndsWithASummaryLineOnStderr() throws Exception {
    Files.writeString(tmp.resolve("p.yaml"), DEF);
    Jar.Result r = Jar.run(tmp, FOUR_EVENTS + "{oops\n", "run", "p.yaml", "--input", "-", "--output", "-");
    assertEquals(0, r.exit(), r.err());
    List<String> err = r.err().lines().toList();
    String last = err.get(err.size() - 1);
    assertTrue(last.matches("transom run: 5 events, 3 windows, 1 late, 1 item errors in \\d+\\.\\d s "
        + "\\([\\d,]+ events/s\\)"), last);
    assertEquals(3, r.out().lines().count(), r.out());
    assertTrue(r.out().lines().allMatch(l -> l.startsWith("{\"pipeline\"")), r.out());
  }

  /** Exit 3 when every event read failed; one good event keeps 0. */
  @Test
  void runExitsThreeWhenEveryEventFailed() throws Exception {
    Files.writeString(tmp.resolve("p.yaml"), DEF);
    String bad = "{\"user\":\"a\",\"n\":1}\n{oops\n{\"user\":\"b\",\"n\":2}\n";
    Jar.Result r = Jar.run(tmp, bad, "run", "p.yaml", "--input", "-", "--output", "-");
    assertEquals(3, r.exit(), r.err());
    assertTrue(r.err().contains("3 events, 0 windows, 0 late, 3 item errors"), r.err());
    assertTrue(r.err().strip().endsWith("every event failed"), r.err());
    Jar.Result one = Jar.run(tmp, bad + "{\"user\":\"a\",\"n\":1,\"ts\":\"2024-05-01T10:00:01Z\"}\n",
        "run", "p.yaml", "--input", "-", "--output", "-");
    assertEquals(0, one.exit(), one.err());
    Jar.Result empty = Jar.run(tmp, "", "run", "p.yaml", "--input", "-", "--output", "-");
    assertEquals(0, empty.exit(), empty.err());
  }

  /**
   * SIGINT while {@code run} reads a slow stdin: what was emitted stays, the open window is not
   * emitted, stderr says so, and the exit code is 130.
   */
  @Test
  void ctrlCSaysWhatItDiscardedAndExits130() throws Exception {
    Files.writeString(tmp.resolve("p.yaml"), DEF);
    List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
        Jar.JAR.toString(), "run", "p.yaml", "--input", "-", "--output", "out.jsonl");
    Path err = tmp.resolve("err.txt");
    Process p = new ProcessBuilder(cmd).directory(tmp.toFile()).redirectError(err.toFile())
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    try {
      // two events: the first window closes (the second's time passed it), the second stays open
      p.getOutputStream().write(("{\"user\":\"a\",\"n\":1,\"ts\":\"2024-05-01T10:00:01Z\"}\n"
          + "{\"user\":\"a\",\"n\":2,\"ts\":\"2024-05-01T10:00:12Z\"}\n").getBytes(StandardCharsets.UTF_8));
      p.getOutputStream().flush();
      long until = System.nanoTime() + 60_000_000_000L;
      Path out = tmp.resolve("out.jsonl");
      while (System.nanoTime() < until && (!Files.exists(out) || Files.readAllLines(out).isEmpty())) {
        Thread.sleep(50);
      }
      assertEquals(1, Files.readAllLines(out).size(), "the first window, flushed while stdin is quiet");
      Process kill = new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).inheritIO().start();
      assertEquals(0, kill.waitFor());
      assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "run ended after SIGINT");
      String said = Files.readString(err);
      assertEquals(130, p.exitValue(), said);
      assertTrue(said.contains("transom run: interrupted after 2 events (line 2 of stdin), 1 windows emitted; "
          + "discarded: 1 open windows not emitted, the rest of stdin not read"), said);
      assertEquals(1, Files.readAllLines(out).size(), "the open window was not emitted");
    } finally {
      p.destroyForcibly();
    }
  }
}
