package dev.transom.runtime;

/**
 * Fault points for the end-to-end tests, armed by {@code TRANSOM_FAULT} in the server's
 * environment and inert otherwise (a crash between two steps cannot be timed from outside):
 * <ul>
 *   <li>{@code TRANSOM_FAULT=NAME}: the server halts at once (as {@code kill -9} would) when it
 *       reaches the point called NAME;
 *   <li>{@code TRANSOM_FAULT=error:PIPELINE:MARKER}: pipeline PIPELINE throws an
 *       {@link AssertionError} (an {@link Error}, not an exception) while its partition processes an
 *       item whose value contains the text MARKER, as a bug in the runtime would;
 *   <li>{@code TRANSOM_FAULT=hang:PIPELINE:MARKER}: likewise, but the partition's task sleeps for
 *       ten minutes instead, as a sink that never answers would (for the watchdog).
 * </ul>
 */
final class Faults {
  private static final String ARMED = System.getenv("TRANSOM_FAULT");
  /** {@code error} or {@code hang} when an item fault is armed, else null. */
  private static final String ITEM_FAULT;
  private static final String ITEM_PIPELINE;
  private static final String ITEM_MARKER;

  static {
    String kind = null;
    String pipeline = null;
    String marker = null;
    if (ARMED != null && (ARMED.startsWith("error:") || ARMED.startsWith("hang:"))) {
      String[] parts = ARMED.split(":", 3);
      if (parts.length == 3 && !parts[2].isEmpty()) {
        kind = parts[0];
        pipeline = parts[1];
        marker = parts[2];
      }
    }
    ITEM_FAULT = kind;
    ITEM_PIPELINE = pipeline;
    ITEM_MARKER = marker;
  }

  private Faults() {}

  static void at(String point) {
    if (point.equals(ARMED)) {
      System.err.println("transom: TRANSOM_FAULT=" + point + ": halting");
      Runtime.getRuntime().halt(137);
    }
  }

  /** Whether an item fault is armed for {@code pipeline} (so the hot path asks only then). */
  static boolean armedFor(String pipeline) {
    return ITEM_FAULT != null && ITEM_PIPELINE.equals(pipeline);
  }

  /** Fires the armed item fault when {@code value} holds its marker (see {@link #armedFor}). */
  static void onItem(Object value) {
    if (value == null || !String.valueOf(value).contains(ITEM_MARKER)) {
      return;
    }
    if (ITEM_FAULT.equals("error")) {
      throw new AssertionError("TRANSOM_FAULT: injected error on an item marked '" + ITEM_MARKER + "'");
    }
    try {
      Thread.sleep(600_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
