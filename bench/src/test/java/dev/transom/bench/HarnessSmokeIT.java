package dev.transom.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The benchmark harness end to end on a small input, once: every contender (transom run with one
 * and two workers through the launcher, the parse floor, Flink at parallelism 1 and 2) runs the
 * tumbling and the session kind (all three are the benchmark's own command), and the harness itself
 * fails unless they all produce the same number of windows. Nothing here is timed: the figures on a
 * CI machine mean nothing.
 */
class HarnessSmokeIT {
  @Test
  void everyContenderRunsAndAgreesOnTheWindows() throws Exception {
    String table = Stdout.of(() -> Harness.main(new String[] {"20000", "1", "tumbling,session"}));
    for (String mode : new String[] {"tumbling", "session"}) {
      assertTrue(table.contains(mode + " windows"), "no table for " + mode + ":\n" + table);
    }
    for (String contender : new String[] {"transom run", "transom w=2", "parse floor", "flink p=1", "flink p=2"}) {
      assertTrue(table.split(contender, -1).length == 3, contender + " missing from a table:\n" + table);
    }
    assertTrue(table.contains("transom/flink(p=1)"), table);
  }
}
