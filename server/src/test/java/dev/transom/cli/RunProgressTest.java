package dev.transom.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code run}'s progress line for a file input: percentage by bytes read, and time left. */
class RunProgressTest {
  @TempDir
  Path tmp;

  @Test
  void aFileInputShowsItsPercentageAndAnEta() {
    // a quarter of the file in 10 s: 30 s to go at that rate
    String line = RunProgress.line(1_000, 10.0, 7, "2024-05-01T10:00:00Z", 250, 1_000);
    assertTrue(line.startsWith(" 25%  ETA 30s  1,000 events  100 events/s  7 outputs  watermark 2024-05-01T10:00:00Z"),
        line);
    assertTrue(RunProgress.line(1, 1.0, 0, "-", 1, 100).contains("ETA 1m39s"));
    assertTrue(RunProgress.line(1, 1.0, 0, "-", 1, 10_000).contains("ETA 2h46m"));
    assertTrue(RunProgress.line(5, 1.0, 0, "-", 100, 100).startsWith("100%  ETA 0s  5 events"));
  }

  @Test
  void stdinOrAPipeShowsNoPercentage() {
    String line = RunProgress.line(1_000, 10.0, 7, "w", 250, -1);
    assertTrue(line.startsWith("1,000 events  100 events/s"), line);
  }

  @Test
  void theBytesReadFromTheFileAreCounted() throws Exception {
    Path f = tmp.resolve("in.jsonl");
    Files.writeString(f, "{\"a\":1}\n".repeat(100));
    RunProgress p = new RunProgress(new PrintStream(new ByteArrayOutputStream()), true);
    try (InputStream in = p.counting(f.toString(), new FileInputStream(f.toFile()))) {
      in.readNBytes(200);
      assertEquals(200, p.bytesRead());
      in.readAllBytes();
    }
    assertEquals(800, p.bytesRead());
    assertEquals(800, p.totalBytes());
  }
}
