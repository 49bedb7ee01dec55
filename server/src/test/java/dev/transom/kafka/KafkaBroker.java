package dev.transom.kafka;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker for end-to-end tests: KRaft, one process that is both broker and
 * controller, listening on 127.0.0.1 only.
 *
 * <p>It runs as a JVM of its own, from the broker jars Maven resolved into {@code
 * target/kafka-classpath.txt} (see the exec plugin in {@code server/pom.xml}), for two reasons: a
 * {@link #kill()} is then a real crash (no clean close of its logs, transactions left open), and the
 * broker's Scala, Jackson and log4j never share a classpath with the server's or the tests'.
 *
 * <p>Everything it writes lives in the directory given to {@link #start}: {@code server.properties},
 * {@code log4j2.properties}, the log dir {@code data/} and {@code broker.log} (the storage tool's and
 * every broker run's output, appended). It deletes nothing: the directory is the test's, usually a
 * {@code @TempDir}.
 */
public final class KafkaBroker implements AutoCloseable {
  /** A start took 2.3-4.8 s here (idle to busy 2-core machine); the bound is for a starved machine. */
  private static final Duration START_TIMEOUT = Duration.ofSeconds(45);
  /** A graceful stop takes ~1.5 s; past this it is killed, so a wedged broker cannot hang the suite. */
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
  private static final int LOG_TAIL_LINES = 40;
  private static final int LOG_ERROR_LINES = 40;
  private static final String MARK = "---- ";
  private static final InetAddress LOOPBACK = loopback();

  /**
   * C1 only and the serial collector: a start is class loading and cold code on 2 cores, and C2's
   * compiler threads compete with it. Measured to "Kafka Server started" on a 2-core machine busy with
   * other work, 4 runs each: defaults 6.5-7.1 s, serial GC alone 5.5-7.7 s, C1 alone 3.1-4.6 s, both
   * 3.3-4.6 s. Test loads are far from needing C2's peak speed.
   */
  private static final List<String> JVM_OPTIONS =
      List.of("-Xms64m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true");

  private final Path dir;
  private final Path log;
  private final String classpath;
  private final int port;
  private final int controllerPort;
  private final Thread killOnExit = new Thread(this::destroyNow, "kafka-broker-kill-on-exit");
  private Process process;
  /** Lives as long as one broker process: created once it listens, closed when it stops or is killed. */
  private Admin admin;

  private KafkaBroker(Path dir, String classpath, int port, int controllerPort) {
    this.dir = dir;
    this.log = dir.resolve("broker.log");
    this.classpath = classpath;
    this.port = port;
    this.controllerPort = controllerPort;
  }

  /** Formats a fresh log dir under {@code dir}, starts the broker and returns once it answers an AdminClient. */
  public static KafkaBroker start(Path dir) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    String classpath = brokerClasspath();
    quietConfigDumps();
    int[] ports = freePorts(2);
    KafkaBroker broker = new KafkaBroker(dir, classpath, ports[0], ports[1]);
    Runtime.getRuntime().addShutdownHook(broker.killOnExit); // never outlive the test JVM
    try {
      broker.writeConfig();
      broker.format();
      broker.launch("start");
    } catch (IOException | InterruptedException | RuntimeException e) {
      broker.close();
      throw e;
    }
    return broker;
  }

  /** {@code bootstrap.servers} for clients: the broker's listener on 127.0.0.1. */
  public String bootstrap() {
    return "127.0.0.1:" + port;
  }

  /** The file that holds the broker's output (for a failing test's message). */
  public Path log() {
    return log;
  }

  /**
   * Creates a topic (replication factor 1) and returns once every partition has a leader, so a
   * producer's first send does not meet {@code NOT_LEADER_OR_FOLLOWER} and retry. Right after the
   * create, the broker may not know the topic yet ({@code UnknownTopicOrPartitionException} from the
   * describe): that is polled through too.
   */
  public void createTopic(String name, int partitions)
      throws InterruptedException, ExecutionException, TimeoutException {
    Admin admin = runningAdmin();
    admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    Object seen = "nothing";
    while (true) {
      try {
        TopicDescription d = admin.describeTopics(Set.of(name)).allTopicNames().get(30, TimeUnit.SECONDS).get(name);
        if (d.partitions().size() == partitions && d.partitions().stream().map(TopicPartitionInfo::leader)
            .allMatch(leader -> leader != null && !leader.isEmpty())) {
          return;
        }
        seen = d;
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
          throw e;
        }
        seen = e.getCause();
      }
      if (System.nanoTime() > deadline) {
        throw new TimeoutException("topic " + name + " does not have a leader for each partition after 30 s: " + seen);
      }
      process.waitFor(20, TimeUnit.MILLISECONDS); // a poll interval that also ends early if the broker died
    }
  }

  /** {@code kill -9}: no controlled shutdown, no flush, open transactions stay open. */
  public void kill() throws InterruptedException {
    closeAdmin();
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("the Kafka broker did not die on SIGKILL within " + STOP_TIMEOUT);
      }
    }
  }

  /**
   * Starts the broker again on the same log dir and ports (after {@link #kill()}, or stopping it
   * gracefully first if it still runs), and returns once it answers again.
   */
  public void restart() throws IOException, InterruptedException {
    stop();
    launch("restart");
  }

  /** Stops the broker (SIGTERM, then SIGKILL past a bound) and the harness's AdminClient; deletes nothing. */
  @Override
  public void close() throws InterruptedException {
    try {
      stop();
    } finally {
      destroyNow();
      try {
        Runtime.getRuntime().removeShutdownHook(killOnExit);
      } catch (IllegalStateException exiting) {
        // The JVM is already shutting down; the hook runs anyway and finds nothing left to kill.
      }
    }
  }

  private void stop() throws InterruptedException {
    closeAdmin();
    if (process == null || !process.isAlive()) {
      return;
    }
    process.destroy();
    if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private Admin runningAdmin() {
    if (admin == null || process == null || !process.isAlive()) {
      throw new IllegalStateException("the Kafka broker is not running (killed, stopped or closed)");
    }
    return admin;
  }

  private void closeAdmin() {
    if (admin != null) {
      admin.close(Duration.ofSeconds(2));
      admin = null;
    }
  }

  private void destroyNow() {
    if (process != null) {
      process.destroyForcibly();
    }
  }

  private void writeConfig() throws IOException {
    Path data = dir.resolve("data");
    String listener = "127.0.0.1:" + port;
    String controller = "127.0.0.1:" + controllerPort;
    List<String> props = List.of(
        "process.roles=broker,controller",
        "node.id=1",
        "listeners=PLAINTEXT://" + listener + ",CONTROLLER://" + controller,
        "advertised.listeners=PLAINTEXT://" + listener,
        "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "inter.broker.listener.name=PLAINTEXT",
        "controller.listener.names=CONTROLLER",
        // A dynamic quorum of one (formatted with --standalone): the 4.x way; controller.quorum.voters must not be set.
        "controller.quorum.bootstrap.servers=" + controller,
        "log.dirs=" + data.toAbsolutePath(),
        // One node: every internal topic must settle for one replica, or it is never created.
        "offsets.topic.replication.factor=1",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "share.coordinator.state.topic.replication.factor=1",
        "share.coordinator.state.topic.min.isr=1",
        // The first consumer group or transactional producer creates these; 50 partitions each (the default)
        // is a second of work on 2 cores that no test needs.
        "offsets.topic.num.partitions=1",
        "transaction.state.log.num.partitions=1",
        "share.coordinator.state.topic.num.partitions=1",
        "group.initial.rebalance.delay.ms=0",
        // After a kill -9 the controller (restarted with it) still holds the dead incarnation's registration
        // and refuses the new one (DUPLICATE_BROKER_REGISTRATION) until that session times out: 9 s by default,
        // which was most of a restart. Heartbeats every 500 ms keep a busy 2-core machine well inside 3 s.
        "broker.session.timeout.ms=3000",
        "broker.heartbeat.interval.ms=500",
        // Small segments and cleaner buffer (defaults: 1 GiB segments, a 128 MiB buffer allocated at start).
        "log.segment.bytes=" + (8 << 20),
        "log.cleaner.dedupe.buffer.size=" + (8 << 20));
    Files.write(dir.resolve("server.properties"), props, StandardCharsets.UTF_8);
    List<String> log4j = List.of(
        "appender.out.type = Console",
        "appender.out.name = out",
        "appender.out.layout.type = PatternLayout",
        "appender.out.layout.pattern = [%d] %p %m (%c)%n",
        "rootLogger.level = info",
        "rootLogger.appenderRef.out.ref = out",
        // The ~400-line dump of every config at each start would bury the lines a failure's tail needs.
        "logger.config.name = org.apache.kafka.common.config.AbstractConfig",
        "logger.config.level = warn");
    Files.write(dir.resolve("log4j2.properties"), log4j, StandardCharsets.UTF_8);
  }

  private void format() throws IOException, InterruptedException {
    mark("format");
    Process p = java("kafka.tools.StorageTool", "format", "--config", dir.resolve("server.properties").toString(),
        "--cluster-id", Uuid.randomUuid().toString(), "--standalone").start();
    if (!p.waitFor(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      throw notUp("the storage tool did not finish formatting " + dir.resolve("data") + " in " + START_TIMEOUT, null);
    }
    if (p.exitValue() != 0) {
      throw notUp("the storage tool exited " + p.exitValue() + " formatting " + dir.resolve("data"), null);
    }
  }

  private void launch(String what) throws IOException, InterruptedException {
    mark(what);
    process = java("kafka.Kafka", dir.resolve("server.properties").toString()).start();
    awaitReady();
  }

  private ProcessBuilder java(String mainClass, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(JVM_OPTIONS);
    cmd.add("-Dlog4j2.configurationFile=" + dir.resolve("log4j2.properties").toAbsolutePath());
    cmd.add("-cp");
    cmd.add(classpath);
    cmd.add(mainClass);
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
  }

  /**
   * Polls until the broker's port accepts, then until it lists topics. A plain socket first: an
   * AdminClient started against a closed port logs a warning and a re-bootstrap per retry, thousands
   * of lines in a start. Each step is bounded, and between attempts it waits on the process, so a
   * broker that dies is reported at once, not at the deadline.
   */
  private void awaitReady() throws InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    Exception last = null;
    while (true) {
      if (!process.isAlive()) {
        throw notUp("the Kafka broker exited " + process.exitValue() + " while starting", last);
      }
      if (admin == null && accepts()) {
        admin = Admin.create(Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
            AdminClientConfig.CLIENT_ID_CONFIG, "kafka-broker-harness"));
      }
      if (admin != null) {
        try {
          admin.listTopics(new ListTopicsOptions().timeoutMs(1000)).names().get();
          return;
        } catch (ExecutionException e) {
          last = e;
        }
      }
      if (System.nanoTime() > deadline) {
        String what = admin == null ? "never listened on " : "listened but did not answer on ";
        destroyNow();
        closeAdmin();
        throw notUp("the Kafka broker " + what + bootstrap() + " within " + START_TIMEOUT, last);
      }
      process.waitFor(20, TimeUnit.MILLISECONDS);
    }
  }

  private boolean accepts() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(LOOPBACK, port), 200);
      return true;
    } catch (IOException notYet) {
      return false;
    }
  }

  private IllegalStateException notUp(String what, Exception cause) {
    return new IllegalStateException(what + "; the end of " + log + ":\n" + logTail(), cause);
  }

  /**
   * The end of the last run's output and, when the first error lies further back (a broker that
   * fails logs its whole shutdown after it), that error with what follows it.
   */
  private String logTail() {
    List<String> lines;
    try {
      lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
    int from = 0;
    for (int i = lines.size() - 1; i >= 0; i--) {
      if (lines.get(i).startsWith(MARK)) {
        from = i;
        break;
      }
    }
    int tail = Math.max(from, lines.size() - LOG_TAIL_LINES);
    StringBuilder out = new StringBuilder();
    for (int i = from; i < tail; i++) {
      if (lines.get(i).contains("] ERROR ") || lines.get(i).contains("] FATAL ")) {
        out.append(String.join("\n", lines.subList(i, Math.min(i + LOG_ERROR_LINES, tail)))).append("\n[...]\n");
        break;
      }
    }
    return out.append(String.join("\n", lines.subList(tail, lines.size()))).toString();
  }

  /** A line in the log between runs, so a reader can tell the format, the start and each restart apart. */
  private void mark(String what) throws IOException {
    Files.writeString(log, MARK + what + " " + Instant.now() + " ----\n", StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  /**
   * Each client created in the test JVM logs its whole configuration at info (100-150 lines); tests
   * make many clients. The rest of the clients' info lines (coordinator found, producer id, ...) stay.
   */
  private static void quietConfigDumps() {
    if (LoggerFactory.getLogger("org.apache.kafka.common.config.AbstractConfig")
        instanceof Logger logger && logger.getLevel() == null) {
      logger.setLevel(Level.WARN);
    }
  }

  private static String brokerClasspath() throws IOException {
    Path file = Path.of(System.getProperty("kafka.classpath", "target/kafka-classpath.txt"));
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException("no Kafka broker classpath at " + file.toAbsolutePath()
          + ": Maven writes it in generate-test-resources (exec plugin, server/pom.xml); run the test through mvn");
    }
    return Files.readString(file, StandardCharsets.UTF_8).strip();
  }

  private static InetAddress loopback() {
    try {
      return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
    } catch (java.net.UnknownHostException impossible) {
      throw new AssertionError(impossible);
    }
  }

  /**
   * Ports the kernel hands out, bound together so they differ, then released for the broker. Another
   * process could take one in between (or, for {@link #restart()}, while the broker is down): the
   * broker then fails to bind, and the start's error carries its log with the reason.
   */
  private static int[] freePorts(int n) throws IOException {
    ServerSocket[] sockets = new ServerSocket[n];
    try {
      int[] ports = new int[n];
      for (int i = 0; i < n; i++) {
        sockets[i] = new ServerSocket(0, 1, LOOPBACK);
        ports[i] = sockets[i].getLocalPort();
      }
      return ports;
    } finally {
      for (ServerSocket s : sockets) {
        if (s != null) {
          s.close();
        }
      }
    }
  }
}
