package dev.transom.cli;

import dev.transom.components.GeneratorSource;
import dev.transom.engine.LineDecoder;
import dev.transom.engine.Shard;
import dev.transom.io.JsonValues;
import dev.transom.io.LineReader;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * How {@code run} feeds one shard on its own thread: a file or pipe read to its end, stdin as it
 * comes (waking up to close windows on time while it is quiet), a file replayed at the arrival times
 * its lines name, a generator at its rate. Each stops early once {@code interrupted} says so (Ctrl-C).
 */
final class RunFeeds {
  private final BooleanSupplier interrupted;
  private final dev.transom.engine.Clock clock;

  RunFeeds(BooleanSupplier interrupted, dev.transom.engine.Clock clock) {
    this.interrupted = interrupted;
    this.clock = clock;
  }

  void feed(Shard shard, RunOutputs outputs, InputStream in, RunProgress progress) throws IOException {
    try (LineReader lines = new LineReader(in)) {
      long now = clock.nowMicros();
      int sinceClock = 0;
      while (!interrupted.getAsBoolean() && lines.next()) {
        if (lines.isBlank()) {
          continue;
        }
        // Reading the clock per line costs more than the rest of a simple pipeline; a few
        // hundred lines share one reading (all within well under a millisecond).
        if (++sinceClock == 256) {
          sinceClock = 0;
          now = clock.nowMicros();
          progress.tick(shard, now);
        }
        outputs.line = lines.lineNumber();
        shard.line(lines.buffer(), lines.offset(), lines.length(), lines.lineNumber(), now);
      }
    }
  }

  /**
   * {@code --arrival FIELD}: each line's FIELD (an RFC 3339 time or epoch milliseconds) is the system
   * time it is processed at, instead of the clock; the field is removed before the pipeline sees the
   * event. This replays input as {@code serve} saw it: its 202 answers name each batch's arrival.
   */
  void feedWithArrivals(Shard shard, RunOutputs outputs, InputStream in, String field)
      throws IOException {
    try (LineReader lines = new LineReader(in)) {
      while (!interrupted.getAsBoolean() && lines.next()) {
        if (lines.isBlank()) {
          continue;
        }
        long lineNo = lines.lineNumber();
        outputs.line = lineNo;
        Object event = LineDecoder.parse(lines.buffer(), lines.offset(), lines.length(), lineNo, outputs::lineError);
        if (event == LineDecoder.NOT_JSON) {
          continue;
        }
        Object at = event instanceof Map<?, ?> m ? m.get(field) : null;
        long nowMicros;
        if (at instanceof Number n) {
          nowMicros = n.longValue() * 1_000;
        } else if (at instanceof String text) {
          try {
            java.time.Instant t = java.time.OffsetDateTime.parse(text).toInstant();
            nowMicros = Math.multiplyExact(t.getEpochSecond(), 1_000_000L) + t.getNano() / 1_000;
          } catch (java.time.format.DateTimeParseException | ArithmeticException e) {
            outputs.lineError(lineNo + ": " + field + ": not an RFC 3339 time: " + text);
            continue;
          }
        } else {
          outputs.lineError(lineNo + ": " + field + ": missing (--arrival needs it on every line)");
          continue;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> fields = (Map<String, Object>) event;
        fields.remove(field);
        shard.event(event, lineNo, nowMicros);
      }
    }
  }

  /** Like {@link #feed}, but wakes up to close windows on time while the input is quiet. */
  void feedLive(Shard shard, RunOutputs outputs, StdinPump pump, RunProgress progress)
      throws IOException {
    try {
      while (!interrupted.getAsBoolean()) {
        long now = clock.nowMicros();
        long wake = shard.nextWakeMicros();
        if (wake <= now) {
          shard.advance(now);
          outputs.flush();
          continue;
        }
        long waitMillis = Math.min(1_000, Math.max(1, (wake - now + 999) / 1_000));
        List<StdinPump.Line> lines = pump.take(waitMillis);
        if (lines == null) {
          return;
        }
        now = clock.nowMicros();
        for (StdinPump.Line line : lines) {
          outputs.line = line.number();
          shard.line(line.bytes(), 0, line.bytes().length, line.number(), now);
        }
        progress.tick(shard, now);
        outputs.flush();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  void generate(Shard shard, RunOutputs outputs, GeneratorSource gen, RunProgress progress) {
    long start = System.nanoTime();
    long n = 0;
    while (!interrupted.getAsBoolean() && gen.hasNext()) {
      long due = start + n * 1_000_000_000L / gen.rate();
      long wait = due - System.nanoTime();
      if (wait > 0) {
        shard.advance(clock.nowMicros());
        outputs.flush();
        try {
          Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      long now = clock.nowMicros();
      n++;
      outputs.line = n;
      try {
        shard.event(JsonValues.parse(gen.next(now)), n, now);
      } catch (JsonValues.Invalid e) {
        throw new IllegalStateException("generator made invalid JSON", e);
      }
      progress.tick(shard, now);
    }
  }
}
