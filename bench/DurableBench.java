import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durable-state benchmark of `transom serve` (the real jar, started by ./transom as users start it,
 * with its class-data archive; TRANSOM_CDS=off measures without): ingest throughput with durable
 * acknowledgement, the time of a checkpoint holding N open windows, and the time to restart from
 * it after kill -9. One key per event, so N events leave N open windows.
 *
 * <p>Run: {@code java bench/DurableBench.java [EVENTS=1000000] [BATCH=5000] [CLIENTS=4]}
 * (from the project root, after {@code mvn -B -ntp -DskipTests package}).
 */
public final class DurableBench {
  public static void main(String[] args) throws Exception {
    long events = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000L;
    int batch = args.length > 1 ? Integer.parseInt(args[1]) : 5_000;
    int clients = args.length > 2 ? Integer.parseInt(args[2]) : 4;
    Path launcher = Path.of("transom").toAbsolutePath();
    Path dir = Files.createTempDirectory("transom-bench");
    Files.createDirectories(dir.resolve("defs"));
    Files.writeString(dir.resolve("defs/bench.yaml"), String.join("\n",
        "name: bench",
        "source: {kind: http}",
        "key: event.user",
        "value: event.n",
        "clock: {kind: event, timestamp: event.ts, wait: 1h}",
        "window: {kind: tumbling, length: 1h}",
        "aggregate: {sum: true}",
        "checkpoint: {interval: 10s}",
        ""));
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String base = "http://127.0.0.1:" + port;
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    Process server = start(launcher, dir, port, http, base);

    AtomicLong next = new AtomicLong();
    AtomicLong retries = new AtomicLong();
    List<Long> latenciesMicros = java.util.Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    long t0 = System.nanoTime();
    List<Future<?>> jobs = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      jobs.add(pool.submit(() -> {
        StringBuilder sb = new StringBuilder(batch * 64);
        while (true) {
          long from = next.getAndAdd(batch);
          if (from >= events) {
            return null;
          }
          long to = Math.min(events, from + batch);
          sb.setLength(0);
          for (long i = from; i < to; i++) {
            sb.append("{\"user\":\"u").append(i).append("\",\"n\":1,\"ts\":\"2024-05-01T10:00:00Z\"}\n");
          }
          String body = sb.toString();
          while (true) {
            long s = System.nanoTime();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/pipelines/bench/events"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 202) {
              latenciesMicros.add((System.nanoTime() - s) / 1_000);
              break;
            }
            retries.incrementAndGet();
            Thread.sleep(50);
          }
        }
      }));
    }
    for (Future<?> j : jobs) {
      j.get();
    }
    pool.shutdown();
    double ingestSeconds = (System.nanoTime() - t0) / 1e9;

    // Wait until every event is processed and a checkpoint covers them all.
    long seq = -1;
    String pipeline = "";
    long deadline = System.nanoTime() + 600_000_000_000L;
    while (System.nanoTime() < deadline) {
      pipeline = http.send(HttpRequest.newBuilder(URI.create(base + "/api/pipelines/bench")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      long open = number(pipeline, "open_windows");
      long pending = number(pipeline, "pending");
      seq = number(pipeline, "ingest_seq");
      if (open == events && pending == 0 && seq >= (events + batch - 1) / batch) {
        break;
      }
      Thread.sleep(200);
    }
    long checkpointMillis = number(pipeline, "millis");
    long stateBytes = number(pipeline, "state_bytes");

    // An epoch that changes 1,000 of the keys: an incremental checkpoint rewrites their buckets only.
    StringBuilder few = new StringBuilder();
    for (int i = 0; i < 1_000; i++) {
      few.append("{\"user\":\"u").append(i).append("\",\"n\":1,\"ts\":\"2024-05-01T10:00:00Z\"}\n");
    }
    http.send(HttpRequest.newBuilder(URI.create(base + "/api/pipelines/bench/events"))
        .POST(HttpRequest.BodyPublishers.ofString(few.toString())).build(), HttpResponse.BodyHandlers.ofString());
    long target = seq + 1;
    while (true) {
      pipeline = http.send(HttpRequest.newBuilder(URI.create(base + "/api/pipelines/bench")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      if (number(pipeline, "ingest_seq") >= target) {
        break;
      }
      Thread.sleep(200);
    }
    long smallMillis = number(pipeline, "millis");
    long smallBytes = number(pipeline, "state_bytes");

    server.destroyForcibly().waitFor();
    long r0 = System.nanoTime();
    server = start(launcher, dir, port, http, base);
    double healthSeconds = (System.nanoTime() - r0) / 1e9;
    while (true) {
      String p = http.send(HttpRequest.newBuilder(URI.create(base + "/api/pipelines/bench")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      if (number(p, "open_windows") == events) {
        break;
      }
      Thread.sleep(50);
    }
    double restoredSeconds = (System.nanoTime() - r0) / 1e9;
    server.destroy();
    server.waitFor();
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }

    List<Long> lat = new ArrayList<>(latenciesMicros);
    lat.sort(null);
    System.out.printf("events: %,d in batches of %,d from %d clients%n", events, batch, clients);
    System.out.printf("durable ingest: %.1f s, %,.0f events/s, %d retries (503), ack latency per batch p50 %.1f ms, p99 %.1f ms%n",
        ingestSeconds, events / ingestSeconds, retries.get(), lat.get(lat.size() / 2) / 1000.0,
        lat.get((int) Math.min(lat.size() - 1, lat.size() * 0.99)) / 1000.0);
    System.out.printf("checkpoint with %,d open windows: %,d ms, %,.1f MB of state%n", events, checkpointMillis,
        stateBytes / 1e6);
    System.out.printf("next checkpoint after changing 1,000 keys: %,d ms, %,.1f MB written%n", smallMillis,
        smallBytes / 1e6);
    System.out.printf("restart after kill -9: serving in %.1f s, all %,d windows restored in %.1f s%n", healthSeconds,
        events, restoredSeconds);
  }

  static Process start(Path launcher, Path dir, int port, HttpClient http, String base) throws Exception {
    // through the launcher, as users start it (and with its class-data archive)
    List<String> cmd = List.of(launcher.toString(), "serve", "--definitions", dir.resolve("defs").toString(),
        "--data", dir.resolve("data").toString(), "--port", String.valueOf(port), "--queue", "1000000");
    Process p = new ProcessBuilder(cmd)
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("serve.log").toFile())).start();
    while (true) {
      try {
        if (http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(), HttpResponse.BodyHandlers.ofString())
            .statusCode() == 200) {
          return p;
        }
      } catch (Exception e) {
        // not up yet
      }
      Thread.sleep(20);
    }
  }

  static long number(String json, String field) {
    Matcher m = Pattern.compile("\"" + field + "\":(-?\\d+)").matcher(json);
    return m.find() ? Long.parseLong(m.group(1)) : -1;
  }
}
