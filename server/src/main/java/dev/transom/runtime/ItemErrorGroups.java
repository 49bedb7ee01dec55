package dev.transom.runtime;

import dev.transom.compile.ItemError;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A pipeline's item errors grouped by where and why (field and message): one bad producer repeats
 * one error thousands of times, and a list of the last twenty would show it twenty times and
 * nothing else. Each group counts its errors and keeps its latest event. At most {@link #GROUPS}
 * groups; a new one pushes out the one seen least recently. Touched only when an item fails.
 */
public final class ItemErrorGroups {
  static final int GROUPS = 100;

  /** One group, as {@code GET /api/pipelines/{id}/errors} lists it. */
  public record Group(String field, String message, long count, Instant firstTime, Instant lastTime,
      Object lastItem) {}

  /** The groups, most recent first, and the pipeline's item errors in all (also those of groups pushed out). */
  public record View(String pipeline, long total, List<Group> groups) {}

  private static final class Tally {
    final String field;
    final String message;
    final Instant first;
    long count;
    Instant last;
    Object lastItem;

    Tally(String field, String message, Instant first) {
      this.field = field;
      this.message = message;
      this.first = first;
    }
  }

  /** By field and message; in access order, so the eldest entry is the group seen least recently. */
  private final LinkedHashMap<String, Tally> groups = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Tally> eldest) {
      return size() > GROUPS;
    }
  };
  private long total;

  synchronized void add(ItemError e, Instant at) {
    total++;
    Tally t = groups.computeIfAbsent(e.field() + '\n' + e.message(), k -> new Tally(e.field(), e.message(), at));
    t.count++;
    t.last = at;
    t.lastItem = e.item();
  }

  public synchronized View view(String pipeline) {
    List<Group> out = new ArrayList<>();
    for (Tally t : groups.values()) {
      out.add(new Group(t.field, t.message, t.count, t.first, t.last, t.lastItem));
    }
    out.sort(Comparator.comparing(Group::lastTime).reversed());
    return new View(pipeline, total, out);
  }
}
