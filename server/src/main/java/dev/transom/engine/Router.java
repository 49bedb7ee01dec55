package dev.transom.engine;

import dev.transom.compile.DirectReader;
import dev.transom.compile.ItemError;
import dev.transom.compile.ItemPreparer;
import dev.transom.compile.Plan;
import dev.transom.windowing.KeyGroups;
import java.util.List;
import java.util.function.Consumer;

/**
 * Prepares events (steps, key, time, value: stateless, so on the reading thread) and sends each to
 * the shard that owns its key's group, in input order: a key always reaches the same shard, and
 * sees exactly the sequence it would see with one. With one shard nothing is prepared here: the
 * shard prepares its events itself, on its own thread.
 */
public final class Router {
  /** Takes a full batch for one shard (may wait for room). */
  public interface Handoff {
    void batch(int shard, Batch batch) throws InterruptedException;
  }

  private final int shards;
  private final ItemPreparer preparer;
  /** Reads simple events straight from their line; {@code null} when events must be built. */
  private final DirectReader direct;
  private final Consumer<ItemError> prepareErrors;
  private final Consumer<LineDecoder.BadLine> badLines;
  private final int batchSize;
  private final Batch[] pending;
  private final Handoff handoff;
  private long line;

  /**
   * @param prepareErrors where the item errors of preparation go (with their lines)
   * @param badLines where the lines given to {@link #line} that are not JSON go
   * @param batchSize how many items a streamed batch holds before it is handed over
   * @param handoff takes the batches {@link #line} and {@link #flush} make, or null when only {@link #split} is used
   */
  public Router(Plan plan, int shards, Consumer<ItemError> prepareErrors, Consumer<LineDecoder.BadLine> badLines,
      int batchSize, Handoff handoff) {
    this.shards = shards;
    this.preparer = new ItemPreparer(plan.definition());
    this.direct = shards > 1 ? DirectReader.forPlan(plan) : null;
    this.prepareErrors = prepareErrors;
    this.badLines = badLines;
    this.batchSize = batchSize;
    this.handoff = handoff;
    this.pending = new Batch[shards];
  }

  public int shards() {
    return shards;
  }

  /**
   * A batch of events (one request's, or a file's lines as {@link NumberedEvents}, which keep their
   * lines) at {@code nowMicros}: per shard its batch, or null when it has none.
   */
  public Batch[] split(List<Object> events, long nowMicros) {
    Batch[] out = new Batch[shards];
    if (shards == 1) {
      out[0] = Batch.of(events, nowMicros);
      return out;
    }
    int expected = Math.max(16, 2 * events.size() / shards);
    NumberedEvents numbered = events instanceof NumberedEvents n ? n : null;
    int i = 0;
    for (Object e : events) {
      long lineNo = numbered == null ? 0 : numbered.line(i);
      i++;
      ItemPreparer.Prepared p = prepare(e, lineNo);
      if (p != null) {
        int s = KeyGroups.partitionOfKey(p.key(), shards);
        if (out[s] == null) {
          out[s] = new Batch(expected, nowMicros);
        }
        out[s].add(p, lineNo);
      }
    }
    return out;
  }

  /**
   * One line of a streamed input: read straight into its key and value when it can be, else parsed
   * and prepared; added to its shard's batch, which is handed over when full.
   */
  public void line(byte[] buf, int off, int len, long lineNo, long nowMicros) throws InterruptedException {
    ItemPreparer.Prepared p = new ItemPreparer.Prepared();
    if (direct == null || !direct.read(buf, off, len, p)) {
      Object event = LineDecoder.parse(buf, off, len, lineNo, badLines);
      if (event == LineDecoder.NOT_JSON || (p = prepare(event, lineNo)) == null) {
        return;
      }
    }
    int s = KeyGroups.partitionOfKey(p.key(), shards);
    Batch b = pending[s];
    if (b == null) {
      b = pending[s] = new Batch(batchSize, nowMicros);
    }
    b.add(p, lineNo);
    if (b.isFull()) {
      pending[s] = null;
      handoff.batch(s, b.at(nowMicros));
    }
  }

  /** Hands over every batch not yet full (end of input, or a pause in it). */
  public void flush(long nowMicros) throws InterruptedException {
    for (int s = 0; s < shards; s++) {
      Batch b = pending[s];
      if (b != null) {
        pending[s] = null;
        handoff.batch(s, b.at(nowMicros));
      }
    }
  }

  private ItemPreparer.Prepared prepare(Object event, long lineNo) {
    line = lineNo;
    return preparer.prepare(event, this::prepareFailed);
  }

  private void prepareFailed(String field, String message, Object item) {
    prepareErrors.accept(new ItemError(field, message, item, line));
  }
}
