package dev.transom.components;

import dev.transom.definition.spec.ComponentDef;
import dev.transom.definition.spec.ObjectSpec;
import java.io.IOException;

/**
 * One kind of sink, declared once: its spec, its typed options, what it guarantees, where it works
 * and how it opens. The rest of the code asks the kind ({@link ComponentSpecs#sink}); none compares
 * kind names.
 */
public abstract class SinkKind {
  private final ObjectSpec spec;
  private final Guarantee guarantee;

  protected SinkKind(ObjectSpec spec, Guarantee guarantee) {
    this.spec = spec;
    this.guarantee = guarantee;
  }

  public final ObjectSpec spec() {
    return spec;
  }

  public final Guarantee guarantee() {
    return guarantee;
  }

  /** What this sink promises: the kind's guarantee, unless its options choose (a kafka sink's {@code guarantee}). */
  public Guarantee guarantee(ComponentDef def) {
    return guarantee;
  }

  /** The options of {@code def} as this kind reads them (defaults from its spec); null when it has none. */
  public Object config(ComponentDef def) {
    return null;
  }

  /** Why {@code run} cannot write it (with its error's words), or null when it can. */
  public String notInRun() {
    return null;
  }

  /** How the dashboard and metrics name one such sink: {@code file out/clicks.jsonl}, {@code stdout}. */
  public abstract String describe(ComponentDef def);

  /**
   * Opens it for records written as they are produced; {@code append} keeps what a file holds
   * ({@code serve}), else it starts afresh ({@code run}).
   */
  public abstract RecordSink open(ComponentDef def, boolean append) throws IOException;
}
