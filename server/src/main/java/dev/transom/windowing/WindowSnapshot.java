package dev.transom.windowing;

/** One open window as stored in a checkpoint; {@code acc} is the accumulator's own snapshot. */
public record WindowSnapshot(long openMicros, long closeMicros, long count, Object acc) {}
