package dev.transom.state;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every commit the database acknowledged survives a {@code kill -9} at a random moment, over many
 * crashes of the same file. Written against H2's own failure: after a crash it can open a version
 * several commits older than the newest one in the file ({@link NewestVersion}). Without the
 * repair this test loses commits within a few cycles.
 */
// Runs beside the other test classes: a child JVM does the work; the test mostly waits to kill it.
@Execution(ExecutionMode.CONCURRENT)
class UncleanShutdownIT {
  @TempDir
  Path tmp;

  @Test
  void acknowledgedCommitsSurviveRepeatedKills() throws Exception {
    long seed = Long.getLong("transom.unclean.seed", System.nanoTime());
    int cycles = Integer.getInteger("transom.unclean.cycles", 30);
    System.out.println("UncleanShutdownIT seed=" + seed + " cycles=" + cycles);
    Random random = new Random(seed);
    Path data = tmp.resolve("data");
    long acknowledged = 0;
    List<String> losses = new ArrayList<>();
    for (int cycle = 1; cycle <= cycles; cycle++) {
      Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
          System.getProperty("java.class.path"), CommitLoop.class.getName(), data.toString(),
          Long.toString(random.nextLong())).redirectError(tmp.resolve("commit-loop.err").toFile()).start();
      AtomicLong opened = new AtomicLong(-1);
      AtomicLong committed = new AtomicLong(-1);
      Thread reader = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line; (line = r.readLine()) != null; ) {
            if (line.startsWith("opened ")) {
              opened.set(Long.parseLong(line.substring(7)));
            } else if (line.startsWith("committed ")) {
              committed.set(Long.parseLong(line.substring(10)));
            }
          }
        } catch (java.io.IOException ignored) {
          // the process was killed
        }
      });
      reader.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (opened.get() < 0 && p.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertTrue(opened.get() >= 0, "cycle " + cycle + ": the writer did not open the database (seed " + seed
          + "): " + Files.readString(tmp.resolve("commit-loop.err")));
      if (opened.get() < acknowledged) {
        losses.add("cycle " + cycle + ": opened counter " + opened.get() + ", but " + acknowledged
            + " had been committed durably");
      }
      Thread.sleep(200 + random.nextInt(2_000));
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
      reader.join(10_000);
      acknowledged = Math.max(acknowledged, committed.get());
    }
    assertTrue(losses.isEmpty(), "seed " + seed + ": acknowledged commits lost after kill -9:\n" + String.join("\n", losses));
    assertTrue(acknowledged > cycles, "the writer hardly committed anything (" + acknowledged + ")");
  }
}
