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
