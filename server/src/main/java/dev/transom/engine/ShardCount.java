package dev.transom.engine;

import dev.transom.definition.ClockDef;
import dev.transom.definition.PipelineDef;

/** How many shards a pipeline runs on, for every driver alike. */
public final class ShardCount {
  private ShardCount() {}

  /**
   * {@code requested}, unless the pipeline's watermark is shared by all its keys ({@code scope:
   * pipeline}): a shard sees only its own keys' events, so that watermark needs them all in one.
   */
  public static int of(PipelineDef def, int requested) {
    return sharedWatermark(def) ? 1 : requested;
  }

  public static boolean sharedWatermark(PipelineDef def) {
    return def.clock() instanceof ClockDef.Event e && e.pipelineScope();
  }
}
