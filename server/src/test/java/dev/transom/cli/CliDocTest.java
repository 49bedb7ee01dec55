package dev.transom.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class CliDocTest {
  @Test
  void committedCommandReferenceMatchesTheOptionTables() throws Exception {
    Path doc = Path.of("../docs/cli.md");
    assertTrue(Files.exists(doc), "docs/cli.md is missing; generate it with ./transom reference cli > docs/cli.md");
    assertEquals(Usage.markdown(), Files.readString(doc), "docs/cli.md is stale; regenerate: ./transom reference cli > docs/cli.md");
  }

  @Test
  void everyServeOptionIsThereWithItsVariable() {
    String md = Usage.markdown();
    for (Usage.Option o : Usage.SERVE.options()) {
      assertTrue(md.contains("`--" + o.name()) && md.contains("`" + o.env() + "`"), o.name());
    }
  }
}
