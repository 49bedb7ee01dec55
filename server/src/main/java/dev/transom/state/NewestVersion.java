package dev.transom.state;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.h2.mvstore.MVStore;

/**
 * Makes H2 open the newest complete version of a database file that a crash left behind.
 *
 * <p>Why: after an unclean shutdown, H2 (2.x, MVStore) finds its last version by starting at the
 * chunk the file header names and following each chunk's guess of where the next one goes. When a
 * commit lands in reused free space away from that guess, H2 rewrites the header, but with the
 * chunk written <em>before</em> it; from there the chain breaks at once. Until the header is
 * written again (up to 20 versions later) a {@code kill -9} makes the next open roll back over
 * every commit since, although all of them are complete in the file. The chaos test saw up to
 * five seconds of acknowledged checkpoints vanish this way.
 *
 * <p>H2's recovery mode does not follow the chain: it scans the whole file for complete chunks
 * and takes the newest version whose chunks are all present. So before the normal open, when the
 * header says the file was not closed cleanly, this compares the two answers and, when the scan
 * found a newer version, opens the store once in recovery mode and closes it, which writes a clean
 * header pointing at that version.
 */
final class NewestVersion {
  private NewestVersion() {}

  /** What {@link #restore} found; {@code lost} is 0 when H2 would have opened the newest version anyway. */
  record Outcome(long opened, long newest) {
    long lost() {
      return newest - opened;
    }
  }

  /**
   * Returns null when the file is absent or was closed cleanly (nothing to do), otherwise the
   * version H2 would have opened and the newest complete one, after making H2 open the latter.
   */
  static Outcome restore(Path file) {
    if (!Files.isRegularFile(file) || closedCleanly(file)) {
      return null;
    }
    long chained = version(file, false);
    long scanned = version(file, true);
    if (scanned > chained) {
      MVStore store = new MVStore.Builder().fileName(file.toString()).recoveryMode().open();
      store.close(); // a clean close writes the header with the store's last chunk
    }
    return new Outcome(chained, scanned);
  }

  private static long version(Path file, boolean scanWholeFile) {
    MVStore.Builder b = new MVStore.Builder().fileName(file.toString()).readOnly();
    if (scanWholeFile) {
      b.recoveryMode();
    }
    MVStore store = b.open();
    try {
      return store.getCurrentVersion();
    } finally {
      store.closeImmediately();
    }
  }

  /**
   * Whether a header block carries H2's clean-shutdown mark. The header is two copies of a
   * line of {@code key:value} pairs in the first two 4 KiB blocks; a crash can leave them
   * disagreeing, so both must say clean.
   */
  static boolean closedCleanly(Path file) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer buf = ByteBuffer.allocate(8192);
      while (buf.hasRemaining() && ch.read(buf) > 0) {
        // read both header blocks
      }
      if (buf.position() < 8192) {
        return false;
      }
      byte[] all = buf.array();
      String first = new String(all, 0, 4096, StandardCharsets.ISO_8859_1);
      String second = new String(all, 4096, 4096, StandardCharsets.ISO_8859_1);
      return sameLine(first, second) && hasCleanMark(first);
    } catch (IOException e) {
      return false; // let the normal open report what is wrong with the file
    }
  }

  private static boolean sameLine(String a, String b) {
    int end = a.indexOf('\n');
    return end > 0 && b.startsWith(a.substring(0, end + 1));
  }

  private static boolean hasCleanMark(String header) {
    String line = header.substring(0, header.indexOf('\n'));
    for (String pair : line.split(",")) {
      if (pair.equals("clean:1")) {
        return true;
      }
    }
    return false;
  }
}
