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
 * keeps commits in memory for up to 500 ms, which a {@code kill -9} would lose (STACK.md).
 */
public final class Database implements AutoCloseable {
  /** The schema scripts, in order; a new version is a new file added at the end. */
  static final List<String> MIGRATIONS = List.of("V1__checkpoints_and_ingest_log.sql");

  private final Path file;
  private final Connection connection;

  /** The database cannot be used; the message says what to do. */
  public static final class Unusable extends Exception {
    public Unusable(String message) {
      super(message, null, false, false);
    }
  }

  private Database(Path file, Connection connection) {
    this.file = file;
    this.connection = connection;
  }

  public static Database open(Path dataDir) throws Unusable {
    Path base = dataDir.toAbsolutePath().resolve("transom");
    Path file = Path.of(base + ".mv.db");
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new Unusable("cannot create the data directory " + dataDir + ": " + e.getMessage());
    }
    try {
      Connection c = DriverManager.getConnection("jdbc:h2:file:" + base + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE", "sa", "");
      c.setAutoCommit(false);
      Database db = new Database(file, c);
      db.migrate();
      return db;
    } catch (SQLException e) {
      throw new Unusable("the state database " + file + " cannot be opened (" + oneLine(e.getMessage())
          + "); if it is damaged, move it aside and start again: the pipelines then start empty");
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

  /** The one connection; every use is serialized by the callers' own thread discipline. */
  Connection connection() {
    return connection;
  }

  /** Commits and makes the commit survive power loss, not only a process crash. */
  void commitDurably() throws SQLException {
    connection.commit();
    try (Statement s = connection.createStatement()) {
      s.execute("CHECKPOINT SYNC");
    }
  }

  public Path file() {
    return file;
  }

  @Override
  public void close() {
    try {
      connection.close();
    } catch (SQLException ignored) {
      // closing at shutdown: nothing left to save
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
