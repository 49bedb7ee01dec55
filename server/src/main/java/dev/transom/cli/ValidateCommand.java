package dev.transom.cli;

import dev.transom.definition.DefinitionLoader;
import dev.transom.definition.spec.Problem;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code transom validate FILE...}: every problem of every file as {@code FILE:LINE:COL: message};
 * exit 2 if any, else an {@code ok} line per file. A directory stands for its {@code *.yaml} and
 * {@code *.yml} files. Pipeline ids must be unique across the files given. File paths are judged
 * as {@code serve} judges them, with the same directory flags ({@link PathFlags}).
 */
public final class ValidateCommand {
  private final PrintStream out;

  public ValidateCommand(PrintStream out) {
    this.out = out;
  }

  public int run(String[] args) throws UsageException {
    Args a = Args.parse(args, 1, Usage.VALIDATE.flags());
    dev.transom.definition.PathPolicy paths = PathFlags.confined(a);
    if (a.positional.isEmpty()) {
      throw new UsageException("validate needs at least one definition file");
    }
    List<String> files = new ArrayList<>();
    for (String p : a.positional) {
      Path path = Path.of(p);
      if (Files.isDirectory(path)) {
        try (Stream<Path> s = Files.list(path)) {
          s.filter(f -> dev.transom.definition.DefinitionFiles.isDefinition(f.getFileName().toString())
                  || dev.transom.definition.DefinitionFiles.isTest(f.getFileName().toString()))
              .map(Path::toString).sorted().forEach(files::add);
        } catch (IOException e) {
          out.println(p + ":1:1: cannot list directory: " + e.getMessage());
          return 2;
        }
      } else {
        files.add(p);
      }
    }
    boolean bad = false;
    Map<String, String> ids = new HashMap<>();
    for (String file : files) {
      if (dev.transom.definition.DefinitionFiles.isTest(Path.of(file).getFileName().toString())) {
        // a test file: its own format, and the definition it names
        dev.transom.testing.TestFileLoader.Result t = dev.transom.testing.TestFileLoader.load(file, Path.of(file));
        if (t.ok()) {
          int n = t.file().tests().size();
          out.println(file + ": ok (" + n + (n == 1 ? " test" : " tests") + " of pipeline " + t.file().pipeline().id() + ")");
        } else {
          bad = true;
          t.problems().forEach(p -> out.println(p.format()));
        }
        continue;
      }
      DefinitionLoader.Result r = dev.transom.definition.DefinitionFiles.load(file, paths);
      List<Problem> problems = new ArrayList<>(r.problems());
      if (r.ok()) {
        String id = r.definition().id();
        String other = ids.putIfAbsent(id, file);
        if (other != null) {
          problems.add(new Problem(file, nameLine(r.definition().text()), 1,
              "name: pipeline id '" + id + "' is already used by " + other));
        }
      }
      if (problems.isEmpty()) {
        out.println(file + ": ok (pipeline " + r.definition().id() + ")");
      } else {
        bad = true;
        for (Problem p : problems) {
          out.println(p.format());
        }
      }
    }
    return bad ? 2 : 0;
  }

  private static int nameLine(String text) {
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].startsWith("name:")) {
        return i + 1;
      }
    }
    return 1;
  }
}
