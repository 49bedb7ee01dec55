package dev.transom.windowing;

/** {@code tumbling(length, align_to)} is {@code sliding(length, offset = length, align_to)}. */
public record TumblingWindower(long lengthMicros, long alignMicros) implements Windower {
  public TumblingWindower {
    new SlidingWindower(lengthMicros, lengthMicros, alignMicros); // same checks
  }

  public SlidingWindower asSliding() {
    return new SlidingWindower(lengthMicros, lengthMicros, alignMicros);
  }

  @Override
  public WindowerLogic logic() {
    return asSliding().logic();
  }

  @Override
  public long closeDelayMicros() {
    return 0;
  }
}
