package dev.transom.e2e;

import static dev.transom.e2e.ServerProcess.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /metrics} of the real jar with three pipelines: {@code files} reads a file of 2024 events
 * to its end into a file and an h2 sink; {@code hooked} takes HTTP events into a webhook (a
 * receiver here) and stdout, and has been reloaded by a PUT and refused one; {@code brittle} fails
 * on an event marked {@value #MARKER} ({@code TRANSOM_FAULT}); {@code disk}'s storage fills up
 * for a while ({@code TRANSOM_FAULT_DISK_FULL}). One server for the class: every test only adds to
 * what the others see.
 */
class MetricsIT {
  static final String MARKER = "boom";
  static final int QUEUE = 5_000;
  static final int POSTS = 3;

  @TempDir
  static Path tmp;
  static ServerProcess server;
  static HttpServer receiver;
  static final AtomicInteger received = new AtomicInteger();
  static final Instant started = Instant.now();

  static String hooked(String steps) {
    return "name: hooked\n"
        + "source: {kind: http}\n"
        + (steps == null ? "" : "steps:\n  - filter: '" + steps + "'\n")
        + "key: event.k\n"
        + "clock: {kind: system}\n"
        + "window: {kind: tumbling, length: 1s}\n"
        + "aggregate: {count: true}\n"
        + "checkpoint: {interval: 200ms}\n"
        + "sinks:\n"
        + "  - {kind: webhook, url: 'http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook'}\n"
        + "  - {kind: stdout}\n";
  }

  @BeforeAll
  static void start() throws Exception {
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext("/hook", ex -> {
      received.addAndGet(ServerProcess.JSON.readTree(ex.getRequestBody().readAllBytes()).size());
      ex.sendResponseHeaders(200, -1);
      ex.close();
    });
    receiver.start();
    Files.createDirectories(tmp.resolve("input"));
    Files.writeString(tmp.resolve("input/clicks.jsonl"), ""
        + "{\"user\":\"a\",\"ts\":\"2024-05-01T10:00:01Z\"}\n"
        + "{\"user\":\"b\",\"ts\":\"2024-05-01T10:00:30Z\"}\n"
        + "{\"user\":\"a\",\"ts\":\"2024-05-01T10:01:10Z\"}\n"
        // just before its window's end: the event clock's idle advance closes it within seconds,
        // should the end of input not have closed it already
        + "{\"user\":\"a\",\"ts\":\"2024-05-01T10:02:59.5Z\"}\n");
    ServerProcess.define(tmp, "files.yaml", "name: files\n"
        + "source: {kind: file, path: input/clicks.jsonl}\n"
        + "key: event.user\n"
        + "clock: {kind: event, timestamp: event.ts, wait: 1s}\n"
        + "window: {kind: tumbling, length: 1m}\n"
        + "aggregate: {count: true}\n"
        + "checkpoint: {interval: 200ms}\n"
        + "sinks:\n  - {kind: file, path: out/files.jsonl}\n  - {kind: h2, table: files_rows}\n");
    ServerProcess.define(tmp, "hooked.yaml", hooked(null));
    ServerProcess.define(tmp, "brittle.yaml", "name: brittle\n"
        + "source: {kind: http}\n"
        + "key: event.k\n"
        + "clock: {kind: system}\n"
        + "window: {kind: tumbling, length: 1s}\n"
        + "aggregate: {count: true}\n");
    ServerProcess.define(tmp, "disk.yaml", "name: disk\n"
        + "source: {kind: http}\n"
        + "key: event.k\n"
        + "clock: {kind: system}\n"
        + "window: {kind: tumbling, length: 1s}\n"
        + "aggregate: {count: true}\n"
        + "checkpoint: {interval: 200ms}\n");
    Files.createDirectories(tmp.resolve("faults"));
    server = new ServerProcess(tmp, "--queue", String.valueOf(QUEUE));
    server.env.put("TRANSOM_FAULT", "error:brittle:" + MARKER);
    server.env.put("TRANSOM_FAULT_DISK_FULL", tmp.resolve("faults").toString());
    server.start();
    for (int i = 0; i < POSTS; i++) {
      assertEquals(202, server.post("/api/pipelines/hooked/events", "{\"k\":\"k" + i + "\"}", null).statusCode());
    }
    assertEquals(400, server.post("/api/pipelines/hooked/events", "{not json", null).statusCode());
    assertEquals(200, put("hooked", hooked("true")).statusCode(), "the reload");
    assertEquals(400, put("hooked", "name: hooked\nsource: {kind: nope}\n").statusCode(), "the refused edit");
    await("the webhook to receive the windows", () -> received.get() >= POSTS);
    // The windows of the first two minutes; the last one may wait for the event clock's idle advance.
    await("the file sink's records", () -> ServerProcess.lines(tmp.resolve("out/files.jsonl")).size() >= 3);
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.stop();
    }
    if (receiver != null) {
      receiver.stop(0);
    }
  }

  static HttpResponse<String> put(String id, String text) throws Exception {
    return server.http.send(HttpRequest.newBuilder(URI.create(server.base() + "/api/pipelines/" + id))
        .timeout(Duration.ofSeconds(30)).PUT(HttpRequest.BodyPublishers.ofString(text)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static PromScrape scrape() throws Exception {
    HttpResponse<String> r = server.get("/metrics");
    assertEquals(200, r.statusCode(), r.body());
    return new PromScrape(r.body());
  }

  @Test
  void promtoolFindsNothingToComplainAboutInARealScrape() throws Exception {
    String text = server.get("/metrics").body();
    Process p;
    try {
      p = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new AssertionError("promtool is not installed (it comes with Debian's prometheus package: "
          + "apt-get install -y --no-install-recommends prometheus); .ci/run installs it", e);
    }
    p.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "promtool did not finish");
    assertEquals("", said.strip(), "promtool check metrics complained about the scrape");
    assertEquals(0, p.exitValue(), "promtool check metrics exit code; it said: " + said);
  }

  @Test
  void buildInfoCarriesTheVersionThatVersionPrints() throws Exception {
    Jar.Result v = Jar.run(tmp, null, "--version");
    String version = v.out().strip().replaceFirst("^transom ", "");
    assertEquals(1.0, scrape().value("transom_build_info", "version", version));
  }

  @Test
  void statusGaugeFlipsFromRunningToFailed() throws Exception {
    PromScrape before = scrape();
    assertEquals(1.0, before.value("transom_pipeline_status", "pipeline", "brittle", "status", "running"));
    for (String s : List.of("failed", "paused", "stopped", "finished")) {
      assertEquals(0.0, before.value("transom_pipeline_status", "pipeline", "brittle", "status", s), s);
    }
    server.post("/api/pipelines/brittle/events", "{\"k\":\"x\",\"note\":\"" + MARKER + "\"}", null);
    await("brittle to fail", () -> scrape().value("transom_pipeline_status", "pipeline", "brittle", "status", "failed") == 1);
    assertEquals(0.0, scrape().value("transom_pipeline_status", "pipeline", "brittle", "status", "running"));
    assertEquals(1.0, scrape().value("transom_pipeline_status", "pipeline", "hooked", "status", "running"),
        "the other pipelines run on");
  }

  @Test
  void reloadsAndRefusedEditsAreCounted() throws Exception {
    PromScrape before = scrape();
    double reloads = before.value("transom_pipeline_reloads_total", "pipeline", "hooked");
    assertTrue(reloads >= 1, "the PUT of the setup: " + reloads);
    assertTrue(before.value("transom_pipeline_rejected_edits_total", "pipeline", "hooked") >= 1);
    assertEquals(0.0, before.value("transom_pipeline_reloads_total", "pipeline", "files"));
    assertEquals(0.0, before.value("transom_pipeline_rejected_edits_total", "pipeline", "files"));
    double rejected = before.value("transom_pipeline_rejected_edits_total", "pipeline", "hooked");
    HttpResponse<String> r = put("hooked", hooked("event.k != \"never\""));
    assertEquals(200, r.statusCode(), r.body());
    int version = ServerProcess.JSON.readTree(r.body()).get("version").asInt();
    assertEquals(reloads + 1, scrape().value("transom_pipeline_reloads_total", "pipeline", "hooked"));
    // An invalid edit of the file, seen by the watcher: refused, the running version kept. (The
    // watcher also sees the file the PUT wrote: the text that runs, which is no reload.)
    Files.writeString(tmp.resolve("defs/hooked.yaml"), "name: hooked\nsource: {kind: nope}\n");
    await("the watcher to refuse the edit", () ->
        scrape().value("transom_pipeline_rejected_edits_total", "pipeline", "hooked") == rejected + 1);
    assertEquals(1.0, scrape().value("transom_pipeline_status", "pipeline", "hooked", "status", "running"));
    assertEquals(reloads + 1, scrape().value("transom_pipeline_reloads_total", "pipeline", "hooked"),
        "the PUT's own file, seen again, is not a second reload");
    assertEquals(version, server.json("/api/pipelines/hooked").get("version").asInt());
  }

  @Test
  void checkpointLastSuccessAdvancesAndNothingFailed() throws Exception {
    double first = scrape().value("transom_checkpoint_last_success_timestamp_seconds", "pipeline", "files");
    assertTrue(first >= started.getEpochSecond() - 1 && first <= Instant.now().getEpochSecond() + 1,
        "seconds since the epoch, during this test: " + first);
    await("a later checkpoint", () ->
        scrape().value("transom_checkpoint_last_success_timestamp_seconds", "pipeline", "files") > first);
    assertEquals(0.0, scrape().value("transom_checkpoint_failures_total", "pipeline", "files"));
  }

  @Test
  void failingCheckpointsAreCountedWhileThePipelinePauses() throws Exception {
    await("disk's first checkpoint", () ->
        !Double.isNaN(scrape().value("transom_checkpoint_last_success_timestamp_seconds", "pipeline", "disk")));
    assertEquals(0.0, scrape().value("transom_checkpoint_failures_total", "pipeline", "disk"));
    Path full = tmp.resolve("faults/disk");
    Files.writeString(full, "");
    try {
      await("disk's checkpoints to fail", () -> scrape().value("transom_checkpoint_failures_total", "pipeline", "disk") > 0);
      await("disk to pause", () -> scrape().value("transom_pipeline_status", "pipeline", "disk", "status", "paused") == 1);
      assertEquals(0.0, scrape().value("transom_pipeline_status", "pipeline", "disk", "status", "running"));
      assertEquals(0.0, scrape().value("transom_checkpoint_failures_total", "pipeline", "files"), "only disk's storage fails");
    } finally {
      Files.delete(full);
    }
    double stalled = scrape().value("transom_checkpoint_last_success_timestamp_seconds", "pipeline", "disk");
    await("disk to resume", () -> scrape().value("transom_pipeline_status", "pipeline", "disk", "status", "running") == 1);
    await("a checkpoint after the disk came back", () ->
        scrape().value("transom_checkpoint_last_success_timestamp_seconds", "pipeline", "disk") > stalled);
    assertTrue(scrape().value("transom_checkpoint_failures_total", "pipeline", "disk") > 0, "a counter never goes back");
  }

  @Test
  void latenciesAreHistogramsWithBuckets() throws Exception {
    PromScrape s = scrape();
    assertEquals("histogram", s.families.get("transom_ingest_latency_seconds"));
    assertEquals("histogram", s.families.get("transom_checkpoint_duration_seconds"));
    List<PromScrape.Sample> buckets = s.find("transom_ingest_latency_seconds_bucket", "pipeline", "hooked");
    assertTrue(buckets.size() >= 10, "buckets: " + buckets);
    double count = s.value("transom_ingest_latency_seconds_count", "pipeline", "hooked");
    assertEquals(POSTS, count, "one per acknowledged request");
    assertEquals(count, s.value("transom_ingest_latency_seconds_bucket", "pipeline", "hooked", "le", "+Inf"));
    double previous = 0;
    for (PromScrape.Sample b : buckets) {
      assertTrue(b.value() >= previous, "cumulative buckets: " + buckets);
      previous = b.value();
    }
    assertTrue(s.value("transom_checkpoint_duration_seconds_count", "pipeline", "files") > 0);
    assertTrue(s.value("transom_checkpoint_duration_seconds_bucket", "pipeline", "files", "le", "10.0") > 0);
    for (PromScrape.Sample x : s.samples) {
      assertFalse(x.name().startsWith("transom_") && x.labels().containsKey("quantile"), "a client-side quantile: " + x);
    }
  }

  @Test
  void aFinishedFilePipelineHasAWatermarkButNoLag() throws Exception {
    PromScrape s = scrape();
    double wm = s.value("transom_watermark_timestamp_seconds", "pipeline", "files");
    assertTrue(wm >= Instant.parse("2024-05-01T10:00:00Z").getEpochSecond()
        && wm <= Instant.parse("2024-05-01T10:05:00Z").getEpochSecond(), "the file's event time (the last window "
        + "closed after it): " + wm);
    double lag = s.value("transom_watermark_lag_seconds", "pipeline", "files");
    assertTrue(Double.isNaN(lag), "it lags behind nothing once its input is all read, not years: " + lag);
    double hookedLag = s.value("transom_watermark_lag_seconds", "pipeline", "hooked");
    assertTrue(hookedLag >= 0 && hookedLag < 60, "a system clock is never far behind: " + hookedLag);
    double hookedWm = s.value("transom_watermark_timestamp_seconds", "pipeline", "hooked");
    assertTrue(hookedWm >= started.getEpochSecond() - 1, "now-ish: " + hookedWm);
  }

  @Test
  void everySinkKindCountsItsRecords() throws Exception {
    // file and h2 count at the same checkpoint that writes them: equal to the file's lines, and to each other
    await("the h2 and file sinks' counts to match the file", () -> {
      PromScrape s = scrape();
      double lines = ServerProcess.lines(tmp.resolve("out/files.jsonl")).size();
      return s.value("transom_sink_records_total", "pipeline", "files", "sink", "file out/files.jsonl") == lines
          && s.value("transom_sink_records_total", "pipeline", "files", "sink", "h2 files_rows") == lines;
    });
    PromScrape s = scrape();
    assertTrue(s.value("transom_sink_records_total", "pipeline", "files", "kind", "file") >= 3);
    assertEquals(s.value("transom_sink_records_total", "pipeline", "files", "kind", "file"),
        s.value("transom_sink_records_total", "pipeline", "files", "kind", "h2"));
    // A webhook counts what its receiver accepted: at least one record per window, and never more than
    // arrived there (at-least-once: a batch in flight during a reload may arrive twice, counted once).
    String hook = "webhook http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
    double delivered = s.value("transom_sink_records_total", "pipeline", "hooked", "sink", hook, "kind", "webhook");
    assertTrue(delivered >= POSTS && delivered <= received.get(), delivered + " delivered, " + received.get() + " received");
    assertEquals(delivered, s.value("transom_deliveries_delivered_total", "pipeline", "hooked", "sink", hook));
    await("every output to reach stdout", () -> {
      PromScrape now = scrape();
      return now.value("transom_outputs_total", "pipeline", "hooked")
          == now.value("transom_sink_records_total", "pipeline", "hooked", "sink", "stdout");
    });
    assertTrue(scrape().value("transom_sink_records_total", "pipeline", "hooked", "sink", "stdout", "kind", "stdout")
        >= POSTS);
  }

  @Test
  void queueCapacityStandsBesideQueuedEvents() throws Exception {
    PromScrape s = scrape();
    assertEquals(QUEUE, s.value("transom_queue_capacity_events", "pipeline", "hooked"));
    assertEquals(0.0, s.value("transom_pending_events", "pipeline", "hooked"));
  }

  @Test
  void httpRequestsAreCountedByRouteTemplateNeverByPath() throws Exception {
    server.get("/api/pipelines/no-such-pipeline-" + System.nanoTime());
    PromScrape s = scrape();
    assertTrue(s.value("transom_http_requests_total", "method", "POST", "route", "/api/pipelines/{id}/events",
        "status", "202") >= POSTS);
    assertTrue(s.value("transom_http_requests_total", "method", "POST", "route", "/api/pipelines/{id}/events",
        "status", "400") >= 1);
    assertTrue(s.value("transom_http_requests_total", "method", "PUT", "route", "/api/pipelines/{id}",
        "status", "400") >= 1);
    assertTrue(s.value("transom_http_requests_total", "method", "GET", "route", "/api/pipelines/{id}",
        "status", "404") >= 1);
    for (PromScrape.Sample x : s.find("transom_http_requests_total")) {
      assertFalse(x.labels().get("route").contains("no-such") || x.labels().get("route").contains("hooked"),
          "a raw path as a label: " + x);
    }
  }

  @Test
  void jvmAndProcessMetricsAreThere() throws Exception {
    PromScrape s = scrape();
    assertTrue(s.find("jvm_memory_used_bytes", "area", "heap").stream().mapToDouble(PromScrape.Sample::value).sum() > 0,
        "heap used: " + s.find("jvm_memory_used_bytes"));
    for (String name : List.of("process_cpu_seconds_total", "process_uptime_seconds", "process_files_open_files",
        "jvm_threads_live_threads", "jvm_classes_loaded_classes", "system_cpus")) {
      assertEquals(1, s.find(name).size(), name);
      assertTrue(s.find(name).get(0).value() > 0, name + ": " + s.find(name));
    }
  }

  /**
   * docs/metrics.md lists every series a scrape has, and the scrape has every series it lists:
   * both ways, so the table stays true. A row whose "present" cell begins with "after" depends on
   * what the JVM did (a GC pause) and may be missing from this scrape.
   */
  @Test
  void docsTableListsExactlyTheScrapedSeries() throws Exception {
    Path doc = Jar.ROOT.resolve("docs/metrics.md");
    Set<String> documented = new TreeSet<>();
    Set<String> required = new TreeSet<>();
    for (String line : Files.readAllLines(doc)) {
      if (line.startsWith("| `")) {
        String[] cells = line.split("\\|");
        String name = cells[1].strip().replace("`", "");
        documented.add(name);
        if (!cells[4].strip().startsWith("after")) {
          required.add(name);
        }
      }
    }
    PromScrape s = scrape();
    List<String> undocumented = new ArrayList<>();
    for (String family : s.families.keySet()) {
      if (!documented.contains(family)) {
        undocumented.add(family + " (" + s.families.get(family) + ")");
      }
    }
    assertEquals(List.of(), undocumented, "series in the scrape that docs/metrics.md does not list");
    Set<String> missing = new TreeSet<>(required);
    missing.removeAll(s.families.keySet());
    assertEquals(Set.of(), missing, "series docs/metrics.md lists that the scrape does not have");
  }
}
