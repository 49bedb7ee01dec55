package dev.transom.cluster;

import dev.transom.compile.Plan;
import dev.transom.state.SnapshotCodec;
import dev.transom.windowing.OperatorSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.StateQueryRequest;
import org.apache.kafka.streams.state.HostInfo;

/**
 * The open windows of one key, wherever in the cluster they are: read from this node's store when
 * it holds the key's partition as its active task (Kafka Streams' interactive queries, v2), or the
 * node that does, for the caller to ask in turn; or why nobody can answer now (a rebalance).
 */
public final class KeyWindows {
  /** The answer: exactly one of windows (here), owner (another node) or unavailable (why). */
  public record Answer(List<Map<String, Object>> windows, HostInfo owner, String unavailable) {}

  private KeyWindows() {}

  /** @param self this node's {@code application.server}, as the application was configured with it */
  public static Answer of(KafkaStreams streams, Plan plan, String key, HostInfo self) {
    String store = PipelineTopology.storeName(plan.definition());
    KeyQueryMetadata where = streams.queryMetadataForKey(store, key, Serdes.String().serializer());
    if (where == null || where == KeyQueryMetadata.NOT_AVAILABLE) {
      return new Answer(null, null, "the cluster is assigning its tasks (a rebalance); ask again shortly");
    }
    if (!where.activeHost().equals(self)) {
      return new Answer(null, where.activeHost(), null);
    }
    StateQueryRequest<byte[]> request = StateQueryRequest.inStore(store).withQuery(KeyQuery.<String, byte[]>withKey(key))
        .withPartitions(Set.of(where.partition())).requireActive();
    QueryResult<byte[]> result = streams.query(request).getPartitionResults().get(where.partition());
    if (result == null || result.isFailure()) {
      return new Answer(null, null, result == null ? "no answer from the key's partition"
          : result.getFailureReason() + ": " + result.getFailureMessage());
    }
    return new Answer(rows(plan, key, result.getResult()), null, null);
  }

  /** A key's stored snapshot as the API's rows: bounds, the value it would emit now, its item count. */
  static List<Map<String, Object>> rows(Plan plan, String key, byte[] stored) {
    List<Map<String, Object>> rows = new ArrayList<>();
    if (stored == null) {
      return rows;
    }
    OperatorSnapshot s;
    try {
      s = SnapshotCodec.decode(stored);
    } catch (SnapshotCodec.Corrupt e) {
      throw new IllegalStateException("the stored state of key '" + key + "' does not read: " + e.getMessage(), e);
    }
    // the value a window would emit is its aggregate's to say: rebuilt in a scratch operator
    var exec = plan.start(new dev.transom.compile.Outputs() {
      @Override
      public void output(Map<String, Object> record) {}

      @Override
      public void late(Map<String, Object> record) {}

      @Override
      public void error(dev.transom.compile.ItemError error) {}
    });
    exec.restore(s);
    exec.operator().forEachOpenWindow((k, w) -> rows.add(dev.transom.compile.OpenWindowRow.of(k, w)));
    return rows;
  }
}
