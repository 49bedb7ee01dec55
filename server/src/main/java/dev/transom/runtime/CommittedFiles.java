package dev.transom.runtime;

import dev.transom.definition.spec.ComponentDef;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The exactly-once file sinks of a pipeline in {@code serve}. Records reach a file only when their
 * epoch is checkpointed: {@link #commit} appends them and syncs, and the checkpoint stores each
 * file's length. On recovery a file is cut back to its checkpointed length, so records written
 * after the last checkpoint (and produced again by the replay) are never there twice.
 */
final class CommittedFiles implements AutoCloseable {
  private final Map<String, FileChannel> outputs = new LinkedHashMap<>();
  private final Map<String, FileChannel> late = new LinkedHashMap<>();

  /** The file a file sink writes, or null for another kind. */
  private static String pathOf(ComponentDef s) {
    return dev.transom.components.ComponentSpecs.sink(s).config(s) instanceof dev.transom.components.FileSink.Config c
        ? c.path().toString() : null;
  }

  /** Opens the file sinks, cutting each back to its length in {@code marks} (the last checkpoint). */
  CommittedFiles(List<ComponentDef> outputSinks, ComponentDef lateSink, Map<String, Long> marks) throws IOException {
    try {
      for (ComponentDef s : outputSinks) {
        String path = pathOf(s);
        if (path != null && !outputs.containsKey(path)) {
          outputs.put(path, open(path, marks));
        }
      }
      String latePath = lateSink == null ? null : pathOf(lateSink);
      if (latePath != null) {
        late.put(latePath, open(latePath, marks));
      }
    } catch (IOException e) {
      close();
      throw e;
    }
  }

  private static FileChannel open(String path, Map<String, Long> marks) throws IOException {
    Path p = Path.of(path);
    Path parent = p.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    boolean created = !Files.exists(p);
    FileChannel ch = dev.transom.io.FileLocks.openLocked(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.READ);
    if (created && parent != null) {
      // A checkpoint will name this file's length; a power loss must not lose the file itself.
      syncDirectory(parent);
    }
    Long mark = marks.get(key(path));
    if (mark != null && ch.size() > mark) {
      ch.truncate(mark);
      ch.force(true);
    }
    ch.position(ch.size());
    return ch;
  }

  private static void syncDirectory(Path dir) {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // some file systems cannot sync a directory; the file's own syncs still hold its records
    }
  }

  /** How a sink is named in a checkpoint's marks. */
  static String key(String path) {
    return Path.of(path).toAbsolutePath().normalize().toString();
  }

  /**
   * The files no checkpoint has a length for (not in {@code committed}), with their length now:
   * what a crash before their first checkpoint must cut them back to.
   */
  Map<String, Long> uncommitted(java.util.Set<String> committed) throws IOException {
    Map<String, Long> out = new LinkedHashMap<>();
    for (Map.Entry<String, FileChannel> e : outputs.entrySet()) {
      if (!committed.contains(key(e.getKey()))) {
        out.put(key(e.getKey()), e.getValue().position());
      }
    }
    for (Map.Entry<String, FileChannel> e : late.entrySet()) {
      if (!committed.contains(key(e.getKey()))) {
        out.put(key(e.getKey()), e.getValue().position());
      }
    }
    return out;
  }

  boolean isEmpty() {
    return outputs.isEmpty() && late.isEmpty();
  }

  boolean hasOutputs() {
    return !outputs.isEmpty();
  }

  boolean hasLate() {
    return !late.isEmpty();
  }

  /**
   * Appends an epoch's records, syncs them to disk, and returns every file's new length. If writing
   * fails, every file is cut back to where it was, so a retry cannot write anything twice.
   */
  Map<String, Long> write(List<byte[]> outputRecords, List<byte[]> lateRecords) throws IOException {
    Map<FileChannel, Long> before = positions();
    try {
      Map<String, Long> marks = new LinkedHashMap<>();
      for (Map.Entry<String, FileChannel> e : outputs.entrySet()) {
        marks.put(key(e.getKey()), append(e.getValue(), outputRecords));
      }
      for (Map.Entry<String, FileChannel> e : late.entrySet()) {
        marks.put(key(e.getKey()), append(e.getValue(), lateRecords));
      }
      lastCommitted = before;
      return marks;
    } catch (IOException e) {
      rollBack(before);
      throw e;
    }
  }

  /** Where each file stood before the last {@link #write}, to undo it when its checkpoint fails. */
  private Map<FileChannel, Long> lastCommitted = Map.of();

  /** Undoes the last {@link #write} (its checkpoint could not be saved). */
  void undoLastWrite() {
    rollBack(lastCommitted);
  }

  private Map<FileChannel, Long> positions() throws IOException {
    Map<FileChannel, Long> m = new java.util.HashMap<>();
    for (FileChannel ch : outputs.values()) {
      m.put(ch, ch.position());
    }
    for (FileChannel ch : late.values()) {
      m.put(ch, ch.position());
    }
    return m;
  }

  private static void rollBack(Map<FileChannel, Long> positions) {
    for (Map.Entry<FileChannel, Long> e : positions.entrySet()) {
      try {
        e.getKey().truncate(e.getValue());
        e.getKey().position(e.getValue());
      } catch (IOException ignored) {
        // recovery cuts the file back to the last checkpoint anyway
      }
    }
  }

  private static long append(FileChannel ch, List<byte[]> records) throws IOException {
    if (!records.isEmpty()) {
      int size = 0;
      for (byte[] r : records) {
        size += r.length;
      }
      ByteBuffer buf = ByteBuffer.allocate(size);
      for (byte[] r : records) {
        buf.put(r);
      }
      buf.flip();
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(false);
    }
    return ch.position();
  }

  @Override
  public void close() {
    List<FileChannel> all = new ArrayList<>(outputs.values());
    all.addAll(late.values());
    for (FileChannel ch : all) {
      try {
        ch.close();
      } catch (IOException ignored) {
        // closing: nothing more to save
      }
    }
  }
}
