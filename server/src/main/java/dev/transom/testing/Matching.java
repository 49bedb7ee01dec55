package dev.transom.testing;

import dev.transom.expr.CelValues;
import dev.transom.io.Rfc3339;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;

/**
 * How an expected record is compared with a produced one. Each field the expected record gives
 * must equal the produced one in full; fields it leaves out are not compared. Numbers are equal by
 * value ({@code 5} and {@code 5.0}), texts that are both RFC 3339 times by instant ({@code Z} and
 * {@code +00:00}, with or without {@code .000}). Order is not compared: no order is promised between
 * keys, so expected and produced records are paired as two sets (a maximum matching, so a loose
 * record cannot take the one a stricter record needs).
 */
final class Matching {
  private Matching() {}

  /** Whether {@code produced} has every field {@code expected} gives, each equal. */
  static boolean matches(Object expected, Object produced) {
    if (expected instanceof Map<?, ?> e && produced instanceof Map<?, ?> p) {
      for (Map.Entry<?, ?> f : e.entrySet()) {
        if (!p.containsKey(f.getKey()) || !equal(f.getValue(), p.get(f.getKey()))) {
          return false;
        }
      }
      return true;
    }
    return equal(expected, produced);
  }

  static boolean equal(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y) {
      if (x instanceof Long l && y instanceof Long m) {
        return l.longValue() == m.longValue();
      }
      return x.doubleValue() == y.doubleValue();
    }
    if (a instanceof String x && b instanceof String y) {
      return x.equals(y) || sameInstant(x, y);
    }
    if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
      if (x.size() != y.size()) {
        return false;
      }
      for (Map.Entry<?, ?> f : x.entrySet()) {
        if (!y.containsKey(f.getKey()) || !equal(f.getValue(), y.get(f.getKey()))) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof List<?> x && b instanceof List<?> y) {
      if (x.size() != y.size()) {
        return false;
      }
      for (int i = 0; i < x.size(); i++) {
        if (!equal(x.get(i), y.get(i))) {
          return false;
        }
      }
      return true;
    }
    if (CelValues.isNull(a) || CelValues.isNull(b)) {
      return CelValues.isNull(a) && CelValues.isNull(b);
    }
    return a.equals(b);
  }

  private static boolean sameInstant(String a, String b) {
    // only texts that look like times are parsed: most strings fail at the first character
    if (a.length() < 20 || b.length() < 20 || a.charAt(4) != '-' || b.charAt(4) != '-') {
      return false;
    }
    try {
      return Rfc3339.parseMicros(a) == Rfc3339.parseMicros(b);
    } catch (Rfc3339.Invalid e) {
      return false;
    }
  }

  /**
   * Pairs expected with produced items: {@code pair[i]} is the produced index expected item i
   * matches, or -1. Each produced item pairs at most once. Kuhn's augmenting paths, with the
   * candidates of each expected item narrowed by its {@code key} when it gives one.
   */
  static <E, P> int[] pair(List<E> expected, List<P> produced, BiPredicate<E, P> match,
      java.util.function.Function<E, Object> expectedKey, java.util.function.Function<P, Object> producedKey) {
    // only the keys the expected items name are filed: a few expected among millions produced stay cheap
    java.util.Set<Object> named = new java.util.HashSet<>();
    boolean anyUnkeyed = false;
    for (E e : expected) {
      Object k = keyOf(expectedKey.apply(e));
      if (k == null) {
        anyUnkeyed = true;
      } else {
        named.add(k);
      }
    }
    Map<Object, List<Integer>> byKey = new HashMap<>();
    List<Integer> all = anyUnkeyed ? new ArrayList<>(produced.size()) : null;
    for (int j = 0; j < produced.size(); j++) {
      if (all != null) {
        all.add(j);
      }
      if (!named.isEmpty()) {
        Object k = keyOf(producedKey.apply(produced.get(j)));
        if (k != null && named.contains(k)) {
          byKey.computeIfAbsent(k, x -> new ArrayList<>()).add(j);
        }
      }
    }
    List<List<Integer>> candidates = new ArrayList<>(expected.size());
    for (E e : expected) {
      Object k = keyOf(expectedKey.apply(e));
      List<Integer> pool = k == null ? all : byKey.getOrDefault(k, List.of());
      List<Integer> c = new ArrayList<>();
      for (int j : pool) {
        if (match.test(e, produced.get(j))) {
          c.add(j);
        }
      }
      candidates.add(c);
    }
    int[] pair = new int[expected.size()];
    int[] owner = new int[produced.size()];
    Arrays.fill(pair, -1);
    Arrays.fill(owner, -1);
    // first the obvious: an item whose first free candidate is taken by nobody
    for (int i = 0; i < expected.size(); i++) {
      for (int j : candidates.get(i)) {
        if (owner[j] < 0) {
          owner[j] = i;
          pair[i] = j;
          break;
        }
      }
    }
    // one visited mark per search, told apart by its round: no array per search over millions of records
    int[] seenIn = new int[produced.size()];
    int round = 0;
    for (int i = 0; i < expected.size(); i++) {
      if (pair[i] < 0 && !candidates.get(i).isEmpty()) {
        augment(i, candidates, pair, owner, seenIn, ++round);
      }
    }
    return pair;
  }

  private static boolean augment(int i, List<List<Integer>> candidates, int[] pair, int[] owner, int[] seenIn, int round) {
    for (int j : candidates.get(i)) {
      if (seenIn[j] == round) {
        continue;
      }
      seenIn[j] = round;
      if (owner[j] < 0 || augment(owner[j], candidates, pair, owner, seenIn, round)) {
        owner[j] = i;
        pair[i] = j;
        return true;
      }
    }
    return false;
  }

  /**
   * What narrows the candidates: a key that is plain text, which equals only the same text. Any
   * other (none, a number, a text that may be a time written another way) narrows nothing.
   */
  private static Object keyOf(Object k) {
    return k instanceof String s && !(s.length() >= 20 && s.charAt(4) == '-') ? s : null;
  }

  /**
   * For an expected record nothing matched: the nearest of {@code unmatched} and the fields in which
   * it differs ({@code value: expected 5, got 4}), or {@code null} when none is near (none with the
   * same key, or no record at all).
   */
  /** The nearest produced record, and how it differs. */
  record Near(Object record, String text) {}

  static Near nearest(Object expected, List<Object> unmatched) {
    if (!(expected instanceof Map<?, ?> e)) {
      return null;
    }
    Object best = null;
    int bestSame = -1;
    for (Object p : unmatched) {
      if (!(p instanceof Map<?, ?> m)) {
        continue;
      }
      if (e.containsKey("key") && !equal(e.get("key"), m.get("key"))) {
        continue;
      }
      int same = 0;
      for (Map.Entry<?, ?> f : e.entrySet()) {
        if (m.containsKey(f.getKey()) && equal(f.getValue(), m.get(f.getKey()))) {
          same++;
        }
      }
      if (same > bestSame) {
        bestSame = same;
        best = m;
      }
    }
    if (best == null) {
      return null;
    }
    Map<?, ?> m = (Map<?, ?>) best;
    List<String> diffs = new ArrayList<>();
    for (Map.Entry<?, ?> f : e.entrySet()) {
      if (!m.containsKey(f.getKey())) {
        diffs.add(f.getKey() + ": expected " + Shown.of(f.getValue()) + ", got no such field");
      } else if (!equal(f.getValue(), m.get(f.getKey()))) {
        diffs.add(f.getKey() + ": expected " + Shown.of(f.getValue()) + ", got " + Shown.of(m.get(f.getKey())));
      }
    }
    return new Near(m, "produced instead: " + Shown.record(m) + " (" + String.join("; ", diffs) + ")");
  }
}
