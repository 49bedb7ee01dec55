package dev.transom.state;

import java.util.List;
import java.util.Map;

/**
 * One pipeline's state at an epoch boundary: the windowing fingerprint it belongs to, each
 * partition's encoded operator state, how far into its input it got (ingest log sequence, source
 * byte offset), and each exactly-once sink's committed length. {@code flushDefinition} is set only
 * on the checkpoint taken just before a windowing change flushes the open windows: the definition
 * (YAML text) this state belongs to, so that a crash before the new version's first checkpoint
 * can redo the flush on restart. Otherwise {@code null}. {@code deliveries} are the records the
 * at-least-once sinks had not delivered yet when it was cut: the input they came from is covered,
 * so after a crash only this copy would deliver them. {@code sourceState} is the source's position
 * when a byte offset cannot say it (see {@link IngestLog.SourceMark#state()}), else {@code null}.
 */
public record Checkpoint(String pipeline, long epoch, String fingerprint, List<PartitionState> partitions, long ingestSeq,
    long sourcePosition, Map<String, Long> sinkMarks, List<TableRow> rows, String flushDefinition,
    List<Delivery> deliveries, String sourceState) {
  public Checkpoint(String pipeline, long epoch, String fingerprint, List<PartitionState> partitions, long ingestSeq,
      long sourcePosition, Map<String, Long> sinkMarks, List<TableRow> rows, String flushDefinition,
      List<Delivery> deliveries) {
    this(pipeline, epoch, fingerprint, partitions, ingestSeq, sourcePosition, sinkMarks, rows, flushDefinition, deliveries,
        null);
  }

  public Checkpoint(String pipeline, long epoch, String fingerprint, List<PartitionState> partitions, long ingestSeq,
      long sourcePosition, Map<String, Long> sinkMarks, List<TableRow> rows, String flushDefinition) {
    this(pipeline, epoch, fingerprint, partitions, ingestSeq, sourcePosition, sinkMarks, rows, flushDefinition, List.of());
  }

  public Checkpoint(String pipeline, long epoch, String fingerprint, List<PartitionState> partitions, long ingestSeq,
      long sourcePosition, Map<String, Long> sinkMarks, List<TableRow> rows) {
    this(pipeline, epoch, fingerprint, partitions, ingestSeq, sourcePosition, sinkMarks, rows, null);
  }

  /** An output row for an {@code h2} sink, committed with the checkpoint ({@link SinkTables#row} makes it). */
  public record TableRow(String table, String key, java.time.Instant openTime, java.time.Instant closeTime, String record) {}

  /** The undelivered records of one at-least-once sink (by its name in the pipeline), oldest first. */
  public record Delivery(String sink, List<byte[]> records) {}
}
