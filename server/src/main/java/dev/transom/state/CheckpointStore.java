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

  /** Creates the table an {@code h2} sink writes with each checkpoint, when it is missing. */
  CompletableFuture<Void> ensureOutputTable(String table);
}
