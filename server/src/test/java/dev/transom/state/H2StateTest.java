package dev.transom.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against a real H2 file database in a temporary directory. */
class H2StateTest {
  @TempDir
  Path dir;

  /** An append stamped with the wall clock, as the server's ingest does. */
  static java.util.concurrent.CompletableFuture<IngestLog.Appended> append(H2State state, String pipeline,
      String batchId, String events) {
    return state.append(pipeline, batchId, null, events.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        System::currentTimeMillis, appended -> {});
  }

  static IngestLog.Entry entry(long seq, String events) {
    return new IngestLog.Entry(seq, 0, events.getBytes(java.nio.charset.StandardCharsets.UTF_8), null);
  }

  static IngestLog.Entry withoutTime(IngestLog.Entry e) {
    return new IngestLog.Entry(e.seq(), 0, e.events(), e.mark());
  }

  @Test
  void appendsAreSequencedDeduplicatedReplayedAndSurviveReopening() throws Exception {
    try (H2State state = new H2State(Database.open(dir))) {
      assertEquals(1, append(state, "p", "b1", "{\"a\":1}").join().seq());
      assertEquals(2, append(state, "p", null, "{\"a\":2}").join().seq());
      IngestLog.Appended again = append(state, "p", "b1", "{\"a\":1}").join();
      assertEquals(1, again.seq());
      assertTrue(again.duplicate());
      assertEquals(1, append(state, "q", null, "{}").join().seq(), "sequences are per pipeline");
    }
    assertTrue(Files.exists(dir.resolve("transom.mv.db")));
    try (H2State state = new H2State(Database.open(dir))) {
      List<IngestLog.Entry> seen = new ArrayList<>();
      state.replay("p", 0, e -> seen.add(withoutTime(e)));
      assertEquals(List.of(entry(1, "{\"a\":1}"), entry(2, "{\"a\":2}")), seen);
      assertEquals(3, append(state, "p", null, "{\"a\":3}").join().seq());
      assertTrue(append(state, "p", "b1", "x").join().duplicate(), "batch ids outlive a restart");
    }
  }

  @Test
  void checkpointIsSavedAtomicallyAndTruncatesTheLogItCovers() throws Exception {
    try (H2State state = new H2State(Database.open(dir))) {
      state.keepCoveredMillis = 0; // the log's own truncation, without the safety margin
      for (int i = 0; i < 5; i++) {
        append(state, "p", null, "{\"i\":" + i + "}").join();
      }
      byte[] header = SnapshotCodec.encode(new dev.transom.windowing.OperatorSnapshot(5, null, List.of()));
      byte[] bucket = SnapshotCodec.encode(new dev.transom.windowing.OperatorSnapshot(0, null, List.of(
          new dev.transom.windowing.OperatorSnapshot.KeySnapshot("k", new long[] {1, 2, 0}, List.of()))));
      state.save(new Checkpoint("p", 7, "fp", List.of(new PartitionState(header, Map.of(3, bucket), true),
          new PartitionState(header, Map.of(), true)), 3, 99, Map.of("out.jsonl", 1234L), List.of())).join();
      Checkpoint back = state.load("p").orElseThrow();
      assertEquals(7, back.epoch());
      assertEquals(3, back.ingestSeq());
      assertEquals(99, back.sourcePosition());
      assertEquals(Map.of("out.jsonl", 1234L), back.sinkMarks());
      assertEquals(null, back.flushDefinition());
      assertEquals(2, back.partitions().size());
      assertArrayEquals(bucket, back.partitions().get(0).buckets().values().iterator().next());
      assertEquals(0, back.partitions().get(1).buckets().size());
      // incremental: a later checkpoint naming no bucket keeps the stored one; null deletes it
      state.save(new Checkpoint("p", 8, "fp", List.of(new PartitionState(header, Map.of(), false),
          new PartitionState(header, Map.of(), false)), 3, 99, Map.of(), List.of())).join();
      assertEquals(1, state.load("p").orElseThrow().partitions().get(0).buckets().size());
      java.util.Map<Integer, byte[]> drop = new java.util.HashMap<>();
      drop.put(3, null);
      state.save(new Checkpoint("p", 9, "fp", List.of(new PartitionState(header, drop, false),
          new PartitionState(header, Map.of(), false)), 3, 99, Map.of(), List.of())).join();
      assertEquals(0, state.load("p").orElseThrow().partitions().get(0).buckets().size());
      state.save(new Checkpoint("p", 10, "fp", List.of(new PartitionState(header, Map.of(), false),
          new PartitionState(header, Map.of(), false)), 3, 99, Map.of(), List.of(), "name: p\n")).join();
      assertEquals("name: p\n", state.load("p").orElseThrow().flushDefinition(), "kept for an interrupted reload");
      List<Long> left = new ArrayList<>();
      state.replay("p", 0, e -> left.add(e.seq()));
      assertEquals(List.of(4L, 5L), left);
      state.forget("p").join();
      assertFalse(state.load("p").isPresent());
    }
  }

  /** A checkpoint stored in another bucket layout (an older version's) is known as such when loaded. */
  @Test
  void aCheckpointOfAnotherBucketLayoutSaysSo() throws Exception {
    byte[] header = SnapshotCodec.encode(new dev.transom.windowing.OperatorSnapshot(0, null, List.of()));
    try (Database db = Database.open(dir); H2State state = new H2State(db)) {
      state.save(new Checkpoint("p", 1, "fp", List.of(new PartitionState(header, Map.of(), true)), 0, -1, Map.of(),
          List.of())).join();
      assertTrue(state.load("p").orElseThrow().partitions().get(0).currentLayout());
      try (java.sql.Statement st = db.connection().createStatement()) {
        st.executeUpdate("DELETE FROM checkpoint_state WHERE bucket = -2"); // as a version before the marker wrote it
      }
      db.connection().commit();
      assertFalse(state.load("p").orElseThrow().partitions().get(0).currentLayout());
    }
  }

  /** A source position that an offset cannot hold (a topic's partitions) is stored as given, and replaced by the next. */
  @Test
  void aSourceStateIsStoredWithItsCheckpointAndSurvivesReopening() throws Exception {
    byte[] header = SnapshotCodec.encode(new dev.transom.windowing.OperatorSnapshot(0, null, List.of()));
    List<PartitionState> parts = List.of(new PartitionState(header, Map.of(), true));
    String offsets = "{\"clicks\":{\"0\":41,\"1\":7}}";
    try (H2State state = new H2State(Database.open(dir))) {
      state.save(new Checkpoint("p", 1, "fp", parts, 3, 0, Map.of(), List.of(), null, List.of(), offsets)).join();
      state.save(new Checkpoint("q", 1, "fp", parts, 2, 128, Map.of(), List.of())).join();
    }
    try (H2State state = new H2State(Database.open(dir))) {
      Checkpoint p = state.load("p").orElseThrow();
      assertEquals(offsets, p.sourceState());
      assertEquals(3, p.ingestSeq());
      Checkpoint q = state.load("q").orElseThrow();
      assertEquals(null, q.sourceState());
      assertEquals(128, q.sourcePosition());
      state.save(new Checkpoint("p", 2, "fp", parts, 5, 0, Map.of(), List.of(), null, List.of(),
          "{\"clicks\":{\"0\":50,\"1\":7}}")).join();
      assertEquals("{\"clicks\":{\"0\":50,\"1\":7}}", state.load("p").orElseThrow().sourceState());
    }
  }

  @Test
  void undeliveredRecordsAreStoredWithTheirCheckpointReplacedByTheNextAndForgotten() throws Exception {
    byte[] header = SnapshotCodec.encode(new dev.transom.windowing.OperatorSnapshot(0, null, List.of()));
    List<PartitionState> parts = List.of(new PartitionState(header, Map.of(), true));
    byte[] r1 = "{\"n\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] r2 = "{\"n\":2}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] r3 = "{\"n\":3}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    try (H2State state = new H2State(Database.open(dir))) {
      state.save(new Checkpoint("p", 1, "fp", parts, 0, -1, Map.of(), List.of(), null, List.of(
          new Checkpoint.Delivery("webhook http://a/", List.of(r1, r2)),
          new Checkpoint.Delivery("late webhook http://a/", List.of(r3))))).join();
    }
    try (H2State state = new H2State(Database.open(dir))) {
      List<Checkpoint.Delivery> back = state.load("p").orElseThrow().deliveries();
      assertEquals(2, back.size());
      Map<String, List<byte[]>> bySink = new java.util.HashMap<>();
      back.forEach(d -> bySink.put(d.sink(), d.records()));
      assertEquals(2, bySink.get("webhook http://a/").size());
      assertArrayEquals(r1, bySink.get("webhook http://a/").get(0), "oldest first");
      assertArrayEquals(r2, bySink.get("webhook http://a/").get(1));
      assertArrayEquals(r3, bySink.get("late webhook http://a/").get(0));
      state.save(new Checkpoint("p", 2, "fp", parts, 0, -1, Map.of(), List.of(), null, List.of(
          new Checkpoint.Delivery("webhook http://a/", List.of(r2))))).join();
      back = state.load("p").orElseThrow().deliveries();
      assertEquals(1, back.size(), "each checkpoint replaces what the last one stored");
      assertArrayEquals(r2, back.get(0).records().get(0));
      state.save(new Checkpoint("p", 3, "fp", parts, 0, -1, Map.of(), List.of())).join();
      assertTrue(state.load("p").orElseThrow().deliveries().isEmpty(), "all delivered");
      state.save(new Checkpoint("p", 4, "fp", parts, 0, -1, Map.of(), List.of(), null, List.of(
          new Checkpoint.Delivery("webhook http://a/", List.of(r1))))).join();
      state.forget("p").join();
      state.save(new Checkpoint("p", 1, "fp", parts, 0, -1, Map.of(), List.of())).join();
      assertTrue(state.load("p").orElseThrow().deliveries().isEmpty(), "a removed pipeline's records are forgotten");
    }
  }

  @Test
  void owedRecordsArePackedIntoChunksAndComeBackInOrderWithTheRowsOfOlderVersionsFirst() throws Exception {
    byte[] header = SnapshotCodec.encode(new dev.transom.windowing.OperatorSnapshot(0, null, List.of()));
    List<PartitionState> parts = List.of(new PartitionState(header, Map.of(), true));
    List<byte[]> records = new java.util.ArrayList<>();
    java.util.Random random = new java.util.Random(3);
    for (int i = 0; i < 3_000; i++) { // ~600 KB: three chunks
      byte[] r = new byte[1 + random.nextInt(400)];
      random.nextBytes(r);
      records.add(r);
    }
    records.add(1_500, new byte[PartitionRows.CHUNK_BYTES + 10]); // larger than a chunk: it spans rows
    records.add(new byte[0]);
    try (H2State state = new H2State(Database.open(dir))) {
      state.save(new Checkpoint("p", 1, "fp", parts, 0, -1, Map.of(), List.of())).join();
    }
    try (Database db = Database.open(dir)) {
      // a row as the version before chunks wrote it
      try (java.sql.PreparedStatement st = db.connection().prepareStatement(
          "INSERT INTO checkpoint_deliveries (pipeline, sink, seq, record) VALUES ('p', 'kafka t', 0, X'0102')")) {
        st.executeUpdate();
      }
      db.connection().commit();
    }
    try (H2State state = new H2State(Database.open(dir))) {
      List<Checkpoint.Delivery> old = state.load("p").orElseThrow().deliveries();
      assertEquals(1, old.size());
      assertArrayEquals(new byte[] {1, 2}, old.get(0).records().get(0), "a record stored by an older version is read");
      List<byte[]> owed = new java.util.ArrayList<>(old.get(0).records());
      owed.addAll(records);
      state.save(new Checkpoint("p", 2, "fp", parts, 0, -1, Map.of(), List.of(), null, List.of(
          new Checkpoint.Delivery("kafka t", owed)))).join();
    }
    try (H2State state = new H2State(Database.open(dir))) {
      List<byte[]> back = state.load("p").orElseThrow().deliveries().get(0).records();
      assertEquals(records.size() + 1, back.size());
      assertArrayEquals(new byte[] {1, 2}, back.get(0));
      for (int i = 0; i < records.size(); i++) {
        assertArrayEquals(records.get(i), back.get(i + 1), "record " + i);
      }
    }
    try (Database db = Database.open(dir);
        java.sql.ResultSet r = db.connection().createStatement().executeQuery(
            "SELECT (SELECT COUNT(*) FROM checkpoint_deliveries), (SELECT COUNT(*) FROM checkpoint_delivery_chunks)")) {
      r.next();
      assertEquals(0, r.getInt(1), "the save replaced the old version's rows");
      assertTrue(r.getInt(2) >= 4 && r.getInt(2) <= 6, "about 1 MB in chunks of 256 KiB: " + r.getInt(2));
    }
  }

  @Test
  void appendsGoOnWhileACheckpointIsWrittenAndNothingIsLostOrDuplicated() throws Exception {
    try (H2State state = new H2State(Database.open(dir))) {
      for (int i = 1; i <= 200; i++) {
        append(state, "p", "batch-" + i, "{\"i\":" + i + "}").join();
      }
      // A checkpoint covering the first 200 batches, with a big state so it takes a while, while
      // 300 more batches are appended from another thread on their own connection.
      byte[] header = SnapshotCodec.encode(new dev.transom.windowing.OperatorSnapshot(200, null, List.of()));
      Map<Integer, byte[]> buckets = new java.util.HashMap<>();
      for (int b = 0; b < 4096; b++) {
        buckets.put(b, new byte[2048]);
      }
      java.util.concurrent.CompletableFuture<Void> saved = state.save(new Checkpoint("p", 1, "fp",
          List.of(new PartitionState(header, buckets, true)), 200, -1, Map.of(), List.of()));
      List<java.util.concurrent.CompletableFuture<IngestLog.Appended>> more = new ArrayList<>();
      for (int i = 201; i <= 500; i++) {
        more.add(append(state, "p", "batch-" + i, "{\"i\":" + i + "}"));
      }
      saved.join();
      for (int i = 0; i < more.size(); i++) {
        assertEquals(201 + i, more.get(i).join().seq());
      }
      List<Long> left = new ArrayList<>();
      state.replay("p", state.load("p").orElseThrow().ingestSeq(), e -> left.add(e.seq()));
      assertEquals(300, left.size(), "every batch after the checkpoint is still in the log");
      assertEquals(201L, left.get(0));
      assertEquals(500L, left.get(left.size() - 1));
      assertTrue(append(state, "p", "batch-350", "{}").join().duplicate(), "batch ids still deduplicate");
      assertEquals(501, append(state, "p", null, "{}").join().seq());
    }
  }

  @Test
  void batchIdsOutliveTheSegmentsACheckpointDeletes() throws Exception {
    byte[] header = SnapshotCodec.encode(new dev.transom.windowing.OperatorSnapshot(0, null, List.of()));
    try (H2State state = new H2State(Database.open(dir))) {
      for (int i = 1; i <= 3; i++) {
        append(state, "p", "batch-" + i, "{\"i\":" + i + "}").join();
      }
      state.save(new Checkpoint("p", 1, "fp", List.of(new PartitionState(header, Map.of(), true)), 3, -1, Map.of(),
          List.of())).join();
      // the deletion of covered segments runs on the ingest thread after the checkpoint
      assertEquals(4, append(state, "p", null, "{}").join().seq());
      assertTrue(append(state, "p", "batch-2", "{}").join().duplicate(), "remembered by the database now");
    }
    try (java.util.stream.Stream<Path> files = Files.list(dir.resolve("ingest-log/p"))) {
      assertEquals(1, files.count(), "only the segment with batch 4 is left");
    }
    try (H2State state = new H2State(Database.open(dir))) {
      IngestLog.Appended again = append(state, "p", "batch-1", "{}").join();
      assertTrue(again.duplicate());
      assertEquals(1, again.seq());
      List<Long> left = new ArrayList<>();
      state.replay("p", 3, e -> left.add(e.seq()));
      assertEquals(List.of(4L), left);
      assertEquals(5, append(state, "p", null, "{}").join().seq());
    }
  }

  @Test
  void batchesInTheOldTableAreReplayedFirstAndNumberingContinuesAfterThem() throws Exception {
    // A database written before the segment files kept batches in ingest_log.
    try (Database db = Database.open(dir)) {
      try (java.sql.PreparedStatement s = db.connection().prepareStatement(
          "INSERT INTO ingest_log (pipeline, seq, events) VALUES ('p', ?, ?)")) {
        for (int i = 1; i <= 2; i++) {
          s.setLong(1, i);
          s.setString(2, "{\"old\":" + i + "}");
          s.executeUpdate();
        }
      }
      db.connection().commit();
    }
    try (H2State state = new H2State(Database.open(dir))) {
      assertEquals(3, append(state, "p", null, "{\"new\":3}").join().seq());
      List<IngestLog.Entry> seen = new ArrayList<>();
      state.replay("p", 0, e -> seen.add(withoutTime(e)));
      assertEquals(List.of(entry(1, "{\"old\":1}"), entry(2, "{\"old\":2}"),
          entry(3, "{\"new\":3}")), seen);
      byte[] header = SnapshotCodec.encode(new dev.transom.windowing.OperatorSnapshot(0, null, List.of()));
      state.save(new Checkpoint("p", 1, "fp", List.of(new PartitionState(header, Map.of(), true)), 2, -1, Map.of(),
          List.of())).join();
      seen.clear();
      state.replay("p", 0, e -> seen.add(withoutTime(e)));
      assertEquals(List.of(entry(3, "{\"new\":3}")), seen, "the checkpoint deleted the old rows");
    }
  }

  @Test
  void anAppendThatCannotBeWrittenFailsAloneAndIsNotAcknowledged() throws Exception {
    Files.createDirectories(dir.resolve("ingest-log"));
    Files.writeString(dir.resolve("ingest-log/bad"), "a file where the pipeline's directory should be");
    try (H2State state = new H2State(Database.open(dir))) {
      java.util.concurrent.CompletableFuture<IngestLog.Appended> bad = append(state, "bad", "x", "{}");
      java.util.concurrent.CompletableFuture<IngestLog.Appended> good = append(state, "good", "x", "{}");
      assertEquals(1, good.join().seq());
      org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.CompletionException.class, bad::join);
      Files.delete(dir.resolve("ingest-log/bad"));
      IngestLog.Appended retried = append(state, "bad", "x", "{}").join();
      assertEquals(1, retried.seq());
      assertFalse(retried.duplicate(), "the failed append left no batch id behind");
    }
  }

  @Test
  void damagedDatabaseFileGivesAClearMessage() throws Exception {
    Files.write(dir.resolve("transom.mv.db"), "this is not an H2 database, just some bytes".repeat(200).getBytes());
    Database.Unusable e = org.junit.jupiter.api.Assertions.assertThrows(Database.Unusable.class, () -> Database.open(dir));
    assertTrue(e.getMessage().contains("transom.mv.db") && e.getMessage().contains("move it aside"), e.getMessage());
  }

  @Test
  void truncatedDatabaseFileIsReportedOrStillReadable() throws Exception {
    byte[] header = SnapshotCodec.encode(new dev.transom.windowing.OperatorSnapshot(0, null, List.of()));
    try (H2State state = new H2State(Database.open(dir))) {
      for (int epoch = 1; epoch <= 20; epoch++) {
        Map<Integer, byte[]> buckets = new java.util.HashMap<>();
        for (int b = 0; b < 50; b++) {
          byte[] bytes = new byte[500];
          java.util.Arrays.fill(bytes, (byte) epoch);
          buckets.put(b, bytes);
        }
        state.save(new Checkpoint("p", epoch, "fp", List.of(new PartitionState(header, buckets, true)), 0, -1,
            Map.of(), List.of())).join();
      }
    }
    Path file = dir.resolve("transom.mv.db");
    long size = Files.size(file);
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
      ch.truncate(size / 2);
    }
    try (H2State state = new H2State(Database.open(dir))) {
      // H2 may recover an older consistent version of a cut file; what it must not do is hand back
      // a mixture: every bucket of the checkpoint it returns belongs to that checkpoint's epoch.
      java.util.Optional<Checkpoint> cp = state.load("p");
      if (cp.isPresent()) {
        for (byte[] bucket : cp.get().partitions().get(0).buckets().values()) {
          assertEquals(cp.get().epoch(), bucket[0], "bucket from another epoch");
          assertEquals(cp.get().epoch(), bucket[bucket.length - 1]);
        }
      }
      System.out.println("truncated database: opened, checkpoint " + cp.map(Checkpoint::epoch).orElse(0L) + " readable");
    } catch (Database.Unusable e) {
      assertTrue(e.getMessage().contains("move it aside"), e.getMessage());
      System.out.println("truncated database: refused: " + e.getMessage());
    }
  }

  private static Checkpoint emptyCheckpoint(String pipeline, long epoch, long ingestSeq) {
    byte[] header = SnapshotCodec.encode(new dev.transom.windowing.OperatorSnapshot(0, null, List.of()));
    return new Checkpoint(pipeline, epoch, "fp", List.of(new PartitionState(header, Map.of(), true)), ingestSeq, -1,
        Map.of(), List.of());
  }

  /** The innermost cause's message: what a full disk says, under H2's and the future's wrapping. */
  private static String rootMessage(Throwable e) {
    while (e.getCause() != null) {
      e = e.getCause();
    }
    return e.getMessage();
  }

  /**
   * A full disk under H2: the failed write makes H2 close the database, and every statement on any
   * connection then says "The database has been closed". Once the disk takes writes again the next
   * checkpoint must work, on the same H2State, with no restart.
   */
  @Test
  void aDatabaseH2ClosedOnAFailedWriteIsReopenedAndCheckpointsGoOnOnceTheDiskWorks() throws Exception {
    Path markers = Files.createDirectories(dir.resolve("faults"));
    Path data = dir.resolve("data");
    Path full = markers.resolve(DiskFullFault.DATABASE);
    try (H2State state = new H2State(Database.open(data, new DiskFullFault(markers)))) {
      assertEquals(1, append(state, "p", "batch-1", "{\"a\":1}").join().seq());
      state.save(emptyCheckpoint("p", 1, 1)).join(); // batch-1's id moves into the database
      Files.createFile(full);
      Throwable first = org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.CompletionException.class,
          () -> state.save(emptyCheckpoint("p", 2, 1)).join());
      assertTrue(rootMessage(first).startsWith("No space left on device"), rootMessage(first));
      // Still full: the database is reopened, and the write fails again for the same reason, not
      // because the database is closed.
      Throwable again = org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.CompletionException.class,
          () -> state.save(emptyCheckpoint("p", 2, 1)).join());
      assertTrue(rootMessage(again).startsWith("No space left on device"), rootMessage(again));
      for (Throwable t = again; t != null; t = t.getCause()) {
        assertFalse(String.valueOf(t.getMessage()).contains("has been closed"), "not reopened: " + t);
      }
      assertEquals(1, state.load("p").orElseThrow().epoch(), "reads work on a full disk; the failed checkpoint is not there");
      // The ingest log is not the database; the batch id lookup in the database goes through the
      // ingest thread's connection, which was replaced too.
      assertTrue(append(state, "p", "batch-1", "{}").join().duplicate());
      assertEquals(2, append(state, "p", "batch-2", "{\"a\":2}").join().seq());
      Files.delete(full);
      state.save(emptyCheckpoint("p", 2, 2)).join();
      assertEquals(2, state.load("p").orElseThrow().epoch());
      assertEquals(3, append(state, "p", null, "{}").join().seq());
    }
    try (H2State state = new H2State(Database.open(data))) {
      Checkpoint cp = state.load("p").orElseThrow();
      assertEquals(2, cp.epoch(), "the checkpoint written after the reopen is durable");
      assertEquals(2, cp.ingestSeq());
      assertTrue(append(state, "p", "batch-2", "{}").join().duplicate());
    }
  }

  @Test
  void onePipelinesFailingStorageFailsItsOwnAppendsCheckpointsAndProbesOnly() throws Exception {
    Path markers = Files.createDirectories(dir.resolve("faults"));
    Path broken = markers.resolve("p");
    try (H2State state = new H2State(Database.open(dir.resolve("data"), new DiskFullFault(markers)))) {
      assertEquals(1, append(state, "p", null, "{}").join().seq());
      state.probe("p").join();
      Files.createFile(broken);
      Throwable append = org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.CompletionException.class,
          () -> append(state, "p", "x", "{}").join());
      assertTrue(rootMessage(append).startsWith("No space left on device"), rootMessage(append));
      assertEquals(1, append(state, "q", "x", "{}").join().seq(), "another pipeline's log is written");
      org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.CompletionException.class,
          () -> state.save(emptyCheckpoint("p", 1, 1)).join());
      state.save(emptyCheckpoint("q", 1, 1)).join();
      org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.CompletionException.class,
          () -> state.probe("p").join());
      assertFalse(state.load("p").isPresent(), "the failed checkpoint was rolled back");
      Files.delete(broken);
      state.probe("p").join();
      IngestLog.Appended retried = append(state, "p", "x", "{}").join();
      assertEquals(2, retried.seq(), "the failed append was undone");
      assertFalse(retried.duplicate());
      state.save(emptyCheckpoint("p", 1, 2)).join();
      assertEquals(1, state.load("p").orElseThrow().epoch());
    }
    try (java.util.stream.Stream<Path> files = Files.list(dir.resolve("data/ingest-log/p"))) {
      assertTrue(files.noneMatch(f -> f.getFileName().toString().startsWith(".")), "no probe file is left behind");
    }
  }

  @Test
  void theLogKeepsWhatARecentCheckpointCoveredSoAnOlderOneCanStillReplayIt() throws Exception {
    try (H2State state = new H2State(Database.open(dir))) {
      for (int i = 1; i <= 4; i++) {
        append(state, "p", null, "{\"i\":" + i + "}").join();
      }
      byte[] header = SnapshotCodec.encode(new dev.transom.windowing.OperatorSnapshot(0, null, List.of()));
      state.save(new Checkpoint("p", 1, "fp", List.of(new PartitionState(header, Map.of(), true)), 4, -1, Map.of(),
          List.of())).join();
      append(state, "p", null, "{\"i\":5}").join(); // a group after the checkpoint: its drop has run
      List<IngestLog.Entry> seen = new ArrayList<>();
      state.replay("p", 2, e -> seen.add(withoutTime(e)));
      assertEquals(List.of(entry(3, "{\"i\":3}"), entry(4, "{\"i\":4}"), entry(5, "{\"i\":5}")), seen,
          "batches a checkpoint of the last " + H2State.KEEP_COVERED_MILLIS + " ms covers stay in the log");
    }
  }
}
