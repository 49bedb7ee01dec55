package dev.transom.runtime;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;

/**
 * Batches handed to the partitions and not yet processed by all of them. Batches overlap (a
 * partition may be a batch ahead of another); what must see none in progress — a version swap, a
 * stop — waits for {@link #idle}.
 */
final class InFlight {
  private int count;
  private final List<Promise<Void>> waiting = new ArrayList<>();

  synchronized void begin() {
    count++;
  }

  void end() {
    List<Promise<Void>> done;
    synchronized (this) {
      if (--count > 0) {
        return;
      }
      done = new ArrayList<>(waiting);
      waiting.clear();
    }
    done.forEach(Promise::tryComplete);
  }

  /** Completes once no batch handed over before this call is in progress. */
  synchronized Future<Void> idle() {
    if (count == 0) {
      return Future.succeededFuture();
    }
    Promise<Void> p = Promise.promise();
    waiting.add(p);
    return p.future();
  }
}
