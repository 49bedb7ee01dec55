package dev.transom.cluster;

import dev.transom.compile.ItemPreparer;
import dev.transom.compile.Plan;
import dev.transom.definition.PipelineDef;
import dev.transom.io.JsonValues;
import java.time.Duration;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * A pipeline as a Kafka Streams topology: its input topic's JSON lines, keyed by the pipeline's
 * {@code key} and repartitioned by it, so every event of a key reaches the one task that holds the
 * key's windows ({@link WindowProcessor}); the window outputs go to the output topic, keyed by the
 * window's key. Every part is named, so that the internal topics keep their names across versions.
 */
public final class PipelineTopology {
  /** How often a task wakes to close windows due without input. */
  public static final Duration TICK = Duration.ofMillis(100);

  private PipelineTopology() {}

  /** The store (and so the changelog topic) of a pipeline's windows. */
  public static String storeName(PipelineDef def) {
    return def.id() + "-windows";
  }

  public static Topology build(PipelineDef def, String inputTopic, String outputTopic) {
    Plan plan = Plan.of(def);
    ItemPreparer keys = new ItemPreparer(def);
    String store = storeName(def);
    StoreBuilder<?> windows = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(store), Serdes.String(),
        Serdes.ByteArray());
    ProcessorSupplier<String, String, String, String> processor = new ProcessorSupplier<>() {
      @Override
      public WindowProcessor get() {
        return new WindowProcessor(Plan.of(def), store, TICK);
      }

      @Override
      public Set<StoreBuilder<?>> stores() {
        return Set.of(windows);
      }
    };
    plan.definition(); // compiled once here, so a definition that cannot run fails at build, not in a task
    StreamsBuilder b = new StreamsBuilder();
    b.stream(inputTopic, Consumed.with(Serdes.String(), Serdes.String()).withName(def.id() + "-input"))
        .selectKey((k, v) -> keyOf(keys, v), Named.as(def.id() + "-key"))
        .repartition(Repartitioned.with(Serdes.String(), Serdes.String()).withName(def.id() + "-by-key"))
        .process(processor, Named.as(def.id() + "-windows"))
        .to(outputTopic, Produced.with(Serdes.String(), Serdes.String()).withName(def.id() + "-output"));
    return b.build();
  }

  /**
   * The key an event's windows live under. An event that has none (not JSON, its key failing) goes
   * under the empty key: the processor reports its item error there, as one node does.
   */
  static String keyOf(ItemPreparer keys, String line) {
    try {
      Object event = JsonValues.parse(line == null ? "null" : line);
      ItemPreparer.Prepared p = new ItemPreparer.Prepared();
      return keys.prepare(event, (field, message, item) -> {}, p) ? p.key() : "";
    } catch (JsonValues.Invalid e) {
      return "";
    }
  }
}
