package dev.transom.bench;

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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Durable HTTP ingest load against the real server on loopback, bounded in time: (1) a fixed rate
 * (open loop: each batch is due at its scheduled time and its latency counts from then, so a slow
 * server cannot hide its delays), reporting acknowledgement latency percentiles; (2) the most events
 * per second that concurrent clients get acknowledged.
 *
 * <p>Run: {@code java -cp "$(cat bench/target/classpath.txt):bench/target/transom-bench.jar"
 * dev.transom.bench.IngestLoad [RATE=50000] [BATCH=100] [SECONDS=20] [ids]}
 */
public final class IngestLoad {
  static final AtomicLong FAILED = new AtomicLong();
  static final AtomicLong NEXT_ID = new AtomicLong();
  static boolean withIds;

  static HttpRequest post(String url, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(body));
    if (withIds) {
      b.header("Transom-Batch-Id", "load-" + NEXT_ID.incrementAndGet());
    }
    return b.build();
  }

  public static void main(String[] args) throws Exception {
    int rate = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
    int batch = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    // "ids": every request carries a unique Transom-Batch-Id, as a client that retries safely sends.
    withIds = args.length > 3 && args[3].equals("ids");
    Path dir = Files.createTempDirectory("transom-load");
    Files.createDirectories(dir.resolve("defs"));
    Files.writeString(dir.resolve("defs/load.yaml"), String.join("\n",
        "name: load", "source: {kind: http}", "key: event.user", "clock: {kind: system}",
        "window: {kind: tumbling, length: 1s}", "aggregate: {count: true}", ""));
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String url = "http://127.0.0.1:" + port + "/api/pipelines/load/events";
    // Through the launcher, as users start it (TRANSOM_JAVA_OPTS passes JVM options to it).
    Process server = new ProcessBuilder(Path.of("transom").toAbsolutePath().toString(), "serve", "--definitions", dir.resolve("defs").toString(), "--data", dir.resolve("data").toString(),
        "--port", String.valueOf(port), "--queue", "2000000").redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("serve.log").toFile())).start();
    // Daemon threads: the program ends when main does, even with a request still open.
    ExecutorService httpThreads = Executors.newFixedThreadPool(4, daemon());
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).executor(httpThreads).build();
    while (true) {
      try {
        if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          break;
        }
      } catch (Exception e) {
        Thread.sleep(50);
      }
    }
    try {
      String body = body(batch);
      // Warm-up, then the fixed-rate phase.
      fixedRate(http, url, body, Math.min(rate, 20_000), batch, 3);
      List<Long> lat = fixedRate(http, url, body, rate, batch, seconds);
      lat.sort(null);
      System.out.printf("fixed rate %,d events/s in batches of %d for %d s%s: %,d batches acknowledged, %d failed; ack "
              + "latency p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms%n", rate, batch, seconds,
          withIds ? " (each with a batch id)" : "", lat.size(), FAILED.get(),
          pct(lat, 0.50), pct(lat, 0.99), pct(lat, 0.999), lat.get(lat.size() - 1) / 1e6);
      // The server's own view (request handler to acknowledgement, since the start, warm-up included):
      // the difference to the figures above is time spent outside the handler (network, client, queueing).
      String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      System.out.println("server side: " + serverLatency(metrics));
      int clients = 8;
      int big = 1_000;
      String bigBody = body(big);
      AtomicLong acked = new AtomicLong();
      long end = System.nanoTime() + 10_000_000_000L;
      ExecutorService pool = Executors.newFixedThreadPool(clients, daemon());
      List<java.util.concurrent.Future<?>> jobs = new ArrayList<>();
      long t0 = System.nanoTime();
      for (int c = 0; c < clients; c++) {
        jobs.add(pool.submit(() -> {
          while (System.nanoTime() < end) {
            HttpResponse<Void> r = http.send(post(url, bigBody), HttpResponse.BodyHandlers.discarding());
            if (r.statusCode() == 202) {
              acked.addAndGet(big);
            }
          }
          return null;
        }));
      }
      for (var j : jobs) {
        j.get();
      }
      pool.shutdown();
      double secs = (System.nanoTime() - t0) / 1e9;
      System.out.printf("throughput: %d clients, batches of %,d: %,.0f events/s acknowledged durably%n", clients, big,
          acked.get() / secs);
    } finally {
      server.destroy();
      server.waitFor();
    }
  }

  static java.util.concurrent.ThreadFactory daemon() {
    return r -> {
      Thread t = new Thread(r, "load-client");
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * The ingest latency histogram's p50 and p99 as the upper bounds of the buckets they fall in
   * (what Prometheus' histogram_quantile interpolates within), and its count.
   */
  static String serverLatency(String metrics) {
    List<double[]> buckets = new ArrayList<>();
    for (String l : metrics.lines().toList()) {
      if (l.startsWith("transom_ingest_latency_seconds_bucket{")) {
        int le = l.indexOf("le=\"") + 4;
        String bound = l.substring(le, l.indexOf('"', le));
        buckets.add(new double[] {bound.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(bound),
            Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))});
      }
    }
    if (buckets.isEmpty()) {
      return "no ingest latency histogram in /metrics";
    }
    double count = buckets.get(buckets.size() - 1)[1];
    return String.format("%,.0f requests; p50 <= %s, p99 <= %s", count, bound(buckets, count * 0.50),
        bound(buckets, count * 0.99));
  }

  private static String bound(List<double[]> buckets, double rank) {
    for (double[] b : buckets) {
      if (b[1] >= rank) {
        return Double.isInfinite(b[0]) ? "+Inf" : String.format("%.1f ms", b[0] * 1e3);
      }
    }
    return "+Inf";
  }

  static String body(int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append("{\"user\":\"u").append(i % 1000).append("\",\"n\":1}\n");
    }
    return sb.toString();
  }

  static double pct(List<Long> sorted, double p) {
    return sorted.get((int) Math.min(sorted.size() - 1, Math.floor(p * sorted.size()))) / 1e6;
  }

  /** Sends a batch every {@code batch / rate} seconds; latency from each batch's scheduled time to its 202. */
  static List<Long> fixedRate(HttpClient http, String url, String body, int rate, int batch, int seconds)
      throws Exception {
    long intervalNanos = 1_000_000_000L * batch / rate;
    long start = System.nanoTime();
    long count = (long) seconds * rate / batch;
    ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
    List<CompletableFuture<?>> inFlight = new ArrayList<>();
    for (long i = 0; i < count; i++) {
      long due = start + i * intervalNanos;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      }
      inFlight.add(http.sendAsync(post(url, body), HttpResponse.BodyHandlers.discarding()).handle((r, error) -> {
            if (error == null && r.statusCode() == 202) {
              latencies.add(System.nanoTime() - due);
            } else {
              FAILED.incrementAndGet(); // counted, not fatal: the report says how many
            }
            return null;
          }));
    }
    CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).join();
    return new ArrayList<>(latencies);
  }
}
