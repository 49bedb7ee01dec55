package dev.transom.e2e;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The records an h2 sink wrote, read from a stopped server's database file, sorted. */
final class H2Rows {
  private H2Rows() {}

  static List<String> of(Path serverDir, String table) throws Exception {
    List<String> rows = new ArrayList<>();
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(
            "jdbc:h2:file:" + serverDir.resolve("data/transom").toAbsolutePath(), "sa", "");
        java.sql.ResultSet rs = c.createStatement().executeQuery("SELECT record FROM \"" + table + "\"")) {
      while (rs.next()) {
        rows.add(rs.getString(1));
      }
    }
    rows.sort(null);
    return rows;
  }
}
