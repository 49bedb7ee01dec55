package dev.transom.state;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Checkpoints (in the H2 database) and the ingest log (batches in {@link SegmentLog} files beside
 * it, batch ids handed to the database at each checkpoint), never on an event loop. Two threads:
 * {@code transom-ingest} appends to the ingest log, group-committed (every request that arrives
 * while a sync is in progress goes into the next one, so durability costs one sync per group, not
 * per request); {@code transom-state} writes checkpoints and does everything else on its own
 * connection. A checkpoint can take seconds with a large state; on a thread of its own it does not
 * hold up the acknowledgements of events arriving meanwhile.
 *
 * <p>Databases written before the segment files may still hold batches in the {@code ingest_log}
 * table: they are replayed first and deleted by the next checkpoint, as before.
 *
 * <p>Why this file is long: the two threads, the log's truncation after a checkpoint, the batch
 * ids looked up across both, and the read-ahead of checkpoints at start share the state of one
 * store (the queues, the newest sequence per pipeline, the checkpoints committed in this process)
 * that must change only on its own thread. The parts that need none of it live apart:
 * {@link PartitionRows} (a partition's buckets), {@link CheckpointRows} (sink lengths, owed
 * webhook records), {@link SinkTables} (the h2 sink), {@link SegmentLog} (the log's files).
 */
public final class H2State implements IngestLog, CheckpointStore, AutoCloseable {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("transom.state");
  private static final int MAX_GROUP = 1_000;
  /** A new segment file is started once the current one is this long. */
  static final long SEGMENT_BYTES = 16L << 20;
  private final Database db;
  private final SegmentLog segments;
  private final LinkedBlockingQueue<Runnable> ingestWork = new LinkedBlockingQueue<>();
  private final LinkedBlockingQueue<Runnable> stateWork = new LinkedBlockingQueue<>();
  private final Thread ingestThread;
  private final Thread stateThread;
  /**
   * Per pipeline, the highest sequence number the database knows of (its checkpoint, batches in
   * the old table); used on the ingest thread only.
   */
  private final Map<String, Long> seqFloor = new HashMap<>();
  private volatile boolean closed;

  public H2State(Database db) {
    this.db = db;
    this.segments = new SegmentLog(db.file().resolveSibling("ingest-log"), SEGMENT_BYTES,
        warning -> LOG.warn(warning), db.fault());
    this.ingestThread = new Thread(this::ingestLoop, "transom-ingest");
    this.stateThread = new Thread(this::stateLoop, "transom-state");
    for (Thread t : List.of(ingestThread, stateThread)) {
      t.setDaemon(true);
      t.start();
    }
    stateWork.add(this::readAhead);
  }

  private void ingestLoop() {
    List<Runnable> group = new ArrayList<>();
    while (!closed || !ingestWork.isEmpty()) {
      try {
        Runnable first = ingestWork.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        group.add(first);
        ingestWork.drainTo(group, MAX_GROUP - 1);
        for (Runnable r : group) {
          r.run();
        }
        flushAppends();
      } catch (InterruptedException e) {
        return;
      } finally {
        group.clear();
      }
    }
  }

  private void stateLoop() {
    while (!closed || !stateWork.isEmpty()) {
      try {
        Runnable task = stateWork.poll(200, TimeUnit.MILLISECONDS);
        if (task != null) {
          task.run();
        }
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** An append of this group, answered once the group is durable (ingest thread only). */
  private record Pending(String pipeline, Runnable done, Consumer<Exception> failed) {}

  private final List<Pending> pending = new ArrayList<>();

  private void flushAppends() {
    if (pending.isEmpty()) {
      return;
    }
    // One pipeline's failed write (its disk, its directory) fails its own appends only.
    Map<String, java.io.IOException> failed = segments.flush();
    for (Pending p : pending) {
      Exception e = failed.get(p.pipeline());
      if (e == null) {
        p.done().run();
      } else {
        p.failed().accept(e);
      }
    }
    pending.clear();
  }

  /** Runs {@code task} on the ingest thread, between groups. */
  private <T> CompletableFuture<T> onIngestThread(java.util.concurrent.Callable<T> task) {
    return enqueue(ingestWork, task);
  }

  /**
   * Runs {@code task} on the state thread; it commits (or rolls back) its own transaction. When an
   * earlier task found the database closed by H2 (a write failed), it is reopened first, and the
   * ingest thread replaces its connection too: storage that works again is used again without a
   * restart.
   */
  private <T> CompletableFuture<T> submit(java.util.concurrent.Callable<T> task) {
    if (closed) {
      return CompletableFuture.failedFuture(new IllegalStateException("state store closed"));
    }
    return enqueue(stateWork, () -> {
      if (db.reopenIfClosed()) {
        ingestWork.add(() -> {
          try {
            db.reopenIngest();
          } catch (SQLException e) {
            // its lookups fail until the next reopen; the appends that need them are answered 503
          }
        });
      }
      try {
        return task.call();
      } catch (Exception e) {
        db.noteFailure();
        throw e;
      }
    });
  }

  private static <T> CompletableFuture<T> enqueue(LinkedBlockingQueue<Runnable> queue,
      java.util.concurrent.Callable<T> task) {
    CompletableFuture<T> f = new CompletableFuture<>();
    queue.add(() -> {
      try {
        f.complete(task.call());
      } catch (Exception e) {
        f.completeExceptionally(e);
      }
    });
    return f;
  }

  private long lastSeq(String pipeline) throws SQLException, java.io.IOException {
    Long known = seqFloor.get(pipeline);
    if (known != null) {
      return Math.max(known, segments.lastSeq(pipeline));
    }
    long max = 0;
    Connection c = db.ingestConnection();
    try (PreparedStatement s = c.prepareStatement("SELECT COALESCE(MAX(seq), 0) FROM ingest_log WHERE pipeline = ?")) {
      s.setString(1, pipeline);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        max = r.getLong(1);
      }
    }
    try (PreparedStatement s = c.prepareStatement("SELECT ingest_seq FROM checkpoint WHERE pipeline = ?")) {
      s.setString(1, pipeline);
      try (ResultSet r = s.executeQuery()) {
        if (r.next()) {
          max = Math.max(max, r.getLong(1));
        }
      }
    }
    seqFloor.put(pipeline, max);
    return Math.max(max, segments.lastSeq(pipeline));
  }

  /** The batch a batch id was logged with before, or {@code null}. */
  private Appended earlierBatch(String pipeline, String batchId) throws SQLException, java.io.IOException {
    SegmentLog.RecentBatch recent = segments.recent(pipeline, batchId);
    if (recent != null) {
      return new Appended(recent.seq(), true, recent.appendedAtMillis());
    }
    try (PreparedStatement s = db.ingestConnection().prepareStatement(
        "SELECT seq, created_at FROM ingest_batches WHERE pipeline = ? AND batch_id = ?")) {
      s.setString(1, pipeline);
      s.setString(2, batchId);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? new Appended(r.getLong(1), true,
            r.getObject(2, OffsetDateTime.class).toInstant().toEpochMilli()) : null;
      }
    }
  }

  @Override
  public CompletableFuture<Appended> append(String pipeline, String batchId, SourceMark mark, byte[] events,
      java.util.function.LongSupplier arrivalMillis, Consumer<Appended> durable) {
    CompletableFuture<Appended> result = new CompletableFuture<>();
    if (closed) {
      result.completeExceptionally(new IllegalStateException("state store closed"));
      return result;
    }
    ingestWork.add(() -> {
      try {
        if (batchId != null) {
          Appended earlier = earlierBatch(pipeline, batchId);
          if (earlier != null) {
            // Answered with the group: the earlier append may be in it, not yet durable.
            pending.add(new Pending(pipeline, () -> result.complete(earlier), result::completeExceptionally));
            return;
          }
        }
        long seq = lastSeq(pipeline) + 1;
        long arrival = arrivalMillis.getAsLong();
        try {
          segments.stage(pipeline, seq, batchId, mark, events, arrival);
        } catch (java.io.IOException | RuntimeException e) {
          // stamped but not staged: the caller's clock hears of it through the failure
          result.completeExceptionally(new StagingFailed(arrival, e));
          return;
        }
        Appended appended = new Appended(seq, false, arrival);
        pending.add(new Pending(pipeline, () -> {
          try {
            durable.accept(appended);
          } finally {
            result.complete(appended);
          }
        }, e -> result.completeExceptionally(new StagingFailed(arrival, e))));
      } catch (SQLException | java.io.IOException | RuntimeException e) {
        result.completeExceptionally(e); // nothing of it was staged
      }
    });
    return result;
  }

  /**
   * A checkpoint whose transaction committed but whose sync failed: it stands (a crash keeps it
   * unless the machine loses power first), so its records must not be cut back or written again.
   */
  /**
   * Whether {@code e} (or a cause of it) is storage failing: I/O, JDBC, H2 itself, or this store
   * closed. Anything else thrown around a checkpoint is not cured by retrying it.
   */
  public static boolean isStorageFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof java.io.IOException || t instanceof java.io.UncheckedIOException || t instanceof SQLException
          || t instanceof CommittedNotSynced || t.getClass().getName().startsWith("org.h2.")
          || (t instanceof IllegalStateException && "state store closed".equals(t.getMessage()))) {
        return true;
      }
    }
    return false;
  }

  public static final class CommittedNotSynced extends RuntimeException {
    CommittedNotSynced(SQLException cause) {
      super("checkpoint committed, sync failed: " + cause.getMessage(), cause);
    }
  }

  /** An append that failed after its arrival time was taken; {@link #arrivalMillis} says which. */
  public static final class StagingFailed extends java.io.IOException {
    private final long arrivalMillis;

    StagingFailed(long arrivalMillis, Exception cause) {
      super(cause.getMessage(), cause);
      this.arrivalMillis = arrivalMillis;
    }

    public long arrivalMillis() {
      return arrivalMillis;
    }
  }

  @Override
  public void replay(String pipeline, long afterSeq, Consumer<Entry> consumer) {
    List<Entry> entries = submit(() -> {
      List<Entry> out = new ArrayList<>();
      try (PreparedStatement s = db.connection().prepareStatement(
          "SELECT seq, events FROM ingest_log WHERE pipeline = ? AND seq > ? ORDER BY seq")) {
        // batches from before arrival times were logged: processed at the time of the replay
        long now = System.currentTimeMillis();
        s.setString(1, pipeline);
        s.setLong(2, afterSeq);
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            out.add(new Entry(r.getLong(1), now, r.getString(2).getBytes(java.nio.charset.StandardCharsets.UTF_8), null));
          }
        }
      }
      db.connection().commit();
      return out;
    }).join();
    entries.forEach(consumer);
    long after = entries.isEmpty() ? afterSeq : Math.max(afterSeq, entries.get(entries.size() - 1).seq());
    SegmentLog.Snapshot files = onIngestThread(() -> segments.snapshot(pipeline)).join();
    try {
      SegmentLog.read(files, after, consumer);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot read the ingest log of " + pipeline + ": " + e.getMessage(), e);
    }
  }

  @Override
  public CompletableFuture<Void> save(Checkpoint cp) {
    return submit(() -> {
      // Checkpoints being saved: the start is over, and what was read ahead and not taken is not needed.
      readAhead.clear();
      Connection c = db.connection();
      // Batch ids of the batches this checkpoint covers move into the database with it; the
      // segment files holding those batches are deleted once it is durable.
      List<SegmentLog.RecentBatch> ids = onIngestThread(() -> segments.batchIdsThrough(cp.pipeline(), cp.ingestSeq())).join();
      try {
        if (!ids.isEmpty()) {
          try (PreparedStatement s = c.prepareStatement(
              "MERGE INTO ingest_batches (pipeline, batch_id, seq, created_at) KEY (pipeline, batch_id) VALUES (?, ?, ?, ?)")) {
            for (SegmentLog.RecentBatch r : ids) {
              s.setString(1, cp.pipeline());
              s.setString(2, r.batchId());
              s.setLong(3, r.seq());
              s.setObject(4, java.time.Instant.ofEpochMilli(r.appendedAtMillis()).atOffset(ZoneOffset.UTC));
              s.addBatch();
            }
            s.executeBatch();
          }
        }
        try (PreparedStatement s = c.prepareStatement("MERGE INTO checkpoint (pipeline, epoch, fingerprint, ingest_seq, "
            + "source_pos, sink_marks, created_at, flush_definition, source_state) KEY (pipeline) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
          s.setString(1, cp.pipeline());
          s.setLong(2, cp.epoch());
          s.setString(3, cp.fingerprint());
          s.setLong(4, cp.ingestSeq());
          s.setLong(5, cp.sourcePosition());
          s.setString(6, CheckpointRows.encodeMarks(cp.sinkMarks()));
          s.setObject(7, OffsetDateTime.now(ZoneOffset.UTC));
          s.setString(8, cp.flushDefinition());
          s.setString(9, cp.sourceState());
          s.executeUpdate();
        }
        for (int i = 0; i < cp.partitions().size(); i++) {
          PartitionRows.write(c, cp.pipeline(), i, cp.partitions().get(i));
        }
        PartitionRows.deleteFrom(c, cp.pipeline(), cp.partitions().size());
        CheckpointRows.saveDeliveries(c, cp);
        SinkTables.insert(c, cp.pipeline(), cp.epoch(), cp.rows()); // with the checkpoint: exactly once
        try (PreparedStatement s = c.prepareStatement("DELETE FROM sink_start WHERE pipeline = ?")) {
          s.setString(1, cp.pipeline()); // the checkpoint holds every current file's length now
          s.executeUpdate();
        }
        try (PreparedStatement s = c.prepareStatement("DELETE FROM ingest_log WHERE pipeline = ? AND seq <= ?")) {
          s.setString(1, cp.pipeline());
          s.setLong(2, cp.ingestSeq());
          s.executeUpdate();
        }
        try (PreparedStatement s = c.prepareStatement(
            "DELETE FROM ingest_batches WHERE pipeline = ? AND created_at < ?")) {
          s.setString(1, cp.pipeline());
          s.setObject(2, OffsetDateTime.now(ZoneOffset.UTC).minusDays(1));
          s.executeUpdate();
        }
        db.fault().check(cp.pipeline());
        c.commit();
        try {
          Database.sync(c);
        } catch (SQLException e) {
          throw new CommittedNotSynced(e); // committed: not to be rolled back or written again
        }
        long dropThrough = coveredLongEnough(cp.pipeline(), cp.ingestSeq());
        ingestWork.add(() -> {
          try {
            if (dropThrough > 0) {
              segments.dropThrough(cp.pipeline(), dropThrough);
            }
          } catch (java.io.IOException e) {
            LOG.warn("could not delete ingest log segments of {} (retried at the next checkpoint): {}", cp.pipeline(),
                e.getMessage());
          }
        });
        return null;
      } catch (SQLException | java.io.IOException e) {
        try {
          c.rollback();
        } catch (SQLException closed) {
          // H2 closed the database on a failed write: nothing was committed; the cause is e
          e.addSuppressed(closed);
        }
        throw e;
      }
    });
  }

  /**
   * Whether the pipeline's ingest log directory takes a write and a sync again, without touching
   * the log: a paused pipeline asks this before it takes events again.
   */
  @Override
  public CompletableFuture<Void> probe(String pipeline) {
    if (closed) {
      return CompletableFuture.failedFuture(new IllegalStateException("state store closed"));
    }
    return onIngestThread(() -> {
      segments.probe(pipeline);
      return null;
    });
  }

  /**
   * How long the log keeps batches a checkpoint covers: a margin in case a restart ever loads an
   * older checkpoint than the last one committed, as H2 did before {@link NewestVersion}; the older
   * one can then still replay what the newer ones covered.
   */
  static final long KEEP_COVERED_MILLIS = 10_000;
  /** {@link #KEEP_COVERED_MILLIS}, or less in tests of the log's own truncation. */
  long keepCoveredMillis = KEEP_COVERED_MILLIS;
  /** Per pipeline, the checkpoints committed in this process (commit time, log position), oldest first. */
  private final Map<String, java.util.ArrayDeque<long[]>> committed = new HashMap<>();

  /**
   * The log position of the newest checkpoint committed at least {@link #keepCoveredMillis} ago
   * (0: none yet), after recording this one at {@code seq} (state thread only).
   */
  private long coveredLongEnough(String pipeline, long seq) {
    long now = System.currentTimeMillis();
    java.util.ArrayDeque<long[]> q = committed.computeIfAbsent(pipeline, p -> new java.util.ArrayDeque<>());
    q.addLast(new long[] {now, seq});
    long through = 0;
    while (!q.isEmpty() && q.peekFirst()[0] <= now - keepCoveredMillis) {
      through = q.removeFirst()[1];
    }
    return through;
  }

  @Override
  public Optional<Checkpoint> load(String pipeline) {
    return submit(() -> {
      Checkpoint ahead = readAhead.remove(pipeline);
      if (ahead != null) {
        return Optional.of(ahead);
      }
      Checkpoint cp = loadNow(pipeline);
      db.connection().commit();
      return Optional.ofNullable(cp);
    }).join();
  }

  private Checkpoint loadNow(String pipeline) throws SQLException {
    Connection c = db.connection();
    try (PreparedStatement s = c.prepareStatement(
        "SELECT epoch, fingerprint, ingest_seq, source_pos, sink_marks, flush_definition, source_state FROM checkpoint "
            + "WHERE pipeline = ?")) {
      s.setString(1, pipeline);
      try (ResultSet r = s.executeQuery()) {
        if (!r.next()) {
          return null;
        }
        List<PartitionState> parts = PartitionRows.read(c, pipeline);
        return new Checkpoint(pipeline, r.getLong(1), r.getString(2), parts, r.getLong(3), r.getLong(4),
            CheckpointRows.decodeMarks(r.getString(5)), List.of(), r.getString(6),
            CheckpointRows.loadDeliveries(c, pipeline), r.getString(7));
      }
    }
  }

  /**
   * Checkpoints read ahead when the store opens, with their buckets checked and their keys listed
   * ({@link PartitionState#assemble()}), on the state thread while the server sets up its other
   * parts: a restart then waits for the restore of the windows only (1M keys: about 0.4 s less).
   * Taken by the first {@link #load} of the pipeline; a forget of it drops its entry, the first save
   * of any checkpoint drops them all. State thread only.
   */
  private final Map<String, Checkpoint> readAhead = new HashMap<>();

  /** Fills {@link #readAhead}, pipeline by pipeline, while their stored bytes fit in an eighth of the heap. */
  private void readAhead() {
    long budget = Runtime.getRuntime().maxMemory() / 8;
    try {
      List<String> pipelines = new ArrayList<>();
      try (PreparedStatement s = db.connection().prepareStatement("SELECT pipeline FROM checkpoint ORDER BY pipeline");
          ResultSet r = s.executeQuery()) {
        while (r.next()) {
          pipelines.add(r.getString(1));
        }
      }
      for (String p : pipelines) {
        Checkpoint cp = closed ? null : loadNow(p);
        long bytes = cp == null ? Long.MAX_VALUE : cp.partitions().stream().mapToLong(PartitionState::bytes).sum();
        if (bytes > budget) {
          break;
        }
        budget -= bytes;
        for (PartitionState ps : cp.partitions()) {
          ps.assemble();
        }
        readAhead.put(p, cp);
      }
    } catch (SQLException | SnapshotCodec.Corrupt | RuntimeException e) {
      // nothing lost: the pipeline's own load reads it again, and reports what is wrong with it
    } finally {
      try {
        db.connection().commit();
      } catch (SQLException e) {
        // as above
      }
    }
  }

  /**
   * Pipelines whose checkpoint was taken just before a flush that may not have finished (see
   * {@link Checkpoint#flushDefinition()}), with the definition it holds.
   */
  public Map<String, String> pendingFlushes() {
    return submit(() -> {
      Map<String, String> out = new java.util.TreeMap<>();
      try (PreparedStatement s = db.connection().prepareStatement(
          "SELECT pipeline, flush_definition FROM checkpoint WHERE flush_definition IS NOT NULL");
          ResultSet r = s.executeQuery()) {
        while (r.next()) {
          out.put(r.getString(1), r.getString(2));
        }
      }
      db.connection().commit();
      return out;
    }).join();
  }

  @Override
  public CompletableFuture<Void> forget(String pipeline) {
    // The batches go first: a crash in between leaves a checkpoint without its log, never a log
    // that a pipeline of the same name would replay later.
    return onIngestThread(() -> {
      seqFloor.remove(pipeline);
      segments.delete(pipeline);
      return null;
    }).thenCompose(ignored -> submit(() -> {
      committed.remove(pipeline);
      readAhead.remove(pipeline);
      Connection c = db.connection();
      for (String table : List.of("checkpoint", "checkpoint_state", "checkpoint_chunks", "checkpoint_deliveries", "checkpoint_delivery_chunks", "ingest_log",
          "ingest_batches", "sink_start")) {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM " + table + " WHERE pipeline = ?")) {
          s.setString(1, pipeline);
          s.executeUpdate();
        }
      }
      Database.commitDurably(c);
      ingestWork.add(() -> seqFloor.remove(pipeline)); // numbering starts again
      return null;
    }));
  }

  @Override
  public Map<String, Long> sinkStarts(String pipeline) {
    return submit(() -> {
      Map<String, Long> out = new LinkedHashMap<>();
      try (PreparedStatement s = db.connection().prepareStatement(
          "SELECT sink_path, length FROM sink_start WHERE pipeline = ?")) {
        s.setString(1, pipeline);
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            out.put(r.getString(1), r.getLong(2));
          }
        }
      }
      db.connection().commit();
      return out;
    }).join();
  }

  @Override
  public CompletableFuture<Void> saveSinkStarts(String pipeline, Map<String, Long> starts) {
    return submit(() -> {
      Connection c = db.connection();
      try (PreparedStatement s = c.prepareStatement("INSERT INTO sink_start (pipeline, sink_path, length) "
          + "SELECT ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM sink_start WHERE pipeline = ? AND sink_path = ?)")) {
        for (Map.Entry<String, Long> e : starts.entrySet()) {
          s.setString(1, pipeline);
          s.setString(2, e.getKey());
          s.setLong(3, e.getValue());
          s.setString(4, pipeline);
          s.setString(5, e.getKey());
          s.addBatch();
        }
        s.executeBatch();
        Database.commitDurably(c);
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
      return null;
    });
  }

  /** Creates an h2 sink's table when it is missing ({@link SinkTables#create}), never inside a checkpoint. */
  @Override
  public CompletableFuture<Void> ensureOutputTable(String table) {
    return submit(() -> {
      SinkTables.create(db.connection(), table);
      Database.commitDurably(db.connection());
      return null;
    });
  }

  /** Why an h2 sink cannot write {@code table}, or null ({@link SinkTables#problem}). */
  public CompletableFuture<String> outputTableProblem(String table) {
    return submit(() -> {
      try {
        return SinkTables.problem(db.connection(), table);
      } finally {
        db.connection().rollback();
      }
    });
  }

  @Override
  public void close() {
    closed = true;
    try {
      stateThread.join(10_000);
      ingestThread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    segments.close();
    db.close();
  }
}
