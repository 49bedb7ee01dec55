package dev.transom.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Output files are held with an exclusive lock while they are written, so a {@code run} (or a
 * second server) that names a file a server writes exactly once is refused instead of truncating
 * or interleaving it. The locks are advisory ({@code fcntl} on Linux): they keep Transom processes
 * from each other, not other programs.
 *
 * <p>Within one process the OS lock cannot tell two sinks apart, and worse, closing any channel of
 * a file drops every lock the process holds on it. So this process's own holders are kept here,
 * by path, and a second sink of a held file is refused before a channel of it is ever opened.
 */
public final class FileLocks {
  private static final Map<Path, FileChannel> HELD = new HashMap<>();

  private FileLocks() {}

  /** Thrown when another process, or another sink of this one, holds the file. */
  public static final class Held extends IOException {
    Held(Path file) {
      super(file + " is being written by another sink (of a running transom server, another pipeline or another"
          + " run); give this one a file of its own");
    }
  }

  /** Opens {@code file} with {@code options} (writing) and locks it, or throws {@link Held}; the lock goes with the channel. */
  public static synchronized FileChannel openLocked(Path file, OpenOption... options) throws IOException {
    Path key = file.toAbsolutePath().normalize();
    FileChannel holder = HELD.get(key);
    if (holder != null && holder.isOpen()) {
      throw new Held(file);
    }
    FileChannel ch = FileChannel.open(file, options);
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (IOException e) {
      lock = null; // a file system without locks (some network mounts): written as before, unguarded
      HELD.put(key, ch);
      return ch;
    }
    if (lock == null) {
      ch.close(); // no lock of this process on it (HELD would have said): closing drops nobody's
      throw new Held(file);
    }
    HELD.put(key, ch);
    HELD.values().removeIf(c -> !c.isOpen()); // closed holders: their files are free again
    return ch;
  }
}
