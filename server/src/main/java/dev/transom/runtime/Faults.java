package dev.transom.runtime;

/**
 * Crash points for the end-to-end tests: with {@code TRANSOM_FAULT=NAME} in its environment the
 * server halts at once (as {@code kill -9} would) when it reaches the point called NAME. Inert
 * otherwise; a crash between two steps cannot be timed from outside.
 */
final class Faults {
  private static final String ARMED = System.getenv("TRANSOM_FAULT");

  private Faults() {}

  static void at(String point) {
    if (point.equals(ARMED)) {
      System.err.println("transom: TRANSOM_FAULT=" + point + ": halting");
      Runtime.getRuntime().halt(137);
    }
  }
}
