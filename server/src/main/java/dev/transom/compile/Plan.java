package dev.transom.compile;

import dev.transom.definition.ClockDef;
import dev.transom.definition.PipelineDef;
import dev.transom.definition.WindowDef;
import dev.transom.windowing.Aggregate;
import dev.transom.windowing.ClockConfig;
import dev.transom.windowing.EventClock;
import dev.transom.windowing.SessionWindower;
import dev.transom.windowing.SlidingWindower;
import dev.transom.windowing.SystemClock;
import dev.transom.windowing.TumblingWindower;
import dev.transom.windowing.Windower;

/** What runs for a definition: the core's clock, windower and aggregate, and the expressions around them. */
public final class Plan {
  private final PipelineDef def;
  private final ClockConfig clock;
  private final Windower windower;
  private final Aggregate aggregate;

  private Plan(PipelineDef def, ClockConfig clock, Windower windower, Aggregate aggregate) {
    this.def = def;
    this.clock = clock;
    this.windower = windower;
    this.aggregate = aggregate;
  }

  public static Plan of(PipelineDef def) {
    ClockConfig clock = def.clock() instanceof ClockDef.Event e
        ? new EventClock(e.waitMicros(), e.pipelineScope())
        : new SystemClock();
    Windower windower;
    WindowDef w = def.window();
    if (w instanceof WindowDef.Tumbling t) {
      windower = new TumblingWindower(t.lengthMicros(), t.alignMicros());
    } else if (w instanceof WindowDef.Sliding s) {
      windower = new SlidingWindower(s.lengthMicros(), s.offsetMicros(), s.alignMicros());
    } else {
      windower = new SessionWindower(((WindowDef.Session) w).gapMicros());
    }
    return new Plan(def, clock, windower, Aggregates.build(def.aggregate()));
  }

  public PipelineDef definition() {
    return def;
  }

  public ClockConfig clock() {
    return clock;
  }

  public Windower windower() {
    return windower;
  }

  public Aggregate aggregate() {
    return aggregate;
  }

  /** A fresh, empty execution of this plan writing to {@code outputs}. */
  public PipelineExecution start(Outputs outputs) {
    return new PipelineExecution(this, outputs);
  }
}
