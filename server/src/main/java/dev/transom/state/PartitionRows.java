package dev.transom.state;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * How a pipeline's partition states are laid out in the database. The buckets a cut writes go
 * into {@code checkpoint_chunks} as one sequence of {@code bucket, length, bytes} entries cut into
 * chunks of 256 KiB: a full cut's as sequence 0, replacing everything stored before, each
 * incremental cut's as the next sequence number, its entries replacing the earlier ones of their
 * buckets when read (an empty entry: the bucket was emptied). A hundred rows of 256 KiB write
 * several times faster than the 65,536 rows of one bucket each that 1M keys took before (about
 * 0.3 s against 1.4-2.9 s here), and an incremental cut of 1,000 buckets is one row instead of
 * 1,000. In {@code checkpoint_state}, row -1 is the header and row -2 the layout.
 *
 * <p>Checkpoints of older versions have their buckets as rows of {@code checkpoint_state} (bucket
 * number, state): read as before, and all rewritten by the next cut.
 */
final class PartitionRows {
  /** The row (bucket number) of a partition's state that says how many buckets its keys are stored in. */
  static final int LAYOUT_ROW = -2;
  static final int HEADER_ROW = -1;
  /** Where a sequence that cannot be read is handed on (as a bucket that does not decode). */
  private static final int DAMAGED_ROW = -3;
  /** The length of a chunk (the last of a sequence is shorter). */
  static final int CHUNK_BYTES = 256 * 1024;

  private PartitionRows() {}

  /** Writes partition {@code partition}'s state, in the caller's transaction. */
  static void write(Connection c, String pipeline, int partition, PartitionState ps) throws SQLException {
    int seq = 0;
    if (ps.full()) {
      for (String table : List.of("checkpoint_state", "checkpoint_chunks")) {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM " + table + " WHERE pipeline = ? AND partition_no = ?")) {
          s.setString(1, pipeline);
          s.setInt(2, partition);
          s.executeUpdate();
        }
      }
    } else {
      try (PreparedStatement s = c.prepareStatement(
          "SELECT COALESCE(MAX(seq), -1) FROM checkpoint_chunks WHERE pipeline = ? AND partition_no = ?")) {
        s.setString(1, pipeline);
        s.setInt(2, partition);
        try (ResultSet r = s.executeQuery()) {
          r.next();
          seq = r.getInt(1) + 1;
        }
      }
    }
    writeSequence(c, pipeline, partition, seq, ps.buckets());
    try (PreparedStatement s = c.prepareStatement(ps.full()
        ? "INSERT INTO checkpoint_state (pipeline, partition_no, bucket, state) VALUES (?, ?, ?, ?)"
        : "MERGE INTO checkpoint_state (pipeline, partition_no, bucket, state) KEY (pipeline, partition_no, bucket) "
            + "VALUES (?, ?, ?, ?)")) {
      for (int row : new int[] {HEADER_ROW, LAYOUT_ROW}) {
        s.setString(1, pipeline);
        s.setInt(2, partition);
        s.setInt(3, row);
        s.setBytes(4, row == HEADER_ROW ? ps.header()
            : java.nio.ByteBuffer.allocate(4).putInt(PartitionState.BUCKETS).array());
        s.addBatch();
      }
      s.executeBatch();
    }
  }

  /** The buckets, in bucket order, as sequence {@code seq} (nothing for none). */
  private static void writeSequence(Connection c, String pipeline, int partition, int seq, Map<Integer, byte[]> buckets)
      throws SQLException {
    if (buckets.isEmpty()) {
      return;
    }
    BlobBuffer all = new BlobBuffer();
    int[] order = buckets.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
    for (int b : order) {
      byte[] bytes = buckets.get(b);
      all.writeVarLong(b);
      all.writeVarLong(bytes == null ? 0 : bytes.length);
      if (bytes != null) {
        all.write(bytes);
      }
    }
    byte[] sequence = all.toArray();
    try (PreparedStatement s = c.prepareStatement(
        "INSERT INTO checkpoint_chunks (pipeline, partition_no, seq, chunk, state) VALUES (?, ?, ?, ?, ?)")) {
      for (int from = 0, chunk = 0; from < sequence.length; from += CHUNK_BYTES, chunk++) {
        s.setString(1, pipeline);
        s.setInt(2, partition);
        s.setInt(3, seq);
        s.setInt(4, chunk);
        s.setBytes(5, Arrays.copyOfRange(sequence, from, Math.min(sequence.length, from + CHUNK_BYTES)));
        s.addBatch();
      }
      s.executeBatch();
    }
  }

  /** Drops the partitions from {@code count} on (a checkpoint of fewer partitions than the one before). */
  static void deleteFrom(Connection c, String pipeline, int count) throws SQLException {
    for (String table : List.of("checkpoint_state", "checkpoint_chunks")) {
      try (PreparedStatement s = c.prepareStatement("DELETE FROM " + table + " WHERE pipeline = ? AND partition_no >= ?")) {
        s.setString(1, pipeline);
        s.setInt(2, count);
        s.executeUpdate();
      }
    }
  }

  /** Every partition's state as stored: its buckets in bucket order, each once. */
  static List<PartitionState> read(Connection c, String pipeline) throws SQLException {
    Map<Integer, Map<Integer, byte[]>> buckets = readChunks(c, pipeline);
    Map<Integer, byte[]> headers = new TreeMap<>();
    Set<Integer> currentLayout = new HashSet<>();
    try (PreparedStatement p = c.prepareStatement(
        "SELECT partition_no, bucket, state FROM checkpoint_state WHERE pipeline = ? ORDER BY partition_no, bucket")) {
      p.setString(1, pipeline);
      try (ResultSet r = p.executeQuery()) {
        while (r.next()) {
          int partition = r.getInt(1);
          int bucket = r.getInt(2);
          byte[] state = r.getBytes(3);
          if (bucket == LAYOUT_ROW) {
            if (state != null && state.length == 4 && java.nio.ByteBuffer.wrap(state).getInt() == PartitionState.BUCKETS) {
              currentLayout.add(partition);
            }
          } else if (bucket < 0) {
            headers.put(partition, state);
          } else {
            buckets.computeIfAbsent(partition, k -> new TreeMap<>()).put(bucket, state); // an older version's row
          }
        }
      }
    }
    List<PartitionState> parts = new ArrayList<>();
    for (Map.Entry<Integer, byte[]> h : headers.entrySet()) {
      Map<Integer, byte[]> of = buckets.getOrDefault(h.getKey(), Map.of());
      // buckets of an older version's format are all rewritten by the next cut too
      boolean current = currentLayout.contains(h.getKey()) && of.values().stream().allMatch(PartitionState::isCompact);
      parts.add(new PartitionState(h.getValue(), new LinkedHashMap<>(of), true, current));
    }
    return parts;
  }

  /** Per partition, its buckets as its sequences leave them, applied in order. */
  private static Map<Integer, Map<Integer, byte[]>> readChunks(Connection c, String pipeline) throws SQLException {
    Map<Integer, Map<Integer, byte[]>> out = new HashMap<>();
    try (PreparedStatement p = c.prepareStatement("SELECT partition_no, seq, state FROM checkpoint_chunks "
        + "WHERE pipeline = ? ORDER BY partition_no, seq, chunk")) {
      p.setString(1, pipeline);
      try (ResultSet r = p.executeQuery()) {
        BlobBuffer sequence = new BlobBuffer();
        int partition = -1;
        int seq = -1;
        while (r.next()) {
          if (r.getInt(1) != partition || r.getInt(2) != seq) {
            apply(sequence, out, partition);
            partition = r.getInt(1);
            seq = r.getInt(2);
          }
          sequence.write(r.getBytes(3));
        }
        apply(sequence, out, partition);
      }
    }
    return out;
  }

  /** Applies one whole sequence of a partition's buckets, and empties {@code sequence} for the next. */
  private static void apply(BlobBuffer sequence, Map<Integer, Map<Integer, byte[]>> out, int partition) {
    if (sequence.size() == 0) {
      return;
    }
    Map<Integer, byte[]> of = out.computeIfAbsent(partition, k -> new TreeMap<>());
    BlobReader in = new BlobReader(sequence.toArray(), 0);
    sequence.reset();
    try {
      while (!in.atEnd()) {
        int bucket = (int) in.readVarLong();
        byte[] state = in.readBytes(in.readCount());
        if (state.length == 0) {
          of.remove(bucket);
        } else {
          of.put(bucket, state);
        }
      }
    } catch (SnapshotCodec.Corrupt damaged) {
      // A bucket no format reads: the restore reports the checkpoint as damaged, as for a damaged bucket row.
      of.put(DAMAGED_ROW, new byte[] {(byte) 0xFF});
    }
  }
}
