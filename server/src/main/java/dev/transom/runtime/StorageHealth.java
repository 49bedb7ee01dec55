package dev.transom.runtime;

import dev.transom.state.IngestLog;
import java.time.Duration;
import java.time.Instant;

/**
 * Whether a pipeline's storage works (docs/durability.md, "When writing fails": on a full disk the pipeline pauses, reports, and
 * resumes when possible). A failed checkpoint or ingest log write pauses it: {@link #admit} refuses
 * new input ({@link PipelineHost.Overloaded}, so 503 with Retry-After, and sources wait), which
 * keeps the records a failed checkpoint carries to the next one from growing past what was already
 * admitted; the API says why; stderr says so once when the pause starts and once when it ends.
 *
 * <p>While paused, what failed is retried with backoff (from the checkpoint interval, doubling, at
 * most {@link #MAX_DELAY_MILLIS}): the checkpoint itself, which reopens the database if H2 closed
 * it, and a scratch write to the ingest log's directory. The pipeline resumes by itself once both
 * work. Retrying without a backoff would rewrite the whole state (the next checkpoint after a
 * failure writes everything) as fast as the disk refuses it.
 */
public final class StorageHealth {
  static final long MIN_DELAY_MILLIS = 100;
  static final long MAX_DELAY_MILLIS = 5_000;

  private final PipelineHost host;
  /** The pipeline's ingest log, or null without a data directory. */
  private final IngestLog log;
  private volatile String checkpointProblem;
  private volatile String logProblem;
  private volatile boolean paused;
  private Instant since;
  private int retries;
  private long delayMillis;
  private long timer = -1;

  StorageHealth(PipelineHost host, IngestLog log) {
    this.host = host;
    this.log = log;
  }

  /** Refuses input while paused; the client (or source) tries again later. */
  void admit() {
    if (paused) {
      throw new PipelineHost.Overloaded("pipeline '" + host.id() + "' is paused: storage is failing (" + problem()
          + "); retry later");
    }
  }

  boolean paused() {
    return paused;
  }

  /** The epoch timer's checkpoints wait while checkpoints fail: the retries here take their place. */
  boolean checkpointsFailing() {
    return checkpointProblem != null;
  }

  void checkpointFailed(long epoch, Throwable cause) {
    checkpointProblem = "checkpoint of epoch " + epoch + ": " + reason(cause);
    failed();
  }

  void checkpointSucceeded() {
    if (checkpointProblem != null) {
      checkpointProblem = null;
      maybeResume();
    }
  }

  void logFailed(Throwable cause) {
    logProblem = "ingest log: " + reason(cause);
    failed();
  }

  void logSucceeded() {
    if (logProblem != null) {
      logProblem = null;
      maybeResume();
    }
  }

  /** A pause as the API shows it: what fails, since when, how often it was retried. */
  public record Pause(String problem, Instant since, int retries) {}

  /** What fails, for the API; null while storage works. */
  synchronized Pause describe() {
    return paused ? new Pause(problem(), since, retries) : null;
  }

  String problem() {
    String c = checkpointProblem;
    String l = logProblem;
    return c != null && l != null ? c + "; " + l : c != null ? c : l;
  }

  private synchronized void failed() {
    if (!paused) {
      paused = true;
      since = Instant.ofEpochMilli(host.time().nowMillis());
      retries = 0;
      long interval = host.definition().checkpointIntervalMicros() / 1_000;
      delayMillis = Math.max(MIN_DELAY_MILLIS, Math.min(MAX_DELAY_MILLIS, interval));
      LifecycleLog.error(LifecycleLog.STORAGE_FAILED, host.id()).log("pipeline '{}' paused: storage is failing ({});"
          + " ingest answers 503 and sources wait while it is retried", host.id(), problem());
    }
    if (timer < 0) {
      long delay = delayMillis;
      delayMillis = Math.min(MAX_DELAY_MILLIS, delayMillis * 2);
      timer = host.time().timers().once(delay, this::retry);
    }
  }

  private synchronized void maybeResume() {
    if (!paused || checkpointProblem != null || logProblem != null) {
      return;
    }
    paused = false;
    if (timer >= 0) {
      host.time().timers().cancel(timer);
      timer = -1;
    }
    LifecycleLog.info(LifecycleLog.STORAGE_RECOVERED, host.id()).log("pipeline '{}' resumed: storage works again (paused"
        + " {} s, {} retries)", host.id(), Duration.between(since, Instant.ofEpochMilli(host.time().nowMillis())).toMillis() / 1000.0, retries);
  }

  /** Tries what failed again; each outcome reports back, and a failure schedules the next try. */
  private void retry() {
    synchronized (this) {
      timer = -1;
      retries++;
    }
    if ("stopped".equals(host.status())) {
      return;
    }
    if (logProblem != null && log != null) {
      log.probe(host.id()).whenComplete((ok, error) -> {
        if (error == null) {
          logSucceeded();
        } else {
          logFailed(error);
        }
      });
    }
    if (checkpointProblem != null) {
      host.checkpoint();
    }
  }

  /**
   * Whether {@code e} says storage failed (the disk, the file system, H2): worth pausing for and
   * retrying. Anything else in a checkpoint (a state that cannot be encoded, a bug) would fail
   * again on every retry, so its pipeline fails instead of pausing forever.
   */
  static boolean isStorageFailure(Throwable e) {
    return dev.transom.state.H2State.isStorageFailure(e);
  }

  /** The innermost cause's message, on one line: "No space left on device", not H2's wrapping. */
  static String reason(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String m = root.getMessage();
    if (m == null || m.isBlank()) {
      return root.getClass().getSimpleName();
    }
    int nl = m.indexOf('\n');
    return nl >= 0 ? m.substring(0, nl) : m;
  }
}
