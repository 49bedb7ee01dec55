package dev.transom.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.transom.components.H2Sink;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The names an h2 sink may not take are exactly the tables of a fresh database: a migration that
 * adds a table fails here until {@link H2Sink#SERVER_TABLES} has it too.
 */
class ServerTablesTest {
  @TempDir
  Path dir;

  @Test
  void theSinksReservedNamesAreTheServersTables() throws Exception {
    Set<String> tables = new TreeSet<>();
    try (Database db = Database.open(dir); Statement s = db.connection().createStatement();
        ResultSet r = s.executeQuery("SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'PUBLIC'")) {
      while (r.next()) {
        tables.add(r.getString(1));
      }
    }
    assertEquals(tables, new TreeSet<>(H2Sink.SERVER_TABLES));
  }
}
