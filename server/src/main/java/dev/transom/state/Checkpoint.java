package dev.transom.state;

import java.util.List;
import java.util.Map;

/**
 * One pipeline's state at an epoch boundary: the windowing fingerprint it belongs to, each
 * partition's encoded operator state, how far into its input it got (ingest log sequence, source
 * byte offset), and each exactly-once sink's committed length.
 */
public record Checkpoint(String pipeline, long epoch, String fingerprint, List<PartitionState> partitions, long ingestSeq,
    long sourcePosition, Map<String, Long> sinkMarks, List<TableRow> rows) {
  /** An output row for an {@code h2} sink, committed with the checkpoint. */
  public record TableRow(String table, String key, java.time.Instant openTime, java.time.Instant closeTime, String record) {}
}
