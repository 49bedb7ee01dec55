package dev.transom.components;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.transom.definition.DefinitionLoader;
import dev.transom.definition.PathPolicy;
import dev.transom.definition.PipelineDef;
import dev.transom.definition.spec.FieldSpec;
import dev.transom.definition.spec.ObjectSpec;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Each source and sink kind is declared once and answers for itself: options, defaults, guarantee, where it works. */
class ComponentKindsTest {
  private static PipelineDef load(String source, String sinks) {
    String yaml = "name: p\nsource: " + source + "\nkey: event.k\nclock: {kind: system}\n"
        + "window: {kind: tumbling, length: 1s}\naggregate: {count: true}\n" + sinks;
    DefinitionLoader.Result r = DefinitionLoader.load("p.yaml", yaml, PathPolicy.AS_WRITTEN);
    assertTrue(r.ok(), String.valueOf(r.problems()));
    return r.definition();
  }

  @Test
  void everyDeclaredKindIsFoundByTheNameItsSpecGives() {
    for (ObjectSpec spec : ComponentSpecs.SINKS.kinds()) {
      PipelineDef def = load("{kind: http}", "sinks:\n  - " + example(spec) + "\n");
      assertEquals(spec, ComponentSpecs.sink(def.sinks().get(0)).spec());
    }
    for (ObjectSpec spec : ComponentSpecs.SOURCES.kinds()) {
      PipelineDef def = load(example(spec), "");
      assertEquals(spec, ComponentSpecs.source(def.source()).spec());
    }
  }

  /** A spec's example as one flow mapping. */
  private static String example(ObjectSpec spec) {
    return "{" + String.join(", ", spec.example().split("\n")) + "}";
  }

  @Test
  void theDefaultsTheDocsShowAreTheOnesTheCodeReads() {
    GeneratorSource.Config g = (GeneratorSource.Config) GeneratorSource.KIND.config(load("{kind: generator}", "").source());
    assertEquals(new GeneratorSource.Config(10, Long.MAX_VALUE, 10, 1), g);
    FileSource.Config f = (FileSource.Config) FileSource.KIND.config(load("{kind: file, path: in.jsonl}", "").source());
    assertFalse(f.follow());
    for (ObjectSpec spec : ComponentSpecs.SOURCES.kinds()) {
      for (FieldSpec field : spec.fields()) {
        if (field.value() instanceof Long n && !"unlimited".equals(field.defaultValue())) {
          assertEquals(String.valueOf(n), field.defaultValue(), spec.name() + "." + field.name());
        }
      }
    }
    FieldSpec timeout = WebhookSink.SPEC.field("timeout");
    assertEquals("10s", timeout.defaultValue());
    assertEquals(10_000_000L, timeout.value());
    assertEquals(String.valueOf(WebhookSink.SPEC.field("queue").value()), WebhookSink.SPEC.field("queue").defaultValue());
  }

  @Test
  void eachSinkSaysWhatItGuaranteesAndWhereItWorks() {
    assertEquals(Guarantee.EXACTLY_ONCE, FileSink.KIND.guarantee());
    assertEquals(Guarantee.EXACTLY_ONCE, H2Sink.KIND.guarantee());
    assertEquals(Guarantee.AT_LEAST_ONCE, WebhookSink.KIND.guarantee());
    assertEquals(Guarantee.AS_PRODUCED, StdoutSink.KIND.guarantee());
    assertNotNull(H2Sink.KIND.notInRun());
    assertNull(FileSink.KIND.notInRun());
    PipelineDef def = load("{kind: http}", "sinks:\n  - {kind: h2, table: t}\n  - {kind: file, path: out/x.jsonl}\n");
    assertEquals(new H2Sink.Config("t"), ComponentSpecs.sink(def.sinks().get(0)).config(def.sinks().get(0)));
    assertEquals(new FileSink.Config(Path.of("out/x.jsonl")), ComponentSpecs.sink(def.sinks().get(1)).config(def.sinks().get(1)));
  }

  @Test
  void onlyAnHttpSourceTakesPostsAndOnlyAFileSourceIsAFileRunReads() {
    PipelineDef http = load("{kind: http}", "");
    PipelineDef file = load("{kind: file, path: in.jsonl}", "");
    assertTrue(ComponentSpecs.source(http.source()).takesPosts());
    assertNotNull(ComponentSpecs.source(http.source()).needsInput());
    assertFalse(ComponentSpecs.source(file.source()).takesPosts());
    assertEquals("in.jsonl", ComponentSpecs.source(file.source()).inputFile(file.source()));
    assertNull(ComponentSpecs.source(http.source()).inputFile(http.source()));
  }
}
