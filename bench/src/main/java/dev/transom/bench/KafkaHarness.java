package dev.transom.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.transom.kafka.KafkaBroker;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Kafka in, Kafka out: Transom ({@code serve}, a {@code kind: kafka} source and an exactly-once
 * {@code kind: kafka} sink) against Kafka Streams ({@link KafkaStreamsJob}) on the same topic, both
 * exactly-once, alternating in one run, each in its own JVM, with one real broker for both.
 *
 * <p><b>Throughput.</b> The standard workload ({@code GenerateClicks}: 10k users, 100k events per
 * second of event time, up to 2 s of disorder) is produced once to a topic keyed by user. A contender counts from
 * the moment it is ready (Transom: {@code /health}; Kafka Streams: state RUNNING) to the moment a
 * {@code read_committed} reader has seen every window. The harness works out every window's sum
 * from the input itself, and a contender whose output differs (a window missing, twice, or with
 * another sum) fails the run.
 *
 * <p>Each user's records end with one of the user's own, 30 s after the last event (its window is
 * left out of the comparison): Transom keeps a watermark per key (its default), and Kafka Streams
 * a stream time per partition, and that record moves both past every real window of the user. (A
 * record per partition would do for Kafka Streams only; with one watermark for the pipeline, a
 * partition read ahead of the other makes the other's last records late.)
 *
 * <p><b>Latency.</b> Each contender then reads a live topic fed at a fixed rate, with processing-time
 * windows (Transom's system clock; Kafka Streams' wall-clock timestamps, grace 0): a window's
 * latency is the time from its close to the moment the reader receives it. The records of a
 * window are appended up to its close, so this is the latency from the last record's append.
 *
 * <p>Run (from the project root): {@code mvn -B -ntp -Pbench -DskipTests package && java -cp
 * "$(cat bench/target/classpath.txt):bench/target/transom-bench.jar" dev.transom.bench.KafkaHarness
 * [EVENTS=5000000] [ROUNDS=3] [PARTITIONS=2] [COMMIT_MS=1000] [LATENCY_SECONDS=30] [RATE=20000]}
 */
public final class KafkaHarness {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
  /** The open time of the windows of the users' last records, which no contender needs to close. */
  private static volatile String endWindow = "";
  /**
   * Transom's {@code wait} and Kafka Streams' grace. Transom's event clock also moves on with system
   * time while a batch waits to be processed (bytewax's EventClock), so a wait much shorter than
   * a contender's backlog makes items late that Kafka Streams, whose stream time moves with records
   * only, keeps: then the outputs differ. 10 s is far above both backlogs here.
   */
  private static final long WAIT_MS = 10_000;
  /** A run fails when no window arrives for this long. */
  private static final Duration STALL = Duration.ofSeconds(60);

  record Measure(double seconds, double startSeconds, double cpuSeconds, long rssKb) {}

  /** What a reader saw on an output topic: each window's value, and when each arrived. */
  record Seen(Map<String, Long> windows, List<Long> latenciesMillis, int duplicates) {}

  public static void main(String[] args) throws Exception {
    long events = arg(args, 0, 5_000_000L);
    int rounds = (int) arg(args, 1, 3);
    int partitions = (int) arg(args, 2, 2);
    long commitMs = arg(args, 3, 1_000);
    int latencySeconds = (int) arg(args, 4, 30);
    int rate = (int) arg(args, 5, 20_000);
    Path out = Path.of("bench/out").toAbsolutePath();
    Path work = out.resolve("kafka");
    deleteTree(work);
    Files.createDirectories(work);
    Path input = out.resolve("clicks-" + events + ".jsonl");
    if (!Files.exists(input)) {
      System.err.println("generating " + events + " events into " + input);
      Harness.run(List.of(Harness.java(), "bench/GenerateClicks.java", String.valueOf(events)), input, true);
    }
    String cp = Files.readString(Path.of("bench/target/classpath.txt")).strip() + ":bench/target/transom-bench.jar";
    String launcher = Path.of("transom").toAbsolutePath().toString();
    Harness.run(List.of(launcher, "validate", "bench/tumbling-sum.yaml"), null, false); // builds a stale jar now
    if (System.getProperty("kafka.classpath") == null) {
      System.setProperty("kafka.classpath", "server/target/kafka-classpath.txt");
    }
    try (KafkaBroker broker = KafkaBroker.start(work.resolve("broker"))) {
      String bootstrap = broker.bootstrap();
      broker.createTopic("clicks", partitions);
      long t0 = System.nanoTime();
      Map<String, Long> expected = produceWorkload(bootstrap, input);
      System.out.printf("kafka: topic clicks, %d partitions, %,d events produced in %.1f s (%,d windows); %d rounds,"
              + " alternating; commit/checkpoint interval %d ms; java %s%n", partitions, events,
          (System.nanoTime() - t0) / 1e9, expected.size(), rounds, commitMs, System.getProperty("java.version"));

      Map<String, List<Measure>> results = new LinkedHashMap<>();
      List<String> names = List.of("transom", "kafka streams");
      for (int r = 0; r < rounds; r++) {
        for (int i = 0; i < names.size(); i++) {
          String name = names.get((i + r) % names.size()); // who goes first alternates too
          String topic = "out-" + name.replace(' ', '-') + "-" + r;
          broker.createTopic(topic, 1);
          Contender c = name.equals("transom")
              ? transom(launcher, work.resolve("transom-" + r), bootstrap, "clicks", topic, "event", commitMs, WAIT_MS)
              : kafkaStreams(cp, work.resolve("streams-" + r), bootstrap, "clicks", topic, "bench-streams-" + r,
                  partitions, commitMs, WAIT_MS, "event");
          Measure m = throughput(c, bootstrap, topic, expected);
          results.computeIfAbsent(name, k -> new ArrayList<>()).add(m);
          System.out.printf("  %-14s round %d: %,.0f events/s (%.1f s after ready; start %.1f s), cpu %.1f s,"
                  + " peak RSS %d MB%n", name, r + 1, events / m.seconds(), m.seconds(), m.startSeconds(),
              m.cpuSeconds(), m.rssKb() >> 10);
        }
      }
      System.out.println();
      System.out.printf("%-14s %14s %10s %10s %12s%n", "contender", "events/s", "start s", "cpu s", "peak RSS MB");
      Map<String, Double> median = new HashMap<>();
      for (Map.Entry<String, List<Measure>> e : results.entrySet()) {
        List<Measure> ms = e.getValue();
        double eps = median(ms.stream().mapToDouble(m -> events / m.seconds()).toArray());
        median.put(e.getKey(), eps);
        System.out.printf("%-14s %,14.0f %10.1f %10.1f %12d%n", e.getKey(), eps,
            median(ms.stream().mapToDouble(Measure::startSeconds).toArray()),
            median(ms.stream().mapToDouble(Measure::cpuSeconds).toArray()),
            (long) median(ms.stream().mapToDouble(m -> m.rssKb() >> 10).toArray()));
      }
      if (rounds > 0) {
        System.out.printf("transom / kafka streams: %.2fx events/s (median of %d rounds)%n",
            median.get("transom") / median.get("kafka streams"), rounds);
      }

      if (latencySeconds > 0) {
        System.out.println();
        System.out.printf("latency: %,d events/s for %d s, processing-time windows, commit/checkpoint interval %d ms;"
            + " from a window's close to its arrival at a read_committed reader%n", rate, latencySeconds, commitMs);
        for (String name : names) {
          String topic = "live-" + name.replace(' ', '-');
          String outTopic = "live-out-" + name.replace(' ', '-');
          broker.createTopic(topic, partitions);
          broker.createTopic(outTopic, 1);
          Contender c = name.equals("transom")
              ? transom(launcher, work.resolve("transom-live"), bootstrap, topic, outTopic, "system", commitMs, 0)
              : kafkaStreams(cp, work.resolve("streams-live"), bootstrap, topic, outTopic, "bench-streams-live",
                  partitions, commitMs, 0, "wallclock");
          List<Long> latencies = latency(c, bootstrap, topic, outTopic, rate, latencySeconds, commitMs);
          long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
          System.out.printf("%-14s %,9d windows: p50 %d ms, p99 %d ms, max %d ms%n", name, sorted.length,
              percentile(sorted, 0.50), percentile(sorted, 0.99), sorted.length == 0 ? -1 : sorted[sorted.length - 1]);
        }
      }
    }
  }

  /**
   * A contender's process and how to tell it is ready: {@code ready} blocks until it reads its
   * input, and is false if it died or timed out first.
   */
  record Contender(Process process, java.util.concurrent.Callable<Boolean> ready) {
    boolean awaitReady() throws Exception {
      return ready.call();
    }
  }

  private static Contender transom(String launcher, Path dir, String bootstrap, String topic, String outTopic,
      String clock, long commitMs, long waitMs) throws IOException {
    Path defs = dir.resolve("defs");
    Files.createDirectories(defs);
    String clockYaml = clock.equals("system")
        ? "clock: {kind: system}\n"
        : "clock: {kind: event, timestamp: event.ts, wait: " + waitMs + "ms}\n";
    Files.writeString(defs.resolve("bench.yaml"), "name: bench\n"
        + "source: {kind: kafka, bootstrap: '" + bootstrap + "', topic: " + topic + ", start: earliest}\n"
        + "key: event.user\n"
        + "value: event.clicks\n"
        + clockYaml
        + "window: {kind: tumbling, length: 1s}\n"
        + "aggregate: {sum: true}\n"
        + "checkpoint: {interval: " + commitMs + "ms}\n"
        + "sinks:\n  - {kind: kafka, bootstrap: '" + bootstrap + "', topic: " + outTopic + "}\n");
    int port = freePort();
    Process p = new ProcessBuilder(launcher, "serve", "--definitions", defs.toString(), "--data",
        dir.resolve("data").toString(), "--port", String.valueOf(port))
        .redirectErrorStream(true).redirectOutput(dir.resolve("serve.log").toFile()).start();
    return new Contender(p, () -> {
      long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
      HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/pipelines/bench"))
          .timeout(Duration.ofSeconds(2)).build();
      while (p.isAlive() && System.nanoTime() < deadline) {
        try {
          if (HTTP.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
            return true;
          }
        } catch (IOException notYet) {
          // not listening yet
        }
        Thread.sleep(20);
      }
      return false;
    });
  }

  private static Contender kafkaStreams(String cp, Path dir, String bootstrap, String topic, String outTopic,
      String applicationId, int threads, long commitMs, long graceMs, String time) throws IOException {
    Files.createDirectories(dir);
    Process p = new ProcessBuilder(Harness.java(), "-cp", cp, "dev.transom.bench.KafkaStreamsJob", bootstrap, topic,
        outTopic, applicationId, dir.resolve("state").toString(), String.valueOf(threads), String.valueOf(commitMs),
        String.valueOf(graceMs), time).redirectError(dir.resolve("streams.log").toFile()).start();
    return new Contender(p, () -> {
      BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      for (String line; (line = r.readLine()) != null; ) {
        if (line.equals("running")) {
          return true;
        }
      }
      return false;
    });
  }

  private static Measure throughput(Contender c, String bootstrap, String topic, Map<String, Long> expected)
      throws Exception {
    long spawned = System.nanoTime();
    Process p = c.process();
    try (KafkaConsumer<String, String> reader = reader(bootstrap, topic)) {
      if (!c.awaitReady()) {
        throw new IllegalStateException("the contender did not start (exit " + exitOf(p) + ")");
      }
      long ready = System.nanoTime();
      Seen seen = read(reader, p, expected.size(), Long.MAX_VALUE, Duration.ofMinutes(15), null);
      long done = System.nanoTime();
      double cpu = cpuSeconds(p.pid());
      long rss = peakRssKb(p.pid());
      check(expected, seen);
      return new Measure((done - ready) / 1e9, (ready - spawned) / 1e9, cpu, rss);
    } finally {
      stop(p);
    }
  }

  private static List<Long> latency(Contender c, String bootstrap, String topic, String outTopic, int rate,
      int seconds, long commitMs) throws Exception {
    Process p = c.process();
    List<Long> latencies = new ArrayList<>();
    try (KafkaConsumer<String, String> reader = reader(bootstrap, outTopic)) {
      if (!c.awaitReady()) {
        throw new IllegalStateException("the contender did not start (exit " + exitOf(p) + ")");
      }
      AtomicBoolean producing = new AtomicBoolean(true);
      long loadStart = System.currentTimeMillis();
      Thread producer = new Thread(() -> produceLive(bootstrap, topic, rate, seconds, producing), "live-producer");
      producer.start();
      // Windows that close in the first 3 s of load (a quarter of a short run) are left out: both JVMs are still compiling.
      long warm = loadStart + Math.min(3_000, seconds * 250L);
      Seen seen = read(reader, p, Integer.MAX_VALUE, loadStart + seconds * 1_000L + 2 * commitMs + 3_000,
          Duration.ofSeconds(seconds + 60), warm);
      producer.join();
      latencies.addAll(seen.latenciesMillis());
    } finally {
      stop(p);
    }
    return latencies;
  }

  /**
   * Reads until {@code count} windows were seen, the wall clock passes {@code untilMillis}, or the
   * timeout; notes each window's value and, when {@code latencyFrom} is set, the latency of each
   * window that closed after it.
   */
  private static Seen read(KafkaConsumer<String, String> reader, Process p, int count, long untilMillis,
      Duration timeout, Long latencyFrom) throws Exception {
    Map<String, Long> windows = new HashMap<>(count == Integer.MAX_VALUE ? 1 << 16 : count * 2);
    List<Long> latencies = new ArrayList<>();
    int duplicates = 0;
    long deadline = System.nanoTime() + timeout.toNanos();
    long lastNews = System.nanoTime();
    while (windows.size() < count && System.currentTimeMillis() < untilMillis) {
      if (System.nanoTime() > deadline || (count != Integer.MAX_VALUE && System.nanoTime() - lastNews > STALL.toNanos())) {
        System.out.println("  no more windows after " + windows.size() + " of " + count);
        break; // the check says which
      }
      if (!p.isAlive()) {
        throw new IllegalStateException("the contender exited (" + p.exitValue() + ") with " + windows.size() + " of "
            + count + " windows");
      }
      for (ConsumerRecord<String, String> r : reader.poll(Duration.ofMillis(50))) {
        lastNews = System.nanoTime();
        long now = System.currentTimeMillis();
        JsonNode line = JSON.readTree(r.value());
        if (line.path("window").path("open_time").asText().equals(endWindow)) {
          continue; // Transom's event clock moves on with system time, so it closes the last records' windows too
        }
        String window = line.path("key").asText() + "@" + line.path("window").path("open_time").asText();
        if (windows.put(window, line.path("value").asLong()) != null) {
          duplicates++;
        }
        if (latencyFrom != null) {
          long close = Instant.parse(line.path("window").path("close_time").asText()).toEpochMilli();
          if (close >= latencyFrom) {
            latencies.add(now - close);
          }
        }
      }
    }
    return new Seen(windows, latencies, duplicates);
  }

  private static void check(Map<String, Long> expected, Seen seen) {
    List<String> wrong = new ArrayList<>();
    if (seen.duplicates() > 0) {
      wrong.add(seen.duplicates() + " windows twice");
    }
    for (Map.Entry<String, Long> e : expected.entrySet()) {
      Long got = seen.windows().get(e.getKey());
      if (!e.getValue().equals(got) && wrong.size() < 20) {
        wrong.add(e.getKey() + ": expected " + e.getValue() + ", got " + got);
      }
    }
    for (String w : seen.windows().keySet()) {
      if (!expected.containsKey(w) && wrong.size() < 10) {
        wrong.add(w + ": not in the input");
      }
    }
    if (!wrong.isEmpty()) {
      throw new IllegalStateException("wrong output: " + String.join("; ", wrong));
    }
  }

  /**
   * Produces the workload keyed by user, then a record of each user 30 s after the last event
   * (it closes the user's last windows; its own window is left out), and works out every window's sum.
   */
  private static Map<String, Long> produceWorkload(String bootstrap, Path input) throws IOException {
    Map<String, Long> sums = new HashMap<>();
    java.util.Set<String> users = new java.util.TreeSet<>();
    long last = Long.MIN_VALUE;
    Properties props = producerProps(bootstrap);
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props);
        Stream<String> lines = Files.lines(input, StandardCharsets.US_ASCII)) {
      for (String line : (Iterable<String>) lines::iterator) {
        JsonNode e = JSON.readTree(line);
        String user = e.get("user").asText();
        users.add(user);
        long ts = Instant.parse(e.get("ts").asText()).toEpochMilli();
        last = Math.max(last, ts);
        sums.merge(user + "@" + Instant.ofEpochMilli(Math.floorDiv(ts, 1_000L) * 1_000L), e.get("clicks").asLong(),
            Long::sum);
        producer.send(new ProducerRecord<>("clicks", user, line));
      }
      endWindow = Instant.ofEpochMilli(Math.floorDiv(last + 3 * WAIT_MS, 1_000L) * 1_000L).toString();
      for (String user : users) {
        producer.send(new ProducerRecord<>("clicks", user,
            "{\"user\":\"" + user + "\",\"clicks\":0,\"ts\":\"" + endWindow + "\"}"));
      }
      producer.flush();
    }
    return sums;
  }

  private static void produceLive(String bootstrap, String topic, int rate, int seconds, AtomicBoolean producing) {
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps(bootstrap))) {
      long start = System.nanoTime();
      long total = (long) rate * seconds;
      java.util.SplittableRandom random = new java.util.SplittableRandom(7);
      for (long i = 0; i < total && producing.get(); i++) {
        long due = start + i * 1_000_000_000L / rate;
        long wait = due - System.nanoTime();
        if (wait > 1_000_000) {
          Thread.sleep(wait / 1_000_000);
        }
        String user = "u" + random.nextInt(10_000);
        producer.send(new ProducerRecord<>(topic, user, "{\"user\":\"" + user + "\",\"clicks\":1,\"ts\":\""
            + Instant.now() + "\"}"));
      }
      producer.flush();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Properties producerProps(String bootstrap) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    return props;
  }

  private static KafkaConsumer<String, String> reader(String bootstrap, String topic) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20);
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
    KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props);
    TopicPartition tp = new TopicPartition(topic, 0);
    consumer.assign(List.of(tp));
    consumer.seek(tp, 0);
    return consumer;
  }

  private static void stop(Process p) throws InterruptedException {
    p.destroy();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static String exitOf(Process p) {
    return p.isAlive() ? "still running" : String.valueOf(p.exitValue());
  }

  /** User + system CPU seconds of a live process, from /proc (the tick is 100 Hz on Linux). */
  private static double cpuSeconds(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
  }

  private static long peakRssKb(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static long percentile(long[] sorted, double q) {
    return sorted.length == 0 ? -1 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static long arg(String[] args, int i, long fallback) {
    return args.length > i ? Long.parseLong(args[i]) : fallback;
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
