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
 * {@code currentLayout} is false for a state loaded from a checkpoint stored with other buckets or
 * in another format (an older version): its next cut must be full, or old and new buckets would
 * both hold a key.
 */
public final class PartitionState {
  private final byte[] header;
  private final Map<Integer, byte[]> buckets;
  private final boolean full;
  private final boolean currentLayout;
  /** {@link #assemble()}'s answer once known (a start reads checkpoints ahead, see {@link H2State}). */
  private volatile OperatorSnapshot assembled;

  public PartitionState(byte[] header, Map<Integer, byte[]> buckets, boolean full, boolean currentLayout) {
    this.header = header;
    this.buckets = buckets;
    this.full = full;
    this.currentLayout = currentLayout;
  }

  /** A state cut now: in the current bucket layout. */
  public PartitionState(byte[] header, Map<Integer, byte[]> buckets, boolean full) {
    this(header, buckets, full, true);
  }

  public byte[] header() {
    return header;
  }

  public Map<Integer, byte[]> buckets() {
    return buckets;
  }

  public boolean full() {
    return full;
  }

  public boolean currentLayout() {
    return currentLayout;
  }

  /** The partition's operator state, from the header and all the buckets ({@link #assemble(byte[], List)}). */
  public OperatorSnapshot assemble() throws SnapshotCodec.Corrupt {
    OperatorSnapshot s = assembled;
    if (s == null) {
      s = assemble(header, new ArrayList<>(buckets.values()));
      assembled = s;
    }
    return s;
  }

  /**
   * Keys are stored in this many buckets, nested in the key groups (a bucket's group is the bucket
   * mod {@link KeyGroups#COUNT}): a changed key rewrites its bucket only, about 15 keys at 1M keys,
   * and a partition's buckets are those of its groups.
   */
  public static final int BUCKETS = KeyGroups.COUNT * 16;

  public static int bucketOf(String key) {
    return Math.floorMod(key.hashCode(), BUCKETS);
  }

  /** The key group bucket {@code b} lies in. */
  public static int groupOf(int bucket) {
    return bucket % KeyGroups.COUNT;
  }

  /**
   * Rebuilds the partition's operator state from a header and all its stored buckets. Buckets in
   * the compact format are decoded as the restore reads them ({@link StoredKeys}); buckets of an
   * older version's format are decoded here.
   */
  public static OperatorSnapshot assemble(byte[] header, List<byte[]> buckets) throws SnapshotCodec.Corrupt {
    OperatorSnapshot head = SnapshotCodec.decode(header);
    List<byte[]> compact = new ArrayList<>(buckets.size());
    List<OperatorSnapshot.KeySnapshot> older = new ArrayList<>();
    for (byte[] b : buckets) {
      if (isCompact(b)) {
        compact.add(b);
      } else {
        older.addAll(SnapshotCodec.decode(b).keys());
      }
    }
    List<OperatorSnapshot.KeySnapshot> keys = new StoredKeys(compact);
    if (!older.isEmpty()) {
      older.addAll(keys);
      keys = older;
    }
    return new OperatorSnapshot(head.nextSeq(), head.sharedClock(), keys);
  }

  /** Whether a stored bucket is in the current format ({@link BucketFormat}); else an older version wrote it. */
  static boolean isCompact(byte[] bucket) {
    return bucket.length > 0 && bucket[0] == BucketFormat.FORMAT;
  }

  public long bytes() {
    long n = header.length;
    for (byte[] b : buckets.values()) {
      n += b == null ? 0 : b.length;
    }
    return n;
  }
}
