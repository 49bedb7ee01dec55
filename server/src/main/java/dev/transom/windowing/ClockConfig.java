package dev.transom.windowing;

/** An immutable clock definition and the {@link ClockLogic} that runs it. */
public interface ClockConfig {
  ClockLogic logic();

  /** True when one watermark is shared by every key of the pipeline (docs/semantics.md). */
  boolean sharedAcrossKeys();
}
