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

/**
 * How a stored checkpoint comes back: which version it resumes (the one deployed, or the one a
 * crash caught in the middle of a reload), and its partitions' state placed on today's partitions.
 */
final class CheckpointRestore {
  private CheckpointRestore() {}

  /**
   * What a deployment installs first: {@code first} with {@code kept} (null: empty windows;
   * {@code stored} as in {@link Placed#asStored}); then, when not null, {@code then} replaces it as
   * a reload would (flushing its windows). {@code recovery} says so in words.
   */
  record Resume(PipelineDef first, OperatorSnapshot[] kept, boolean stored, PipelineDef then, String recovery) {}

  /**
   * How {@code newDef} resumes from {@code c}: its windows when the windowing is unchanged; the
   * replaced version's windows, to be flushed, when {@code c} was taken as a windowing change began
   * and the server stopped before the new version's first checkpoint; otherwise nothing.
   */
  static Resume resume(Checkpoint c, PipelineDef newDef, String fileName, PathPolicy paths,
      java.util.function.ToIntFunction<PipelineDef> partitionsFor) {
    boolean sameWindowing = c.fingerprint().equals(PlanDiff.windowingFingerprint(newDef));
    PipelineDef replaced = sameWindowing ? null : replacedVersion(c, fileName, paths);
    if (!sameWindowing && replaced == null) {
      return new Resume(newDef, null, false, null, "checkpoint " + c.epoch() + " belongs to another windowing (key, "
          + "value, clock, window or aggregate changed): not applied; the pipeline started empty");
    }
    PipelineDef first = replaced != null ? replaced : newDef;
    int n = partitionsFor.applyAsInt(first);
    Placed placed;
    try {
      placed = place(c, n);
    } catch (SnapshotCodec.Corrupt e) {
      return new Resume(newDef, null, false, null, "checkpoint " + c.epoch() + " is damaged (" + e.getMessage()
          + "): the pipeline started empty");
    }
    if (replaced != null) {
      return new Resume(replaced, placed.snapshots(), placed.asStored(), newDef, "checkpoint " + c.epoch() + " was "
          + "taken as the windowing changed and the server stopped before the new version's first checkpoint: the old "
          + "version's open windows were flushed, then the new version started empty");
    }
    return new Resume(newDef, placed.snapshots(), placed.asStored(), null, "resumed from checkpoint " + c.epoch()
        + (c.partitions().size() == n ? "" : ", its " + c.partitions().size() + " partition(s) spread over " + n
        + " (--workers changed)"));
  }

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
