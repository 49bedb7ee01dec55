package dev.transom.state;

import dev.transom.windowing.KeyGroups;
import dev.transom.windowing.OperatorSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One partition's part of a checkpoint, incrementally: its operator-wide header, and the buckets of
 * keys to write (a {@code null} value: the bucket has no keys any more). {@code full} replaces every
 * bucket stored before; otherwise buckets not named are unchanged and stay as stored.
 */
public record PartitionState(byte[] header, Map<Integer, byte[]> buckets, boolean full) {
  /** Keys are stored by key group ({@link KeyGroups}); a changed key rewrites its group only. */
  public static final int BUCKETS = KeyGroups.COUNT;

  public static int bucketOf(String key) {
    return KeyGroups.of(key);
  }

  /** Rebuilds the partition's operator state from a header and all its stored buckets. */
  public static OperatorSnapshot assemble(byte[] header, List<byte[]> buckets) throws SnapshotCodec.Corrupt {
    OperatorSnapshot head = SnapshotCodec.decode(header);
    List<OperatorSnapshot.KeySnapshot> keys = new ArrayList<>();
    for (byte[] b : buckets) {
      keys.addAll(SnapshotCodec.decode(b).keys());
    }
    return new OperatorSnapshot(head.nextSeq(), head.sharedClock(), keys);
  }

  public long bytes() {
    long n = header.length;
    for (byte[] b : buckets.values()) {
      n += b == null ? 0 : b.length;
    }
    return n;
  }
}
