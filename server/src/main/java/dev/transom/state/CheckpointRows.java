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
 * lengths (one text column, a line per file) and the records still owed to at-least-once sinks
 * (rows of {@code checkpoint_deliveries}, replaced in the checkpoint's transaction).
 */
final class CheckpointRows {
  private CheckpointRows() {}

  /** Replaces the stored undelivered records of the pipeline's at-least-once sinks (in the checkpoint's transaction). */
  static void saveDeliveries(Connection c, Checkpoint cp) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("DELETE FROM checkpoint_deliveries WHERE pipeline = ?")) {
      s.setString(1, cp.pipeline());
      s.executeUpdate();
    }
    if (cp.deliveries().isEmpty()) {
      return;
    }
    try (PreparedStatement s = c.prepareStatement(
        "INSERT INTO checkpoint_deliveries (pipeline, sink, seq, record) VALUES (?, ?, ?, ?)")) {
      for (Checkpoint.Delivery d : cp.deliveries()) {
        for (int i = 0; i < d.records().size(); i++) {
          s.setString(1, cp.pipeline());
          s.setString(2, d.sink());
          s.setInt(3, i);
          s.setBytes(4, d.records().get(i));
          s.addBatch();
        }
      }
      s.executeBatch();
    }
  }

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
