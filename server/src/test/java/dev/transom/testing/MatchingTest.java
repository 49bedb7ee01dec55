package dev.transom.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MatchingTest {
  @Test
  void aRecordMatchesOnTheFieldsItGivesEachInFull() {
    Map<String, Object> produced = Map.of("pipeline", "p", "key", "a", "value", Map.of("views", 2L, "buys", 1L));
    assertTrue(Matching.matches(Map.of("key", "a"), produced));
    assertTrue(Matching.matches(Map.of("value", Map.of("views", 2L, "buys", 1L)), produced));
    assertFalse(Matching.matches(Map.of("value", Map.of("views", 2L)), produced), "a nested value is compared in full");
    assertFalse(Matching.matches(Map.of("key", "a", "count", 1L), produced), "a field it lacks");
  }

  @Test
  void numbersCompareByValueAndTimesByInstant() {
    assertTrue(Matching.equal(5L, 5.0));
    assertFalse(Matching.equal(5L, 5.5));
    assertTrue(Matching.equal("2024-01-01T00:00:00Z", "2024-01-01T01:00:00.000+01:00"));
    assertFalse(Matching.equal("2024-01-01T00:00:00Z", "2024-01-01T00:00:00.001Z"));
    assertFalse(Matching.equal("5", 5L), "a text is not a number");
    assertTrue(Matching.equal(List.of(1L, "x"), List.of(1.0, "x")));
    assertFalse(Matching.equal(List.of(1L, "x"), List.of("x", 1L)), "a list keeps its order");
  }

  /** A loose expected record must not take the only produced record a stricter one matches. */
  @Test
  void pairingFindsAMatchForEveryRecordWhenOneExists() {
    List<Object> expected = List.of(Map.of("key", "a"), Map.of("key", "a", "value", 1L));
    List<Object> produced = List.of(Map.of("key", "a", "value", 1L), Map.of("key", "a", "value", 2L));
    int[] pair = Matching.pair(expected, produced, Matching::matches, e -> ((Map<?, ?>) e).get("key"),
        p -> ((Map<?, ?>) p).get("key"));
    assertArrayEquals(new int[] {1, 0}, pair);
  }

  @Test
  void eachProducedRecordPairsOnce() {
    List<Object> expected = List.of(Map.of("key", "a"), Map.of("key", "a"));
    List<Object> produced = List.of(Map.of("key", "a", "value", 1L));
    int[] pair = Matching.pair(expected, produced, Matching::matches, e -> null, p -> null);
    assertTrue((pair[0] == 0) != (pair[1] == 0) && Math.min(pair[0], pair[1]) == -1);
  }

  @Test
  void theNearestRecordHasTheSameKeyAndSaysWhereItDiffers() {
    Matching.Near near = Matching.nearest(Map.of("key", "a", "value", 3L),
        List.of(Map.of("key", "b", "value", 3L), Map.of("key", "a", "value", 2L)));
    assertTrue(near.text().endsWith("(value: expected 3, got 2)"), near.text());
    assertTrue(Matching.nearest(Map.of("key", "c"), List.of(Map.of("key", "a"))) == null);
  }
}
