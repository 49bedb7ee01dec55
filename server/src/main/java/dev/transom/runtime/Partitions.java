package dev.transom.runtime;

import dev.transom.engine.Batch;
import dev.transom.windowing.Micros;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * What a pipeline asks of all its partitions at once: a task on each (each on its own event loop,
 * so they run side by side), and the figures the API and metrics sum or compare over them.
 */
final class Partitions {
  private Partitions() {}

  /** Hands each partition its part of a batch; completes once all have processed theirs. */
  static Future<Void> process(Partition[] ps, Batch[] batches) {
    List<Future<Object>> parts = new ArrayList<>(ps.length);
    for (int i = 0; i < ps.length; i++) {
      Batch b = batches[i];
      if (b != null && !b.isEmpty()) {
        Partition p = ps[i];
        parts.add(p.call(() -> {
          p.process(b);
          return null;
        }));
      }
    }
    return parts.size() == 1 ? parts.get(0).mapEmpty() : Future.all(parts).mapEmpty();
  }

  /** Closes every open window on each partition (end of input, a flush before a swap or removal). */
  static Future<Void> finish(Partition[] ps) {
    List<Future<Object>> done = new ArrayList<>(ps.length);
    for (Partition p : ps) {
      done.add(p.call(() -> {
        p.finish();
        return null;
      }));
    }
    return Future.all(done).mapEmpty();
  }

  /** Each partition's hand-over to a new version (see {@link Partition#handOver}), in partition order. */
  static Future<List<Partition.HandOver>> handOver(Partition[] ps, boolean snapshot) {
    List<Future<Partition.HandOver>> all = new ArrayList<>(ps.length);
    for (Partition p : ps) {
      all.add(p.call(() -> p.handOver(snapshot)));
    }
    return Future.all(all).map(ignored -> all.stream().map(Future::result).toList());
  }

  /** Lets go of every partition's wake-ups and work (a failed pipeline). */
  static void release(Partition[] ps) {
    for (Partition p : ps) {
      p.release();
    }
  }

  /** The first partition's failure, or null. */
  static Throwable failure(Partition[] ps) {
    for (Partition p : ps) {
      if (p.failure() != null) {
        return p.failure();
      }
    }
    return null;
  }

  /** Why a partition's task has run longer than {@code limitNanos}, or null when none has. */
  static String stuck(Partition[] ps, long nowNanos, long limitNanos) {
    for (int i = 0; i < ps.length; i++) {
      long since = ps[i].busySinceNanos();
      if (since != Partition.IDLE && nowNanos - since > limitNanos) {
        String with = ps[i].busyWith();
        return "stuck in " + (with == null ? "a task" : with) + " for "
            + java.util.concurrent.TimeUnit.NANOSECONDS.toSeconds(nowNanos - since) + " s (partition " + i + " of "
            + ps.length + ")";
      }
    }
    return null;
  }

  static long stateBytes(Partition[] ps) {
    long n = 0;
    for (Partition p : ps) {
      n += p.stateBytes();
    }
    return n;
  }

  /** Items that reached the windows, and windows closed (before {@code then}), summed. */
  static long[] windowCounts(Partition[] ps) {
    long items = 0;
    long closed = 0;
    for (Partition p : ps) {
      items += p.windowedItems();
      closed += p.closedWindows();
    }
    return new long[] {items, closed};
  }

  static int openWindows(Partition[] ps) {
    int n = 0;
    for (Partition p : ps) {
      n += p.openWindows();
    }
    return n;
  }

  /** The furthest watermark of any partition, {@link Micros#NEG_INFINITY} before one. */
  static long watermarkMicros(Partition[] ps) {
    long wm = Micros.NEG_INFINITY;
    for (Partition p : ps) {
      wm = Math.max(wm, p.watermarkMicros());
    }
    return wm;
  }

  /**
   * How far that furthest watermark was behind the system clock when it last advanced, in
   * seconds; NaN before a watermark.
   */
  static double lagSeconds(Partition[] ps) {
    long wm = Micros.NEG_INFINITY;
    long lag = 0;
    for (Partition p : ps) {
      long w = p.watermarkMicros();
      if (w > wm) {
        wm = w;
        lag = p.lagAtAdvanceMicros();
      }
    }
    return wm == Micros.NEG_INFINITY || wm == Micros.POS_INFINITY ? Double.NaN : lag / 1e6;
  }
}
