package dev.transom.state;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Input batches, durable before they are processed: events accepted over HTTP (acknowledged only
 * then) and what a file source read. Each batch keeps the time it arrived, so a replay after a crash
 * processes it at the same time as the run that crashed did.
 */
public interface IngestLog {
  /**
   * Appends a batch (JSON lines, UTF-8, kept byte for byte) and completes once it is durable. Its
   * arrival time is taken from {@code arrivalMillis}, called once, in log order, when the batch is
   * given its sequence number. With a {@code batchId} seen before, completes with the earlier
   * sequence and arrival, appends nothing and does not call {@code arrivalMillis}.
   *
   * <p>{@code durable} hears of each new batch once it is durable, before the future completes, on
   * one thread and in log order: whatever must see batches in the order of the log (the pipeline's
   * queue) hangs off it, never off the future, whose callbacks may run late on another thread.
   *
   * @param mark where in its source a file-source batch ends, else {@code null}
   */
  CompletableFuture<Appended> append(String pipeline, String batchId, SourceMark mark, byte[] events,
      LongSupplier arrivalMillis, java.util.function.Consumer<Appended> durable);

  /**
   * Completes once the pipeline's log takes a write again (a scratch write, not a record); fails
   * while its storage still fails. Logs that cannot fail this way complete at once.
   */
  default CompletableFuture<Void> probe(String pipeline) {
    return CompletableFuture.completedFuture(null);
  }

  /** Every entry after {@code afterSeq}, in order. */
  void replay(String pipeline, long afterSeq, Consumer<Entry> consumer);

  /**
   * One logged batch, byte for byte as it was appended; {@code mark} is {@code null} unless it came
   * from a file source. Bytes, not text: a file's line that is not UTF-8 was an item error when it was
   * read, and decoding it here would patch it into a line the replay accepts.
   */
  record Entry(long seq, long arrivalMillis, byte[] events, SourceMark mark) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Entry e && seq == e.seq && arrivalMillis == e.arrivalMillis
          && java.util.Arrays.equals(events, e.events) && java.util.Objects.equals(mark, e.mark);
    }

    @Override
    public int hashCode() {
      return java.util.Objects.hash(seq, arrivalMillis, java.util.Arrays.hashCode(events), mark);
    }

    @Override
    public String toString() {
      return "Entry[seq=" + seq + ", arrivalMillis=" + arrivalMillis + ", events="
          + new String(events, java.nio.charset.StandardCharsets.UTF_8) + ", mark=" + mark + "]";
    }
  }

  /**
   * Where a source's batch ends: for a file, the byte offset just after it and the line number of its
   * first line; {@code state} (null for a file) is a position that two numbers cannot hold, in the
   * source's own words (e.g. an offset per partition of a topic), kept as text.
   */
  record SourceMark(long endOffset, long firstLine, String state) {
    public SourceMark(long endOffset, long firstLine) {
      this(endOffset, firstLine, null);
    }
  }

  /** The outcome of {@link #append}. */
  record Appended(long seq, boolean duplicate, long arrivalMillis) {}
}
