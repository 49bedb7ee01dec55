package dev.transom.windowing;

/** An immutable clock definition that builds fresh {@link ClockLogic}s. */
public interface ClockConfig {
  ClockLogic newLogic();

  /** True when one watermark is shared by every key of the pipeline (SEMANTICS §1). */
  boolean sharedAcrossKeys();
}
