package dev.transom.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.transom.windowing.EventClock;
import dev.transom.windowing.KeyGroups;
import dev.transom.windowing.OperatorSnapshot;
import dev.transom.windowing.Recorder;
import dev.transom.windowing.TumblingWindower;
import dev.transom.windowing.WindowOperator;
import dev.transom.windowing.aggregate.SumAggregate;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints in the database as cuts write them, and as the version before the compact format wrote them. */
class StoredCheckpointTest {
  private static final long T0 = 1_714_557_600_000_000L; // 2024-05-01T10:00:00Z
  private static final long HOUR = 3_600_000_000L;

  @TempDir
  Path dir;

  private static WindowOperator operator() {
    WindowOperator op = new WindowOperator(new EventClock(10_000_000L, false), new TumblingWindower(HOUR, 0),
        new SumAggregate(false));
    op.trackChanges();
    return op;
  }

  /** Every window the stored partitions hold, by key: what their operators emit at the end of input. */
  private static Map<String, Recorder.Out> restoreAndFinish(Checkpoint c) throws Exception {
    List<OperatorSnapshot> kept = new ArrayList<>();
    for (PartitionState ps : c.partitions()) {
      kept.add(PartitionState.assemble(ps.header(), new ArrayList<>(ps.buckets().values())));
    }
    assertTrue(KeyGroups.inPlace(kept));
    Map<String, Recorder.Out> out = new TreeMap<>();
    for (OperatorSnapshot s : kept) {
      WindowOperator op = operator();
      op.restore(s);
      Recorder r = new Recorder();
      op.finish(r);
      for (Recorder.Out o : r.outputs) {
        out.put(o.key(), o);
      }
    }
    return out;
  }

  /**
   * {@code resources/state/checkpoint-of-2026-12-02.mv.db} was written by main as of 2026-12-02
   * (before this format), by a program that put into 2 partitions the keys k0..k199, each with
   * one hour window from 10:00 holding the sum of i, and 0.5 more for each i divisible by 3.
   */
  @Test
  void aCheckpointOfTheVersionBeforeRestoresAndIsRewrittenWhole() throws Exception {
    try (InputStream in = getClass().getResourceAsStream("/state/checkpoint-of-2026-12-02.mv.db")) {
      Files.copy(in, dir.resolve("transom.mv.db"));
    }
    Map<String, Recorder.Out> expected = new TreeMap<>();
    for (int i = 0; i < 200; i++) {
      expected.put("k" + i, new Recorder.Out("k" + i, T0, T0 + HOUR, i % 3 == 0 ? (Object) (i + 0.5) : (Object) (long) i));
    }
    try (H2State state = new H2State(Database.open(dir))) {
      Checkpoint old = state.load("fixture").orElseThrow();
      assertEquals(3, old.epoch());
      assertEquals(2, old.partitions().size());
      for (PartitionState ps : old.partitions()) {
        assertFalse(ps.currentLayout(), "buckets of the older format: the next cut rewrites them all");
      }
      assertEquals(expected, restoreAndFinish(old));

      // the next cut, full, in the current format
      List<PartitionState> parts = new ArrayList<>();
      for (PartitionState ps : old.partitions()) {
        WindowOperator op = operator();
        op.restore(PartitionState.assemble(ps.header(), new ArrayList<>(ps.buckets().values())));
        parts.add(new BucketCut().cut(op, op.drainChangedKeys(), true));
      }
      state.save(new Checkpoint("fixture", 4, old.fingerprint(), parts, 0, -1, Map.of(), List.of())).join();
      Checkpoint now = state.load("fixture").orElseThrow();
      for (PartitionState ps : now.partitions()) {
        assertTrue(ps.currentLayout());
        assertTrue(ps.buckets().values().stream().allMatch(PartitionState::isCompact));
      }
      assertEquals(expected, restoreAndFinish(now));
    }
  }

  /** A bucket in the current format holding one key, {@code k<n>}. */
  private static byte[] bytes(int n) {
    return bucket("k" + n);
  }

  private static byte[] bucket(String key) {
    BucketFormat.Writer w = new BucketFormat.Writer();
    w.key(key, null, 0);
    return w.finish();
  }

  @Test
  void incrementalCutsReplaceTheirBucketsInOrderAndAnEmptiedOneStaysGone() throws Exception {
    byte[] header = SnapshotCodec.encode(new OperatorSnapshot(0, null, List.of()));
    try (Database db = Database.open(dir); H2State state = new H2State(db)) {
      Map<Integer, byte[]> all = new HashMap<>();
      for (int b = 0; b < 3_000; b++) {
        all.put(b * 20, bucket("k" + b + "-".repeat(1_000))); // about 3 MB: a full cut of several chunks
      }
      state.save(new Checkpoint("p", 1, "fp", List.of(new PartitionState(header, all, true),
          new PartitionState(header, Map.of(7, bytes(7)), true)), 0, -1, Map.of(), List.of())).join();
      Map<Integer, byte[]> first = new HashMap<>();
      first.put(20, bytes(1));
      first.put(40, null);
      first.put(5, bytes(5));
      state.save(new Checkpoint("p", 2, "fp", List.of(new PartitionState(header, first, false),
          new PartitionState(header, Map.of(), false)), 0, -1, Map.of(), List.of())).join();
      Map<Integer, byte[]> second = new HashMap<>();
      second.put(20, bytes(2));
      second.put(5, null);
      state.save(new Checkpoint("p", 3, "fp", List.of(new PartitionState(header, second, false),
          new PartitionState(header, Map.of(), false)), 0, -1, Map.of(), List.of())).join();

      Checkpoint back = state.load("p").orElseThrow();
      Map<Integer, byte[]> p0 = back.partitions().get(0).buckets();
      assertEquals(2_999, p0.size(), "bucket 40 emptied, 5 added and emptied again");
      assertArrayEquals(bytes(2), p0.get(20), "the later incremental cut wins");
      assertFalse(p0.containsKey(40));
      assertFalse(p0.containsKey(5));
      assertEquals(new ArrayList<>(new TreeMap<>(p0).keySet()), new ArrayList<>(p0.keySet()), "in bucket order");
      assertEquals(Set.of(7), back.partitions().get(1).buckets().keySet());

      // a full cut of one partition replaces everything, and drops the partition after it
      state.save(new Checkpoint("p", 4, "fp", List.of(new PartitionState(header, Map.of(3, bytes(3)), true)), 0, -1,
          Map.of(), List.of())).join();
      back = state.load("p").orElseThrow();
      assertEquals(1, back.partitions().size());
      assertEquals(Set.of(3), back.partitions().get(0).buckets().keySet());
      state.forget("p").join();
      assertFalse(state.load("p").isPresent());
      try (java.sql.Statement st = db.connection().createStatement();
          java.sql.ResultSet r = st.executeQuery("SELECT COUNT(*) FROM checkpoint_chunks")) {
        r.next();
        assertEquals(0, r.getInt(1), "a forgotten pipeline leaves no chunks");
      }
      db.connection().rollback();
    }
  }

  /** The store reads checkpoints ahead when it opens: what it hands out is always what is stored. */
  @Test
  void aCheckpointReadAheadIsNeverHandedOutAfterItChanged() throws Exception {
    byte[] header = SnapshotCodec.encode(new OperatorSnapshot(0, null, List.of()));
    try (H2State state = new H2State(Database.open(dir))) {
      for (String p : List.of("p", "q", "r")) {
        state.save(new Checkpoint(p, 1, "fp", List.of(new PartitionState(header, Map.of(3, bytes(1)), true)), 0, -1,
            Map.of(), List.of())).join();
      }
    }
    try (H2State state = new H2State(Database.open(dir))) {
      assertEquals(1, state.load("r").orElseThrow().epoch(), "read ahead");
      assertEquals(1, state.load("r").orElseThrow().epoch(), "read again");
      state.save(new Checkpoint("p", 2, "fp", List.of(new PartitionState(header, Map.of(3, bytes(2)), true)), 0, -1,
          Map.of(), List.of())).join();
      Checkpoint p = state.load("p").orElseThrow();
      assertEquals(2, p.epoch());
      assertArrayEquals(bytes(2), p.partitions().get(0).buckets().get(3));
      assertEquals(1, state.load("q").orElseThrow().epoch());
    }
    try (H2State state = new H2State(Database.open(dir))) {
      state.forget("q").join();
      assertFalse(state.load("q").isPresent());
    }
  }
}
