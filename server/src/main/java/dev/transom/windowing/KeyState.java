package dev.transom.windowing;

/** Everything the operator keeps for one key. */
final class KeyState {
  final String key;
  /** This key's own clock; {@code null} when the pipeline shares one. */
  final ClockLogic clock;
  /** {@code null} while the key has no open window: a quiet key keeps only its clock. */
  WindowerLogic windows;
  /** The key's position in the {@link KeyHeap}, -1 when absent. */
  int heapIndex = -1;
  /** Ordering in the heap: the system time (own clock) or watermark (shared clock) of its next close. */
  long heapKey;

  KeyState(String key, ClockLogic clock) {
    this.key = key;
    this.clock = clock;
  }
}
