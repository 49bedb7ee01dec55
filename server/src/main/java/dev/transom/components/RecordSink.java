package dev.transom.components;

import java.io.IOException;
import java.util.Map;

/** Where records (window outputs or late items) go: one JSON object each. */
public interface RecordSink extends AutoCloseable {
  void write(Map<String, Object> record) throws IOException;

  void flush() throws IOException;

  String describe();

  /**
   * Waits up to {@code max} until what was written has reached its destination (sinks that deliver
   * in the background); true when it has.
   */
  default boolean drain(java.time.Duration max) {
    return true;
  }

  /** Records written and not yet delivered (sinks that deliver in the background). */
  default long backlog() {
    return 0;
  }

  /**
   * The backlog at which the pipeline stops taking input until the sink catches up: what keeps a
   * sink that never drops a record within bounded memory.
   */
  default long backlogLimit() {
    return Long.MAX_VALUE;
  }

  /** What is wrong with this sink right now (shown with the pipeline), or {@code null}. */
  default String problem() {
    return null;
  }

  @Override
  void close() throws IOException;
}
