package dev.transom.definition.spec;

/**
 * One field of a YAML mapping: its name, type, whether it is required, its default (as written in
 * YAML, for docs), a one-line doc and an example value; {@code value} is the default as the code
 * reads it (a {@code Long} for numbers and durations in microseconds, a {@code Boolean} for flags),
 * or null when the field has none the code can read.
 */
public record FieldSpec(String name, FieldType type, boolean required, String defaultValue, String doc, String example,
    Object value) {
  public FieldSpec(String name, FieldType type, boolean required, String defaultValue, String doc, String example) {
    this(name, type, required, defaultValue, doc, example, null);
  }
}
