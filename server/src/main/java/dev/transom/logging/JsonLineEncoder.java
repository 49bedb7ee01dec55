package dev.transom.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.encoder.EncoderBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import org.slf4j.event.KeyValuePair;

/**
 * {@code --log-format json}: one flat JSON object per line, {@code time} (RFC 3339, UTC), {@code level},
 * {@code logger}, {@code thread}, {@code message}, the event's key-value pairs as fields of their own
 * ({@code event}, {@code pipeline}, ...) and {@code error} with a stack trace when there is one. Flat,
 * because that is what Vector, Fluent Bit and Loki select on without a remap step; Logback's own
 * JsonEncoder nests the pairs in a list of one-entry objects.
 */
public final class JsonLineEncoder extends EncoderBase<ILoggingEvent> {
  private static final JsonFactory JSON = new JsonFactory();
  private static final byte[] NONE = new byte[0];
  /** Frames of a stack trace kept in a line: enough to place it, short enough to read. */
  private static final int MAX_FRAMES = 12;

  @Override
  public byte[] headerBytes() {
    return NONE;
  }

  @Override
  public byte[] footerBytes() {
    return NONE;
  }

  @Override
  public byte[] encode(ILoggingEvent e) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("time", DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(e.getTimeStamp())));
      g.writeStringField("level", e.getLevel().toString());
      g.writeStringField("logger", e.getLoggerName());
      g.writeStringField("thread", e.getThreadName());
      g.writeStringField("message", e.getFormattedMessage());
      if (e.getKeyValuePairs() != null) {
        for (KeyValuePair kv : e.getKeyValuePairs()) {
          if (!isReserved(kv.key)) {
            g.writeFieldName(kv.key);
            writeValue(g, kv.value);
          }
        }
      }
      IThrowableProxy t = e.getThrowableProxy();
      if (t != null) {
        g.writeStringField("error", t.getClassName() + ": " + t.getMessage());
        g.writeArrayFieldStart("stack");
        StackTraceElementProxy[] frames = t.getStackTraceElementProxyArray();
        for (int i = 0; i < Math.min(MAX_FRAMES, frames.length); i++) {
          g.writeString(frames[i].getSTEAsString());
        }
        g.writeEndArray();
      }
      g.writeEndObject();
    } catch (IOException x) {
      throw new UncheckedIOException(x);
    }
    out.write('\n');
    return out.toByteArray();
  }

  private static boolean isReserved(String key) {
    return switch (key) {
      case "time", "level", "logger", "thread", "message", "error", "stack" -> true;
      default -> false;
    };
  }

  private static void writeValue(JsonGenerator g, Object v) throws IOException {
    if (v == null) {
      g.writeNull();
    } else if (v instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (v instanceof Integer || v instanceof Long || v instanceof Short) {
      g.writeNumber(((Number) v).longValue());
    } else if (v instanceof Double d && Double.isFinite(d)) {
      g.writeNumber(d);
    } else {
      g.writeString(String.valueOf(v));
    }
  }
}
