package dev.transom.components;

import dev.transom.definition.spec.ComponentDef;
import dev.transom.definition.spec.FieldType;
import dev.transom.definition.spec.ObjectSpec;

/**
 * {@code kind: h2}: window outputs as rows of a table in the server's own H2 database, written in
 * the same transaction as the checkpoint of their epoch (exactly-once). Only {@code serve} has the
 * database; {@code run} refuses it. This class declares the sink; its rows and their SQL are
 * {@code state.SinkTables} (JDBC stays in {@code state}), staged by the partitions and inserted
 * with each checkpoint.
 */
public final class H2Sink {
  private H2Sink() {}

  public static final ObjectSpec SPEC = ObjectSpec.of("h2",
          "Writes records as rows of a table in the server's H2 database (serve only), exactly once: rows of an "
              + "epoch are committed with its checkpoint. Columns: pipeline, record_key, open_time, close_time, "
              + "record (the JSON), epoch.")
      .required("table", new FieldType.Text("[A-Za-z_][A-Za-z0-9_]{0,62}", "a table name (letters, digits, _)"),
          "the table to write (created when missing); not one of the server's own tables", "clicks_per_user")
      .example("kind: h2\ntable: clicks_per_user")
      .build();

  /** The table it writes. */
  public record Config(String table) {}

  /** The table {@code sink} writes when it is an h2 sink, else null. */
  public static String tableOf(ComponentDef sink) {
    return ComponentSpecs.sink(sink).config(sink) instanceof Config c ? c.table() : null;
  }

  public static final SinkKind KIND = new SinkKind(SPEC, Guarantee.EXACTLY_ONCE) {
    @Override
    public Config config(ComponentDef def) {
      return new Config(def.text("table", null));
    }

    @Override
    public String notInRun() {
      return "kind h2 writes into the server's database, which `run` does not open";
    }

    @Override
    public String describe(ComponentDef def) {
      return "h2 " + config(def).table();
    }

    @Override
    public RecordSink open(ComponentDef def, boolean append) throws java.io.IOException {
      throw new java.io.IOException("the h2 sink writes into the server's database: use it with `transom serve`");
    }
  };

  /**
   * The server's own tables in the same database (its schema scripts, {@code db/V*.sql}): a sink
   * may not take one of these names, in any case (H2 folds unquoted names to upper case, so
   * {@code checkpoint} in a query means {@code CHECKPOINT}). A test keeps the list equal to the
   * tables a fresh database has.
   */
  public static final java.util.Set<String> SERVER_TABLES = java.util.Set.of("SCHEMA_VERSION", "CHECKPOINT",
      "CHECKPOINT_STATE", "CHECKPOINT_CHUNKS", "CHECKPOINT_DELIVERIES", "CHECKPOINT_DELIVERY_CHUNKS", "INGEST_LOG", "INGEST_BATCHES", "SINK_START");

  /** Why {@code table} cannot be a sink's table, or {@code null} when it can. */
  public static String tableProblem(String table) {
    if (table != null && SERVER_TABLES.contains(table.toUpperCase(java.util.Locale.ROOT))) {
      return "'" + table + "' is a table of the server's own state (" + String.join(", ",
          new java.util.TreeSet<>(SERVER_TABLES)).toLowerCase(java.util.Locale.ROOT) + " are taken); choose another name";
    }
    return null;
  }
}
