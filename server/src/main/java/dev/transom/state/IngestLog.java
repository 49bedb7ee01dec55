package dev.transom.state;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** Events accepted over HTTP, durable before they are acknowledged. */
public interface IngestLog {
  /**
   * Appends a batch (JSON lines, UTF-8, kept byte for byte) and completes with its sequence number once it is durable. With a
   * {@code batchId} seen before, completes with the earlier sequence and appends nothing.
   */
  CompletableFuture<Appended> append(String pipeline, String batchId, byte[] events);

  /** {@link #append(String, String, byte[])} of UTF-8 text. */
  default CompletableFuture<Appended> append(String pipeline, String batchId, String events) {
    return append(pipeline, batchId, events.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /**
   * Completes once the pipeline's log takes a write again (a scratch write, not a record); fails
   * while its storage still fails. Logs that cannot fail this way complete at once.
   */
  default CompletableFuture<Void> probe(String pipeline) {
    return CompletableFuture.completedFuture(null);
  }

  /** Every entry after {@code afterSeq}, in order. */
  void replay(String pipeline, long afterSeq, Consumer<Entry> consumer);

  /** One logged batch. */
  record Entry(long seq, String events) {}

  /** The outcome of {@link #append}. */
  record Appended(long seq, boolean duplicate) {}
}
