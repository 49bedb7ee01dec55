package dev.transom.runtime;

import java.util.Collection;
import java.util.function.Supplier;

/**
 * How much heap input may make the server's pipelines hold (README, Security: the memory budget). Asked on every ingest
 * request: a pipeline at its budget refuses input (503) until its windows close, so state grows
 * only from input that was accepted and a restart replays into the same size.
 *
 * <p>Three limits, the first that is reached decides:
 * <ul>
 *   <li>the pipeline's own ({@code limits.memory} in its definition), if it has one;
 *   <li>the server's ({@code --memory}): once all pipelines together hold that much, a pipeline
 *       holding more than an equal share is refused, so one flooded pipeline stops growing while the
 *       others keep their input;
 *   <li>the heap after garbage collection ({@link HeapWatch}): past its limit every pipeline refuses
 *       input, whatever the estimates say, because something else holds the memory.
 * </ul>
 */
public final class MemoryBudget {
  /** No budget at all (the {@code run} command, tests of other things). */
  public static final MemoryBudget NONE = new MemoryBudget(0, java.util.List::of, null);

  private final long serverBytes;
  private final Supplier<? extends Collection<? extends Holder>> hosts;
  private final HeapWatch heap;

  /**
   * @param serverBytes the budget of all pipelines together, 0 for none
   * @param heap the after-GC heap check, or {@code null}
   */
  public MemoryBudget(long serverBytes, Supplier<? extends Collection<? extends Holder>> hosts, HeapWatch heap) {
    this.serverBytes = serverBytes;
    this.hosts = hosts;
    this.heap = heap;
  }

  public long serverBytes() {
    return serverBytes;
  }

  /** What the budget asks of a pipeline. */
  public interface Holder {
    String id();

    /** The estimated heap its state and queued input hold ({@link StateEstimate}). */
    long heldBytes();

    /** Its own budget, 0 for none. */
    long memoryLimit();
  }

  /** Why {@code host} may not take more input now, or {@code null} if it may. */
  String refusal(Holder host) {
    long own = host.heldBytes();
    long limit = host.memoryLimit();
    if (limit > 0 && own >= limit) {
      return "pipeline '" + host.id() + "' holds about " + mib(own) + " of window state and queued input, its budget"
          + " (limits.memory) is " + mib(limit) + "; it takes input again as its windows close";
    }
    if (serverBytes > 0) {
      Collection<? extends Holder> all = hosts.get();
      long total = 0;
      for (Holder h : all) {
        total += h == host ? own : h.heldBytes();
      }
      long share = serverBytes / Math.max(1, all.size());
      if (total >= serverBytes && own >= share) {
        return "the server's pipelines hold about " + mib(total) + " of window state and queued input, its budget"
            + " (--memory) is " + mib(serverBytes) + ", and pipeline '" + host.id() + "' holds " + mib(own)
            + ", more than an equal share (" + mib(share) + "); it takes input again as its windows close";
      }
    }
    if (heap != null) {
      String full = heap.full();
      if (full != null) {
        return full;
      }
    }
    return null;
  }

  static String mib(long bytes) {
    return bytes >= 10L << 20 ? (bytes >> 20) + " MiB" : String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
  }
}
