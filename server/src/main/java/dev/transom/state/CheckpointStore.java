package dev.transom.state;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** Where checkpoints live. Saving is atomic: a crash leaves the previous checkpoint or the new one. */
public interface CheckpointStore {
  /** Saves {@code c} and drops the ingest log entries it covers, in one transaction. */
  CompletableFuture<Void> save(Checkpoint c);

  Optional<Checkpoint> load(String pipeline);

  /** Forgets a pipeline's checkpoint and log (its definition was removed). */
  CompletableFuture<Void> forget(String pipeline);

  /**
   * The lengths of a pipeline's exactly-once files before their first records, for files no
   * checkpoint has a length for yet (keyed as the checkpoint's sink marks are).
   */
  java.util.Map<String, Long> sinkStarts(String pipeline);

  /**
   * Durably records the lengths of files about to get their first records, keeping a length already
   * recorded (an earlier attempt may have written records after it). A checkpoint that stores the
   * files' lengths drops them.
   */
  CompletableFuture<Void> saveSinkStarts(String pipeline, java.util.Map<String, Long> starts);

  /** Creates the table an {@code h2} sink writes with each checkpoint, when it is missing. */
  CompletableFuture<Void> ensureOutputTable(String table);
}
