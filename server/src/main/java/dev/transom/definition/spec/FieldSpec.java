package dev.transom.definition.spec;

/**
 * One field of a YAML mapping: its name, type, whether it is required, its default (as written in
 * YAML, for docs), a one-line doc and an example value.
 */
public record FieldSpec(String name, FieldType type, boolean required, String defaultValue, String doc, String example) {}
