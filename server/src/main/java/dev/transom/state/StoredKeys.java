package dev.transom.state;

import dev.transom.windowing.OperatorSnapshot;
import dev.transom.windowing.StateWriter;
import java.util.AbstractList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The keys of a partition's stored buckets (format 2), decoded as they are read: a restore walks
 * them once, building each key's snapshot just before the operator takes it, so the snapshots of a
 * million keys never live all at once (which made every young collection copy them). Built by a
 * first pass that checks every byte and reads only the keys' names, so damage is found before any
 * state is touched, and {@link OperatorSnapshot.KeyNames} answers without decoding.
 */
final class StoredKeys extends AbstractList<OperatorSnapshot.KeySnapshot>
    implements OperatorSnapshot.KeyNames, OperatorSnapshot.KeySource {
  private final List<byte[]> blobs;
  private final String[] keys;
  /** Per blob, the index of its first key; one more entry holds the total. */
  private final int[] firstKey;

  StoredKeys(List<byte[]> blobs) throws SnapshotCodec.Corrupt {
    this.blobs = blobs;
    this.firstKey = new int[blobs.size() + 1];
    java.util.ArrayList<String> names = new java.util.ArrayList<>();
    for (int b = 0; b < blobs.size(); b++) {
      firstKey[b] = names.size();
      BucketFormat.Reader r = new BucketFormat.Reader(blobs.get(b));
      while (r.hasNext()) {
        String key = r.skip();
        key.hashCode(); // the string caches it: computed now, while the key is in the cache, not by each later use
        names.add(key);
      }
    }
    firstKey[blobs.size()] = names.size();
    this.keys = names.toArray(new String[0]);
  }

  @Override
  public int size() {
    return keys.length;
  }

  @Override
  public String keyAt(int i) {
    return keys[i];
  }

  /** Decodes the keys of its blob up to {@code i}: for a look at one key, not for a walk (use the iterator). */
  @Override
  public OperatorSnapshot.KeySnapshot get(int i) {
    java.util.Objects.checkIndex(i, keys.length);
    int b = java.util.Arrays.binarySearch(firstKey, i);
    b = b >= 0 ? lastBlobStartingAt(b) : -b - 2;
    try {
      BucketFormat.Reader r = new BucketFormat.Reader(blobs.get(b));
      for (int k = firstKey[b]; k < i; k++) {
        r.skip();
      }
      return r.next(keys[i]);
    } catch (SnapshotCodec.Corrupt e) {
      throw new IllegalStateException("checked when read, damaged since: " + e.getMessage(), e);
    }
  }

  /** Empty blobs start where the next does: the key is in the last blob starting at that index. */
  private int lastBlobStartingAt(int b) {
    while (b + 1 < blobs.size() && firstKey[b + 1] == firstKey[b]) {
      b++;
    }
    return b;
  }

  @Override
  public void writeTo(StateWriter out) {
    int k = 0;
    try {
      for (byte[] blob : blobs) {
        BucketFormat.Reader r = new BucketFormat.Reader(blob);
        while (r.hasNext()) {
          r.writeNext(keys[k++], out);
        }
      }
    } catch (SnapshotCodec.Corrupt e) {
      throw new IllegalStateException("checked when read, damaged since: " + e.getMessage(), e);
    }
  }

  @Override
  public Iterator<OperatorSnapshot.KeySnapshot> iterator() {
    return new Iterator<>() {
      private int blob = -1;
      private int next;
      private BucketFormat.Reader reader;

      @Override
      public boolean hasNext() {
        return next < keys.length;
      }

      @Override
      public OperatorSnapshot.KeySnapshot next() {
        if (next >= keys.length) {
          throw new NoSuchElementException();
        }
        try {
          while (reader == null || next >= firstKey[blob + 1]) {
            blob++;
            reader = new BucketFormat.Reader(blobs.get(blob));
          }
          return reader.next(keys[next++]);
        } catch (SnapshotCodec.Corrupt e) {
          throw new IllegalStateException("checked when read, damaged since: " + e.getMessage(), e);
        }
      }
    };
  }
}
