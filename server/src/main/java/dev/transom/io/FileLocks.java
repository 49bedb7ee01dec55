package dev.transom.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;

/**
 * Output files are held with an exclusive lock while they are written, so a {@code run} (or a
 * second server) that names a file a server writes exactly once is refused instead of truncating
 * or interleaving it. The locks are advisory ({@code fcntl} on Linux): they keep Transom processes
 * from each other, not other programs.
 */
public final class FileLocks {
  private FileLocks() {}

  /** Thrown when another process, or another sink of this one, holds the file. */
  public static final class Held extends IOException {
    Held(String message) {
      super(message);
    }
  }

  /** Locks {@code ch} (open for writing) or closes it and throws {@link Held}; the lock goes with the channel. */
  public static void lockOrClose(FileChannel ch, Path file) throws IOException {
    boolean locked;
    try {
      locked = ch.tryLock() != null;
    } catch (OverlappingFileLockException e) {
      locked = false; // this process holds it already: another pipeline's sink
    } catch (IOException e) {
      locked = true; // a file system without locks (some network mounts): write as before
    }
    if (!locked) {
      ch.close();
      throw new Held(file + " is being written by another sink (of a running transom server, another pipeline or"
          + " another run); give this one a file of its own");
    }
  }
}
