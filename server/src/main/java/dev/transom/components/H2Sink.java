package dev.transom.components;

import dev.transom.definition.spec.FieldType;
import dev.transom.definition.spec.ObjectSpec;

/**
 * {@code kind: h2}: window outputs as rows of a table in the server's own H2 database, written in
 * the same transaction as the checkpoint of their epoch (exactly-once). Only {@code serve} has the
 * database; {@code run} refuses it.
 */
public final class H2Sink {
  private H2Sink() {}

  public static final ObjectSpec SPEC = ComponentSpecs.kind("h2",
          "Writes records as rows of a table in the server's H2 database (serve only), exactly once: rows of an "
              + "epoch are committed with its checkpoint. Columns: pipeline, record_key, open_time, close_time, "
              + "record (the JSON), epoch.")
      .required("table", new FieldType.Text("[A-Za-z_][A-Za-z0-9_]{0,62}", "a table name (letters, digits, _)"),
          "the table to write (created when missing)", "clicks_per_user")
      .example("kind: h2\ntable: clicks_per_user")
      .build();
}
