package dev.transom.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code run} reads the system time through the clock it is given: a system-clock pipeline is exact under a manual one. */
class RunClockTest {
  @TempDir
  Path tmp;

  @Test
  void aSystemClockPipelineWindowsByTheClockItIsGiven() throws Exception {
    Path def = tmp.resolve("counts.yaml");
    Files.writeString(def, """
        name: counts
        source: {kind: http}
        key: event.user
        clock: {kind: system}
        window: {kind: tumbling, length: 10s}
        aggregate: {count: true}
        sinks: [{kind: stdout}]
        """);
    Path in = tmp.resolve("in.jsonl");
    Files.writeString(in, "{\"user\":\"a\"}\n{\"user\":\"b\"}\n{\"user\":\"a\"}\n");
    Path out = tmp.resolve("out.jsonl");
    // 2026-01-01T00:00:07Z, and it never moves: every event falls into [00:00:00, 00:00:10)
    long fixed = 1_767_225_607_000_000L;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = new RunCommand(new PrintStream(err, true), () -> fixed)
        .run(new String[] {"run", def.toString(), "--input", in.toString(), "--output", out.toString()});
    assertEquals(0, code, err.toString());
    List<String> lines = Files.readAllLines(out);
    assertEquals(List.of(
        "{\"pipeline\":\"counts\",\"key\":\"a\",\"window\":{\"open_time\":\"2026-01-01T00:00:00Z\","
            + "\"close_time\":\"2026-01-01T00:00:10Z\"},\"value\":2}",
        "{\"pipeline\":\"counts\",\"key\":\"b\",\"window\":{\"open_time\":\"2026-01-01T00:00:00Z\","
            + "\"close_time\":\"2026-01-01T00:00:10Z\"},\"value\":1}"), lines.stream().sorted().toList());
  }
}
