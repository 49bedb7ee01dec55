package dev.transom.windowing;

/**
 * Sessions (docs/semantics.md): a session spans its earliest to its latest item time; an item at
 * {@code t} joins a session when {@code open - gap < t < close + gap}, merging every session it is
 * within the gap of; a session closes when {@code close_time + gap <= wm}.
 */
public record SessionWindower(long gapMicros) implements Windower {
  public SessionWindower {
    if (gapMicros <= 0 || gapMicros > Micros.MAX_ABS_TIME) {
      throw new IllegalArgumentException("gap must be > 0");
    }
  }

  @Override
  public WindowerLogic logic() {
    return new Logic(gapMicros);
  }

  @Override
  public long closeDelayMicros() {
    return gapMicros;
  }

  static final class Logic extends WindowerLogic {
    private final long gap;

    Logic(long gap) {
      super(gap);
      this.gap = gap;
    }

    /**
     * Sessions are disjoint and at least {@code gap} apart, so an item is within the gap of at most
     * two neighbours. Merge first (the earlier session keeps its identity and takes the later's
     * state as {@code other}), then add the item (Flink's order). An item that joins no open
     * session forms {@code [t, t]}; it is late when that session is already closed
     * ({@code t + gap <= wm}).
     */
    @Override
    void add(KeyState ks, long t, long wm, Object value, Object rank, long seq, Aggregate aggregate,
        WindowSink sink, AddOutcome outcome) {
      String key = ks.key;
      int first = firstWithin(ks, t);
      int end = first;
      while (end < ks.size() && ks.get(end).openMicros - gap < t) {
        end++;
      }
      OpenWindow target;
      if (first == end) {
        if (t + gap <= wm) {
          sink.late(key, t, wm, value, WindowSink.NO_WINDOW, WindowSink.NO_WINDOW);
          outcome.late++;
          return;
        }
        target = create(aggregate, key, t, t, outcome);
        if (target == null) {
          return;
        }
        ks.insert(first, target);
        outcome.openedNet++;
      } else {
        target = ks.get(first);
        for (int i = first + 1; i < end; i++) {
          OpenWindow later = ks.get(i);
          try {
            target.merge(key, later);
          } catch (AggregateFailure e) {
            outcome.failure = "merging sessions: " + e.getMessage();
          }
          target.closeMicros = Math.max(target.closeMicros, later.closeMicros);
          target.count += later.count;
        }
        if (end - first > 1) {
          ks.remove(first + 1, end);
          outcome.openedNet -= end - first - 1;
        }
        target.openMicros = Math.min(target.openMicros, t);
        target.closeMicros = Math.max(target.closeMicros, t);
      }
      addTo(target, key, t, value, rank, seq, outcome);
    }

    /** Index of the first session with {@code close + gap > t} (sessions are in close order). */
    private int firstWithin(KeyState ks, long t) {
      int lo = 0;
      int hi = ks.size();
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (ks.get(mid).closeMicros + gap > t) {
          hi = mid;
        } else {
          lo = mid + 1;
        }
      }
      return lo;
    }
  }
}
