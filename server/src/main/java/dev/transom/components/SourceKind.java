package dev.transom.components;

import dev.transom.definition.spec.ComponentDef;
import dev.transom.definition.spec.ObjectSpec;

/** One kind of source, declared once: its spec, its typed options and how each command reads it. */
public class SourceKind {
  private final ObjectSpec spec;

  protected SourceKind(ObjectSpec spec) {
    this.spec = spec;
  }

  public final ObjectSpec spec() {
    return spec;
  }

  /** The options of {@code def} as this kind reads them (defaults from its spec); null when it has none. */
  public Object config(ComponentDef def) {
    return null;
  }

  /** Whether its events come over HTTP ({@code POST /api/pipelines/{id}/events}). */
  public boolean takesPosts() {
    return false;
  }

  /** Why {@code run} needs {@code --input} for it (its error's words), or null when {@code run} can read it alone. */
  public String needsInput() {
    return null;
  }

  /** The file {@code run} reads for it, or null when it is not a file. */
  public String inputFile(ComponentDef def) {
    return null;
  }
}
