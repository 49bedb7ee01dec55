package dev.transom.windowing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A slow, obviously-correct model of the window rules (bytewax's, as docs/semantics.md settles
 * them), sharing no code with the operator. Windows keep their raw items; an aggregate is computed from the items only
 * when the window is emitted. Every step re-checks every window of every key.
 */
public final class Oracle {
  static final long NEG_INF = Long.MIN_VALUE;
  static final long POS_INF = Long.MAX_VALUE;

  record Item(long time, long seq, Object value) {}

  /** An open window: for tumbling/sliding its bounds are fixed; a session's follow its items. */
  static final class Win {
    long open;
    long close;
    final List<Item> items = new ArrayList<>();
    /** For merge-sensitive aggregates: the sub-windows in merge order, as nested lists. */
    Object mergeTree;

    Win(long open, long close) {
      this.open = open;
      this.close = close;
    }
  }

  /** What the scenario's clock is. */
  public record ClockSpec(boolean system, long waitMicros, boolean shared) {}

  /** What the scenario's windower is: kind 0 tumbling/sliding (offset), 1 session. */
  public record WindowerSpec(boolean session, long length, long offset, long align, long gap) {}

  private final ClockSpec clock;
  private final WindowerSpec windower;
  /** Aggregate result from the window's items (item list in arrival order). */
  private final Function<List<Item>, Object> aggregate;
  /** Values the aggregate refuses outright (item errors). */
  private final Function<Object, Boolean> rejects;

  private final Map<String, long[]> clocks = new HashMap<>(); // key -> {baseT, baseNow, ended}
  private final long[] sharedClockState = {NEG_INF, 0, 0};
  private final Map<String, List<Win>> open = new LinkedHashMap<>();
  private long seq;

  final List<Recorder.Out> outputs = new ArrayList<>();
  final List<Recorder.Late> late = new ArrayList<>();
  int errors;

  Oracle(ClockSpec clock, WindowerSpec windower, Function<List<Item>, Object> aggregate, Function<Object, Boolean> rejects) {
    this.clock = clock;
    this.windower = windower;
    this.aggregate = aggregate;
    this.rejects = rejects;
  }

  private long[] clockOf(String key) {
    if (clock.shared || clock.system) {
      return sharedClockState;
    }
    return clocks.computeIfAbsent(key, k -> new long[] {NEG_INF, 0, 0});
  }

  /** §2: wm = base_t - wait + (now - base_now); -inf before any item; system clock: wm = now. */
  private long watermark(long[] c, long now) {
    if (c[2] == 1) {
      return POS_INF;
    }
    if (clock.system) {
      return c[0] == NEG_INF ? now : Math.max(c[0], now);
    }
    if (c[0] == NEG_INF) {
      return NEG_INF;
    }
    return c[0] - clock.waitMicros + Math.max(0, now - c[1]);
  }

  void item(String key, long eventTime, Object value, long now) {
    if (rejects.apply(value)) {
      errors++;
      return; // changes nothing, not even the watermark
    }
    long[] c = clockOf(key);
    long t;
    if (clock.system) {
      t = Math.max(now, c[0] == NEG_INF ? now : c[0]);
      c[0] = t;
    } else {
      t = eventTime;
      // "A new item t becomes the base only when t - wait is greater than the current watermark."
      if (c[0] == NEG_INF || t - clock.waitMicros > watermark(c, now)) {
        c[0] = t;
        c[1] = now;
      }
    }
    closeAll(now); // the item's own effect on the watermark counts before it is judged
    long wm = watermark(c, now);
    Item it = new Item(t, seq++, value);
    List<Win> wins = open.computeIfAbsent(key, k -> new ArrayList<>());
    if (!windower.session) {
      // every i with open(i) <= t < close(i), found by scanning a generous range of i
      long i0 = Math.floorDiv(t - windower.align, windower.offset) - windower.length / windower.offset - 2;
      for (long i = i0; i <= i0 + windower.length / windower.offset + 4; i++) {
        long o = windower.align + i * windower.offset;
        long cl = o + windower.length;
        if (!(o <= t && t < cl)) {
          continue;
        }
        if (cl <= wm) {
          late.add(new Recorder.Late(key, t, o, cl, value));
          continue;
        }
        Win w = null;
        for (Win x : wins) {
          if (x.open == o) {
            w = x;
          }
        }
        if (w == null) {
          w = new Win(o, cl);
          wins.add(w);
        }
        w.items.add(it);
      }
    } else {
      long gap = windower.gap;
      List<Win> near = new ArrayList<>();
      for (Win x : wins) {
        if (x.open - gap < t && t < x.close + gap) {
          near.add(x);
        }
      }
      if (near.isEmpty()) {
        if (t + gap <= wm) {
          late.add(new Recorder.Late(key, t, WindowSink.NO_WINDOW, WindowSink.NO_WINDOW, value));
          return;
        }
        Win w = new Win(t, t);
        w.items.add(it);
        wins.add(w);
      } else {
        near.sort(Comparator.comparingLong(x -> x.open));
        Win first = near.get(0);
        for (int i = 1; i < near.size(); i++) {
          Win later = near.get(i);
          first.items.addAll(later.items);
          first.open = Math.min(first.open, later.open);
          first.close = Math.max(first.close, later.close);
          wins.remove(later);
        }
        first.items.add(it);
        first.open = Math.min(first.open, t);
        first.close = Math.max(first.close, t);
      }
    }
    closeAll(now);
  }

  void wake(long now) {
    closeAll(now);
  }

  void finish() {
    sharedClockState[2] = 1;
    for (long[] c : clocks.values()) {
      c[2] = 1;
    }
    for (String k : open.keySet()) {
      clockOf(k)[2] = 1;
    }
    closeAll(0);
  }

  /** §5: close every window whose deadline the key's watermark has reached, per key in close/open order. */
  private void closeAll(long now) {
    for (Map.Entry<String, List<Win>> e : open.entrySet()) {
      long wm = watermark(clockOf(e.getKey()), now);
      long delay = windower.session ? windower.gap : 0;
      List<Win> due = new ArrayList<>();
      for (Win w : e.getValue()) {
        if (w.close + delay <= wm) {
          due.add(w);
        }
      }
      due.sort(Comparator.<Win>comparingLong(w -> w.close).thenComparingLong(w -> w.open));
      for (Win w : due) {
        List<Item> items = new ArrayList<>(w.items);
        items.sort(Comparator.comparingLong(Item::seq));
        outputs.add(new Recorder.Out(e.getKey(), w.open, w.close, aggregate.apply(items)));
        e.getValue().remove(w);
      }
    }
  }
}
