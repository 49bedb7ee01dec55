package dev.transom.windowing;

import java.util.ArrayList;
import java.util.List;

/** Collects what an operator emits, as readable strings and plain records. */
public final class Recorder implements WindowSink {
  public record Out(String key, long open, long close, Object value) {}

  public record Late(String key, long time, long open, long close, Object value) {}

  public final List<Out> outputs = new ArrayList<>();
  public final List<Late> late = new ArrayList<>();
  public final List<String> errors = new ArrayList<>();

  @Override
  public void window(String key, long openMicros, long closeMicros, Object value) {
    outputs.add(new Out(key, openMicros, closeMicros, value));
  }

  @Override
  public void late(String key, long t, long wm, Object value, long open, long close) {
    late.add(new Late(key, t, open, close, value));
  }

  @Override
  public void itemError(String key, String message) {
    errors.add(key + ": " + message);
  }
}
