package dev.transom.definition.spec;

/** A source or sink as written: its kind and its checked options, bound by the component itself. */
public record ComponentDef(String kind, Checked options) {
  public String text(String field, String otherwise) {
    return options.text(field, otherwise);
  }

  public long number(String field, long otherwise) {
    return options.number(field, otherwise);
  }

  public boolean bool(String field, boolean otherwise) {
    return options.bool(field, otherwise);
  }
}
