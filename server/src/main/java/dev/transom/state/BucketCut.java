package dev.transom.state;

import dev.transom.windowing.KeyGroups;
import dev.transom.windowing.WindowOperator;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Cuts a partition's state for its checkpoints: the buckets to write, each encoded straight from
 * the operator ({@link BucketFormat}). A full cut writes every bucket that has keys; an
 * incremental one the buckets holding a changed key, visiting only their key groups (a bucket
 * whose last key went is written as {@code null}: removed). One per partition: it remembers how
 * much its incremental cuts have written since its last full one.
 */
public final class BucketCut {
  /** The buckets nested in one key group: bucket {@code group + j * KeyGroups.COUNT} for each {@code j}. */
  private static final int PER_GROUP = PartitionState.BUCKETS / KeyGroups.COUNT;
  private final BucketFormat.Writer[] writers = new BucketFormat.Writer[PER_GROUP];
  /** The writer of the key being written. */
  private BucketFormat.Writer current;
  /** Keys in the buckets of the cut being made. */
  private long keysWritten;
  /** Bytes of the incremental cuts since the last full one: a restore reads them all after it. */
  private long sinceFullBytes;
  /**
   * Bytes per key of the last cut that wrote keys: the keys times this estimate a full cut (also
   * after a restart, when this partition has not made one yet).
   */
  private double bytesPerKey;

  public BucketCut() {
    for (int j = 0; j < PER_GROUP; j++) {
      writers[j] = new BucketFormat.Writer();
    }
  }

  /**
   * A cut of {@code op}'s state: the buckets of the keys in {@code changed}, or every bucket when
   * {@code full} is asked for, when the changed keys are in more than an eighth of the buckets in
   * use (rewriting every bucket then costs about as much), or when the incremental cuts since the
   * last full one have written more than a full cut would (a restore reads them all: this keeps
   * that at about twice the state).
   */
  public PartitionState cut(WindowOperator op, Set<String> changed, boolean full) {
    BitSet touched = new BitSet(PartitionState.BUCKETS);
    BitSet groups = new BitSet(KeyGroups.COUNT);
    if (!full) {
      for (String k : changed) {
        int b = PartitionState.bucketOf(k);
        touched.set(b);
        groups.set(PartitionState.groupOf(b));
      }
      full = touched.cardinality() > Math.min(PartitionState.BUCKETS, op.keyCount()) / 8
          || bytesPerKey > 0 && sinceFullBytes > bytesPerKey * op.keyCount();
    }
    Map<Integer, byte[]> buckets = new HashMap<>();
    keysWritten = 0;
    if (full) {
      for (int g = 0; g < KeyGroups.COUNT; g++) {
        writeGroup(op, g, null, buckets);
      }
    } else {
      for (int g = groups.nextSetBit(0); g >= 0; g = groups.nextSetBit(g + 1)) {
        writeGroup(op, g, touched, buckets);
      }
    }
    byte[] header = SnapshotCodec.encode(op.snapshot(List.of()));
    PartitionState state = new PartitionState(header, buckets, full);
    long bytes = state.bytes() - header.length;
    sinceFullBytes = full ? 0 : sinceFullBytes + bytes;
    if (keysWritten > 0) {
      bytesPerKey = bytes / (double) keysWritten;
    }
    return state;
  }

  /** One group's buckets ({@code touched} of them; all when {@code null}) into {@code buckets}. */
  private void writeGroup(WindowOperator op, int group, BitSet touched, Map<Integer, byte[]> buckets) {
    dev.transom.windowing.StateWriter router = new dev.transom.windowing.StateWriter() {
      @Override
      public void key(String key, long[] clock, int windows) {
        current = writers[PartitionState.bucketOf(key) / KeyGroups.COUNT];
        current.key(key, clock, windows);
      }

      @Override
      public void window(long openMicros, long closeMicros, long count, Object acc) {
        current.window(openMicros, closeMicros, count, acc);
      }
    };
    op.writeGroup(group, touched == null ? k -> true : k -> touched.get(PartitionState.bucketOf(k)), router);
    for (int j = 0; j < PER_GROUP; j++) {
      int b = group + j * KeyGroups.COUNT;
      if (writers[j].keys() > 0) {
        keysWritten += writers[j].keys();
        buckets.put(b, writers[j].finish());
      } else if (touched != null && touched.get(b)) {
        buckets.put(b, null);
      }
    }
  }
}
