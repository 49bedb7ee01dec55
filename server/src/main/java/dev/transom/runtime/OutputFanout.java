package dev.transom.runtime;

import dev.transom.compile.ItemError;
import dev.transom.components.SinkSet;
import dev.transom.engine.Clock;
import dev.transom.windowing.Micros;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Where what a pipeline's partitions emit goes at once: counted, kept in the recent rings the API
 * shows, streamed to live readers, and written to the sinks that take records as they are produced
 * (stdout, webhooks; the exactly-once sinks are staged with the partitions instead). Called from
 * every partition's context, so one at a time.
 */
final class OutputFanout {
  static final int RECENT = 20;

  private final Supplier<OutputFeed> feed;
  private final SinkCounts sinkCounts;
  private final Clock clock;
  private final AtomicLong out = new AtomicLong();
  private final AtomicLong late = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final ArrayDeque<Map<String, Object>> recentErrors = new ArrayDeque<>();
  private final ArrayDeque<Map<String, Object>> recentLate = new ArrayDeque<>();
  private SinkSet sinks = SinkSet.none();
  /** The last write to those sinks that failed, in words; null while they work. */
  private volatile String sinkFailure;

  OutputFanout(Supplier<OutputFeed> feed, SinkCounts sinkCounts, Clock clock) {
    this.feed = feed;
    this.sinkCounts = sinkCounts;
    this.clock = clock;
  }

  /** The sinks a new version writes at once (its previous ones are closed already). */
  synchronized void use(SinkSet s) {
    sinks = s;
    sinkFailure = null;
  }

  synchronized SinkSet sinks() {
    return sinks;
  }

  /** Closes the sinks, as the pipeline goes away or is replaced. */
  synchronized void close() {
    try {
      sinks.close();
    } catch (IOException ignored) {
      // the pipeline is going away; nothing more to tell
    }
    sinks = SinkSet.none();
  }

  synchronized void output(Map<String, Object> record) {
    out.incrementAndGet();
    try {
      sinks.output(record);
      sinkCounts.streamedOutput();
    } catch (IOException e) {
      sinkFailure = "sink: " + e.getMessage();
    }
    feed.get().output(record);
  }

  synchronized void late(Map<String, Object> record) {
    late.incrementAndGet();
    keep(recentLate, record);
    try {
      sinks.late(record);
      sinkCounts.streamedLate();
    } catch (IOException e) {
      sinkFailure = "late sink: " + e.getMessage();
    }
  }

  synchronized void error(ItemError error) {
    errors.incrementAndGet();
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("time", Micros.toInstant(clock.nowMicros()));
    e.put("field", error.field());
    e.put("message", error.message());
    e.put("item", error.item());
    if (error.line() > 0) {
      e.put("line", error.line()); // the input line it came from: a file source's, counted from 1
    }
    keep(recentErrors, e);
  }

  /** Makes what was written visible (after each batch and wake-up). */
  synchronized void flush() {
    try {
      sinks.flush();
    } catch (IOException e) {
      sinkFailure = "sink: " + e.getMessage();
    }
  }

  private static void keep(ArrayDeque<Map<String, Object>> ring, Map<String, Object> item) {
    ring.addLast(item);
    if (ring.size() > RECENT) {
      ring.removeFirst();
    }
  }

  long outCount() {
    return out.get();
  }

  long lateCount() {
    return late.get();
  }

  long errorCount() {
    return errors.get();
  }

  synchronized List<Map<String, Object>> recentErrors() {
    return new ArrayList<>(recentErrors);
  }

  synchronized List<Map<String, Object>> recentLate() {
    return new ArrayList<>(recentLate);
  }

  /** What is wrong with the sinks written at once, or null. */
  synchronized String problem() {
    return sinkFailure != null ? sinkFailure : sinks.problem();
  }
}
