package dev.transom.runtime;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.List;
import java.util.function.Supplier;

/**
 * The order batches, checkpoints and version swaps reach a pipeline's partitions in. A link ends
 * once its work is handed over (a live batch, a checkpoint's cuts), not when it is done: each
 * partition runs its tasks in the order given, so a checkpoint's cut on each partition comes after
 * exactly the batches handed over before it — a barrier — while batches overlap each other and the
 * checkpoint's write. Whatever must see nothing in progress (a swap, a stop) holds the chain at a
 * gate once the batches in flight are done.
 */
final class BatchChain {
  /** Where the chain's batches go, and who hears that one was processed. */
  interface Target {
    /** Hands a batch's events to the partitions; completes once every partition processed its part. */
    Future<Void> dispatch(List<Object> events, long nowMicros);

    /** A batch of {@code events} events ({@code bytes} as queued) was processed by every partition, or failed. */
    void processed(int events, long bytes, long seq, long arrivalMillis, AsyncResult<Void> result);
  }

  private final Target target;
  private Future<Void> chain = Future.succeededFuture();
  /** Batches handed over and not yet processed everywhere: what a swap or stop waits for. */
  private final InFlight inFlight = new InFlight();
  /** The last ingest log entry handed to the partitions: every checkpoint cut after it covers it. */
  private volatile long appliedSeq;
  /** The source's byte position after the last batch handed to the partitions (file sources). */
  private volatile long appliedSourcePosition;
  /** The source's position as its own text after that batch, when an offset cannot say it; else null. */
  private volatile String appliedSourceState;

  BatchChain(Target target) {
    this.target = target;
  }

  /** After a restore: the checkpoint covers the log up to {@code seq} and the source up to {@code position}. */
  void resumeAt(long seq, long position, String state) {
    appliedSeq = seq;
    appliedSourcePosition = position;
    appliedSourceState = state;
  }

  long appliedSeq() {
    return appliedSeq;
  }

  long appliedSourcePosition() {
    return appliedSourcePosition;
  }

  String appliedSourceState() {
    return appliedSourceState;
  }

  /**
   * Puts a batch at the end of the chain; {@code seq} is its ingest log entry (-1: none) and
   * {@code mark} where in its source it ends (null: it has no place in a source). It is processed
   * with its arrival time as the core's "now". Its events are made only when its turn comes;
   * {@code oneAtATime}: the next batch waits until this one is processed (a replay: parsed events
   * weigh several times their text, so they are not all made at once); {@code handedOver} (or null)
   * completes once the batch is handed to the partitions; {@code bytes} is what it counts as
   * queued. Completes once it is processed.
   */
  synchronized Future<Void> batch(Supplier<List<Object>> events, boolean oneAtATime, long bytes, long seq,
      dev.transom.state.IngestLog.SourceMark mark, long arrivalMillis, Promise<Void> handedOver) {
    long nowMicros = arrivalMillis * 1_000;
    int[] n = new int[1];
    Promise<Void> processed = Promise.promise();
    chain = chain.transform(ignored -> {
      inFlight.begin();
      try {
        List<Object> made = events.get();
        n[0] = made.size();
        target.dispatch(made, nowMicros).onComplete(processed);
      } catch (RuntimeException e) {
        processed.tryFail(e);
      }
      // handed over: a checkpoint cut from now on comes after it on every partition
      if (seq > 0) {
        appliedSeq = seq;
      }
      if (mark != null) {
        appliedSourcePosition = mark.endOffset();
        appliedSourceState = mark.state();
      }
      if (handedOver != null) {
        handedOver.tryComplete();
      }
      return oneAtATime ? processed.future().transform(r -> Future.<Void>succeededFuture()) : Future.<Void>succeededFuture();
    });
    return processed.future().andThen(r -> target.processed(n[0], bytes, seq, arrivalMillis, r)).andThen(r -> inFlight.end());
  }

  /**
   * Runs {@code step} at the end of the chain; the next link waits for the future it returns (a
   * failure of it does not stop the chain).
   */
  synchronized <T> Future<T> then(Supplier<Future<T>> step) {
    Promise<T> result = Promise.promise();
    Future<T> f = chain.transform(ignored -> {
      try {
        return step.get();
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
    }).onComplete(result);
    chain = f.transform(r -> Future.succeededFuture());
    return result.future();
  }

  /**
   * Puts {@code gate} at the end of the chain; completes when everything before it is done: the
   * batches handed over, and then {@code andThen} (the checkpoint writes).
   */
  synchronized Future<Void> hold(Promise<Void> gate, Supplier<Future<Void>> andThen) {
    Future<Void> before = chain.transform(ignored -> inFlight.idle()).transform(ignored -> andThen.get());
    chain = before.transform(ignored -> gate.future());
    return before;
  }

  /** Completes once every batch and link queued so far is done, and then {@code andThen} (for tests' barriers). */
  synchronized Future<Void> drained(Supplier<Future<Void>> andThen) {
    return chain.transform(r -> inFlight.idle()).transform(r -> andThen.get()).transform(r -> Future.succeededFuture());
  }
}
