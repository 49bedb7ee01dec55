package dev.transom.state;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

/**
 * The tables of the {@code kind: h2} sink ({@code components.H2Sink} declares its YAML), all in one
 * place: how a window output or late record becomes a row, the table's columns, and its SQL. The
 * caller owns the connection and the transaction: {@link H2State} inserts a checkpoint's rows in
 * that checkpoint's own transaction, so rows and state commit together or not at all.
 */
public final class SinkTables {
  private SinkTables() {}

  /** The same pattern as the sink's {@code table} field: a name checked there is always quotable. */
  private static final String NAME = "[A-Za-z_][A-Za-z0-9_]{0,62}";

  /** The columns a sink writes, after the generated {@code id}, in this order. */
  private static final String COLUMNS = "pipeline, record_key, open_time, close_time, record, epoch";

  /**
   * The row of {@code record} (an output or a late record) for {@code table}: its key as text, its
   * window's open and close times when it has a window, and the whole record as JSON. A record that
   * {@code then: map} reshaped may lack any of these but the JSON.
   */
  public static Checkpoint.TableRow row(String table, Map<String, Object> record) {
    Object key = record.get("key");
    Instant open = null;
    Instant close = null;
    if (record.get("window") instanceof Map<?, ?> w) {
      open = w.get("open_time") instanceof Instant i ? i : null;
      close = w.get("close_time") instanceof Instant i ? i : null;
    }
    return new Checkpoint.TableRow(table, key == null ? null : String.valueOf(key), open, close,
        dev.transom.io.JsonValues.toJson(record));
  }

  /** Creates {@code table} when it is missing; DDL commits on its own, so never inside a checkpoint. */
  static void create(Connection c, String table) throws SQLException {
    try (java.sql.Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS " + quote(table) + " (id BIGINT AUTO_INCREMENT PRIMARY KEY, "
          + "pipeline VARCHAR(63) NOT NULL, record_key VARCHAR(100000), open_time TIMESTAMP WITH TIME ZONE, "
          + "close_time TIMESTAMP WITH TIME ZONE, record CLOB NOT NULL, epoch BIGINT NOT NULL)");
    }
  }

  /**
   * Inserts {@code rows}, in their order (so each table's ids follow it), as {@code pipeline}'s
   * rows of {@code epoch}, in the caller's transaction.
   */
  static void insert(Connection c, String pipeline, long epoch, List<Checkpoint.TableRow> rows) throws SQLException {
    for (Checkpoint.TableRow row : rows) {
      try (PreparedStatement s = c.prepareStatement("INSERT INTO " + quote(row.table()) + " (" + COLUMNS
          + ") VALUES (?, ?, ?, ?, ?, ?)")) {
        s.setString(1, pipeline);
        s.setString(2, row.key());
        s.setObject(3, utc(row.openTime()));
        s.setObject(4, utc(row.closeTime()));
        s.setString(5, row.record());
        s.setLong(6, epoch);
        s.executeUpdate();
      }
    }
  }

  /**
   * Why a sink cannot write {@code table}, or null: a table of that name that exists must have the
   * columns {@link #create} makes (one made by hand, or by something else, would refuse every
   * checkpoint's rows). A table that does not exist yet is made at deployment, so it is no problem.
   * Leaves the transaction to the caller to end.
   */
  static String problem(Connection c, String table) throws SQLException {
    try (java.sql.Statement s = c.createStatement()) {
      s.executeQuery("SELECT id, " + COLUMNS + " FROM " + quote(table) + " WHERE 1 = 0").close();
      return null;
    } catch (SQLException e) {
      if (e.getErrorCode() != org.h2.api.ErrorCode.COLUMN_NOT_FOUND_1) {
        return null; // no such table yet, or storage failing: the deployment makes it or reports that
      }
      return "table " + table + " exists but is not an h2 sink's table (it needs the columns id, pipeline, "
          + "record_key, open_time, close_time, record and epoch)";
    }
  }

  /** Quoted, so the table keeps its case as written; names are checked by the sink's spec already. */
  static String quote(String table) {
    if (!table.matches(NAME)) {
      throw new IllegalArgumentException("bad table name " + table);
    }
    return "\"" + table + "\"";
  }

  private static Object utc(Instant t) {
    return t == null ? null : t.atOffset(ZoneOffset.UTC);
  }
}
