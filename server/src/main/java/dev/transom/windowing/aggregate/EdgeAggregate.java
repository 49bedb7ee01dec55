package dev.transom.windowing.aggregate;

import dev.transom.windowing.OpenWindow;
import dev.transom.windowing.Aggregate;
import java.util.Arrays;
import java.util.List;

/**
 * {@code first}/{@code last}: the value with the earliest/latest item time; ties go to the first
 * arrival for {@code first} and the last arrival for {@code last}.
 */
public final class EdgeAggregate implements Aggregate {
  private final boolean last;

  public EdgeAggregate(boolean last) {
    this.last = last;
  }

  @Override
  public String reject(Object value, Object rank) {
    return null;
  }

  @Override
  public boolean alwaysTakes(Object value) {
    return true;
  }

  @Override
  public OpenWindow create(String key) {
    return new EdgeAcc();
  }

  @Override
  public OpenWindow restore(Object snapshot) {
    List<?> s = (List<?>) snapshot;
    EdgeAcc acc = new EdgeAcc();
    acc.value = s.get(0);
    acc.time = ((Number) s.get(1)).longValue();
    acc.seq = ((Number) s.get(2)).longValue();
    acc.present = true;
    return acc;
  }

  final class EdgeAcc extends OpenWindow {
    Object value;
    long time;
    long seq;
    boolean present;

    @Override
    public void add(String key, Object v, Object rank, long t, long s) {
      offer(v, t, s);
    }

    private void offer(Object v, long t, long s) {
      boolean take;
      if (!present) {
        take = true;
      } else if (t != time) {
        take = last ? t > time : t < time;
      } else {
        take = last ? s > seq : s < seq;
      }
      if (take) {
        value = v;
        time = t;
        seq = s;
        present = true;
      }
    }

    @Override
    public void merge(String key, OpenWindow later) {
      EdgeAcc o = (EdgeAcc) later;
      if (o.present) {
        offer(o.value, o.time, o.seq);
      }
    }

    @Override
    public Object result() {
      return value;
    }

    @Override
    public Object snapshot() {
      return Arrays.asList(value, time, seq);
    }
  }
}
