package dev.transom.components;

import java.io.IOException;
import java.util.Map;

/** Where records (window outputs or late items) go: one JSON object each. */
public interface RecordSink extends AutoCloseable {
  void write(Map<String, Object> record) throws IOException;

  void flush() throws IOException;

  String describe();

  @Override
  void close() throws IOException;
}
