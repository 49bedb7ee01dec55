package dev.transom.windowing;

import java.util.List;
import java.util.function.Consumer;

/**
 * The open windows of one key, answering "which windows does this item belong to" and holding
 * them in close order. Sessions merge inside {@link #add}; other windowers never merge, so the
 * operator treats every windower alike.
 */
public interface WindowerLogic {
  /**
   * Places an item at {@code timeMicros}, judged against watermark {@code watermarkMicros}: it
   * goes into each of its windows that is still open (created when needed), and each window it
   * belongs to that has already closed is reported to {@code sink} as late.
   */
  void add(String key, long timeMicros, long watermarkMicros, Object value, Object rank, long seq,
      Aggregate aggregate, WindowSink sink, AddOutcome outcome);

  /**
   * Emits and drops every window whose close deadline is at or before {@code watermarkMicros};
   * returns how many.
   */
  int closeUpTo(String key, long watermarkMicros, WindowSink sink);

  /** How many windows are open. */
  int size();

  /** The smallest watermark that closes a window here, {@link Micros#POS_INFINITY} if none is open. */
  long earliestDeadline();

  boolean isEmpty();

  void forEachOpen(Consumer<OpenWindow> visitor);

  List<WindowSnapshot> snapshot();

  void restore(List<WindowSnapshot> windows, Aggregate aggregate);

  /** What one {@link #add} did, reused across calls to keep the per-item path allocation-free. */
  final class AddOutcome {
    public int joined;
    public int late;
    /** Windows created minus windows merged away by this add. */
    public int openedNet;
    public String failure;

    void reset() {
      joined = 0;
      late = 0;
      openedNet = 0;
      failure = null;
    }
  }
}
