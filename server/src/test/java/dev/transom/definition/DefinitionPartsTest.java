package dev.transom.definition;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class DefinitionPartsTest {
  private static final String BASE = """
      name: p
      source: {kind: http}
      key: event.user
      window: {kind: tumbling, length: 4s}
      aggregate: {count: true}
      """;

  @Test
  void namesThePartsWhoseValuesDiffer() {
    String after = BASE.replace("length: 4s", "length: 5s") + "then:\n  - map: '{\"n\": record.value}'\n";
    assertEquals(List.of("window", "then"), DefinitionParts.changed(BASE, after));
  }

  @Test
  void commentsLayoutAndMappingOrderAreNoChange() {
    String after = """
        # the same, written otherwise
        name: p
        source:
          kind: http
        key: event.user
        window: {length: 4s, kind: tumbling}
        aggregate: {count: true}
        """;
    assertEquals(List.of(), DefinitionParts.changed(BASE, after));
  }

  @Test
  void aRemovedPartIsNamedToo() {
    assertEquals(List.of("then"), DefinitionParts.changed(BASE + "then:\n  - filter: 'true'\n", BASE));
  }

  @Test
  void textThatIsNoMappingIsAChangeOfTheWholeDefinition() {
    assertEquals(List.of("definition"), DefinitionParts.changed(BASE, "[1, 2"));
  }
}
