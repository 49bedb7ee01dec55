package dev.transom.runtime;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;

/**
 * The heap as the last garbage collection left it: the share of the maximum heap still in use
 * after a collection is what input can no longer be allowed to grow, whatever the estimates of
 * {@link MemoryBudget} say (memory held by something they do not count). Reading the pools' usage
 * after their last collection costs a few microseconds, so it is read at most every
 * {@link #EVERY_NANOS}.
 */
public final class HeapWatch {
  private static final long EVERY_NANOS = 100_000_000L;
  private final double limit;
  private final long maxBytes;
  private final List<MemoryPoolMXBean> pools = new ArrayList<>();
  private volatile long readAtNanos;
  private volatile String full;

  /** @param limit the fraction of the maximum heap, in (0, 1], past which input is refused */
  public HeapWatch(double limit) {
    this.limit = limit;
    this.maxBytes = Runtime.getRuntime().maxMemory();
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP && p.isCollectionUsageThresholdSupported()) {
        pools.add(p);
      }
    }
  }

  /** Why input is refused for the heap's sake, or {@code null}. */
  String full() {
    long now = System.nanoTime();
    if (now - readAtNanos >= EVERY_NANOS) {
      readAtNanos = now;
      long used = afterLastCollection();
      full = used > limit * maxBytes
          ? "the server's heap is " + Math.round(100.0 * used / maxBytes) + "% full after garbage collection (input is"
              + " refused above " + Math.round(100 * limit) + "%); retry shortly"
          : null;
    }
    return full;
  }

  /** Bytes in use right after the last collection of each heap pool. */
  long afterLastCollection() {
    long used = 0;
    for (MemoryPoolMXBean p : pools) {
      MemoryUsage u = p.getCollectionUsage();
      if (u != null) {
        used += u.getUsed();
      }
    }
    return used;
  }
}
