package dev.transom.components;

import dev.transom.definition.spec.Checked;
import dev.transom.definition.spec.ComponentDef;
import dev.transom.definition.spec.FieldType;
import dev.transom.definition.spec.ObjectSpec;
import java.util.List;

/**
 * {@code kind: kafka}: JSON values of the records of one or more topics. In {@code serve}, each
 * batch read is logged with the offsets after it, like a file source's lines with their byte
 * offset: a restart replays the logged batches at their arrival times and reads on from those
 * offsets, so a crash changes no result (docs/durability.md).
 */
public final class KafkaSource {
  private KafkaSource() {}

  /** Kafka's own rule for topic names (its {@code Topic.validate}). */
  static final String TOPIC = "[a-zA-Z0-9._-]{1,249}";
  /** {@code host:port}, comma-separated: what {@code bootstrap.servers} takes. */
  static final String BOOTSTRAP = "[^\\s,:]+:[0-9]{1,5}(,[^\\s,:]+:[0-9]{1,5})*";

  public static final ObjectSpec SPEC = ObjectSpec.of("kafka",
          "Reads the records of Kafka (or Redpanda) topics; each record's value is one JSON event. Expressions "
              + "over the event also read `meta`: the record's `topic`, `partition`, `offset`, `timestamp` (a "
              + "timestamp) and `key` (a string; absent when the record has none), e.g. `clock.timestamp: "
              + "meta.timestamp`.")
      .required("bootstrap", new FieldType.Text(BOOTSTRAP, "host:port, comma-separated"),
          "the brokers to connect to first (`bootstrap.servers`)", "localhost:9092")
      .optional("topic", new FieldType.Text(TOPIC, "a topic name"), null, "the topic to read", "clicks")
      .optional("topics", new FieldType.ListOf(new FieldType.Text(TOPIC, "a topic name"), 100), null,
          "the topics to read, instead of one `topic`", "[clicks, views]")
      .exactlyOne("topic", "topics")
      .optional("group", new FieldType.Text(null, "a consumer group id"), "transom-NAME",
          "the consumer group; the pipeline's checkpoint, not the group, says where reading goes on, and the "
              + "group's committed offsets are for monitoring (NAME: the pipeline's name)",
          "clicks-counter")
      .optional("start", new FieldType.OneWord(List.of("earliest", "latest")), "earliest",
          "where a partition the pipeline has not read before starts: its first record, or only records that come "
              + "after the pipeline starts",
          "latest")
      .example("kind: kafka\nbootstrap: localhost:9092\ntopic: clicks")
      .build();

  /** Its options, as read; {@code group} null for the default. */
  public record Config(String bootstrap, List<String> topics, String group, boolean fromEarliest) {
    /** The consumer group of pipeline {@code pipeline}. */
    public String groupOf(String pipeline) {
      return group != null ? group : "transom-" + pipeline;
    }
  }

  public static final SourceKind KIND = new SourceKind(SPEC) {
    @Override
    public Config config(ComponentDef def) {
      Checked o = def.options();
      List<String> topics = o.has("topics") ? o.get("topics").list().stream().map(t -> (String) t.value()).toList()
          : List.of(def.text("topic", null));
      return new Config(def.text("bootstrap", null), topics, def.text("group", null),
          !"latest".equals(def.text("start", "earliest")));
    }

    @Override
    public String needsInput() {
      return "kind kafka is read by `transom serve`";
    }
  };
}
