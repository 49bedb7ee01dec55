package dev.transom.windowing;

import java.util.ArrayList;
import java.util.List;

/** Collects what an operator emits, as readable strings and plain records. */
final class Recorder implements WindowSink {
  record Out(String key, long open, long close, Object value) {}

  record Late(String key, long time, long open, long close, Object value) {}

  final List<Out> outputs = new ArrayList<>();
  final List<Late> late = new ArrayList<>();
  final List<String> errors = new ArrayList<>();

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
