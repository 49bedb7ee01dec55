package dev.transom.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.transom.compile.Plan;
import dev.transom.definition.DefinitionLoader;
import dev.transom.definition.PipelineDef;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * A pipeline's Kafka Streams topology, driven by {@code TopologyTestDriver} with a manual wall
 * clock: the window core runs per key as on one node (the expected outputs are worked out from the
 * window rules, as in definitions/clicks-per-user.test.yaml), and a task that takes over a store
 * (a rebalance, a restart) carries on from it.
 */
class PipelineTopologyTest {
  static final String COUNTS = "name: counts\nsource: {kind: http}\nkey: event.user\n"
      + "clock: {kind: event, timestamp: event.ts, wait: 5s}\nwindow: {kind: tumbling, length: 1m}\naggregate: {count: true}\n";
  static final Instant START = Instant.parse("2024-01-01T00:00:00Z");

  static PipelineDef def(String text) {
    DefinitionLoader.Result r = DefinitionLoader.load("counts.yaml", text);
    assertEquals(List.of(), r.problems());
    return r.definition();
  }

  static Properties props() {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "transom-test");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    return p;
  }

  static dev.transom.windowing.OperatorSnapshot decode(byte[] b) {
    try {
      return dev.transom.state.SnapshotCodec.decode(b);
    } catch (dev.transom.state.SnapshotCodec.Corrupt e) {
      throw new AssertionError(e);
    }
  }

  static String event(String user, String ts) {
    return "{\"user\":\"" + user + "\",\"ts\":\"" + ts + "\"}";
  }

  @Test
  void eachKeysWindowClosesOnItsOwnWatermarkWithoutInputAsOnOneNode() {
    try (TopologyTestDriver driver = new TopologyTestDriver(PipelineTopology.build(def(COUNTS), "in", "out"), props(), START)) {
      TestInputTopic<String, String> in = driver.createInputTopic("in", new StringSerializer(), new StringSerializer());
      TestOutputTopic<String, String> out = driver.createOutputTopic("out", new StringDeserializer(), new StringDeserializer());
      in.pipeInput(null, event("alice", "2024-01-01T00:00:10Z"));
      in.pipeInput(null, event("bob", "2024-01-01T00:00:20Z"));
      driver.advanceWallClockTime(Duration.ofSeconds(30));
      in.pipeInput(null, event("alice", "2024-01-01T00:00:50Z"));
      // the open windows as the store holds them, read as the API shows them
      KeyValueStore<String, byte[]> open = driver.getKeyValueStore(PipelineTopology.storeName(def(COUNTS)));
      assertEquals("[{key=alice, open_time=2024-01-01T00:00:00Z, close_time=2024-01-01T00:01:00Z, value=2, count=2}]",
          KeyWindows.rows(Plan.of(def(COUNTS)), "alice", open.get("alice")).toString());
      // alice's watermark is 00:50 - 5s + (now - 30s), bob's 00:20 - 5s + now: both reach 01:00 at 45 s
      driver.advanceWallClockTime(Duration.ofMillis(14_900));
      assertEquals(List.of(), out.readKeyValuesToList(), "nothing closes before 45 s");
      driver.advanceWallClockTime(Duration.ofMillis(100));
      List<String> got = new ArrayList<>();
      out.readKeyValuesToList().forEach(kv -> got.add(kv.key + " " + kv.value));
      got.sort(null);
      assertEquals(List.of(
          "alice {\"pipeline\":\"counts\",\"key\":\"alice\",\"window\":{\"open_time\":\"2024-01-01T00:00:00Z\",\"close_time\":\"2024-01-01T00:01:00Z\"},\"value\":2}",
          "bob {\"pipeline\":\"counts\",\"key\":\"bob\",\"window\":{\"open_time\":\"2024-01-01T00:00:00Z\",\"close_time\":\"2024-01-01T00:01:00Z\"},\"value\":1}"),
          got);
      KeyValueStore<String, byte[]> store = driver.getKeyValueStore(PipelineTopology.storeName(def(COUNTS)));
      // a key whose windows all closed keeps only its clock, so its watermark never goes back
      var alice = decode(store.get("alice")).keys().get(0);
      assertEquals(List.of(), alice.windows());
      assertEquals(Instant.parse("2024-01-01T00:00:50Z").toEpochMilli() * 1_000, alice.clock()[0], "the base item's time");
    }
  }

  /** A new owner of a store (after a rebalance or a restart) rebuilds the windows from it and closes them on time. */
  @Test
  void aTaskTakingOverAStoreCarriesOnFromIt() {
    KeyValueStore<String, byte[]> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("windows"),
        Serdes.String(), Serdes.ByteArray()).withLoggingDisabled().build();
    MockProcessorContext<String, String> first = new MockProcessorContext<>(props());
    store.init(first.getStateStoreContext(), store);
    first.addStateStore(store);
    first.setCurrentSystemTimeMs(START.toEpochMilli());
    Plan plan = Plan.of(def(COUNTS));
    WindowProcessor before = new WindowProcessor(plan, "windows", PipelineTopology.TICK);
    before.init(first);
    before.process(new Record<>("alice", event("alice", "2024-01-01T00:00:10Z"), START.toEpochMilli()));
    before.process(new Record<>("alice", event("alice", "2024-01-01T00:00:20Z"), START.toEpochMilli()));
    before.close();

    MockProcessorContext<String, String> second = new MockProcessorContext<>(props());
    second.addStateStore(store);
    second.setCurrentSystemTimeMs(START.plusSeconds(10).toEpochMilli());
    WindowProcessor after = new WindowProcessor(Plan.of(def(COUNTS)), "windows", PipelineTopology.TICK);
    after.init(second);
    // base 00:20 seen at 0 s: the watermark reaches 01:00 at 45 s; a third item in the same window first
    after.process(new Record<>("alice", event("alice", "2024-01-01T00:00:30Z"), START.plusSeconds(10).toEpochMilli()));
    var punctuator = second.scheduledPunctuators().get(0).getPunctuator();
    punctuator.punctuate(START.plusMillis(44_900).toEpochMilli());
    assertEquals(0, second.forwarded().size());
    punctuator.punctuate(START.plusSeconds(45).toEpochMilli());
    assertEquals(1, second.forwarded().size());
    assertEquals("{\"pipeline\":\"counts\",\"key\":\"alice\",\"window\":{\"open_time\":\"2024-01-01T00:00:00Z\","
        + "\"close_time\":\"2024-01-01T00:01:00Z\"},\"value\":3}", second.forwarded().get(0).record().value());
  }
}
