package dev.transom.cli;

import dev.transom.definition.DefinitionLoader;
import dev.transom.definition.spec.Problem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/** Reads a definition file and loads it, turning unreadable files into located problems too. */
final class DefinitionFiles {
  private DefinitionFiles() {}

  static DefinitionLoader.Result load(String file, dev.transom.definition.PathPolicy paths) {
    Path path = Path.of(file);
    try {
      long size = Files.size(path);
      if (size > DefinitionLoader.MAX_FILE_BYTES) {
        return failed(file, "file too large for a definition (" + size + " bytes)");
      }
      return DefinitionLoader.load(file, Files.readAllBytes(path), paths);
    } catch (NoSuchFileException e) {
      return failed(file, "no such file");
    } catch (IOException e) {
      return failed(file, "cannot read: " + e.getMessage());
    }
  }

  private static DefinitionLoader.Result failed(String file, String message) {
    return new DefinitionLoader.Result(null, List.of(new Problem(file, 1, 1, message)));
  }
}
