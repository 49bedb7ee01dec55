package dev.transom.state;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The embedded H2 database under {@code --data} ({@code transom.mv.db}), its schema brought up to
 * date by the versioned scripts in {@code db/}. Opened with {@code WRITE_DELAY=0}: by default H2
 * keeps commits in memory for up to 500 ms, which a {@code kill -9} would lose (H2's documented default).
 */
public final class Database implements AutoCloseable {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("transom.state");
  /** The schema scripts, in order; a new version is a new file added at the end. */
  static final List<String> MIGRATIONS = List.of("V1__checkpoints_and_ingest_log.sql", "V2__ingest_batches_by_time.sql",
      "V3__checkpoint_flush_definition.sql", "V4__sink_starts.sql", "V5__checkpoint_deliveries.sql",
      "V6__checkpoint_chunks.sql", "V7__checkpoint_source_state.sql", "V8__checkpoint_delivery_chunks.sql");

  private final Path file;
  private final String url;
  private final DiskFullFault fault;
  /** Replaced by {@link #reopenIfClosed} (state thread only) after H2 closed the database. */
  private volatile Connection connection;
  /** Batch id and sequence lookups of the ingest thread only (reads, auto-commit). */
  private volatile Connection ingestConnection;
  /** Set on the state thread when H2 no longer answers on {@link #connection}. */
  private boolean closedUnderneath;

  /** The database cannot be used; the message says what to do. */
  public static final class Unusable extends Exception {
    public Unusable(String message) {
      super(message, null, false, false);
    }
  }

  private Database(Path file, String url, DiskFullFault fault, Connection connection, Connection ingestConnection) {
    this.file = file;
    this.url = url;
    this.fault = fault;
    this.connection = connection;
    this.ingestConnection = ingestConnection;
  }

  public static Database open(Path dataDir) throws Unusable {
    return open(dataDir, DiskFullFault.fromEnvironment());
  }

  static Database open(Path dataDir, DiskFullFault fault) throws Unusable {
    Path base = dataDir.toAbsolutePath().resolve("transom");
    Path file = Path.of(base + ".mv.db");
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new Unusable("cannot create the data directory " + dataDir + ": " + e.getMessage());
    }
    restoreNewestVersion(file);
    try {
      if (fault.armed()) {
        DiskFullFilePath.register(fault);
      }
      String url = "jdbc:h2:" + (fault.armed() ? DiskFullFilePath.SCHEME : "file") + ":" + base
          + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE;COMPRESS=TRUE";
      Connection c = DriverManager.getConnection(url, "sa", "");
      c.setAutoCommit(false);
      Connection ingest;
      try {
        ingest = DriverManager.getConnection(url, "sa", "");
      } catch (SQLException e) {
        c.close();
        throw e;
      }
      Database db = new Database(file, url, fault, c, ingest);
      db.migrate();
      return db;
    } catch (SQLException e) {
      if (isLocked(e)) {
        throw new Unusable("another transom server (or process) is using " + dataDir + " (" + file.getFileName()
            + " is locked); stop it or use --data DIR");
      }
      throw new Unusable("the state database " + file + " cannot be opened (" + oneLine(e.getMessage())
          + "); if it is damaged, move it aside and start again: the pipelines then start empty");
    }
  }

  /**
   * Whether H2 refused the file because another process holds it open (its lock), which is no
   * damage: moving the file aside would lose state that the other process is still using.
   */
  static boolean isLocked(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s && s.getErrorCode() == org.h2.api.ErrorCode.DATABASE_ALREADY_OPEN_1) {
        return true;
      }
      String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(java.util.Locale.ROOT);
      if (m.contains("file is locked") || m.contains("already in use")) {
        return true;
      }
    }
    return false;
  }

  /** See {@link NewestVersion}: without this, a crash can cost commits that are complete in the file. */
  private static void restoreNewestVersion(Path file) {
    try {
      NewestVersion.Outcome o = NewestVersion.restore(file);
      if (o != null && o.lost() > 0) {
        LOG.warn("the state database was not closed cleanly and H2 would have opened version {}; the file holds every"
            + " version up to {}, which is the one opened", o.opened(), o.newest());
      }
    } catch (RuntimeException e) {
      // the open below reports a file it cannot use (locked by another server, damaged) in its own words
      String m = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
      if (m.contains("locked") || m.contains("already in use")) {
        return;
      }
      LOG.warn("could not look for versions of the state database newer than its header names ({})",
          oneLine(e.getMessage()));
    }
  }

  private void migrate() throws SQLException, Unusable {
    try (Statement s = connection.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS schema_version (version INT NOT NULL)");
      int current = 0;
      try (ResultSet r = s.executeQuery("SELECT MAX(version) FROM schema_version")) {
        if (r.next()) {
          current = r.getInt(1);
        }
      }
      if (current > MIGRATIONS.size()) {
        throw new Unusable("the state database " + file + " was written by a newer Transom (schema " + current + ")");
      }
      for (int v = current + 1; v <= MIGRATIONS.size(); v++) {
        for (String statement : script(MIGRATIONS.get(v - 1))) {
          s.execute(statement);
        }
        s.execute("INSERT INTO schema_version VALUES (" + v + ")");
      }
    }
    connection.commit();
  }

  private static List<String> script(String name) throws Unusable {
    try (InputStream in = Database.class.getResourceAsStream("/db/" + name)) {
      if (in == null) {
        throw new Unusable("missing schema script " + name);
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).replaceAll("(?m)^--.*$", "");
      return java.util.Arrays.stream(text.split(";")).map(String::strip).filter(x -> !x.isEmpty()).toList();
    } catch (IOException e) {
      throw new Unusable("cannot read schema script " + name);
    }
  }

  /**
   * The connection for checkpoints, recovery and everything else but appends; each connection is
   * used by one thread only.
   */
  Connection connection() {
    return connection;
  }

  /** The ingest thread's connection: it only reads, so it never waits behind a checkpoint. */
  Connection ingestConnection() {
    return ingestConnection;
  }

  /** The test-only full disk this database was opened with (inert in production). */
  DiskFullFault fault() {
    return fault;
  }

  /**
   * After work on the state connection failed: notes whether H2 has closed the database. H2 does
   * that when it cannot write its file (a full disk, an I/O error), and every later statement on
   * any of its connections then fails with "The database has been closed" until it is reopened.
   */
  void noteFailure() {
    closedUnderneath = !answers(connection);
  }

  /**
   * Before work on the state thread: replaces the state connection when H2 closed the database
   * underneath it. Returns whether it did, so the ingest thread can replace its own; throws (and
   * tries again next time) when the database cannot be opened yet.
   */
  boolean reopenIfClosed() throws SQLException {
    if (!closedUnderneath) {
      return false;
    }
    Connection fresh = DriverManager.getConnection(url, "sa", "");
    fresh.setAutoCommit(false);
    closeQuietly(connection);
    connection = fresh;
    closedUnderneath = false;
    return true;
  }

  /** Replaces the ingest connection (ingest thread only), once the state thread reopened the database. */
  void reopenIngest() throws SQLException {
    Connection fresh = DriverManager.getConnection(url, "sa", "");
    closeQuietly(ingestConnection);
    ingestConnection = fresh;
  }

  private static boolean answers(Connection c) {
    try (Statement s = c.createStatement()) {
      s.executeQuery("SELECT 1").close();
      return true;
    } catch (SQLException e) {
      return false;
    }
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException ignored) {
      // a connection of a database H2 closed cannot even close cleanly; nothing of it is needed
    }
  }

  /** Commits {@code c} and makes the commit survive power loss, not only a process crash. */
  static void commitDurably(Connection c) throws SQLException {
    c.commit();
    sync(c);
  }

  /** Forces what is committed to disk (a power loss then keeps it). */
  static void sync(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("CHECKPOINT SYNC");
    }
  }

  public Path file() {
    return file;
  }

  @Override
  public void close() {
    for (Connection c : List.of(ingestConnection, connection)) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // closing at shutdown: nothing left to save
      }
    }
  }

  static String oneLine(String s) {
    if (s == null) {
      return "unknown error";
    }
    int nl = s.indexOf('\n');
    return nl >= 0 ? s.substring(0, nl) : s;
  }
}
