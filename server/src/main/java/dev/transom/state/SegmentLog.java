package dev.transom.state;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * The ingest log's batches on disk: per pipeline a directory of append-only segment files, each
 * named by the first sequence number it holds. A group of appends is one write and one
 * {@code fdatasync} per pipeline touched. H2 did the same job before, but each of its commits
 * serialised B-tree pages and kept the logged text in its page cache until the next checkpoint;
 * that made the acknowledgement tail several times the disk's own sync time (docs/durability.md).
 *
 * <p>A record is {@code [payload length:int][CRC32C of payload:int]} then the payload
 * {@code [seq:long][appended at, epoch ms:long][batch id length or -1:int][batch id][events]},
 * all UTF-8. A batch read from a file source has no id but where it came from: its length field
 * is -2 and {@code [end offset:long][first line:long]} takes the id's place; a source whose position
 * is more than an offset (a topic's partitions) writes -3 and adds {@code [state length:int][state]}
 * after the two numbers. A record cut short by a crash, or one whose checksum fails, ends the log: it was never
 * acknowledged, because acknowledgement waits for the sync.
 *
 * <p>Not thread-safe: used by the ingest thread only, except {@link #snapshot} and {@link #read},
 * which read files that are only ever appended to.
 *
 * <p>Longer than most files: appending, group sync, replay, truncation at a checkpoint and recovery
 * of a torn tail all read the same record format and the same open segments.
 */
final class SegmentLog implements AutoCloseable {
  static final String SUFFIX = ".seg";
  private static final int HEADER = 8;
  private static final int FIXED = 20;
  /** The id length that says a source mark follows instead of a batch id. */
  private static final int MARKED = -2;
  /** A mark with a state: the two numbers, then the state's length and its UTF-8 bytes. */
  private static final int MARKED_STATE = -3;
  private static final int MARK_BYTES = 16;
  private final Path root;
  private final long segmentBytes;
  private final Map<String, PipelineLog> logs = new HashMap<>();
  private final Consumer<String> warn;
  private final DiskFullFault fault;

  /** A batch id not yet handed to the database: its sequence number and when it was appended. */
  record RecentBatch(String batchId, long seq, long appendedAtMillis) {}

  /**
   * The segments holding a pipeline's log, with the length of each that is durable, and the last
   * record a checkpoint covers.
   */
  record Snapshot(List<Path> files, List<Long> lengths, long droppedThrough) {}

  SegmentLog(Path root, long segmentBytes, Consumer<String> warn) {
    this(root, segmentBytes, warn, DiskFullFault.NONE);
  }

  SegmentLog(Path root, long segmentBytes, Consumer<String> warn, DiskFullFault fault) {
    this.root = root;
    this.segmentBytes = segmentBytes;
    this.warn = warn;
    this.fault = fault;
  }

  private final class PipelineLog {
    final Path dir;
    final TreeMap<Long, Path> segments = new TreeMap<>();
    /** The last segment's length up to the last durable record. */
    long durableLength;
    long durableSeq;
    long stagedSeq;
    /** Records up to here are covered by a checkpoint, though their segment may still hold them. */
    long droppedThrough;
    FileChannel active;
    ByteBuffer staging = ByteBuffer.allocate(64 * 1024);
    /** Batch ids of records not yet dropped, in log order (staged ones included). */
    final LinkedHashMap<String, RecentBatch> recent = new LinkedHashMap<>();

    PipelineLog(Path dir) {
      this.dir = dir;
    }
  }

  private PipelineLog log(String pipeline) throws IOException {
    PipelineLog log = logs.get(pipeline);
    if (log == null) {
      log = open(root.resolve(pipeline));
      logs.put(pipeline, log);
    }
    return log;
  }

  /** Reads what is on disk, cutting off a torn or damaged tail. */
  private PipelineLog open(Path dir) throws IOException {
    PipelineLog log = new PipelineLog(dir);
    if (Files.isDirectory(dir)) {
      try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
        for (Path f : files) {
          String name = f.getFileName().toString();
          try {
            log.segments.put(Long.parseLong(name.substring(0, name.length() - SUFFIX.length())), f);
          } catch (NumberFormatException e) {
            warn.accept(f + ": not a segment of the ingest log (ignored)");
          }
        }
      }
    }
    long seq = 0;
    Iterator<Map.Entry<Long, Path>> it = log.segments.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<Long, Path> e = it.next();
      long[] end = {seq, 0};
      long size = Files.size(e.getValue());
      scan(e.getValue(), size, Long.MAX_VALUE, (s, at, id, mark, events) -> { // events not needed: not copied
        if (id != null) {
          log.recent.put(id, new RecentBatch(id, s, at));
        }
        end[0] = s;
      }, end);
      seq = end[0];
      if (end[1] < size) {
        warn.accept(e.getValue() + ": the ingest log ends at byte " + end[1] + " of " + size
            + " (a write cut short by a crash, never acknowledged); the rest is dropped");
        try (FileChannel ch = FileChannel.open(e.getValue(), StandardOpenOption.WRITE)) {
          ch.truncate(end[1]);
          ch.force(true);
        }
      }
      if (!it.hasNext()) {
        log.durableLength = end[1];
      }
    }
    log.durableSeq = seq;
    log.stagedSeq = seq;
    return log;
  }

  private interface RecordConsumer {
    void accept(long seq, long appendedAtMillis, String batchId, IngestLog.SourceMark mark, byte[] events)
        throws IOException;
  }

  /**
   * Reads the records of {@code file} up to {@code length}, checking each; records up to
   * {@code eventsAfter} are handed over without their events ({@code null}: not copied out).
   * {@code end[1]} becomes the offset after the last good record.
   */
  private static void scan(Path file, long length, long eventsAfter, RecordConsumer consumer, long[] end)
      throws IOException {
    CRC32C crc = new CRC32C();
    long pos = 0;
    try (InputStream raw = Files.newInputStream(file);
        DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 64 * 1024))) {
      byte[] payload = new byte[1024];
      while (pos + HEADER + FIXED <= length) {
        int n = in.readInt();
        int sum = in.readInt();
        if (n < FIXED || pos + HEADER + n > length) {
          break;
        }
        if (payload.length < n) {
          payload = new byte[Math.max(n, payload.length * 2)];
        }
        in.readFully(payload, 0, n);
        crc.reset();
        crc.update(payload, 0, n);
        if ((int) crc.getValue() != sum) {
          break;
        }
        ByteBuffer b = ByteBuffer.wrap(payload, 0, n);
        long seq = b.getLong();
        long at = b.getLong();
        int idLength = b.getInt();
        if (idLength > n - FIXED || (idLength == MARKED || idLength == MARKED_STATE) && n - FIXED < MARK_BYTES
            || idLength == MARKED_STATE && n - FIXED < MARK_BYTES + 4) {
          break;
        }
        String id = idLength < 0 ? null : new String(payload, FIXED, idLength, StandardCharsets.UTF_8);
        IngestLog.SourceMark mark = null;
        int eventsAt = FIXED + Math.max(0, idLength);
        if (idLength == MARKED) {
          mark = new IngestLog.SourceMark(b.getLong(), b.getLong());
          eventsAt = FIXED + MARK_BYTES;
        } else if (idLength == MARKED_STATE) {
          long endOffset = b.getLong();
          long firstLine = b.getLong();
          int stateLength = b.getInt();
          if (stateLength < 0 || stateLength > n - FIXED - MARK_BYTES - 4) {
            break;
          }
          mark = new IngestLog.SourceMark(endOffset, firstLine,
              new String(payload, FIXED + MARK_BYTES + 4, stateLength, StandardCharsets.UTF_8));
          eventsAt = FIXED + MARK_BYTES + 4 + stateLength;
        }
        byte[] events = null;
        if (seq > eventsAfter) {
          events = new byte[n - eventsAt];
          System.arraycopy(payload, eventsAt, events, 0, events.length);
        }
        consumer.accept(seq, at, id, mark, events);
        pos += HEADER + n;
        end[0] = seq;
      }
    } catch (EOFException | NoSuchFileException e) {
      // a short file: what was read stands
    }
    end[1] = pos;
  }

  /** The last sequence number on disk or staged (0 when the pipeline has no log). */
  long lastSeq(String pipeline) throws IOException {
    return log(pipeline).stagedSeq;
  }

  /** The earlier sequence number of {@code batchId} when it is still in the log (staged included). */
  RecentBatch recent(String pipeline, String batchId) throws IOException {
    return log(pipeline).recent.get(batchId);
  }

  /** Adds a record to the pipeline's next write; {@link #flush} makes it durable. */
  void stage(String pipeline, long seq, String batchId, IngestLog.SourceMark mark, byte[] text, long nowMillis)
      throws IOException {
    PipelineLog log = log(pipeline);
    byte[] id = batchId == null ? null : batchId.getBytes(StandardCharsets.UTF_8);
    if (id != null && mark != null) {
      throw new IllegalArgumentException("a batch has a batch id or a source mark, not both");
    }
    byte[] state = mark == null || mark.state() == null ? null : mark.state().getBytes(StandardCharsets.UTF_8);
    int n = FIXED + (id == null ? 0 : id.length) + (mark == null ? 0 : MARK_BYTES) + (state == null ? 0 : 4 + state.length)
        + text.length;
    if (log.staging.remaining() < HEADER + n) {
      ByteBuffer bigger = ByteBuffer.allocate(Math.max(log.staging.capacity() * 2, log.staging.position() + HEADER + n));
      log.staging.flip();
      bigger.put(log.staging);
      log.staging = bigger;
    }
    ByteBuffer b = log.staging;
    int start = b.position();
    b.putInt(n).putInt(0).putLong(seq).putLong(nowMillis)
        .putInt(id != null ? id.length : state != null ? MARKED_STATE : mark != null ? MARKED : -1);
    if (id != null) {
      b.put(id);
    }
    if (mark != null) {
      b.putLong(mark.endOffset()).putLong(mark.firstLine());
    }
    if (state != null) {
      b.putInt(state.length).put(state);
    }
    b.put(text);
    CRC32C crc = new CRC32C();
    crc.update(b.array(), start + HEADER, n);
    b.putInt(start + 4, (int) crc.getValue());
    log.stagedSeq = seq;
    if (batchId != null) {
      log.recent.put(batchId, new RecentBatch(batchId, seq, nowMillis));
    }
  }

  /**
   * Writes and syncs every pipeline's staged records. Returns the pipelines whose write failed,
   * with the error; their staged records are undone (nothing half-written stays in the file).
   */
  Map<String, IOException> flush() {
    Map<String, IOException> failed = null;
    for (Map.Entry<String, PipelineLog> e : logs.entrySet()) {
      PipelineLog log = e.getValue();
      if (log.staging.position() == 0) {
        continue;
      }
      try {
        write(log);
      } catch (IOException ex) {
        if (failed == null) {
          failed = new HashMap<>();
        }
        failed.put(e.getKey(), ex);
        undo(log);
      }
    }
    return failed == null ? Map.of() : failed;
  }

  private void write(PipelineLog log) throws IOException {
    fault.check(log.dir.getFileName().toString());
    if (log.active == null || log.durableLength >= segmentBytes) {
      roll(log);
    }
    ByteBuffer b = log.staging;
    b.flip();
    long at = log.durableLength;
    while (b.hasRemaining()) {
      at += log.active.write(b, at);
    }
    log.active.force(false);
    log.durableLength = at;
    log.durableSeq = log.stagedSeq;
    b.clear();
  }

  /** Starts a new segment named by the first staged record's sequence number. */
  private void roll(PipelineLog log) throws IOException {
    if (log.active != null) {
      log.active.close();
      log.active = null;
    }
    Files.createDirectories(log.dir);
    long first = log.staging.getLong(HEADER);
    Path file = log.dir.resolve(String.format("%020d%s", first, SUFFIX));
    FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    ch.truncate(0);
    log.active = ch;
    log.durableLength = 0;
    log.segments.put(first, file);
    syncDirectory(log.dir);
    syncDirectory(root);
  }

  /** Makes a new file's name durable, not only its contents (Linux; elsewhere best effort). */
  private static void syncDirectory(Path dir) {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // some platforms cannot open a directory; the file's own sync is what they offer
    }
  }

  private void undo(PipelineLog log) {
    log.staging.clear();
    log.stagedSeq = log.durableSeq;
    log.recent.values().removeIf(r -> r.seq() > log.durableSeq);
    if (log.active != null) {
      try {
        log.active.truncate(log.durableLength);
      } catch (IOException e) {
        // the next open cuts an unacknowledged tail by its checksum
      }
    }
  }

  /**
   * Writes, syncs and deletes a scratch file as large as a group's write in the pipeline's
   * directory: whether a disk that failed takes writes again, without touching the log itself.
   */
  void probe(String pipeline) throws IOException {
    PipelineLog log = log(pipeline);
    fault.check(pipeline);
    Files.createDirectories(log.dir);
    Path scratch = log.dir.resolve(".probe");
    try (FileChannel ch = FileChannel.open(scratch, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer b = ByteBuffer.allocate(Math.min(log.staging.capacity(), 1 << 20));
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.force(false);
    } finally {
      Files.deleteIfExists(scratch);
    }
  }

  /** Undoes every pipeline's staged records (used when a group fails before writing). */
  void undoStaged() {
    logs.values().forEach(this::undo);
  }

  /** Batch ids up to {@code seq}, for the database to remember once the log drops them. */
  List<RecentBatch> batchIdsThrough(String pipeline, long seq) throws IOException {
    List<RecentBatch> out = new ArrayList<>();
    for (RecentBatch r : log(pipeline).recent.values()) {
      if (r.seq() <= seq) {
        out.add(r);
      }
    }
    return out;
  }

  /** Forgets records up to {@code seq} (a checkpoint covers them): whole segments are deleted. */
  void dropThrough(String pipeline, long seq) throws IOException {
    PipelineLog log = log(pipeline);
    log.droppedThrough = Math.max(log.droppedThrough, seq);
    log.recent.values().removeIf(r -> r.seq() <= seq);
    while (!log.segments.isEmpty()) {
      Map.Entry<Long, Path> first = log.segments.firstEntry();
      Long next = log.segments.higherKey(first.getKey());
      long lastInFirst = next != null ? next - 1 : log.durableSeq;
      if (lastInFirst > seq || (next == null && log.stagedSeq > log.durableSeq)) {
        break;
      }
      if (next == null) {
        if (log.active != null) {
          log.active.close();
          log.active = null;
        }
        log.durableLength = 0;
      }
      Files.deleteIfExists(first.getValue());
      log.segments.remove(first.getKey());
    }
  }

  /** Deletes the pipeline's log (the pipeline was removed). */
  void delete(String pipeline) throws IOException {
    PipelineLog log = logs.remove(pipeline);
    if (log != null && log.active != null) {
      log.active.close();
    }
    Path dir = root.resolve(pipeline);
    if (Files.isDirectory(dir)) {
      try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
        for (Path f : files) {
          Files.deleteIfExists(f);
        }
      }
      Files.deleteIfExists(dir);
    }
  }

  /** The durable part of the pipeline's log, to be read by {@link #read} on another thread. */
  Snapshot snapshot(String pipeline) throws IOException {
    PipelineLog log = log(pipeline);
    List<Path> files = new ArrayList<>(log.segments.values());
    List<Long> lengths = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      lengths.add(i == files.size() - 1 ? log.durableLength : Long.MAX_VALUE);
    }
    return new Snapshot(files, lengths, log.droppedThrough);
  }

  /** The sequence number of a segment's first record, which names it ({@link #roll}); 0 when it does not. */
  private static long firstSeq(Path segment) {
    String name = segment.getFileName().toString();
    try {
      return Long.parseLong(name.substring(0, name.length() - SUFFIX.length()));
    } catch (NumberFormatException | IndexOutOfBoundsException e) {
      return 0;
    }
  }

  /** Hands every record after {@code afterSeq} in {@code snapshot} to {@code consumer}, in order. */
  static void read(Snapshot snapshot, long afterSeq, Consumer<IngestLog.Entry> consumer) throws IOException {
    long after = Math.max(afterSeq, snapshot.droppedThrough());
    for (int i = 0; i < snapshot.files().size(); i++) {
      Path f = snapshot.files().get(i);
      if (i + 1 < snapshot.files().size() && firstSeq(snapshot.files().get(i + 1)) - 1 <= after) {
        continue; // every record of it is before the next segment's first: all covered, not read at all
      }
      long length;
      try {
        length = Math.min(snapshot.lengths().get(i), Files.size(f));
      } catch (NoSuchFileException e) {
        continue; // deleted since: a checkpoint covered all of it
      }
      scan(f, length, after, (seq, at, id, mark, events) -> {
        if (seq > after) {
          consumer.accept(new IngestLog.Entry(seq, at, events, mark));
        }
      }, new long[2]);
    }
  }

  @Override
  public void close() {
    for (PipelineLog log : logs.values()) {
      if (log.active != null) {
        try {
          log.active.close();
        } catch (IOException ignored) {
          // everything acknowledged was synced already
        }
      }
    }
    logs.clear();
  }
}
