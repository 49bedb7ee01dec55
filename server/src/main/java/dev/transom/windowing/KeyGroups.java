package dev.transom.windowing;

import java.util.ArrayList;
import java.util.List;

/**
 * Keys hash into a fixed number of key groups, and each of N partitions owns a contiguous range of
 * them (as Flink's key groups do). The group of a key never changes, whatever N is: a checkpoint
 * stores its state by group, and a restart with another number of workers hands each partition the
 * groups of its new range, with every open window.
 */
public final class KeyGroups {
  /** Fixed for good: stored checkpoints are laid out by it. */
  public static final int COUNT = 4096;

  private KeyGroups() {}

  /** {@link String#hashCode} is specified, so a key's group is the same in every JVM. */
  public static int of(String key) {
    return Math.floorMod(key.hashCode(), COUNT);
  }

  /** The partition of {@code partitions} that owns {@code group}. */
  public static int partitionOf(int group, int partitions) {
    return (int) ((long) group * partitions / COUNT);
  }

  public static int partitionOfKey(String key, int partitions) {
    return partitions == 1 ? 0 : partitionOf(of(key), partitions);
  }

  /**
   * Spreads the keys of {@code stored} (snapshots of any number of partitions, however their keys
   * were routed when they were taken) over {@code partitions} by key group. Each new partition
   * continues the arrival numbering past every stored one, so ties between items still break by
   * arrival; a shared clock (pipeline-wide watermark) exists only with one partition before and after.
   */
  public static OperatorSnapshot[] spread(List<OperatorSnapshot> stored, int partitions) {
    long nextSeq = 0;
    long[] sharedClock = null;
    List<List<OperatorSnapshot.KeySnapshot>> keys = new ArrayList<>(partitions);
    for (int i = 0; i < partitions; i++) {
      keys.add(new ArrayList<>());
    }
    for (OperatorSnapshot s : stored) {
      nextSeq = Math.max(nextSeq, s.nextSeq());
      if (s.sharedClock() != null) {
        sharedClock = s.sharedClock();
      }
      for (OperatorSnapshot.KeySnapshot k : s.keys()) {
        keys.get(partitionOfKey(k.key(), partitions)).add(k);
      }
    }
    OperatorSnapshot[] out = new OperatorSnapshot[partitions];
    for (int i = 0; i < partitions; i++) {
      out[i] = new OperatorSnapshot(nextSeq, sharedClock, keys.get(i));
    }
    return out;
  }

  /** Whether every key of {@code stored} is already in the partition {@link #spread} would put it in. */
  public static boolean inPlace(List<OperatorSnapshot> stored) {
    for (int i = 0; i < stored.size(); i++) {
      for (String key : keysOf(stored.get(i))) {
        if (partitionOfKey(key, stored.size()) != i) {
          return false;
        }
      }
    }
    return true;
  }

  /** The keys of {@code s}, named without building their snapshots when its list can. */
  private static Iterable<String> keysOf(OperatorSnapshot s) {
    List<OperatorSnapshot.KeySnapshot> keys = s.keys();
    if (keys instanceof OperatorSnapshot.KeyNames names) {
      return () -> java.util.stream.IntStream.range(0, keys.size()).mapToObj(names::keyAt).iterator();
    }
    return () -> keys.stream().map(OperatorSnapshot.KeySnapshot::key).iterator();
  }
}
