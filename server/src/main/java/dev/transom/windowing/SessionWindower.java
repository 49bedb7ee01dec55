package dev.transom.windowing;

/**
 * Sessions (SEMANTICS §3.2): a session spans its earliest to its latest item time; an item at
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
  public WindowerLogic newLogic() {
    return new Logic(gapMicros);
  }

  @Override
  public long closeDelayMicros() {
    return gapMicros;
  }

  static final class Logic extends WindowList {
    private final long gap;

    Logic(long gap) {
      super(gap);
      this.gap = gap;
    }

    /**
     * Sessions are disjoint and at least {@code gap} apart, so an item is within the gap of at most
     * two neighbours. Merge first (the earlier session keeps its identity and takes the later's
     * accumulator as {@code other}), then add the item (Flink's order). An item that joins no open
     * session forms {@code [t, t]}; it is late when that session is already closed
     * ({@code t + gap <= wm}).
     */
    @Override
    public void add(String key, long t, long wm, Object value, Object rank, long seq, Aggregate aggregate,
        WindowSink sink, AddOutcome outcome) {
      int first = firstWithin(t);
      int end = first;
      while (end < windows.size() && windows.get(end).openMicros - gap < t) {
        end++;
      }
      OpenWindow target;
      if (first == end) {
        if (t + gap <= wm) {
          sink.late(key, t, wm, value, WindowSink.NO_WINDOW, WindowSink.NO_WINDOW);
          outcome.late++;
          return;
        }
        try {
          target = new OpenWindow(t, t, aggregate.create(key));
        } catch (AggregateFailure e) {
          outcome.failure = e.getMessage();
          return;
        }
        windows.add(first, target);
        outcome.openedNet++;
      } else {
        target = windows.get(first);
        for (int i = first + 1; i < end; i++) {
          OpenWindow later = windows.get(i);
          try {
            target.acc.merge(key, later.acc);
          } catch (AggregateFailure e) {
            outcome.failure = "merging sessions: " + e.getMessage();
          }
          target.closeMicros = Math.max(target.closeMicros, later.closeMicros);
          target.count += later.count;
        }
        if (end - first > 1) {
          windows.subList(first + 1, end).clear();
          outcome.openedNet -= end - first - 1;
        }
        target.openMicros = Math.min(target.openMicros, t);
        target.closeMicros = Math.max(target.closeMicros, t);
      }
      addTo(target, key, t, value, rank, seq, outcome);
    }

    /** Index of the first session with {@code close + gap > t} (sessions are in close order). */
    private int firstWithin(long t) {
      int lo = 0;
      int hi = windows.size();
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (windows.get(mid).closeMicros + gap > t) {
          hi = mid;
        } else {
          lo = mid + 1;
        }
      }
      return lo;
    }
  }
}
