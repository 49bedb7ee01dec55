package dev.transom.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The h2 sink's rows: what a record becomes, and that they are written in their caller's transaction. */
class SinkTablesTest {
  @TempDir
  Path dir;

  private static final Instant OPEN = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant CLOSE = Instant.parse("2026-01-01T00:00:10Z");

  private static Map<String, Object> output(Object key) {
    Map<String, Object> window = new LinkedHashMap<>();
    window.put("open_time", OPEN);
    window.put("close_time", CLOSE);
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("pipeline", "p");
    r.put("key", key);
    r.put("window", window);
    r.put("value", 3L);
    return r;
  }

  @Test
  void aWindowOutputBecomesItsKeyAsTextItsWindowsTimesAndItsJson() {
    Checkpoint.TableRow row = SinkTables.row("t", output(7L));
    assertEquals(new Checkpoint.TableRow("t", "7", OPEN, CLOSE,
        "{\"pipeline\":\"p\",\"key\":7,\"window\":{\"open_time\":\"2026-01-01T00:00:00Z\","
            + "\"close_time\":\"2026-01-01T00:00:10Z\"},\"value\":3}"), row);
  }

  @Test
  void aRecordWithoutKeyOrWindowHasNullsThere() {
    Map<String, Object> reshaped = new LinkedHashMap<>();
    reshaped.put("total", 5L);
    assertEquals(new Checkpoint.TableRow("t", null, null, null, "{\"total\":5}"), SinkTables.row("t", reshaped));
  }

  @Test
  void rowsAreInsertedInOrderInTheCallersTransactionOnly() throws Exception {
    try (Database db = Database.open(dir)) {
      Connection c = db.connection();
      SinkTables.create(c, "Out_Rows");
      Database.commitDurably(c);
      List<Checkpoint.TableRow> rows = List.of(SinkTables.row("Out_Rows", output("b")), SinkTables.row("Out_Rows", output("a")));
      SinkTables.insert(c, "p", 4, rows);
      c.rollback();
      assertEquals(List.of(), read(c), "rolled back with the transaction");
      SinkTables.insert(c, "p", 5, rows);
      c.commit();
      assertEquals(List.of("p b 2026-01-01T00:00:00Z 2026-01-01T00:00:10Z 5", "p a 2026-01-01T00:00:00Z 2026-01-01T00:00:10Z 5"),
          read(c));
      assertNull(SinkTables.problem(c, "Out_Rows"), "a table the sink made is one it can write");
      assertNull(SinkTables.problem(c, "missing"), "a missing one is made at deployment");
      try (Statement s = c.createStatement()) {
        s.execute("CREATE TABLE \"Other\" (id BIGINT, note VARCHAR(10))");
      }
      assertEquals("table Other exists but is not an h2 sink's table (it needs the columns id, pipeline, "
          + "record_key, open_time, close_time, record and epoch)", SinkTables.problem(c, "Other"));
    }
  }

  private static List<String> read(Connection c) throws Exception {
    List<String> out = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT pipeline, record_key, open_time, close_time, epoch FROM \"Out_Rows\" ORDER BY id")) {
      while (r.next()) {
        out.add(r.getString(1) + " " + r.getString(2) + " " + r.getObject(3, java.time.OffsetDateTime.class).toInstant()
            + " " + r.getObject(4, java.time.OffsetDateTime.class).toInstant() + " " + r.getLong(5));
      }
    }
    return out;
  }
}
