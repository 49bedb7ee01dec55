package dev.transom.runtime;

import dev.transom.compile.ItemError;
import dev.transom.engine.LineDecoder;
import dev.transom.state.H2State;
import dev.transom.state.IngestLog;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * How a pipeline's input gets onto its chain: admitted (or refused with a reason), made durable in
 * the ingest log (docs/durability.md: acknowledged means it survives a crash), stamped with its
 * arrival time, and handed to the partitions in log order. An HTTP batch is acknowledged once it is
 * handed over, so a read after the answer sees it; a batch id seen before is acknowledged again
 * without being appended or processed twice.
 */
final class Ingest {
  /** The text a generated event stands for in the memory estimate (it has none). */
  private static final long GENERATED_EVENT_BYTES = 64;

  private final Supplier<String> pipeline;
  /** The server's ingest log, or null without one (then batches go straight to the chain). */
  private final IngestLog log;
  private final Admission admission;
  private final ArrivalClock arrivals;
  private final StorageHealth storage;
  private final BatchChain chain;
  /** Where acknowledged batches join the chain, one after another in log order. */
  private final Context sequencer;
  /** Throws the reason when the pipeline takes no input at all now (a failure, a stop, failing storage). */
  private final Admission.Checks refuseIfNotTaking;
  private final MemoryBudget.Holder holder;
  private final Consumer<ItemError> errors;
  private final AtomicLong in = new AtomicLong();
  /** The file source's byte position after the last batch it handed over (maybe not yet processed). */
  private volatile long readPosition;
  /** The source's position in its own text after that batch, when an offset cannot say it; else null. */
  private volatile String readState;

  Ingest(Supplier<String> pipeline, IngestLog log, Admission admission, ArrivalClock arrivals, StorageHealth storage,
      BatchChain chain, Context sequencer, Admission.Checks refuseIfNotTaking, MemoryBudget.Holder holder,
      Consumer<ItemError> errors) {
    this.pipeline = pipeline;
    this.log = log;
    this.admission = admission;
    this.arrivals = arrivals;
    this.storage = storage;
    this.chain = chain;
    this.sequencer = sequencer;
    this.refuseIfNotTaking = refuseIfNotTaking;
    this.holder = holder;
    this.errors = errors;
  }

  /** Events taken in so far (a replay's too). */
  long count() {
    return in.get();
  }

  /** Counts events a replay feeds again. */
  void replayed(int n) {
    in.addAndGet(n);
  }

  /** Where a file source goes on reading: after the last batch it handed over (logged or not). */
  long readPosition() {
    return readPosition;
  }

  /** The state of a source whose position is more than an offset (see {@link IngestLog.SourceMark#state()}). */
  String readState() {
    return readState;
  }

  void readFrom(long position, String state) {
    readPosition = position;
    readState = state;
  }

  /** Runs {@code task} after every batch acknowledged so far has joined the chain. */
  void afterAcknowledged(Runnable task) {
    sequencer.runOnContext(v -> task.run());
  }

  /**
   * Feeds events from a source that is not logged (the generator: its events are synthetic), through
   * the same chain. Fails with {@link PipelineHost.Overloaded} instead of queueing more than the
   * pipeline's limit.
   */
  Future<Void> generated(List<Object> events) {
    int n = events.size();
    long bytes = n * GENERATED_EVENT_BYTES;
    admit(n, bytes);
    try {
      in.addAndGet(n);
      return chain.batch(() -> events, false, bytes, -1, null, arrivals.stampUnannounced(), null);
    } finally {
      admission.appended();
    }
  }

  /** A batch of HTTP events: completes once it is durable and handed over. */
  Future<IngestLog.Appended> durably(byte[] text, List<Object> events, String batchId) {
    return logThenFeed(text, events, batchId, null);
  }

  /**
   * A batch a file source read: logged like an HTTP batch, so that after a crash it is replayed at
   * the time it was first read, then fed. {@code mark} says where in the file it ends.
   */
  Future<IngestLog.Appended> read(byte[] text, IngestLog.SourceMark mark) {
    List<ItemError> bad = new ArrayList<>();
    List<Object> events = parseLines(text, mark, bad::add);
    Future<IngestLog.Appended> f = logThenFeed(text, events, null, mark); // throws when refused: retried later
    bad.forEach(errors);
    return f;
  }

  /**
   * A batch a source parsed itself (a topic's records, each checked where it was read): logged as
   * its text, fed as {@code events}; {@code bad} are the item errors of the records left out.
   */
  Future<IngestLog.Appended> read(byte[] text, List<Object> events, IngestLog.SourceMark mark, List<ItemError> bad) {
    Future<IngestLog.Appended> f = logThenFeed(text, events, null, mark); // throws when refused: retried later
    bad.forEach(errors);
    return f;
  }

  private Future<IngestLog.Appended> logThenFeed(byte[] text, List<Object> events, String batchId,
      IngestLog.SourceMark mark) {
    int n = events.size();
    long bytes = text.length;
    admit(n, bytes);
    if (log == null) {
      try {
        in.addAndGet(n);
        long at = arrivals.stampUnannounced();
        if (mark != null) {
          readFrom(mark.endOffset(), mark.state());
        }
        return chain.batch(() -> events, false, bytes, -1, mark, at, null)
            .map(v -> new IngestLog.Appended(0, false, at));
      } finally {
        admission.appended();
      }
    }
    Promise<IngestLog.Appended> acked = Promise.promise();
    arrivals.admitted();
    // Appends complete on the ingest thread in log order. The batch is handed to one event-loop
    // context, which runs tasks in the order given, so the order holds (batches join the chain in
    // the order of the log); the ingest thread itself only commits (preparing events there used to
    // delay the next group commit).
    Consumer<IngestLog.Appended> durable = appended -> {
      storage.logSucceeded();
      Faults.at("ingest-after-sync"); // durable, not yet acknowledged
      in.addAndGet(n);
      if (mark != null) {
        readFrom(mark.endOffset(), mark.state());
      }
      PipelineHost.trace(pipeline.get(), "logged seq=" + appended.seq() + " at=" + appended.arrivalMillis()
          + " events=" + n);
      sequencer.runOnContext(v -> {
        // Acknowledged once handed to the partitions: a read after the answer sees the batch.
        Promise<Void> handedOver = Promise.promise();
        chain.batch(() -> events, false, bytes, appended.seq(), mark, appended.arrivalMillis(), handedOver);
        admission.appended();
        handedOver.future().onComplete(h -> acked.tryComplete(appended));
      });
    };
    log.append(pipeline.get(), batchId, mark, text, arrivals::stamp, durable).whenComplete((appended, error) -> {
      if (error != null) {
        Throwable cause = error instanceof CompletionException c && c.getCause() != null ? c.getCause() : error;
        if (cause instanceof H2State.StagingFailed f) {
          arrivals.processed(f.arrivalMillis());
        } else {
          arrivals.withdrawn();
        }
        admission.done(n, bytes);
        admission.appended();
        if (!(cause instanceof IllegalStateException)) { // not the store closing at shutdown
          storage.logFailed(cause);
        }
        acked.fail(new PipelineHost.Overloaded("could not make the events durable (" + cause.getMessage() + "); retry"));
      } else if (appended.duplicate()) {
        arrivals.withdrawn();
        admission.done(n, bytes);
        admission.appended();
        acked.complete(appended);
      }
      // else: acknowledged when it is handed over (durable, above)
    });
    return acked.future();
  }

  /** Counts a batch as admitted (and on its way into the log) or refuses it. */
  private void admit(int n, long bytes) {
    admission.admit(n, bytes, refuseIfNotTaking, holder);
  }

  /**
   * The events of a batch of JSON lines. HTTP batches were checked before they were logged; a line
   * a file source read that is not JSON is an item error naming its line ({@code mark} says which
   * line the batch starts at), and is skipped, and its other events keep their lines for the item
   * errors found on the partitions.
   */
  static List<Object> parseLines(byte[] text, IngestLog.SourceMark mark, Consumer<ItemError> bad) {
    if (mark == null) {
      return LineDecoder.events(text, 1, line -> {}); // a request's: checked before it was logged
    }
    if (mark.state() != null) {
      return KafkaRunner.replayed(text, mark.state()); // a topic's records, checked when they were read
    }
    return LineDecoder.numberedEvents(text, mark.firstLine(), line -> bad.accept(badLineError(line)));
  }

  /** A line a source read that is not JSON, as the item error it is shown as. */
  static ItemError badLineError(LineDecoder.BadLine bad) {
    return new ItemError("source", bad.describe(), bad.text(), bad.line());
  }
}
