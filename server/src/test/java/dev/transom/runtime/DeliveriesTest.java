package dev.transom.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.transom.components.DeliveryQueue;
import dev.transom.components.RecordSink;
import dev.transom.components.SinkSet;
import dev.transom.io.JsonValues;
import dev.transom.io.RecordJson;
import dev.transom.state.Checkpoint;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With queues that deliver only when the test says so. */
class DeliveriesTest {
  /** Holds what is written until {@link #deliver}; records are plain strings. */
  static final class HeldQueue implements DeliveryQueue {
    final String url;
    final List<byte[]> held = new ArrayList<>();
    long delivered;
    boolean detached;
    int flushes;

    HeldQueue(String url) {
      this.url = url;
    }

    void add(String record) {
      held.add(record.getBytes(StandardCharsets.UTF_8));
    }

    void deliver(int n) {
      held.subList(0, n).clear();
      delivered += n;
    }

    List<String> texts() {
      return texts(held);
    }

    static List<String> texts(List<byte[]> records) {
      return records.stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList();
    }

    @Override
    public String name() {
      return "webhook " + url;
    }

    @Override
    public String kind() {
      return "webhook";
    }

    @Override
    public List<byte[]> undelivered() {
      return new ArrayList<>(held);
    }

    @Override
    public void requeue(List<byte[]> records) {
      held.addAll(0, records);
    }

    @Override
    public List<byte[]> detach() {
      detached = true;
      List<byte[]> all = new ArrayList<>(held);
      held.clear();
      return all;
    }

    @Override
    public long delivered() {
      return delivered;
    }

    @Override
    public long failedAttempts() {
      return 0;
    }

    @Override
    public String lastError() {
      return null;
    }

    @Override
    public void write(Map<String, Object> record) {
      add(String.valueOf(record.get("r")));
    }

    @Override
    public void flush() {
      flushes++;
    }

    @Override
    public long backlog() {
      return held.size();
    }

    @Override
    public long backlogLimit() {
      return 3;
    }

    @Override
    public String describe() {
      return url;
    }

    @Override
    public void close() {}
  }

  private static Checkpoint.Delivery stored(String sink, String... records) {
    List<byte[]> rs = new ArrayList<>();
    for (String r : records) {
      rs.add(r.getBytes(StandardCharsets.UTF_8));
    }
    return new Checkpoint.Delivery(sink, rs);
  }

  @Test
  void storedRecordsGoBackFirstIntoTheSinkOfTheSameNameAndACheckpointTakesThemAgain() throws Exception {
    Deliveries d = new Deliveries();
    d.restore(List.of(stored("webhook http://a/", "s1", "s2"), stored("webhook http://gone/", "x")));
    HeldQueue a = new HeldQueue("http://a/");
    HeldQueue lateA = new HeldQueue("http://a/");
    d.attach("p", new SinkSet(List.of(a), lateA));
    assertEquals(List.of("s1", "s2"), a.texts(), "the stored records, and nothing for a sink the definition lost");
    assertTrue(lateA.held.isEmpty(), "the late sink has a name of its own");
    a.write(Map.of("r", "r1"));
    lateA.write(Map.of("r", "l1"));
    List<Checkpoint.Delivery> cut = d.collect();
    assertEquals(1, a.flushes, "the immediate sinks are flushed before a checkpoint is stored");
    assertEquals(2, cut.size());
    assertEquals("webhook http://a/", cut.get(0).sink());
    assertEquals(List.of("s1", "s2", "r1"), HeldQueue.texts(cut.get(0).records()));
    assertEquals("late webhook http://a/", cut.get(1).sink());
    a.deliver(3);
    lateA.deliver(1);
    assertTrue(d.collect().isEmpty(), "nothing to store once delivered");
  }

  @Test
  void aReloadHandsTheOldQueueToTheNewSinkOfTheSameNameAndCountsKeepGrowing() {
    Deliveries d = new Deliveries();
    HeldQueue old = new HeldQueue("http://a/");
    HeldQueue dropped = new HeldQueue("http://b/");
    d.attach("p", new SinkSet(List.of(old, dropped), null));
    old.add("r1");
    old.add("r2");
    old.deliver(1);
    dropped.add("b1");
    HeldQueue next = new HeldQueue("http://a/");
    d.attach("p", new SinkSet(List.<RecordSink>of(next), null));
    assertTrue(old.detached);
    assertEquals(List.of("r2"), next.texts());
    assertEquals(List.of("b1"), dropped.texts(), "a removed sink keeps what it holds, to deliver in the background");
    next.deliver(1);
    Deliveries.Queue view = d.describe().get(0);
    assertEquals("webhook http://a/", view.sink());
    assertEquals(2L, view.delivered(), "delivered before and after the reload");
    assertEquals(0L, view.pending());
    assertEquals(1, d.describe().size(), "only the sinks of the running version");
  }

  @Test
  void theApiShowsEachQueuedSinkWithItsCountsInOrder() {
    Deliveries d = new Deliveries();
    HeldQueue a = new HeldQueue("http://a/");
    HeldQueue lateA = new HeldQueue("http://a/");
    d.attach("p", new SinkSet(List.of(a), lateA));
    a.add("1");
    a.add("2");
    a.deliver(1);
    assertEquals("[{\"sink\":\"webhook http://a/\",\"pending\":1,\"limit\":3,\"delivered\":1,\"failed_attempts\":0,"
        + "\"last_error\":null},{\"sink\":\"late webhook http://a/\",\"pending\":0,\"limit\":3,\"delivered\":0,"
        + "\"failed_attempts\":0,\"last_error\":null}]", JsonValues.toJson(RecordJson.of(d.describe())));
  }

  @Test
  void inputWaitsWhileASinkHoldsItsLimit() {
    Deliveries d = new Deliveries();
    HeldQueue a = new HeldQueue("http://a/");
    d.attach("p", new SinkSet(List.of(a), null));
    a.add("1");
    a.add("2");
    assertNull(d.backpressure());
    a.add("3");
    assertEquals("its sink http://a/ has 3 records waiting for delivery (limit 3)", d.backpressure());
    a.deliver(1);
    assertNull(d.backpressure());
  }
}
