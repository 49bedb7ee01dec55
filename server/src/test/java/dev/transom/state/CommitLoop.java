package dev.transom.state;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Random;

/**
 * A child process for {@link UncleanShutdownIT}: opens the state database as the server does,
 * prints the counter it finds, then commits forever in the server's pattern (buckets of very
 * different sizes rewritten, some deleted, so H2 reuses free space) and prints each counter value
 * once its commit is durable. The parent kills it with {@code kill -9} at a random moment.
 */
public final class CommitLoop {
  public static void main(String[] args) throws Exception {
    Database db = Database.open(Path.of(args[0]));
    Connection c = db.connection();
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS loop_counter (id INT PRIMARY KEY, n BIGINT NOT NULL)");
      s.execute("CREATE TABLE IF NOT EXISTS loop_bucket (id INT PRIMARY KEY, state VARBINARY NOT NULL)");
    }
    long n = 0;
    try (ResultSet r = c.createStatement().executeQuery("SELECT n FROM loop_counter WHERE id = 0")) {
      if (r.next()) {
        n = r.getLong(1);
      }
    }
    Database.commitDurably(c);
    System.out.println("opened " + n);
    System.out.flush();
    Random random = new Random(Long.parseLong(args[1]));
    try (PreparedStatement merge = c.prepareStatement("MERGE INTO loop_bucket KEY (id) VALUES (?, ?)");
        PreparedStatement delete = c.prepareStatement("DELETE FROM loop_bucket WHERE id = ?");
        PreparedStatement counter = c.prepareStatement("MERGE INTO loop_counter KEY (id) VALUES (0, ?)")) {
      while (true) {
        n++;
        for (int i = 1 + random.nextInt(40); i > 0; i--) {
          byte[] state = new byte[200 + random.nextInt(20_000)];
          random.nextBytes(state);
          merge.setInt(1, random.nextInt(256));
          merge.setBytes(2, state);
          merge.addBatch();
        }
        merge.executeBatch();
        delete.setInt(1, random.nextInt(256));
        delete.executeUpdate();
        counter.setLong(1, n);
        counter.executeUpdate();
        Database.commitDurably(c);
        System.out.println("committed " + n);
        System.out.flush();
        Thread.sleep(random.nextInt(20));
      }
    }
  }
}
