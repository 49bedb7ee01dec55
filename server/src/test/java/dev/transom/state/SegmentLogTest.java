package dev.transom.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ingest log's segment files, on a real directory. */
class SegmentLogTest {
  @TempDir
  Path dir;
  final List<String> warnings = new ArrayList<>();

  SegmentLog open(long segmentBytes) {
    return new SegmentLog(dir, segmentBytes, warnings::add);
  }

  static void stage(SegmentLog log, String pipeline, long seq, String batchId, String events, long now) throws IOException {
    log.stage(pipeline, seq, batchId, null, events.getBytes(java.nio.charset.StandardCharsets.UTF_8), now);
  }

  static IngestLog.Entry entry(long seq, String events) {
    return new IngestLog.Entry(seq, 0, events.getBytes(java.nio.charset.StandardCharsets.UTF_8), null);
  }

  static List<IngestLog.Entry> read(SegmentLog log, String pipeline, long after) throws IOException {
    List<IngestLog.Entry> out = new ArrayList<>();
    SegmentLog.read(log.snapshot(pipeline), after, e -> out.add(new IngestLog.Entry(e.seq(), 0, e.events(), e.mark())));
    return out;
  }

  List<Path> segments(String pipeline) throws IOException {
    try (Stream<Path> s = Files.list(dir.resolve(pipeline))) {
      return s.sorted().toList();
    }
  }

  @Test
  void recordsSurviveReopeningAndNumberingGoesOn() throws IOException {
    try (SegmentLog log = open(1 << 20)) {
      stage(log, "p", 1, "b1", "{\"a\":1}\n", 1000);
      stage(log, "p", 2, null, "{\"a\":\"é\"}\n", 1001);
      assertTrue(log.flush().isEmpty());
      stage(log, "q", 1, null, "{}", 1002);
      assertTrue(log.flush().isEmpty());
    }
    try (SegmentLog log = open(1 << 20)) {
      assertEquals(2, log.lastSeq("p"));
      assertEquals(1, log.lastSeq("q"));
      assertEquals(List.of(entry(1, "{\"a\":1}\n"), entry(2, "{\"a\":\"é\"}\n")),
          read(log, "p", 0));
      assertEquals(List.of(entry(2, "{\"a\":\"é\"}\n")), read(log, "p", 1));
      assertEquals(1, log.recent("p", "b1").seq());
      assertEquals(1000, log.recent("p", "b1").appendedAtMillis());
      assertNull(log.recent("p", "b2"));
      stage(log, "p", 3, null, "{\"a\":3}", 1003);
      assertTrue(log.flush().isEmpty());
      assertEquals(3, read(log, "p", 0).size());
    }
    assertTrue(warnings.isEmpty(), warnings.toString());
  }

  @Test
  void aWriteCutShortByACrashIsDroppedWithAWarning() throws IOException {
    try (SegmentLog log = open(1 << 20)) {
      for (int i = 1; i <= 3; i++) {
        stage(log, "p", i, "b" + i, "{\"i\":" + i + "}", 0);
        assertTrue(log.flush().isEmpty());
      }
    }
    Path file = segments("p").get(0);
    long good = Files.size(file);
    // Half a record, as a crash in the middle of a write leaves it.
    Files.write(file, new byte[] {0, 0, 0, 40, 1, 2, 3, 4, 0, 0}, StandardOpenOption.APPEND);
    try (SegmentLog log = open(1 << 20)) {
      assertEquals(3, log.lastSeq("p"));
      assertEquals(3, read(log, "p", 0).size());
      assertEquals(good, Files.size(file), "the torn tail is cut off");
      assertEquals(1, warnings.size());
      assertTrue(warnings.get(0).contains(file.toString()) && warnings.get(0).contains("byte " + good), warnings.get(0));
      stage(log, "p", 4, null, "{\"i\":4}", 0);
      assertTrue(log.flush().isEmpty());
      assertEquals(List.of(1L, 2L, 3L, 4L), read(log, "p", 0).stream().map(IngestLog.Entry::seq).toList());
    }
  }

  @Test
  void aRecordWhoseChecksumFailsEndsTheLog() throws IOException {
    try (SegmentLog log = open(1 << 20)) {
      for (int i = 1; i <= 3; i++) {
        stage(log, "p", i, null, "{\"i\":" + i + "}", 0);
        assertTrue(log.flush().isEmpty());
      }
    }
    Path file = segments("p").get(0);
    long size = Files.size(file);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap(new byte[] {'X'}), size - 2); // inside the last record's events
    }
    try (SegmentLog log = open(1 << 20)) {
      assertEquals(List.of(1L, 2L), read(log, "p", 0).stream().map(IngestLog.Entry::seq).toList());
      assertEquals(2, log.lastSeq("p"));
      assertEquals(1, warnings.size(), warnings.toString());
    }
  }

  @Test
  void segmentsRollAndACheckpointDeletesTheOnesItCovers() throws IOException {
    try (SegmentLog log = open(100)) {
      for (int i = 1; i <= 10; i++) {
        stage(log, "p", i, "b" + i, "{\"pad\":\"" + "x".repeat(80) + "\"}", i);
        assertTrue(log.flush().isEmpty());
      }
      assertEquals(10, segments("p").size(), "each write past 100 bytes starts a new segment");
      assertEquals(List.of("b1", "b2", "b3", "b4"), log.batchIdsThrough("p", 4).stream()
          .map(SegmentLog.RecentBatch::batchId).toList());
      log.dropThrough("p", 4);
      assertEquals(6, segments("p").size());
      assertTrue(segments("p").get(0).getFileName().toString().startsWith("00000000000000000005"));
      assertNull(log.recent("p", "b4"), "the database remembers dropped batch ids");
      assertEquals(5, log.recent("p", "b5").seq());
      assertEquals(5L, read(log, "p", 0).get(0).seq());
      log.dropThrough("p", 10);
      assertEquals(0, segments("p").size(), "a fully covered log keeps no file");
      assertEquals(10, log.lastSeq("p"));
      stage(log, "p", 11, null, "{}", 11);
      assertTrue(log.flush().isEmpty());
      assertEquals(List.of(11L), read(log, "p", 0).stream().map(IngestLog.Entry::seq).toList());
    }
    try (SegmentLog log = open(100)) {
      assertEquals(11, log.lastSeq("p"));
    }
  }

  @Test
  void aSegmentPartlyCoveredStaysButItsCoveredRecordsAreNotReplayed() throws IOException {
    try (SegmentLog log = open(1 << 20)) {
      for (int i = 1; i <= 5; i++) {
        stage(log, "p", i, null, "{}", 0);
      }
      assertTrue(log.flush().isEmpty());
      log.dropThrough("p", 3);
      assertEquals(1, segments("p").size());
      assertEquals(List.of(4L, 5L), read(log, "p", 0).stream().map(IngestLog.Entry::seq).toList());
    }
  }

  /** A restart reads the log after its checkpoint: from any point, in segments of several records each. */
  @Test
  void aReadAfterAnyPointHandsOverExactlyTheRecordsAfterItAlsoAfterReopening() throws IOException {
    try (SegmentLog log = open(300)) {
      for (int i = 1; i <= 40; i++) {
        stage(log, "p", i, null, "{\"i\":" + i + ",\"pad\":\"" + "x".repeat(i % 7 * 10) + "\"}", i);
        assertTrue(log.flush().isEmpty());
      }
      assertTrue(segments("p").size() > 5, "several records in each of several segments");
    }
    try (SegmentLog log = open(300)) {
      for (int after = 0; after <= 41; after++) {
        List<IngestLog.Entry> out = read(log, "p", after);
        List<Long> expected = new ArrayList<>();
        for (long i = after + 1; i <= 40; i++) {
          expected.add(i);
        }
        assertEquals(expected, out.stream().map(IngestLog.Entry::seq).toList(), "after " + after);
        for (IngestLog.Entry e : out) {
          assertTrue(new String(e.events(), StandardCharsets.UTF_8).startsWith("{\"i\":" + e.seq() + ","));
        }
      }
    }
  }

  @Test
  void aSegmentDeletedWhileBeingReadIsSkipped() throws IOException {
    try (SegmentLog log = open(10)) {
      for (int i = 1; i <= 3; i++) {
        stage(log, "p", i, null, "{\"i\":" + i + "}", 0);
        assertTrue(log.flush().isEmpty());
      }
      SegmentLog.Snapshot snapshot = log.snapshot("p");
      log.dropThrough("p", 1); // a checkpoint landing meanwhile
      List<IngestLog.Entry> out = new ArrayList<>();
      SegmentLog.read(snapshot, 0, out::add);
      assertEquals(List.of(2L, 3L), out.stream().map(IngestLog.Entry::seq).toList());
    }
  }

  @Test
  void aPipelineWhoseWriteFailsLosesNothingAndStopsNoOther() throws IOException {
    Files.writeString(dir.resolve("p"), "a file where p's directory should be"); // its segments cannot be created
    try (SegmentLog log = open(1 << 20)) {
      stage(log, "p", 1, "b1", "{}", 0);
      stage(log, "q", 1, "b1", "{}", 0);
      java.util.Map<String, IOException> failed = log.flush();
      assertEquals(java.util.Set.of("p"), failed.keySet());
      assertEquals(0, log.lastSeq("p"), "the failed append is undone");
      assertNull(log.recent("p", "b1"), "and its batch id with it");
      assertEquals(1, read(log, "q", 0).size(), "q's append is durable");
      Files.delete(dir.resolve("p"));
      stage(log, "p", 1, null, "{\"again\":1}", 0);
      assertTrue(log.flush().isEmpty(), "p works again once its directory can be made");
      assertEquals(List.of(entry(1, "{\"again\":1}")), read(log, "p", 0));
    }
  }

  @Test
  void deletingAPipelineRemovesItsDirectoryOnly() throws IOException {
    try (SegmentLog log = open(1 << 20)) {
      stage(log, "p", 1, null, "{}", 0);
      stage(log, "q", 1, null, "{}", 0);
      assertTrue(log.flush().isEmpty());
      log.delete("p");
      assertTrue(Files.notExists(dir.resolve("p")));
      assertEquals(0, log.lastSeq("p"));
      assertEquals(1, read(log, "q", 0).size());
    }
  }

  @Test
  void recordsKeepTheirArrivalTimeAndFileSourceMarks() throws IOException {
    try (SegmentLog log = open(1 << 20)) {
      stage(log, "p", 1, "b1", "{\"a\":1}\n", 1_700_000_000_123L);
      log.stage("p", 2, null, new IngestLog.SourceMark(4_096, 17), "{\"b\":2}\n".getBytes(StandardCharsets.UTF_8),
          1_700_000_000_456L);
      assertTrue(log.flush().isEmpty());
    }
    try (SegmentLog log = open(1 << 20)) {
      List<IngestLog.Entry> all = new ArrayList<>();
      SegmentLog.read(log.snapshot("p"), 0, all::add);
      assertEquals(List.of(new IngestLog.Entry(1, 1_700_000_000_123L, "{\"a\":1}\n".getBytes(StandardCharsets.UTF_8), null),
          new IngestLog.Entry(2, 1_700_000_000_456L, "{\"b\":2}\n".getBytes(StandardCharsets.UTF_8),
          new IngestLog.SourceMark(4_096, 17))), all);
      assertEquals(1, log.recent("p", "b1").seq());
    }
  }

  @Test
  void aSourceMarkWithAStateIsReadBackBesideMarksWithout() throws IOException {
    String offsets = "{\"clicks\":{\"0\":1200,\"2\":77}}";
    try (SegmentLog log = open(1 << 20)) {
      log.stage("p", 1, null, new IngestLog.SourceMark(10, 1), "{\"a\":1}\n".getBytes(StandardCharsets.UTF_8), 5L);
      log.stage("p", 2, null, new IngestLog.SourceMark(3, 0, offsets), "{\"b\":2}\n{\"c\":3}\n".getBytes(StandardCharsets.UTF_8),
          6L);
      log.stage("p", 3, null, new IngestLog.SourceMark(4, 0, "é"), new byte[0], 7L);
      stage(log, "p", 4, "b4", "{\"d\":4}\n", 8L);
      assertTrue(log.flush().isEmpty());
    }
    try (SegmentLog log = open(1 << 20)) {
      List<IngestLog.Entry> all = new ArrayList<>();
      SegmentLog.read(log.snapshot("p"), 0, all::add);
      assertEquals(List.of(
          new IngestLog.Entry(1, 5L, "{\"a\":1}\n".getBytes(StandardCharsets.UTF_8), new IngestLog.SourceMark(10, 1)),
          new IngestLog.Entry(2, 6L, "{\"b\":2}\n{\"c\":3}\n".getBytes(StandardCharsets.UTF_8),
              new IngestLog.SourceMark(3, 0, offsets)),
          new IngestLog.Entry(3, 7L, new byte[0], new IngestLog.SourceMark(4, 0, "é")),
          new IngestLog.Entry(4, 8L, "{\"d\":4}\n".getBytes(StandardCharsets.UTF_8), null)), all);
      assertEquals(4, log.lastSeq("p"));
    }
  }

  @Test
  void aBatchThatIsNotUtf8IsReadBackByteForByte() throws IOException {
    // a file source logs what it read, bad lines included; the replay must see the same bad line
    byte[] batch = {'{', '"', 'k', '"', ':', '"', 'a', (byte) 0xff, '"', '}', '\n', '{', '}', '\n'};
    try (SegmentLog log = open(1 << 20)) {
      log.stage("p", 1, null, new IngestLog.SourceMark(batch.length, 1), batch, 0);
      assertTrue(log.flush().isEmpty());
    }
    try (SegmentLog log = open(1 << 20)) {
      List<IngestLog.Entry> all = new ArrayList<>();
      SegmentLog.read(log.snapshot("p"), 0, all::add);
      assertEquals(1, all.size());
      org.junit.jupiter.api.Assertions.assertArrayEquals(batch, all.get(0).events());
    }
  }
}
