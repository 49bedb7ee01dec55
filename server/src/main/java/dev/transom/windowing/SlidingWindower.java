package dev.transom.windowing;

/**
 * Window {@code i} (any integer) is {@code [align_to + i*offset, align_to + i*offset + length)}
 * (docs/semantics.md). Overlapping when {@code offset < length}, with gaps when {@code offset > length}.
 */
public record SlidingWindower(long lengthMicros, long offsetMicros, long alignMicros) implements Windower {
  public SlidingWindower {
    if (lengthMicros <= 0 || offsetMicros <= 0) {
      throw new IllegalArgumentException("length and offset must be > 0");
    }
    if (lengthMicros > Micros.MAX_ABS_TIME || offsetMicros > Micros.MAX_ABS_TIME || !Micros.inRange(alignMicros)) {
      throw new IllegalArgumentException("window parameters out of range");
    }
  }

  @Override
  public WindowerLogic logic() {
    return new Logic(this);
  }

  @Override
  public long closeDelayMicros() {
    return 0;
  }

  /** {@code floor((t - align_to - length) / offset) + 1}: the first window containing {@code t}. */
  public long firstIndex(long t) {
    return Math.floorDiv(t - alignMicros - lengthMicros, offsetMicros) + 1;
  }

  /** {@code floor((t - align_to) / offset)}: the last window containing {@code t}. */
  public long lastIndex(long t) {
    return Math.floorDiv(t - alignMicros, offsetMicros);
  }

  public long openOf(long index) {
    return alignMicros + index * offsetMicros;
  }

  static final class Logic extends WindowerLogic {
    private final SlidingWindower def;

    Logic(SlidingWindower def) {
      super(0);
      this.def = def;
    }

    /**
     * An item at {@code t} belongs to every {@code i} with {@code open(i) <= t < close(i)}; it is
     * late for each such window already closed ({@code close_time <= wm}) and goes into the others.
     * With gaps it may belong to none: then it is neither added nor late (counted unwindowed).
     */
    @Override
    void add(KeyState ks, long t, long wm, Object value, Object rank, long seq, Aggregate aggregate,
        WindowSink sink, AddOutcome outcome) {
      String key = ks.key;
      long first = def.firstIndex(t);
      long last = def.lastIndex(t);
      // The item's windows come in open order, as the key's do: each is looked for after the one before.
      int from = -1;
      for (long i = first; i <= last; i++) {
        long open = def.openOf(i);
        long close = open + def.lengthMicros;
        if (close <= wm) {
          sink.late(key, t, wm, value, open, close);
          outcome.late++;
          continue;
        }
        int at = from < 0 ? ks.find(open) : ks.find(open, from);
        OpenWindow w;
        if (at >= 0) {
          w = ks.get(at);
          from = at + 1;
        } else {
          w = create(aggregate, key, open, close, outcome);
          if (w == null) {
            from = -at - 1;
            continue;
          }
          ks.insert(-at - 1, w);
          from = -at;
          outcome.openedNet++;
        }
        addTo(w, key, t, value, rank, seq, outcome);
      }
    }
  }
}
