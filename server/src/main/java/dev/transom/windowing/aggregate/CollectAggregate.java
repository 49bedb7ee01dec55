package dev.transom.windowing.aggregate;

import dev.transom.windowing.OpenWindow;
import dev.transom.windowing.Aggregate;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code collect: true}: the values in time order, ties in arrival order. Items mostly arrive in
 * order, so each is appended and moved back only past the entries that are later than it.
 */
public final class CollectAggregate implements Aggregate {
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
    return new CollectAcc();
  }

  @Override
  public OpenWindow restore(Object snapshot) {
    CollectAcc acc = new CollectAcc();
    for (Object o : (List<?>) snapshot) {
      List<?> e = (List<?>) o;
      acc.entries.add(new Entry(((Number) e.get(0)).longValue(), ((Number) e.get(1)).longValue(), e.get(2)));
    }
    return acc;
  }

  record Entry(long time, long seq, Object value) {
    boolean after(Entry o) {
      return time != o.time ? time > o.time : seq > o.seq;
    }
  }

  static final class CollectAcc extends OpenWindow {
    final ArrayList<Entry> entries = new ArrayList<>(4);

    @Override
    public void add(String key, Object value, Object rank, long t, long seq) {
      Entry e = new Entry(t, seq, value);
      int i = entries.size();
      while (i > 0 && entries.get(i - 1).after(e)) {
        i--;
      }
      entries.add(i, e);
    }

    @Override
    public void merge(String key, OpenWindow later) {
      List<Entry> a = new ArrayList<>(entries);
      List<Entry> b = ((CollectAcc) later).entries;
      entries.clear();
      entries.ensureCapacity(a.size() + b.size());
      int i = 0;
      int j = 0;
      while (i < a.size() || j < b.size()) {
        if (j >= b.size() || (i < a.size() && !a.get(i).after(b.get(j)))) {
          entries.add(a.get(i++));
        } else {
          entries.add(b.get(j++));
        }
      }
    }

    @Override
    public Object result() {
      List<Object> out = new ArrayList<>(entries.size());
      for (Entry e : entries) {
        out.add(e.value);
      }
      return out;
    }

    @Override
    public Object snapshot() {
      List<Object> out = new ArrayList<>(entries.size());
      for (Entry e : entries) {
        out.add(java.util.Arrays.asList(e.time, e.seq, e.value));
      }
      return out;
    }
  }
}
