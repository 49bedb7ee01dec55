package dev.transom.components;

import java.util.List;

/**
 * A sink that delivers in the background from a queue of its own, at least once: every record
 * written to it is held until its receiver has taken it, however long that takes. What it still
 * holds is stored with each checkpoint ({@link #undelivered()}), put back after a crash
 * ({@link #requeue}) and handed on to the sink that replaces it in a reload ({@link #detach()}).
 * Records are the JSON of one output each, without a newline.
 */
public interface DeliveryQueue extends RecordSink {
  /** Names the sink by its kind and destination: the same after a restart or a reload. */
  String name();

  /** Its kind, as a definition names it ({@code webhook}, {@code kafka}), for the meters' tags. */
  String kind();

  /** Everything written and not yet delivered, oldest first, the batch in flight included. */
  List<byte[]> undelivered();

  /** Puts records back ahead of everything not yet in flight, in the order given. */
  void requeue(List<byte[]> records);

  /**
   * Stops delivering and returns what was not delivered, in order, for the sink that takes over. A
   * batch in flight meanwhile may still arrive: it is in the list too (a duplicate, never a loss).
   */
  List<byte[]> detach();

  /** Records delivered so far. */
  long delivered();

  /** Requests that failed (no answer in time, or not 2xx) so far. */
  long failedAttempts();

  /** The pipeline it belongs to, for its log lines (a failing receiver, and when it takes records again). */
  default void logAs(String pipeline) {}

  /** Why the last request failed, or {@code null} once one succeeded. */
  String lastError();
}
