package dev.transom.state;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
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

  /** Records are packed into rows of about this many bytes (a record larger than it is a row of its own). */
  static final int CHUNK_BYTES = 256 * 1024;

  /**
   * Replaces the stored records owed to the pipeline's sinks (in the checkpoint's transaction): each
   * sink's records packed in order into chunks ({@code checkpoint_delivery_chunks}), rows of the
   * table a record per row that older versions wrote removed.
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
      for (Checkpoint.Delivery d : cp.deliveries()) {
        int chunk = 0;
        java.io.ByteArrayOutputStream packed = new java.io.ByteArrayOutputStream(CHUNK_BYTES);
        for (byte[] record : d.records()) {
          if (packed.size() > 0 && packed.size() + 4 + record.length > CHUNK_BYTES) {
            addChunk(s, cp.pipeline(), d.sink(), chunk++, packed);
          }
          packed.write(record.length >>> 24);
          packed.write(record.length >>> 16);
          packed.write(record.length >>> 8);
          packed.write(record.length);
          packed.writeBytes(record);
        }
        if (packed.size() > 0) {
          addChunk(s, cp.pipeline(), d.sink(), chunk, packed);
        }
      }
      s.executeBatch();
    }
  }

  private static void addChunk(PreparedStatement s, String pipeline, String sink, int chunk,
      java.io.ByteArrayOutputStream packed) throws SQLException {
    s.setString(1, pipeline);
    s.setString(2, sink);
    s.setInt(3, chunk);
    s.setBytes(4, packed.toByteArray());
    s.addBatch();
    packed.reset();
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
    try (PreparedStatement s = c.prepareStatement(
        "SELECT sink, records FROM checkpoint_delivery_chunks WHERE pipeline = ? ORDER BY sink, chunk")) {
      s.setString(1, pipeline);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          List<byte[]> records = bySink.computeIfAbsent(r.getString(1), k -> new ArrayList<>());
          java.nio.ByteBuffer packed = java.nio.ByteBuffer.wrap(r.getBytes(2));
          while (packed.hasRemaining()) {
            byte[] record = new byte[packed.getInt()];
            packed.get(record);
            records.add(record);
          }
        }
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
