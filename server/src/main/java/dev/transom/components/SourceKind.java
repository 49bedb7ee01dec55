package dev.transom.components;

import dev.transom.definition.spec.ComponentDef;
import dev.transom.definition.spec.ObjectSpec;

/** One kind of source, declared once: its spec, its typed options and how each command reads it. */
public interface SourceKind {
  ObjectSpec spec();

  /** The options of {@code def} as this kind reads them, defaults from its spec. */
  Object config(ComponentDef def);

  /** Whether its events come over HTTP ({@code POST /api/pipelines/{id}/events}). */
  default boolean takesPosts() {
    return false;
  }

  /** Why {@code run} needs {@code --input} for it (its error's words), or null when {@code run} can read it alone. */
  default String needsInput() {
    return null;
  }

  /** The file {@code run} reads for it, or null when it is not a file. */
  default String inputFile(ComponentDef def) {
    return null;
  }
}
