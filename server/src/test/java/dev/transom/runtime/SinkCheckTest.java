package dev.transom.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Asking whether a file sink can open leaves the disk as it was: the definition may still be refused. */
class SinkCheckTest {
  @TempDir
  Path tmp;

  @Test
  void aWritablePathPassesAndWhatTheCheckMadeIsRemoved() throws Exception {
    assertNull(SinkCheck.fileProblem(tmp.resolve("a/b/c.jsonl")));
    assertFalse(Files.exists(tmp.resolve("a")), "directories the check made are gone");
    assertNull(SinkCheck.fileProblem(tmp.resolve("new.jsonl")));
    assertFalse(Files.exists(tmp.resolve("new.jsonl")), "a file the check made is gone");
  }

  @Test
  void anExistingFileAndItsDirectoryAreKeptAsTheyWere() throws Exception {
    Path out = Files.createDirectories(tmp.resolve("out"));
    Files.writeString(out.resolve("old.jsonl"), "{\"kept\":true}\n");
    assertNull(SinkCheck.fileProblem(out.resolve("old.jsonl")));
    assertEquals("{\"kept\":true}\n", Files.readString(out.resolve("old.jsonl")));
    assertNull(SinkCheck.fileProblem(out.resolve("sub/x.jsonl")));
    assertTrue(Files.isDirectory(out));
    assertFalse(Files.exists(out.resolve("sub")));
  }

  @Test
  void aPathThatCannotBeWrittenSaysWhy() throws Exception {
    Files.writeString(tmp.resolve("plain"), "x");
    String under = SinkCheck.fileProblem(tmp.resolve("plain/deeper/x.jsonl"));
    assertTrue(under != null && under.endsWith("plain/deeper: not a directory"), under);
    Files.createDirectories(tmp.resolve("dir"));
    assertEquals("is a directory", SinkCheck.fileProblem(tmp.resolve("dir")));
    assertEquals("x", Files.readString(tmp.resolve("plain")));
  }
}
