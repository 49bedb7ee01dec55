package dev.transom.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chaos: {@code kill -9} at random moments, on a machine kept busy, while a client posts events
 * stamped with its own clock and retries with batch ids until {@code 202}. Kills land between and in
 * the middle of requests and checkpoints, while the server is still replaying after a restart, and
 * during and right after a (stateless) reload; each is followed by 0-2 s of downtime. Tumbling, sliding and session
 * pipelines write {@code file}, {@code late} file and {@code h2} sinks.
 *
 * <p>The reference is a crash-free {@code transom run} of what was acknowledged, each event fed at
 * the arrival time its 202 named ({@code --arrival}): the exactly-once sinks must equal it line for
 * line (so nothing lost, nothing twice, and nothing late that was not late there). Events are up
 * to 1.5 s out of order against a 1 s wait, so both runs have late items, and the downtime moves
 * watermarks on: a replay at the wrong time would show.
 *
 * <p>{@code -Dtransom.crash.cycles=N} sets the number of kills (20 in the suite; {@code
 * bench/crash-soak.sh} runs 500); {@code -Dtransom.crash.seed=S} replays a run's schedule.
 */
class CrashIT {
  static final int CYCLES = Integer.getInteger("transom.crash.cycles", 20);
  static final String[] PIPELINES = {"tumbling", "sliding", "sessions"};
  static final int USERS = 5;
  static final int CLIENTS = 4;
  @TempDir
  Path tmp;

  static String definition(String name, String window, String aggregate, String then) {
    return "name: " + name + "\n"
        + "source: {kind: http}\n"
        + "key: event.user\n"
        + "value: event.n\n"
        + "clock: {kind: event, timestamp: event.ts, wait: 1s}\n"
        + "window: " + window + "\n"
        + "aggregate: " + aggregate + "\n"
        + then
        + "checkpoint: {interval: 100ms}\n"
        + "sinks:\n  - {kind: file, path: out/" + name + ".jsonl}\n  - {kind: h2, table: " + name + "_out}\n"
        + "late: {kind: file, path: out/" + name + "-late.jsonl}\n";
  }

  static String definition(String name, String then) {
    return switch (name) {
      case "tumbling" -> definition(name, "{kind: tumbling, length: 1s}", "{count: true}", then);
      case "sliding" -> definition(name, "{kind: sliding, length: 2s, offset: 1s}", "{count: true}", then);
      default -> definition(name, "{kind: session, gap: 1s}", "{collect: true}", then);
    };
  }

  /** A stateless change for reloads: it keeps every window and changes no output. */
  static final String NO_OP_THEN = "then:\n  - filter: 'has(result.key)'\n";

  @Test
  void outputsAfterRepeatedKillNineEqualACrashFreeRunWithTheSameArrivalTimes() throws Exception {
    Files.createDirectories(tmp.resolve("defs"));
    for (String p : PIPELINES) {
      Files.writeString(tmp.resolve("defs/" + p + ".yaml"), definition(p, ""));
    }
    long seed = Long.getLong("transom.crash.seed", new Random().nextLong());
    System.out.println("CrashIT: seed " + seed + ", " + CYCLES + " kill -9 cycles (-Dtransom.crash.seed=" + seed
        + " replays the schedule)");
    Random random = new Random(seed);
    List<Process> spinners = busyCores(2);
    ServerProcess server = new ServerProcess(tmp, "--workers", "2");
    server.env.put("TRANSOM_TRACE", "1"); // a line per batch and checkpoint in serve.log, for a post-mortem
    server.start();
    Map<String, java.util.TreeMap<Long, List<String>>> acknowledged = new HashMap<>();
    for (String p : PIPELINES) {
      acknowledged.put(p, new java.util.TreeMap<>());
    }
    AtomicBoolean posting = new AtomicBoolean(true);
    java.util.concurrent.atomic.AtomicLong sent = new java.util.concurrent.atomic.AtomicLong();
    List<Thread> clients = new ArrayList<>();
    java.util.concurrent.atomic.AtomicReference<Throwable> clientFailure = new java.util.concurrent.atomic.AtomicReference<>();
    for (int c = 0; c < CLIENTS; c++) {
      int client = c;
      Thread t = new Thread(() -> post(server, client, new Random(seed + 1 + client), posting, acknowledged, sent),
          "crash-client-" + c);
      t.setUncaughtExceptionHandler((thread, e) -> clientFailure.compareAndSet(null, e));
      clients.add(t);
    }
    Map<String, Integer> kinds = new java.util.TreeMap<>();
    try {
      clients.forEach(Thread::start);
      for (int cycle = 0; cycle < CYCLES; cycle++) {
        String kind = switch (random.nextInt(5)) {
          case 0 -> "while replaying";
          case 1 -> "during a reload";
          case 2 -> "after a reload";
          default -> "at a random moment";
        };
        kinds.merge(kind, 1, Integer::sum);
        switch (kind) {
          case "while replaying" -> {
            // the restart below waits for /health; this one is killed while it loads and replays
            server.kill();
            server.spawn();
            Thread.sleep(random.nextInt(1_500));
          }
          case "during a reload" -> {
            // the PUT is not waited for: the kill lands while the swap holds the pipeline's queue
            Thread.sleep(random.nextInt(500));
            String p = PIPELINES[random.nextInt(PIPELINES.length)];
            reloadAsync(server, p, definition(p, random.nextBoolean() ? NO_OP_THEN : ""));
            Thread.sleep(random.nextInt(60));
          }
          case "after a reload" -> {
            Thread.sleep(random.nextInt(500));
            String p = PIPELINES[random.nextInt(PIPELINES.length)];
            reload(server, p, definition(p, random.nextBoolean() ? NO_OP_THEN : ""));
            Thread.sleep(random.nextInt(150));
          }
          default -> Thread.sleep(100 + random.nextInt(1_200));
        }
        server.kill();
        Thread.sleep(random.nextInt(2_000)); // downtime: more than the 1 s wait half the time
        server.start();
      }
      Thread.sleep(500);
      posting.set(false);
      for (Thread t : clients) {
        t.join(120_000);
        assertFalse(t.isAlive(), "a client did not finish");
      }
      if (clientFailure.get() != null) {
        throw new AssertionError("a client failed (seed " + seed + ")", clientFailure.get());
      }
    } finally {
      posting.set(false);
      spinners.forEach(Process::destroyForcibly);
    }
    // The event clock's watermark moves with system time: every window closes a few seconds after
    // the last event. A clean stop then commits the last epoch.
    // First every acknowledged batch processed (a 202 means durable, not yet counted: a window seen
    // closed before the last batches are processed would open again at the stop and stay open).
    ServerProcess.await("every window closed", () -> {
      for (String p : PIPELINES) {
        com.fasterxml.jackson.databind.JsonNode view = server.json("/api/pipelines/" + p);
        if (view.get("pending").asLong() != 0 || view.get("open_windows").asInt() != 0) {
          return false;
        }
      }
      return true;
    });
    server.stop();

    Path ref = tmp.resolve("reference");
    StringBuilder late = new StringBuilder();
    Files.createDirectories(ref.resolve("defs"));
    for (String p : PIPELINES) {
      Files.writeString(ref.resolve("defs/" + p + ".yaml"), definition(p, ""));
      // in log order: the order the server processed them in
      List<String> input = new ArrayList<>();
      acknowledged.get(p).values().forEach(input::addAll);
      Files.write(ref.resolve(p + ".jsonl"), input);
      List<String> seqs = new ArrayList<>();
      acknowledged.get(p).forEach((seq, lines) -> lines.forEach(l -> seqs.add(seq + " " + l)));
      Files.write(ref.resolve(p + "-by-seq.txt"), seqs);
      Jar.Result r = Jar.run(ref, null, "run", "defs/" + p + ".yaml", "--input", p + ".jsonl", "--arrival", "_arrival",
          "--output", "out/" + p + ".jsonl");
      assertEquals(0, r.exit(), r.err());
      String context = " after " + CYCLES + " crashes (seed " + seed + ", " + input.size() + " acknowledged events)";
      List<String> expected = sorted(ref.resolve("out/" + p + ".jsonl"));
      assertFalse(expected.isEmpty());
      report(p, "file", expected, sorted(tmp.resolve("out/" + p + ".jsonl")));
      report(p, "late", sorted(ref.resolve("out/" + p + "-late.jsonl")), sorted(tmp.resolve("out/" + p + "-late.jsonl")));
      assertEquals(expected, sorted(tmp.resolve("out/" + p + ".jsonl")), p + ": file sink" + context);
      assertEquals(sorted(ref.resolve("out/" + p + "-late.jsonl")), sorted(tmp.resolve("out/" + p + "-late.jsonl")),
          p + ": late items" + context);
      assertEquals(expected, tableRows(p + "_out"), p + ": h2 sink rows" + context);
      late.append(' ').append(p).append('=').append(sorted(ref.resolve("out/" + p + "-late.jsonl")).size());
    }
    int events = acknowledged.get("tumbling").values().stream().mapToInt(List::size).sum();
    assertEveryEventCountedOnce(events);
    System.out.println("CrashIT: " + events + " acknowledged events per pipeline (" + sent.get() + " requests), kills "
        + kinds + ", late items" + late + "; file, late and h2 outputs equal a crash-free run");
  }

  /** On a difference, says which lines differ (the assertion's own message is cut short). */
  private void report(String pipeline, String sink, List<String> expected, List<String> actual) throws Exception {
    if (expected.equals(actual)) {
      return;
    }
    List<String> missing = new ArrayList<>(expected);
    actual.forEach(missing::remove);
    List<String> extra = new ArrayList<>(actual);
    expected.forEach(extra::remove);
    System.out.println("CrashIT: " + pipeline + " " + sink + ": " + missing.size() + " lines only in the reference, "
        + extra.size() + " only in the server's output");
    missing.stream().limit(20).forEach(l -> System.out.println("  reference: " + l));
    extra.stream().limit(20).forEach(l -> System.out.println("  server:    " + l));
    Path keep = Path.of("target", "crash-it-" + System.currentTimeMillis());
    try (java.util.stream.Stream<Path> all = Files.walk(tmp)) {
      for (Path f : (Iterable<Path>) all::iterator) {
        Path to = keep.resolve(tmp.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(to);
        } else {
          Files.copy(f, to);
        }
      }
    }
    System.out.println("CrashIT: the server's directory (log with a trace line per batch, data, outputs) and the "
        + "reference kept in " + keep.toAbsolutePath());
  }

  /** Each event is in exactly one tumbling window, or late for it: counts plus late items = events. */
  private void assertEveryEventCountedOnce(int events) throws Exception {
    long counted = 0;
    for (String line : sorted(tmp.resolve("out/tumbling.jsonl"))) {
      counted += ServerProcess.JSON.readTree(line).get("value").asLong();
    }
    counted += sorted(tmp.resolve("out/tumbling-late.jsonl")).size();
    assertEquals(events, counted, "tumbling: window counts plus late items");
  }

  /**
   * Batches of 1-5 events stamped with the client's clock (up to 1.5 s in the past), each posted to
   * every pipeline and retried with its batch id until acknowledged, across crashes. The 202 names
   * the batch's place in the log and its arrival time.
   */
  private static void post(ServerProcess server, int client, Random r, AtomicBoolean posting,
      Map<String, java.util.TreeMap<Long, List<String>>> acknowledged, java.util.concurrent.atomic.AtomicLong sent) {
    int n = client * 100_000_000;
    int batchNo = 0;
    while (posting.get()) {
      List<String> lines = new ArrayList<>();
      StringBuilder batch = new StringBuilder();
      int size = 1 + r.nextInt(5);
      for (int k = 0; k < size; k++) {
        Instant ts = Instant.now().minusMillis(r.nextInt(10) == 0 ? r.nextInt(1_500) : r.nextInt(300));
        String line = "{\"user\":\"u" + r.nextInt(USERS) + "\",\"n\":" + n++ + ",\"ts\":\"" + ts + "\"}";
        lines.add(line);
        batch.append(line).append('\n');
      }
      String id = "c" + client + "-b" + batchNo++;
      for (String p : PIPELINES) {
        while (true) {
          try {
            sent.incrementAndGet();
            HttpResponse<String> res = server.post("/api/pipelines/" + p + "/events", batch.toString(), id);
            if (res.statusCode() == 202) {
              com.fasterxml.jackson.databind.JsonNode ack = ServerProcess.JSON.readTree(res.body());
              String arrival = ack.get("arrival").asText();
              List<String> stamped = new ArrayList<>();
              for (String l : lines) {
                stamped.add(l.substring(0, l.length() - 1) + ",\"_arrival\":\"" + arrival + "\"}");
              }
              synchronized (acknowledged) {
                List<String> earlier = acknowledged.get(p).put(ack.get("seq").asLong(), stamped);
                if (earlier != null && !earlier.equals(stamped)) {
                  throw new IllegalStateException(p + ": two batches acknowledged with seq " + ack.get("seq"));
                }
              }
              break;
            }
          } catch (Exception e) {
            // down, or killed mid-request: the same batch id again
          }
          try {
            Thread.sleep(20);
          } catch (InterruptedException e) {
            return;
          }
        }
      }
    }
  }

  private static void reload(ServerProcess server, String pipeline, String text) {
    try {
      server.http.send(HttpRequest.newBuilder(URI.create(server.base() + "/api/pipelines/" + pipeline))
          .timeout(java.time.Duration.ofSeconds(10)).PUT(HttpRequest.BodyPublishers.ofString(text)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      // a reload cut short by the kill is part of the test
    }
  }

  private static void reloadAsync(ServerProcess server, String pipeline, String text) {
    server.http.sendAsync(HttpRequest.newBuilder(URI.create(server.base() + "/api/pipelines/" + pipeline))
        .timeout(java.time.Duration.ofSeconds(10)).PUT(HttpRequest.BodyPublishers.ofString(text)).build(),
        HttpResponse.BodyHandlers.discarding());
  }

  /** Processes that spin on every core they get, so the server runs on a busy machine (KafkaExactlyOnceIT too). */
  static List<Process> busyCores(int n) throws Exception {
    List<Process> spinners = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Process p = new ProcessBuilder("sh", "-c", "while :; do :; done").start();
      Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
      spinners.add(p);
    }
    return spinners;
  }

  private static List<String> sorted(Path file) throws Exception {
    List<String> lines = new ArrayList<>(Files.exists(file) ? Files.readAllLines(file) : List.of());
    lines.sort(null);
    return lines;
  }

  private List<String> tableRows(String table) throws Exception {
    return H2Rows.of(tmp, table);
  }

}
