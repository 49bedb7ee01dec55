package dev.transom.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.transom.io.JsonValues;
import dev.transom.io.RecordJson;
import io.vertx.core.Future;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API's pipeline views, as the exact JSON the routes answer ({@code GET /api/pipelines},
 * {@code /api/pipelines/{id}}, its {@code /windows}, a PUT's answer), written out field by field in
 * order: optional parts absent when they do not apply, the watermark null when there is none.
 * Only what a run cannot fix is masked: the temporary directory, the measured bytes and
 * milliseconds, a wall-clock time.
 */
class PipelineViewHarnessTest {
  @TempDir
  Path dir;

  private static final String COUNTS = RecoveryHarnessTest.COUNTS;
  private static final String DEFINITION_JSON = "\"name: counts\\nsource: {kind: http}\\nkey: event.user\\n"
      + "clock: {kind: event, timestamp: event.ts, wait: 5s}\\nwindow: {kind: tumbling, length: 10s}\\n"
      + "aggregate: {count: true}\\nsinks:\\n  - {kind: h2, table: counts_out}\\ncheckpoint: {interval: 1h}\\n\"";
  private static final String NO_ERRORS_OR_LATE = "\"recent_errors\":[],\"recent_late\":[],";
  private static final String EVENT_CLOCK = "\"clock\":{\"kind\":\"event\",\"wait_seconds\":5.0,\"scope\":\"key\"}";

  private static String at(String user, int second) {
    return RecoveryHarnessTest.at(user, second);
  }

  /**
   * Three open windows after a crash and a restart from a checkpoint, one closed window, one item
   * error, one late item, a checkpoint since the restart and an edit that was refused.
   */
  private ServerHarness recovered() throws Exception {
    ServerHarness h = ServerHarness.running(dir, "counts", COUNTS);
    h.post("counts", at("a", 1), at("a", 2), at("b", 3));
    h.checkpoint("counts"); // epoch 1
    h.post("counts", at("a", 4), at("b", 12));
    h.crash(); // the second batch is only in the ingest log
    h.start();
    // c has no time (an item error); a at 30 s moves a's watermark to 25 s and closes its first
    // window, so a at 1 s is late
    h.post("counts", "{\"user\":\"c\"}", at("a", 30), at("a", 1));
    h.checkpoint("counts"); // epoch 2, covering the log up to its third batch
    h.define("counts", COUNTS.replace("length: 10s", "length: ten seconds"));
    return h;
  }

  @Test
  void aRecoveredPipelineShowsEveryPartOfItsSummaryInOrder() throws Exception {
    try (ServerHarness h = recovered()) {
      String file = "DIR/definitions/counts.yaml";
      assertEquals("{\"id\":\"counts\",\"status\":\"running\",\"file\":\"" + file + "\",\"version\":1,"
          + "\"problems\":[{\"file\":\"" + file + "\",\"line\":5,\"col\":34,\"message\":\"window.length: expected a"
          + " duration like 10s, 250ms or 1h30m (units d h m s ms us, largest first), got 'ten seconds'\"}],"
          + "\"counters\":{\"in\":5,\"out\":1,\"late\":1,\"errors\":1},"
          + "\"watermark\":\"2026-01-01T00:00:25Z\",\"open_windows\":3,\"epoch\":2,"
          + "\"last_checkpoint\":{\"millis\":N,\"state_bytes\":N,\"ingest_seq\":3},"
          + "\"pending\":0,\"memory\":{\"held_bytes\":N},\"partitions\":2,\"deliveries\":[],"
          + "\"recovery\":\"resumed from checkpoint 1\","
          + "\"recent_errors\":[{\"time\":\"2026-01-01T00:00:00Z\",\"field\":\"clock.timestamp\","
          + "\"message\":\"no such key: event.ts\",\"item\":{\"user\":\"c\"}}],"
          + "\"recent_late\":[{\"pipeline\":\"counts\",\"key\":\"a\",\"time\":\"2026-01-01T00:00:01Z\","
          + "\"watermark\":\"2026-01-01T00:00:25Z\",\"value\":{\"user\":\"a\",\"ts\":\"2026-01-01T00:00:01Z\"},"
          + "\"window\":{\"open_time\":\"2026-01-01T00:00:00Z\",\"close_time\":\"2026-01-01T00:00:10Z\"}}],"
          + EVENT_CLOCK + ",\"definition\":" + DEFINITION_JSON + "}",
          masked(describe(h, true)));
    }
  }

  @Test
  void theListLeavesOutTheDefinitionAndSortsFilesThatNeverValidatedAmongThePipelines() throws Exception {
    try (ServerHarness h = ServerHarness.running(dir, "counts", COUNTS)) {
      h.define("bad", "name: bad\nsource: {kind: http}\nkey: event.user\n");
      h.define("zzz", COUNTS.replace("name: counts", "name: zzz").replace("counts_out", "zzz_out"));
      String running = "\"version\":1,\"problems\":[],\"counters\":{\"in\":0,\"out\":0,\"late\":0,\"errors\":0},"
          + "\"watermark\":null,\"open_windows\":0,\"epoch\":0,\"pending\":0,\"memory\":{\"held_bytes\":N},"
          + "\"partitions\":2,\"deliveries\":[]," + NO_ERRORS_OR_LATE + EVENT_CLOCK + "}";
      String bad = "{\"id\":\"bad\",\"status\":\"failed\",\"file\":\"DIR/definitions/bad.yaml\",\"version\":0,"
          + "\"problems\":["
          + problem("bad", "clock: missing (which clock gives each event its time)") + ","
          + problem("bad", "window: missing (how events are bucketed into windows)") + ","
          + problem("bad", "aggregate: missing (how a window's values are combined)") + "],"
          + "\"counters\":{\"in\":0,\"out\":0,\"late\":0,\"errors\":0},\"watermark\":null,\"open_windows\":0,\"epoch\":0}";
      assertEquals("[" + bad + ","
          + "{\"id\":\"counts\",\"status\":\"running\",\"file\":\"DIR/definitions/counts.yaml\"," + running + ","
          + "{\"id\":\"zzz\",\"status\":\"running\",\"file\":\"DIR/definitions/zzz.yaml\"," + running + "]",
          masked(json(get(h.pipelines().describeAll()))));
      assertEquals(bad, masked(json(h.pipelines().brokenById("bad"))), "GET /api/pipelines/bad");
    }
  }

  private static String problem(String id, String message) {
    return "{\"file\":\"DIR/definitions/" + id + ".yaml\",\"line\":1,\"col\":1,\"message\":\"" + message + "\"}";
  }

  @Test
  void theOpenWindowsPageIsOrderedByKeyThenOpenTimeAndPagedByCursor() throws Exception {
    try (ServerHarness h = recovered()) {
      // a's watermark is 25 s and b's 7 s (b's newest item at 12 s, less the 5 s wait); each moves
      // with the clock, so a window closes when its key's watermark, so moved, reaches its close
      String a30 = "{\"key\":\"a\",\"open_time\":\"2026-01-01T00:00:30Z\",\"close_time\":\"2026-01-01T00:00:40Z\","
          + "\"value\":1,\"count\":1,\"watermark\":\"2026-01-01T00:00:25Z\",\"closes_at\":\"2026-01-01T00:00:15Z\"}";
      String b0 = "{\"key\":\"b\",\"open_time\":\"2026-01-01T00:00:00Z\",\"close_time\":\"2026-01-01T00:00:10Z\","
          + "\"value\":1,\"count\":1,\"watermark\":\"2026-01-01T00:00:07Z\",\"closes_at\":\"2026-01-01T00:00:03Z\"}";
      String b10 = "{\"key\":\"b\",\"open_time\":\"2026-01-01T00:00:10Z\",\"close_time\":\"2026-01-01T00:00:20Z\","
          + "\"value\":1,\"count\":1,\"watermark\":\"2026-01-01T00:00:07Z\",\"closes_at\":\"2026-01-01T00:00:13Z\"}";
      PipelineHost counts = h.host("counts");
      assertEquals("{\"windows\":[" + a30 + "," + b0 + "],\"next\":\"2\"}", json(get(counts.openWindows(null, 0, 2))));
      assertEquals("{\"windows\":[" + b10 + "],\"next\":null}", json(get(counts.openWindows(null, 2, 2))));
      assertEquals("{\"windows\":[" + b0 + "," + b10 + "],\"next\":null}", json(get(counts.openWindows("b", 0, 100))));
      assertEquals("{\"windows\":[],\"next\":null}", json(get(counts.openWindows(null, 7, 2))), "past the end");
    }
  }

  @Test
  void aPutAnswersTheNewVersionsSummaryWithItsReloadOutcomeLast() throws Exception {
    try (ServerHarness h = ServerHarness.running(dir, "counts", COUNTS)) {
      String edited = COUNTS.replace("wait: 5s", "wait: 1500ms");
      Pipelines.PutResult put = h.pipelines().put("counts", edited.getBytes(StandardCharsets.UTF_8));
      assertEquals(200, put.status());
      assertEquals("{\"id\":\"counts\",\"status\":\"running\",\"file\":\"DIR/definitions/counts.yaml\",\"version\":2,"
          + "\"problems\":[],\"counters\":{\"in\":0,\"out\":0,\"late\":0,\"errors\":0},\"watermark\":null,"
          // the old version's flush and the new version's start are each committed by a checkpoint
          + "\"open_windows\":0,\"epoch\":2,\"last_checkpoint\":{\"millis\":N,\"state_bytes\":N,\"ingest_seq\":0},"
          + "\"pending\":0,\"memory\":{\"held_bytes\":N},\"partitions\":2,"
          + "\"deliveries\":[]," + NO_ERRORS_OR_LATE
          + "\"clock\":{\"kind\":\"event\",\"wait_seconds\":1.5,\"scope\":\"key\"},"
          + "\"definition\":" + DEFINITION_JSON.replace("wait: 5s", "wait: 1500ms") + ","
          + "\"reload\":\"restarted after flushing open windows\"}", masked(json(put.view())));
    }
  }

  @Test
  void failingStorageShowsAsTheFailureUntilTheHostFailsOfItsOwn() throws Exception {
    String system = COUNTS.replace("clock: {kind: event, timestamp: event.ts, wait: 5s}", "clock: {kind: system}");
    try (ServerHarness h = ServerHarness.running(dir, "counts", system)) {
      PipelineHost counts = h.host("counts");
      counts.storage().logFailed(new IOException("No space left on device"));
      String storage = "\"storage\":{\"problem\":\"ingest log: No space left on device\",\"since\":\"T\",\"retries\":0},";
      // a system clock's watermark is the time now
      String rest = "\"problems\":[],\"counters\":{\"in\":0,\"out\":0,\"late\":0,\"errors\":0},"
          + "\"watermark\":\"2026-01-01T00:00:00Z\","
          + "\"open_windows\":0,\"epoch\":0,\"pending\":0,\"memory\":{\"held_bytes\":N},\"partitions\":2,"
          + "\"deliveries\":[],";
      String head = "{\"id\":\"counts\",\"status\":";
      String file = ",\"file\":\"DIR/definitions/counts.yaml\",\"version\":1,";
      assertEquals(head + "\"paused\"" + file + rest
          + "\"failure\":\"paused: storage is failing (ingest log: No space left on device)\"," + storage
          + NO_ERRORS_OR_LATE + "\"clock\":{\"kind\":\"system\"}}", masked(describe(h, false)));

      counts.fail("internal error: the test says so", null);
      assertEquals(head + "\"failed\"" + file + rest + "\"failure\":\"internal error: the test says so\"," + storage
          + NO_ERRORS_OR_LATE + "\"clock\":{\"kind\":\"system\"}}", masked(describe(h, false)));
    }
  }

  @Test
  void aPipelineOverTheServersMemoryBudgetSaysWhyItRefusesInput() throws Exception {
    try (ServerHarness h = ServerHarness.running(dir, "counts", COUNTS)) {
      Pipelines pipelines = h.pipelines();
      pipelines.memoryBudget(new MemoryBudget(1, pipelines::hosts, null)); // one byte: any window is over it
      h.define("tight", COUNTS.replace("name: counts", "name: tight").replace("counts_out", "tight_out"));
      h.post("tight", at("a", 1));
      String view = masked(json(get(h.host("tight").describe(false))));
      String memory = "\"memory\":{\"held_bytes\":N,\"refusing_input\":\"the server's pipelines hold about 0.0 MiB of"
          + " window state and queued input, its budget (--memory) is 0.0 MiB, and pipeline 'tight' holds 0.0 MiB, more"
          + " than an equal share (0.0 MiB); it takes input again as its windows close\"},\"partitions\":2,";
      assertTrue(view.contains(",\"pending\":0," + memory + "\"deliveries\":[],"), view);
    }
  }

  /** The JSON of a view as the API writes it. */
  private static String json(Object view) {
    return JsonValues.toJson(RecordJson.of(view));
  }

  private static String describe(ServerHarness h, boolean withDefinition) throws Exception {
    return json(get(h.host("counts").describe(withDefinition)));
  }

  private static final Pattern MEASURED = Pattern.compile("\"(held_bytes|millis|state_bytes)\":(\\d+)");
  private static final Pattern SINCE = Pattern.compile("\"since\":\"\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z\"");

  /** {@code json} with the test's directory as DIR, measured numbers as N and a wall-clock instant as T. */
  private String masked(String json) {
    String s = json.replace(dir.toString(), "DIR");
    Matcher m = MEASURED.matcher(s);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, "\"" + m.group(1) + "\":N");
    }
    m.appendTail(out);
    return SINCE.matcher(out).replaceAll("\"since\":\"T\"");
  }

  private static <T> T get(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
