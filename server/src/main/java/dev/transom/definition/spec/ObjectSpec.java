package dev.transom.definition.spec;

import java.util.ArrayList;
import java.util.List;

/**
 * A YAML mapping's declaration: its fields, an optional "exactly one of these" group, a doc line
 * and a full example. Built once per component next to the code that uses it; the linter, the JSON
 * Schema writer and the reference doc all read it.
 */
public record ObjectSpec(String name, String doc, List<FieldSpec> fields, List<String> exactlyOne, String example,
    List<RequiredWhen> requiredWhen) {
  /**
   * A field that becomes required when a sibling field has a kind: {@code window} being a
   * {@code session} makes {@code merge} required in {@code aggregate.fold}, when that is given.
   * Validation reports it at the mapping ({@code at}); the JSON Schema says it with {@code if}/{@code then}.
   */
  public record RequiredWhen(String kindField, String kind, List<String> at, String field, String why) {
    public String path() {
      return String.join(".", at) + "." + field;
    }
  }


  public FieldSpec field(String fieldName) {
    for (FieldSpec f : fields) {
      if (f.name().equals(fieldName)) {
        return f;
      }
    }
    return null;
  }

  /**
   * A number option (a duration in microseconds), or its declared default when it is not given:
   * each default is written once, in the spec, and read from there.
   */
  public long number(Checked options, String field) {
    return options.has(field) ? options.number(field, 0) : (Long) declaredDefault(field);
  }

  /** A flag option, or its declared default. */
  public boolean flag(Checked options, String field) {
    return options.has(field) ? options.bool(field, false) : (Boolean) declaredDefault(field);
  }

  private Object declaredDefault(String field) {
    FieldSpec f = field(field);
    if (f == null || f.value() == null) {
      throw new IllegalStateException(name + "." + field + " has no default the code can read");
    }
    return f.value();
  }

  public List<String> fieldNames() {
    return fields.stream().map(FieldSpec::name).toList();
  }

  public static Builder of(String name, String doc) {
    return new Builder(name, doc);
  }

  /** Fluent builder; fields keep their declaration order (docs and schema follow it). */
  public static final class Builder {
    private final String name;
    private final String doc;
    private final List<FieldSpec> fields = new ArrayList<>();
    private List<String> exactlyOne = List.of();
    private String example;
    private final List<RequiredWhen> requiredWhen = new ArrayList<>();

    private Builder(String name, String doc) {
      this.name = name;
      this.doc = doc;
    }

    public Builder required(String field, FieldType type, String doc, String example) {
      fields.add(new FieldSpec(field, type, true, null, doc, example));
      return this;
    }

    public Builder optional(String field, FieldType type, String defaultValue, String doc, String example) {
      fields.add(new FieldSpec(field, type, false, defaultValue, doc, example));
      return this;
    }

    /** An optional number with its default, shown as written (or as {@code shown}, e.g. "unlimited"). */
    public Builder optional(String field, FieldType type, long defaultValue, String shown, String doc, String example) {
      fields.add(new FieldSpec(field, type, false, shown != null ? shown : String.valueOf(defaultValue), doc, example,
          defaultValue));
      return this;
    }

    public Builder optional(String field, FieldType type, long defaultValue, String doc, String example) {
      return optional(field, type, defaultValue, null, doc, example);
    }

    /** An optional flag with its default. */
    public Builder optional(String field, FieldType.Bool type, boolean defaultValue, String doc, String example) {
      fields.add(new FieldSpec(field, type, false, String.valueOf(defaultValue), doc, example, defaultValue));
      return this;
    }

    /** An optional duration with its default as written ({@code 10s}), read in microseconds. */
    public Builder optionalDuration(String field, FieldType.Dur type, String defaultValue, String doc, String example) {
      long micros;
      try {
        micros = dev.transom.io.DurationText.parseMicros(defaultValue);
      } catch (dev.transom.io.DurationText.Invalid e) {
        throw new IllegalArgumentException(name + "." + field + ": bad default " + defaultValue, e);
      }
      fields.add(new FieldSpec(field, type, false, defaultValue, doc, example, micros));
      return this;
    }

    public Builder exactlyOne(String... names) {
      this.exactlyOne = List.of(names);
      return this;
    }

    /** {@code field} is required in the mapping at {@code at} (a dotted path) when {@code kindField}'s kind is {@code kind}. */
    public Builder requiredWhen(String kindField, String kind, String at, String field, String why) {
      requiredWhen.add(new RequiredWhen(kindField, kind, List.of(at.split("\\.")), field, why));
      return this;
    }

    public Builder example(String yaml) {
      this.example = yaml;
      return this;
    }

    public ObjectSpec build() {
      return new ObjectSpec(name, doc, List.copyOf(fields), exactlyOne, example, List.copyOf(requiredWhen));
    }
  }
}
