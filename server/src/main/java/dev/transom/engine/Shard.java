package dev.transom.engine;

import dev.transom.compile.ItemPreparer;
import dev.transom.compile.Outputs;
import dev.transom.compile.PipelineExecution;
import dev.transom.compile.Plan;
import java.util.function.Consumer;

/**
 * The window state of the keys of some key groups, and the one place their items are processed:
 * batches from a {@link Router}, lines read on the shard's own thread, wake-ups and end of input.
 * Touched by one thread at a time (a {@code run} worker, an event-loop context); not thread-safe.
 */
public final class Shard {
  private final PipelineExecution exec;
  private final Consumer<LineDecoder.BadLine> badLines;

  /** @param badLines where the lines this shard reads itself go when they are not JSON */
  public Shard(Plan plan, Outputs outputs, Consumer<LineDecoder.BadLine> badLines) {
    this.exec = plan.start(outputs);
    this.badLines = badLines;
  }

  /**
   * Processes a batch at its time; {@code beforeItem} (or null) sees each item first (the
   * server's fault injection for tests).
   */
  public void process(Batch batch, Consumer<Object> beforeItem) {
    long now = batch.nowMicros();
    for (int i = 0; i < batch.size(); i++) {
      Object item = batch.item(i);
      exec.line(batch.line(i));
      if (item instanceof ItemPreparer.Prepared p) {
        if (beforeItem != null) {
          beforeItem.accept(p.item());
        }
        exec.process(p, now);
      } else {
        if (beforeItem != null) {
          beforeItem.accept(item);
        }
        exec.accept(item, now);
      }
    }
  }

  /**
   * One line of input read on this shard's thread (the only shard: nothing to route), read straight
   * into its key and value when it can be, with no event built.
   */
  public void line(byte[] buf, int off, int len, long lineNo, long nowMicros) {
    exec.line(lineNo);
    if (exec.acceptLine(buf, off, len, nowMicros)) {
      return;
    }
    Object event = LineDecoder.parse(buf, off, len, lineNo, badLines);
    if (event != LineDecoder.NOT_JSON) {
      exec.accept(event, nowMicros);
    }
  }

  /** One event with its input line (0: none), on this shard's thread. */
  public void event(Object event, long lineNo, long nowMicros) {
    exec.line(lineNo);
    exec.accept(event, nowMicros);
  }

  /** A wake-up: the windows due by {@code nowMicros} close. */
  public void advance(long nowMicros) {
    exec.advance(nowMicros);
  }

  /** Closes the open windows of {@code key} ({@code null}: every key) now, moving its watermark on; how many closed. */
  public int closeNow(String key, long nowMicros) {
    return exec.closeNow(key, nowMicros);
  }

  /** When the next window is due without more input ({@code Micros.POS_INFINITY}: none). */
  public long nextWakeMicros() {
    return exec.nextWakeMicros();
  }

  /** End of input, or a flush: every open window closes; {@code lastLine} is where the input ended. */
  public void finish(long lastLine) {
    exec.line(lastLine);
    exec.finish();
  }

  public PipelineExecution execution() {
    return exec;
  }
}
