package dev.transom.state;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of a stored checkpoint beside the partitions' state: the exactly-once files' committed
 * lengths (one text column, a line per file) and the records still owed to sinks (webhooks, kafka
 * topics: packed into rows of {@code checkpoint_delivery_chunks}, replaced in the checkpoint's transaction).
 */
final class CheckpointRows {
  private CheckpointRows() {}

  /**
   * Replaces the stored records owed to the pipeline's sinks (in the checkpoint's transaction): each
   * sink's records as one sequence of (length, bytes) entries cut into chunks, as a partition's
   * buckets are ({@link PartitionRows}); rows of the table a record per row that older versions
   * wrote are removed.
   */
  static void saveDeliveries(Connection c, Checkpoint cp) throws SQLException {
    for (String table : List.of("checkpoint_deliveries", "checkpoint_delivery_chunks")) {
      try (PreparedStatement s = c.prepareStatement("DELETE FROM " + table + " WHERE pipeline = ?")) {
        s.setString(1, cp.pipeline());
        s.executeUpdate();
      }
    }
    if (cp.deliveries().isEmpty()) {
      return;
    }
    try (PreparedStatement s = c.prepareStatement(
        "INSERT INTO checkpoint_delivery_chunks (pipeline, sink, chunk, records) VALUES (?, ?, ?, ?)")) {
      BlobBuffer all = new BlobBuffer();
      for (Checkpoint.Delivery d : cp.deliveries()) {
        all.reset();
        for (byte[] record : d.records()) {
          all.writeVarLong(record.length);
          all.write(record);
        }
        byte[] sequence = all.toArray();
        for (int from = 0, chunk = 0; from < sequence.length; from += PartitionRows.CHUNK_BYTES, chunk++) {
          s.setString(1, cp.pipeline());
          s.setString(2, d.sink());
          s.setInt(3, chunk);
          s.setBytes(4, Arrays.copyOfRange(sequence, from, Math.min(sequence.length, from + PartitionRows.CHUNK_BYTES)));
          s.addBatch();
        }
      }
      s.executeBatch();
    }
  }

  /** The records owed to each sink, in their order: from the rows of older versions, then from the chunks. */
  static List<Checkpoint.Delivery> loadDeliveries(Connection c, String pipeline) throws SQLException {
    Map<String, List<byte[]>> bySink = new LinkedHashMap<>();
    try (PreparedStatement s = c.prepareStatement(
        "SELECT sink, record FROM checkpoint_deliveries WHERE pipeline = ? ORDER BY sink, seq")) {
      s.setString(1, pipeline);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          bySink.computeIfAbsent(r.getString(1), k -> new ArrayList<>()).add(r.getBytes(2));
        }
      }
    }
    Map<String, BlobBuffer> sequences = new LinkedHashMap<>();
    try (PreparedStatement s = c.prepareStatement(
        "SELECT sink, records FROM checkpoint_delivery_chunks WHERE pipeline = ? ORDER BY sink, chunk")) {
      s.setString(1, pipeline);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          sequences.computeIfAbsent(r.getString(1), k -> new BlobBuffer()).write(r.getBytes(2));
        }
      }
    }
    for (Map.Entry<String, BlobBuffer> e : sequences.entrySet()) {
      List<byte[]> records = bySink.computeIfAbsent(e.getKey(), k -> new ArrayList<>());
      BlobReader in = new BlobReader(e.getValue().toArray(), 0);
      try {
        while (!in.atEnd()) {
          records.add(in.readBytes(in.readCount()));
        }
      } catch (SnapshotCodec.Corrupt damaged) {
        throw new SQLException("the records owed to sink '" + e.getKey() + "' do not read: " + damaged.getMessage(), damaged);
      }
    }
    List<Checkpoint.Delivery> out = new ArrayList<>();
    bySink.forEach((sink, records) -> out.add(new Checkpoint.Delivery(sink, records)));
    return out;
  }

  static String encodeMarks(Map<String, Long> marks) {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, Long> e : marks.entrySet()) {
      sb.append(e.getValue()).append(' ').append(e.getKey()).append('\n');
    }
    return sb.toString();
  }

  static Map<String, Long> decodeMarks(String text) {
    Map<String, Long> m = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      if (!line.isEmpty()) {
        int sp = line.indexOf(' ');
        m.put(line.substring(sp + 1), Long.parseLong(line.substring(0, sp)));
      }
    }
    return m;
  }
}
