package dev.transom.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import java.io.BufferedInputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The parse floor: reads the workload file with the JSON parser Transom uses (Jackson streaming),
 * one parser fed line after line as Transom's direct path does, and extracts the fields the pipeline needs (user, clicks,
 * ts), doing nothing else. No engine can process the input faster than it can read it.
 *
 * <p>Run through the harness: {@code java -cp $(cat bench/target/classpath.txt):bench/target/transom-bench.jar
 * dev.transom.bench.Harness}
 */
public final class ParseFloor {
  public static void main(String[] args) throws IOException {
    JsonFactory factory = new JsonFactory();
    long lines = 0;
    long checksum = 0;
    byte[] buf = new byte[1 << 16];
    byte[] line = new byte[1 << 12];
    int lineLength = 0;
    try (InputStream in = new BufferedInputStream(new FileInputStream(args[0]), 1 << 16)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        for (int i = 0; i < n; i++) {
          byte b = buf[i];
          if (b == '\n') {
            checksum += parse(factory, line, lineLength);
            lines++;
            lineLength = 0;
          } else {
            if (lineLength == line.length) {
              line = java.util.Arrays.copyOf(line, line.length * 2);
            }
            line[lineLength++] = b;
          }
        }
      }
    }
    System.out.println("lines=" + lines + " checksum=" + checksum);
  }

  private static JsonParser parser;

  /**
   * One non-blocking parser fed line after line, as Transom's direct path reads simple events (a
   * parser per line costs more than the parse itself), so the floor stays below any engine using
   * the same parser.
   */
  private static long parse(JsonFactory factory, byte[] line, int length) throws IOException {
    if (parser == null) {
      parser = factory.createNonBlockingByteArrayParser();
    }
    JsonParser p = parser;
    ((ByteArrayFeeder) p.getNonBlockingInputFeeder()).feedInput(line, 0, length);
    String user = null;
    long clicks = 0;
    String ts = null;
    if (p.nextToken() != JsonToken.START_OBJECT) {
      throw new IOException("not an object per line");
    }
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      t = p.nextToken();
      switch (name) {
        case "user" -> user = p.getText();
        case "clicks" -> clicks = p.getLongValue();
        case "ts" -> ts = p.getText();
        default -> p.skipChildren();
      }
    }
    if (t != JsonToken.END_OBJECT || p.nextToken() != JsonToken.NOT_AVAILABLE) {
      throw new IOException("not one object per line");
    }
    return clicks + (user == null ? 0 : user.length()) + (ts == null ? 0 : ts.length());
  }
}
