package dev.transom.definition;

import dev.transom.definition.spec.Problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvSubstitutionTest {
  private static final String DEF = """
      name: ${NAME:-clicks}
      source: {kind: file, path: "${IN}"}
      key: event.user
      clock: {kind: event, timestamp: event.ts, wait: "${WAIT:-1s}"}
      window:
        kind: tumbling
        length: ${LEN}
      aggregate: {count: true}
      sinks:
        - {kind: file, path: 'out/$${LITERAL}.jsonl'}
      """;

  private static DefinitionLoader.Result load(String text, Map<String, String> env) {
    return DefinitionLoader.load("p.yaml", text, PathPolicy.AS_WRITTEN, env);
  }

  @Test
  void valuesComeFromTheEnvironmentOrTheirDefault() {
    DefinitionLoader.Result r = load(DEF, Map.of("IN", "in/a.jsonl", "LEN", "10s"));
    assertTrue(r.ok(), r.problems().toString());
    PipelineDef d = r.definition();
    assertEquals("clicks", d.id());
    assertEquals("in/a.jsonl", d.source().text("path", null));
    assertEquals(10_000_000L, ((WindowDef.Tumbling) d.window()).lengthMicros());
    assertEquals("out/${LITERAL}.jsonl", d.sinks().get(0).text("path", null), "$${ escapes a literal ${");
    assertEquals("from-env", load(DEF, Map.of("IN", "x", "LEN", "1s", "NAME", "from-env")).definition().id());
  }

  @Test
  void anUnsetVariableIsAProblemAtItsDollar() {
    DefinitionLoader.Result r = load(DEF, Map.of("IN", "x"));
    assertFalse(r.ok());
    assertEquals(List.of("p.yaml:7:11: ${LEN} is not set (and has no default: ${LEN:-...})"),
        r.problems().stream().map(Problem::format).toList());
  }

  @Test
  void theServersOwnVariablesAreNotAvailable() {
    String leak = DEF.replace("path: 'out/$${LITERAL}.jsonl'", "path: 'out/${TRANSOM_TOKEN:-none}.jsonl'");
    DefinitionLoader.Result r = load(leak, Map.of("IN", "x", "LEN", "1s", "TRANSOM_TOKEN", "s3cret"));
    assertFalse(r.ok());
    assertEquals(List.of("p.yaml:10:29: ${TRANSOM_TOKEN}: the server's own TRANSOM_ variables are not available to "
        + "definitions"), r.problems().stream().map(Problem::format).toList());
    assertFalse(r.problems().toString().contains("s3cret"));
  }

  @Test
  void aValueCannotInjectYaml() {
    // a value that looks like more YAML stays the text of the one scalar it replaced
    DefinitionLoader.Result r = load(DEF, Map.of("IN", "a.jsonl\"}\nsinks: []\nx: {y: \"", "LEN", "10s"));
    assertTrue(r.ok(), r.problems().toString());
    assertEquals("a.jsonl\"}\nsinks: []\nx: {y: \"", r.definition().source().text("path", null));
    assertEquals(1, r.definition().sinks().size());
    // and a plain scalar's type follows its new text, so a non-number is a type problem where it was written
    DefinitionLoader.Result bad = load(DEF, Map.of("IN", "x", "LEN", "[1, 2]"));
    assertFalse(bad.ok());
    assertTrue(bad.problems().get(0).format().startsWith("p.yaml:7:11: "), bad.problems().toString());
  }

  @Test
  void expressionsAreSubstitutedToo() {
    String def = DEF.replace("key: event.user", "key: event.${KEY_FIELD:-user}");
    DefinitionLoader.Result r = load(def, Map.of("IN", "x", "LEN", "1s", "KEY_FIELD", "account"));
    assertTrue(r.ok(), r.problems().toString());
    DefinitionLoader.Result broken = load(def, Map.of("IN", "x", "LEN", "1s", "KEY_FIELD", "+"));
    assertFalse(broken.ok());
    assertTrue(broken.problems().get(0).format().startsWith("p.yaml:3:6: "), broken.problems().toString());
  }
}
