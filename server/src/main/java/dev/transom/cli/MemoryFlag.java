package dev.transom.cli;

import dev.transom.io.ByteSizeText;

/**
 * {@code --memory}: how much heap the pipelines' window state and queued input may take together,
 * as a size ({@code 200MiB}) or a share of the maximum heap ({@code 50%}; the default is 30%), or
 * {@code off}.
 */
final class MemoryFlag {
  static final String DEFAULT = "30%";

  private MemoryFlag() {}

  /** The budget in bytes, 0 for {@code off}. */
  static long parse(String text, long maxHeapBytes) throws UsageException {
    String t = text.strip();
    if (t.equals("off")) {
      return 0;
    }
    if (t.endsWith("%")) {
      double pct;
      try {
        pct = Double.parseDouble(t.substring(0, t.length() - 1));
      } catch (NumberFormatException e) {
        pct = -1;
      }
      if (!(pct > 0 && pct <= 90)) {
        throw new UsageException("--memory " + text + ": a share of the heap must be above 0% and at most 90%");
      }
      return (long) (maxHeapBytes * pct / 100);
    }
    long bytes;
    try {
      bytes = ByteSizeText.parse(t);
    } catch (ByteSizeText.Invalid e) {
      throw new UsageException("--memory " + text + ": expected a size like 200MiB, a share of the heap like 50%, or off");
    }
    if (bytes < 1L << 20) {
      throw new UsageException("--memory " + text + ": at least 1MiB");
    }
    if (bytes > maxHeapBytes) {
      throw new UsageException("--memory " + text + " is more than the whole heap (" + (maxHeapBytes >> 20)
          + " MiB; java -Xmx sets it)");
    }
    return bytes;
  }
}
