package dev.transom.state;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A full disk for the end-to-end tests, switched on and off from outside while the server runs:
 * with {@code TRANSOM_FAULT_DISK_FULL=DIR} in its environment, writes fail with "No space left on
 * device" while a marker file exists in DIR —
 * <ul>
 *   <li>{@code DIR/transom.mv.db}: every write H2 makes to the database file. H2 itself sees the
 *       failure (through {@link DiskFullFilePath}) and closes the database, as on a real full disk;
 *   <li>{@code DIR/PIPELINE}: that pipeline's ingest log writes, and its checkpoints just before
 *       they commit. One pipeline's storage fails while the others' works.
 * </ul>
 * A test's {@code chmod} cannot do this where the tests run as root, and a small tmpfs needs
 * {@code mount}; a marker works everywhere. Unset, the hook is inert: one null check per write.
 */
final class DiskFullFault {
  /** What the database's marker is called (the database file's own name). */
  static final String DATABASE = "transom.mv.db";
  static final DiskFullFault NONE = new DiskFullFault(null);

  private final Path markers;

  DiskFullFault(Path markers) {
    this.markers = markers;
  }

  static DiskFullFault fromEnvironment() {
    String dir = System.getenv("TRANSOM_FAULT_DISK_FULL");
    return dir == null || dir.isBlank() ? NONE : new DiskFullFault(Path.of(dir).toAbsolutePath());
  }

  boolean armed() {
    return markers != null;
  }

  /** Fails as a full disk would while {@code marker} exists. */
  void check(String marker) throws IOException {
    if (markers != null && Files.exists(markers.resolve(marker))) {
      throw new IOException("No space left on device (injected: " + markers.resolve(marker) + " exists)");
    }
  }
}
