package dev.transom.windowing;

import java.util.ArrayList;
import java.util.List;

/**
 * A windower at work on one key's open windows (held by its {@link KeyState}): "which windows
 * does this item belong to", and closing in close order. Stateless, one per operator. Sessions
 * merge inside {@link #add}; other windowers never merge, so the operator treats every windower
 * alike.
 */
abstract class WindowerLogic {
  private final long closeDelayMicros;

  WindowerLogic(long closeDelayMicros) {
    this.closeDelayMicros = closeDelayMicros;
  }

  /**
   * Places an item at {@code timeMicros}, judged against watermark {@code watermarkMicros}: it
   * goes into each of its windows that is still open (created when needed), and each window it
   * belongs to that has already closed is reported to {@code sink} as late.
   */
  abstract void add(KeyState ks, long timeMicros, long watermarkMicros, Object value, Object rank, long seq,
      Aggregate aggregate, WindowSink sink, AddOutcome outcome);

  /**
   * docs/semantics.md: emits and drops every window whose close deadline is at or before
   * {@code watermarkMicros}, in order of close time, then open time; returns how many.
   */
  final int closeUpTo(KeyState ks, long watermarkMicros, WindowSink sink) {
    int n = 0;
    int size = ks.size();
    while (n < size && ks.get(n).closeMicros + closeDelayMicros <= watermarkMicros) {
      OpenWindow w = ks.get(n++);
      sink.window(ks.key, w.openMicros, w.closeMicros, w.result());
    }
    if (n > 0) {
      ks.remove(0, n);
    }
    return n;
  }

  /** The smallest watermark that closes a window of {@code ks}, {@link Micros#POS_INFINITY} if none is open. */
  final long earliestDeadline(KeyState ks) {
    return ks.isEmpty() ? Micros.POS_INFINITY : ks.get(0).closeMicros + closeDelayMicros;
  }

  static List<WindowSnapshot> snapshot(KeyState ks) {
    List<WindowSnapshot> out = new ArrayList<>(ks.size());
    for (int i = 0; i < ks.size(); i++) {
      OpenWindow w = ks.get(i);
      out.add(new WindowSnapshot(w.openMicros, w.closeMicros, w.count, w.snapshot()));
    }
    return out;
  }

  /** A new empty window with its bounds, or {@code null} (and the failure noted) when the aggregate cannot start one. */
  static OpenWindow create(Aggregate aggregate, String key, long openMicros, long closeMicros, AddOutcome outcome) {
    OpenWindow w;
    try {
      w = aggregate.create(key);
    } catch (AggregateFailure e) {
      outcome.failure = e.getMessage();
      return null;
    }
    w.openMicros = openMicros;
    w.closeMicros = closeMicros;
    return w;
  }

  /** Adds to one window, counting the item only when the aggregate took it. */
  static void addTo(OpenWindow w, String key, long t, Object value, Object rank, long seq, AddOutcome outcome) {
    try {
      w.add(key, value, rank, t, seq);
      w.count++;
      outcome.joined++;
    } catch (AggregateFailure e) {
      outcome.failure = e.getMessage();
    }
  }

  /** What one {@link #add} did, reused across calls to keep the per-item path allocation-free. */
  static final class AddOutcome {
    int joined;
    int late;
    /** Windows created minus windows merged away by this add. */
    int openedNet;
    String failure;

    void reset() {
      joined = 0;
      late = 0;
      openedNet = 0;
      failure = null;
    }
  }
}
