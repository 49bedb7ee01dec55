package dev.transom.components;

import dev.transom.definition.spec.ComponentDef;
import dev.transom.definition.spec.FieldType;
import dev.transom.definition.spec.ObjectSpec;
import java.time.Instant;
import java.util.SplittableRandom;

/**
 * {@code kind: generator}: synthetic events {@code {"key", "value", "ts"}} for demos and
 * benchmarks. Keys are {@code key-0 .. key-(keys-1)}, values small integers, {@code ts} the time of
 * generation; the same seed gives the same keys and values.
 */
public final class GeneratorSource {
  public static final ObjectSpec SPEC = ObjectSpec.of("generator",
          "Synthetic events {\"key\", \"value\", \"ts\"} at a steady rate, for demos and benchmarks.")
      .optional("rate", new FieldType.Int(1, 10_000_000), 10, "events per second", "100")
      .optional("count", new FieldType.Int(0, Long.MAX_VALUE), Long.MAX_VALUE, "unlimited", "stop after this many events: its input has ended, and every open window closes",
          "1000")
      .optional("keys", new FieldType.Int(1, 100_000_000), 10, "how many distinct keys", "50")
      .optional("seed", new FieldType.Int(Long.MIN_VALUE, Long.MAX_VALUE), 1, "random seed for keys and values", "42")
      .example("kind: generator\nrate: 100\ncount: 1000\nkeys: 5")
      .build();

  /** Its options, as read. */
  public record Config(long rate, long count, long keys, long seed) {}

  public static final SourceKind KIND = new SourceKind(SPEC) {
    @Override
    public Config config(ComponentDef def) {
      return new Config(SPEC.number(def.options(), "rate"), SPEC.number(def.options(), "count"),
          SPEC.number(def.options(), "keys"), SPEC.number(def.options(), "seed"));
    }
  };

  private final long rate;
  private final long count;
  private final long keys;
  private final SplittableRandom random;
  private long produced;

  public GeneratorSource(ComponentDef def) {
    this((Config) KIND.config(def));
  }

  public GeneratorSource(Config c) {
    this.rate = c.rate();
    this.count = c.count();
    this.keys = c.keys();
    this.random = new SplittableRandom(c.seed());
  }

  public long rate() {
    return rate;
  }

  public boolean hasNext() {
    return produced < count;
  }

  /** The next event as a JSON line. */
  public String next(long nowMicros) {
    produced++;
    long key = random.nextLong(keys);
    long value = 1 + random.nextLong(100);
    Instant ts = dev.transom.windowing.Micros.toInstant(nowMicros);
    return "{\"key\":\"key-" + key + "\",\"value\":" + value + ",\"ts\":\"" + ts + "\"}";
  }
}
