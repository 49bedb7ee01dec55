package dev.transom.definition.spec;

import dev.transom.expr.ExprScope;
import dev.transom.expr.ResultKind;
import java.util.List;
import java.util.Set;

/** The type of a field's value, as the spec declares it. */
public sealed interface FieldType {
  /** A short phrase for messages and docs: "a duration", "a mapping". */
  String describe();

  /** Any scalar text; {@code pattern} (a regex) and {@code hint} constrain it when set. */
  record Text(String pattern, String hint) implements FieldType {
    public String describe() {
      return hint != null ? hint : "a string";
    }
  }

  record Int(long min, long max) implements FieldType {
    public String describe() {
      return "an integer";
    }
  }

  record Bool() implements FieldType {
    public String describe() {
      return "true or false";
    }
  }

  /** A switch that is on when present: the only value is {@code true}. */
  record Flag() implements FieldType {
    public String describe() {
      return "true";
    }
  }

  /**
   * A duration; {@code positive} requires {@code > 0}, else {@code >= 0}; a {@code minMicros} above
   * zero is a floor as well (for durations that drive a timer: see {@link #atLeast}).
   */
  record Dur(boolean positive, long minMicros) implements FieldType {
    public Dur(boolean positive) {
      this(positive, 0);
    }

    /**
     * A duration of at least {@code minMicros}. The validator, the JSON Schema and the reference
     * doc all state the floor from here; the field's doc line says why it is there.
     */
    public static Dur atLeast(long minMicros) {
      return new Dur(true, minMicros);
    }

    /** The floor as a duration text ({@code 100ms}), or {@code null} when there is none beyond the sign. */
    public String minimumText() {
      return minMicros > 0 ? dev.transom.io.DurationText.format(minMicros) : null;
    }

    public String describe() {
      return "a duration like 10s, 250ms or 1h30m" + (minMicros > 0 ? ", at least " + minimumText() : "");
    }
  }

  /** A size in bytes written with a unit ({@code 512KiB}, {@code 4MiB}, {@code 10MB}), from {@code min} to {@code max}. */
  record Size(long min, long max) implements FieldType {
    public String describe() {
      return "a size like 512KiB, 4MiB or 10MB";
    }
  }

  record Timestamp() implements FieldType {
    public String describe() {
      return "an RFC 3339 timestamp with an offset, like 2024-01-01T00:00:00Z";
    }
  }

  /** A CEL expression for a scope; {@code allowed} lists the result types it may have (DYN always passes). */
  record Expression(ExprScope scope, Set<ResultKind> allowed, String resultHint) implements FieldType {
    public String describe() {
      return "a CEL expression giving " + resultHint;
    }
  }

  record OneWord(List<String> values) implements FieldType {
    public String describe() {
      return "one of " + String.join(", ", values);
    }
  }

  record Obj(ObjectSpec spec) implements FieldType {
    public String describe() {
      return "a mapping";
    }
  }

  record ListOf(FieldType item, int maxItems) implements FieldType {
    public String describe() {
      return "a list";
    }
  }

  /** A mapping whose {@code kind} field picks one of several specs (sources, sinks, windows, clocks). */
  record Kinds(String what, List<ObjectSpec> kinds) implements FieldType {
    public String describe() {
      return "a mapping with kind: " + String.join(" | ", names());
    }

    public List<String> names() {
      return kinds.stream().map(ObjectSpec::name).toList();
    }

    public ObjectSpec get(String kind) {
      for (ObjectSpec k : kinds) {
        if (k.name().equals(kind)) {
          return k;
        }
      }
      return null;
    }
  }

  /**
   * A JSON value written in YAML: an event, an expected output. {@code mapping} requires a mapping
   * at the top. The linter checks that JSON can hold it (string keys, finite numbers) and hands the
   * value on as {@link dev.transom.io.JsonValues} reads JSON, so it compares with what the pipeline makes.
   */
  record Json(boolean mapping) implements FieldType {
    public String describe() {
      return mapping ? "a mapping (any JSON object)" : "any JSON value";
    }
  }

  /** Either {@code true} or a mapping of options ({@code min: true} or {@code min: {by: ...}}). */
  record FlagOrObj(ObjectSpec spec) implements FieldType {
    public String describe() {
      return "true or a mapping";
    }
  }
}
