package dev.transom.runtime;

import dev.transom.definition.DefinitionLoader;
import dev.transom.definition.PathPolicy;
import dev.transom.definition.PipelineDef;
import dev.transom.compile.PlanDiff;
import dev.transom.state.Checkpoint;
import dev.transom.state.PartitionState;
import dev.transom.state.SnapshotCodec;
import dev.transom.windowing.KeyGroups;
import dev.transom.windowing.OperatorSnapshot;
import java.util.ArrayList;
import java.util.List;

/** How a stored checkpoint comes back: its partitions' state placed on today's partitions. */
final class CheckpointRestore {
  private CheckpointRestore() {}

  /**
   * The snapshots for {@code partitions} partitions; {@code asStored}: each partition holds exactly
   * the key groups it was stored with, in the current bucket layout, so the next cut may write only
   * what changed (otherwise it rewrites everything once).
   */
  record Placed(OperatorSnapshot[] snapshots, boolean asStored) {}

  static Placed place(Checkpoint c, int partitions) throws SnapshotCodec.Corrupt {
    List<OperatorSnapshot> stored = new ArrayList<>(c.partitions().size());
    for (PartitionState ps : c.partitions()) {
      stored.add(ps.assemble());
    }
    if (stored.size() == partitions && KeyGroups.inPlace(stored)) {
      // stored in other buckets (an older version): the first cut rewrites them all
      boolean current = c.partitions().stream().allMatch(PartitionState::currentLayout);
      return new Placed(stored.toArray(OperatorSnapshot[]::new), current);
    }
    // Another --workers (or keys routed before key groups): each partition takes its groups' keys.
    return new Placed(KeyGroups.spread(stored, partitions), false);
  }

  /**
   * The version a windowing change was replacing when the server stopped before the new version's
   * first checkpoint, when {@code c} was taken for that and still compiles to its windowing; else null.
   */
  static PipelineDef replacedVersion(Checkpoint c, String fileName, PathPolicy paths) {
    if (c.flushDefinition() == null) {
      return null;
    }
    DefinitionLoader.Result old = DefinitionLoader.load(fileName, c.flushDefinition(), paths);
    if (!old.ok() || !PlanDiff.windowingFingerprint(old.definition()).equals(c.fingerprint())) {
      return null;
    }
    return old.definition();
  }
}
