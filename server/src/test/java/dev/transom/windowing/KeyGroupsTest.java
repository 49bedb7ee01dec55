package dev.transom.windowing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeyGroupsTest {
  @Test
  void everyPartitionCountSplitsTheGroupsIntoContiguousRangesThatCoverThemAll() {
    for (int n = 1; n <= 64; n++) {
      int last = 0;
      int[] sizes = new int[n];
      for (int g = 0; g < KeyGroups.COUNT; g++) {
        int p = KeyGroups.partitionOf(g, n);
        assertTrue(p >= last && p < n, "group " + g + " of " + n);
        last = p;
        sizes[p]++;
      }
      for (int size : sizes) {
        assertTrue(size >= KeyGroups.COUNT / n && size <= KeyGroups.COUNT / n + 1, n + ": " + size);
      }
    }
  }

  private static OperatorSnapshot.KeySnapshot key(String k) {
    return new OperatorSnapshot.KeySnapshot(k, null, List.of());
  }

  @Test
  void spreadingPutsEachKeyOnceWhereItsGroupBelongsAndContinuesTheArrivalNumbers() {
    List<OperatorSnapshot> stored = new ArrayList<>();
    Set<String> all = new HashSet<>();
    for (int p = 0; p < 3; p++) {
      List<OperatorSnapshot.KeySnapshot> keys = new ArrayList<>();
      for (int i = 0; i < 500; i++) {
        String k = "k" + p + "-" + i;
        keys.add(key(k));
        all.add(k);
      }
      stored.add(new OperatorSnapshot(100 + p * 7, null, keys));
    }
    assertFalse(KeyGroups.inPlace(stored), "keys made up by position are not where their groups are");
    for (int n : new int[] {1, 2, 3, 5, 16}) {
      OperatorSnapshot[] spread = KeyGroups.spread(stored, n);
      assertEquals(n, spread.length);
      Set<String> seen = new HashSet<>();
      for (int p = 0; p < n; p++) {
        assertEquals(114, spread[p].nextSeq(), "past every stored arrival number");
        for (OperatorSnapshot.KeySnapshot k : spread[p].keys()) {
          assertTrue(seen.add(k.key()), "twice: " + k.key());
          assertEquals(p, KeyGroups.partitionOfKey(k.key(), n), k.key());
        }
      }
      assertEquals(all, seen);
      assertTrue(KeyGroups.inPlace(List.of(spread)));
    }
  }
}
