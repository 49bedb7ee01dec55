package dev.transom.components;

import dev.transom.definition.spec.ComponentDef;
import dev.transom.definition.spec.ObjectSpec;

/**
 * {@code kind: http}: events are POSTed to {@code /api/pipelines/{id}/events} by clients of
 * {@code serve}. With {@code run}, give the events with {@code --input}.
 */
public final class HttpSource {
  private HttpSource() {}

  public static final ObjectSpec SPEC = ObjectSpec.of("http",
          "Events are POSTed to /api/pipelines/{id}/events (one JSON object, or JSON lines); "
              + "with `run`, give them with --input.")
      .example("kind: http")
      .build();

  public static final SourceKind KIND = new SourceKind(SPEC) {
    @Override
    public boolean takesPosts() {
      return true;
    }

    @Override
    public String needsInput() {
      return "kind http receives events from `transom serve`";
    }
  };
}
