package dev.transom.cluster;

import dev.transom.compile.ItemError;
import dev.transom.compile.Outputs;
import dev.transom.compile.PipelineExecution;
import dev.transom.compile.Plan;
import dev.transom.io.JsonValues;
import dev.transom.state.SnapshotCodec;
import dev.transom.windowing.OperatorSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * One task's share of a pipeline's keys: the window core ({@link PipelineExecution}) for the keys of
 * the task's partition, fed each event (a JSON line keyed by the pipeline's key) at the task's
 * system time, and woken by wall-clock punctuation so windows close without input. Outputs are
 * forwarded as JSON lines keyed by the window's key.
 *
 * <p>The state is the store's: after each event and wake-up every key whose state changed is
 * written to it (its snapshot, as the single-node checkpoints encode it), and the store's changelog
 * makes it durable in the same transaction as the outputs and the input offsets (exactly-once v2).
 * On (re)initialisation, after a rebalance or a restart, the task rebuilds its operator from the
 * store. The operator is a cache of the store, never ahead of it at a commit.
 */
final class WindowProcessor implements Processor<String, String, String, String> {
  /** The store entry holding what is not a key's: the arrival counter and a shared clock. */
  static final String META_KEY = "\u0000meta";

  private final Plan plan;
  private final String storeName;
  private final Duration tick;
  private ProcessorContext<String, String> context;
  private KeyValueStore<String, byte[]> store;
  private PipelineExecution exec;
  private long lateItems;
  private long itemErrors;

  WindowProcessor(Plan plan, String storeName, Duration tick) {
    this.plan = plan;
    this.storeName = storeName;
    this.tick = tick;
  }

  @Override
  public void init(ProcessorContext<String, String> context) {
    this.context = context;
    this.store = context.getStateStore(storeName);
    this.exec = plan.start(new Outputs() {
      @Override
      public void output(Map<String, Object> record) {
        Object key = record.get("key");
        WindowProcessor.this.context.forward(new Record<>(key == null ? null : String.valueOf(key),
            JsonValues.toJson(record), WindowProcessor.this.context.currentSystemTimeMs()));
      }

      @Override
      public void late(Map<String, Object> record) {
        lateItems++;
      }

      @Override
      public void error(ItemError error) {
        itemErrors++;
      }
    });
    exec.operator().trackChanges();
    restore();
    context.schedule(tick, PunctuationType.WALL_CLOCK_TIME, this::wake);
  }

  /** The keys this task holds, read back from its store (a rebalance or a restart brought them here). */
  private void restore() {
    List<OperatorSnapshot.KeySnapshot> keys = new ArrayList<>();
    long nextSeq = 0;
    long[] shared = null;
    try (KeyValueIterator<String, byte[]> all = store.all()) {
      while (all.hasNext()) {
        KeyValue<String, byte[]> e = all.next();
        OperatorSnapshot s = decode(e.key, e.value);
        nextSeq = Math.max(nextSeq, s.nextSeq());
        if (e.key.equals(META_KEY)) {
          shared = s.sharedClock();
        } else {
          keys.addAll(s.keys());
        }
      }
    }
    if (!keys.isEmpty() || nextSeq > 0) {
      exec.restore(new OperatorSnapshot(nextSeq, shared, keys));
      exec.operator().drainChangedKeys(); // as stored: nothing to write back
    }
  }

  private static OperatorSnapshot decode(String key, byte[] value) {
    try {
      return SnapshotCodec.decode(value);
    } catch (SnapshotCodec.Corrupt e) {
      throw new IllegalStateException("the stored state of key '" + key + "' does not read: " + e.getMessage(), e);
    }
  }

  @Override
  public void process(Record<String, String> record) {
    long now = context.currentSystemTimeMs() * 1_000;
    Object event;
    try {
      event = JsonValues.parse(record.value() == null ? "null" : record.value());
    } catch (JsonValues.Invalid e) {
      itemErrors++; // ingest takes only JSON; a record written to the topic by hand may not be
      return;
    }
    exec.accept(event, now);
    persist();
  }

  private void wake(long timestampMs) {
    exec.advance(timestampMs * 1_000);
    persist();
  }

  /** Writes every key whose state changed since the last write; a key with no state left is deleted. */
  private void persist() {
    var op = exec.operator();
    var changed = op.drainChangedKeys();
    if (changed.isEmpty()) {
      return;
    }
    for (String key : changed) {
      OperatorSnapshot s = op.snapshot(List.of(key));
      if (s.keys().isEmpty()) {
        store.delete(key);
      } else {
        store.put(key, SnapshotCodec.encode(new OperatorSnapshot(s.nextSeq(), null, s.keys())));
      }
    }
    OperatorSnapshot meta = op.snapshot(List.of());
    store.put(META_KEY, SnapshotCodec.encode(new OperatorSnapshot(meta.nextSeq(), meta.sharedClock(), List.of())));
  }

  long lateItems() {
    return lateItems;
  }

  long itemErrors() {
    return itemErrors;
  }
}
