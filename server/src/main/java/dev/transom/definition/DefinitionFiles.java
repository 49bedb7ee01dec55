package dev.transom.definition;

import dev.transom.definition.spec.Problem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads a definition file and loads it, turning unreadable files into located problems too; and
 * tells definitions from test files, which share a directory and an extension.
 */
public final class DefinitionFiles {
  private DefinitionFiles() {}

  /** A pipeline definition's name: {@code *.yaml} or {@code *.yml}, not hidden, not a test file. */
  public static boolean isDefinition(String fileName) {
    return (fileName.endsWith(".yaml") || fileName.endsWith(".yml")) && !fileName.startsWith(".") && !isTest(fileName);
  }

  /** A test file's name ({@code transom test}): {@code *.test.yaml} or {@code *.test.yml}, not hidden. */
  public static boolean isTest(String fileName) {
    return (fileName.endsWith(".test.yaml") || fileName.endsWith(".test.yml")) && !fileName.startsWith(".");
  }

  public static DefinitionLoader.Result load(String file, PathPolicy paths) {
    return load(file, Path.of(file), paths);
  }

  /** @param file the file's name in problems, as the user wrote it */
  public static DefinitionLoader.Result load(String file, Path path, PathPolicy paths) {
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
