package dev.transom.definition;

/** {@code window:} — tumbling, sliding or session. Times in microseconds. */
public sealed interface WindowDef {
  record Tumbling(long lengthMicros, long alignMicros) implements WindowDef {}

  record Sliding(long lengthMicros, long offsetMicros, long alignMicros) implements WindowDef {}

  record Session(long gapMicros) implements WindowDef {}
}
