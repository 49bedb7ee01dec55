package dev.transom.components;

import dev.transom.io.JsonValues;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;

/** Records as JSON lines on a byte stream (a file or standard output). */
final class JsonLinesSink implements RecordSink {
  private final OutputStream out;
  private final String name;
  private final boolean closeStream;

  JsonLinesSink(OutputStream out, String name, boolean closeStream) {
    this.out = new BufferedOutputStream(out, 1 << 16);
    this.name = name;
    this.closeStream = closeStream;
  }

  @Override
  public void write(Map<String, Object> record) throws IOException {
    out.write(JsonValues.toJsonBytes(record));
    out.write('\n');
  }

  @Override
  public void flush() throws IOException {
    out.flush();
  }

  @Override
  public String describe() {
    return name;
  }

  @Override
  public void close() throws IOException {
    out.flush();
    if (closeStream) {
      out.close();
    }
  }
}
