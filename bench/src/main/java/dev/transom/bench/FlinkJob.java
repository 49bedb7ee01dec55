package dev.transom.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.time.Duration;
import java.time.Instant;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.serialization.SimpleStringEncoder;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.reader.TextLineInputFormat;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.WindowedStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.assigners.EventTimeSessionWindows;
import org.apache.flink.streaming.api.windowing.assigners.SlidingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * The same pipeline in Flink, in-process (local execution): file source, JSON parse, event-time
 * windows with bounded out-of-orderness equal to Transom's {@code wait} (2 s), sum of clicks per
 * user, file sink. Streaming mode, as Transom runs.
 *
 * <p>Args: INPUT OUTPUT_DIR PARALLELISM tumbling|sliding|session
 */
public final class FlinkJob {
  public static void main(String[] args) throws Exception {
    String input = args[0];
    String output = args[1];
    int parallelism = Integer.parseInt(args[2]);
    String mode = args[3];
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism);
    env.setRuntimeMode(RuntimeExecutionMode.STREAMING);
    FileSource<String> source = FileSource.forRecordStreamFormat(new TextLineInputFormat(), new Path(input)).build();
    DataStream<Tuple3<String, Long, Long>> clicks = env.fromSource(source, WatermarkStrategy.noWatermarks(), "clicks")
        .map(new Parse())
        .assignTimestampsAndWatermarks(WatermarkStrategy.<Tuple3<String, Long, Long>>forBoundedOutOfOrderness(
            Duration.ofSeconds(2)).withTimestampAssigner((c, previous) -> c.f2));
    var keyed = clicks.keyBy(c -> c.f0, org.apache.flink.api.common.typeinfo.Types.STRING);
    WindowedStream<Tuple3<String, Long, Long>, String, TimeWindow> windowed = switch (mode) {
      case "sliding" -> keyed.window(SlidingEventTimeWindows.of(Duration.ofSeconds(10), Duration.ofSeconds(1)));
      case "session" -> keyed.window(EventTimeSessionWindows.withGap(Duration.ofSeconds(5)));
      default -> keyed.window(TumblingEventTimeWindows.of(Duration.ofSeconds(1)));
    };
    windowed.reduce((a, b) -> Tuple3.of(a.f0, a.f1 + b.f1, a.f2), new Emit())
        .sinkTo(FileSink.forRowFormat(new Path(output), new SimpleStringEncoder<String>()).build());
    env.execute("flink-" + mode);
  }

  /** JSON line to (user, clicks, ts millis), with the same streaming parser Transom uses. */
  static final class Parse implements MapFunction<String, Tuple3<String, Long, Long>> {
    private transient JsonFactory factory;

    @Override
    public Tuple3<String, Long, Long> map(String line) throws Exception {
      if (factory == null) {
        factory = new JsonFactory();
      }
      String user = null;
      long clicks = 0;
      long ts = 0;
      try (JsonParser p = factory.createParser(line)) {
        p.nextToken();
        String name;
        while ((name = p.nextFieldName()) != null) {
          p.nextToken();
          switch (name) {
            case "user" -> user = p.getText();
            case "clicks" -> clicks = p.getLongValue();
            case "ts" -> ts = Instant.parse(p.getText()).toEpochMilli();
            default -> p.skipChildren();
          }
        }
      }
      return Tuple3.of(user, clicks, ts);
    }
  }

  /** One output line per window, shaped like Transom's. */
  static final class Emit extends ProcessWindowFunction<Tuple3<String, Long, Long>, String, String, TimeWindow> {
    @Override
    public void process(String key, Context ctx, Iterable<Tuple3<String, Long, Long>> sums, Collector<String> out) {
      Tuple3<String, Long, Long> s = sums.iterator().next();
      out.collect("{\"key\":\"" + key + "\",\"window\":{\"open_time\":\"" + Instant.ofEpochMilli(ctx.window().getStart())
          + "\",\"close_time\":\"" + Instant.ofEpochMilli(ctx.window().getEnd()) + "\"},\"value\":" + s.f1 + "}");
    }
  }
}
