package dev.transom.cli;

import dev.transom.api.ApiRoutes;
import dev.transom.api.BearerToken;
import dev.transom.api.ConnectionGuard;
import dev.transom.api.NetworkLimits;
import dev.transom.api.ServerNames;
import dev.transom.runtime.DefinitionsWatcher;
import dev.transom.runtime.Pipelines;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@code transom serve}: runs every valid pipeline of the definitions directory, watches it, and
 * serves the API and dashboard. SIGTERM or Ctrl-C takes a final checkpoint of every pipeline and
 * exits 0; a pipeline that does not finish within {@code --shutdown-timeout} is abandoned (named
 * on stderr; it resumes from its last checkpoint and the ingest log) and the exit code is 1.
 */
public final class ServeCommand {
  private final PrintStream err;
  static final java.time.Duration DEFAULT_STUCK_AFTER = java.time.Duration.ofSeconds(30);
  static final java.time.Duration DEFAULT_SHUTDOWN_TIMEOUT = java.time.Duration.ofSeconds(20);

  /** Past this share of the heap in use after a collection, no pipeline takes input. */
  private static final double HEAP_LIMIT = 0.9;

  public ServeCommand(PrintStream err) {
    this.err = err;
  }

  private static boolean isLoopback(String host) {
    String h = host.strip().toLowerCase(java.util.Locale.ROOT);
    return h.equals("localhost") || h.startsWith("127.") || h.equals("::1") || h.equals("[::1]");
  }

  /** {@code --port}: a number from 0 (any free port) to 65535, in words when it is not. */
  static int port(String text) throws UsageException {
    int port;
    try {
      port = Integer.parseInt(text.strip());
    } catch (NumberFormatException e) {
      throw new UsageException("--port must be a number from 0 to 65535 (got '" + text + "')");
    }
    if (port < 0 || port > 65535) {
      throw new UsageException("--port must be from 0 to 65535 (got " + port + ")");
    }
    return port;
  }

  /** Why the listen failed, in words: the common causes named, the exception's own text only otherwise. */
  static String cannotListen(String host, int port, Throwable e) {
    String where = host + ":" + port;
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(java.util.Locale.ROOT);
      if (t instanceof java.net.BindException || m.contains("address already in use")) {
        if (m.contains("cannot assign") || m.contains("assign requested address")) {
          return "cannot listen on " + where + ": " + host + " is not an address of this machine (see --host)";
        }
        if (m.contains("permission denied") || m.contains("access denied")) {
          return "cannot listen on " + where + ": permission denied (ports below 1024 need privileges; use --port)";
        }
        return where + " is already in use; stop whatever listens there or use --port P (--port 0 picks a free one)";
      }
      if (t instanceof java.net.UnknownHostException || m.contains("unresolved") || m.contains("failed to resolve")) {
        return "cannot listen on " + where + ": " + host + " is not a known host name (see --host)";
      }
    }
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return "cannot listen on " + where + ": " + m.lines().findFirst().orElse(m);
  }

  public int run(String[] args) throws UsageException {
    Args a = Args.parse(args, 1, Usage.SERVE.flags(), Usage.SERVE.switches());
    if (!a.positional.isEmpty()) {
      throw new UsageException("serve takes no file arguments (use --definitions DIR)");
    }
    a.fromEnvironment(Usage.SERVE, System.getenv());
    try {
      return serve(a);
    } catch (UsageException e) {
      throw a.named(e);
    }
  }

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("transom.server");

  /** A server that listens: its port, and the shutdown SIGTERM takes (true when every pipeline checkpointed). */
  record Started(int port, java.util.function.BooleanSupplier shutdown) {}

  /** The server could not start; the reason is logged and {@code code} is the exit code. */
  static final class StartFailed extends Exception {
    final int code;

    StartFailed(int code) {
      super(null, null, false, false);
      this.code = code;
    }
  }

  private int serve(Args a) throws UsageException {
    Started started;
    try {
      started = start(a);
    } catch (StartFailed e) {
      return e.code;
    }
    Object done = new Object();
    boolean[] clean = {true};
    SignalExit.onTermOrInt(() -> {
      LOG.atInfo().addKeyValue("event", dev.transom.runtime.LifecycleLog.SERVER).log("shutting down");
      clean[0] = started.shutdown().getAsBoolean();
      synchronized (done) {
        done.notifyAll();
      }
      System.exit(clean[0] ? 0 : 1);
    });
    synchronized (done) {
      try {
        done.wait();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return clean[0] ? 0 : 1;
  }

  /** Opens the state, deploys every pipeline and listens; {@link #serve} and the warm-up share it. */
  Started start(Args a) throws UsageException, StartFailed {
    String logFormat = a.flags.getOrDefault("log-format", "text");
    String logLevel = a.flags.getOrDefault("log-level", "info");
    String logProblem = dev.transom.logging.LogSetup.problem(logFormat, logLevel);
    if (logProblem != null) {
      throw new UsageException(logProblem);
    }
    dev.transom.logging.LogSetup.configure(logFormat, logLevel);
    Path dir = Path.of(a.flags.getOrDefault("definitions", "definitions")).toAbsolutePath().normalize();
    Path data = Path.of(a.flags.getOrDefault("data", "data"));
    String host = a.flags.getOrDefault("host", "127.0.0.1");
    int port = port(a.flags.getOrDefault("port", "8080"));
    String tokenText = TokenSource.resolve(a, System.getenv(), err);
    BearerToken token;
    try {
      token = tokenText == null ? null : BearerToken.of(tokenText);
    } catch (IllegalArgumentException e) {
      throw new UsageException("the token: " + e.getMessage());
    }
    if (a.has("public-metrics") && token == null) {
      throw new UsageException("--public-metrics only means something with a token (--token-file, TRANSOM_TOKEN)");
    }
    NetworkLimits limits = NetworkFlags.limits(a);
    dev.transom.definition.PathPolicy paths = PathFlags.confined(a);
    Path webRoot = a.flag("web-root") == null ? null : Path.of(a.flag("web-root")).toAbsolutePath().normalize();
    if (webRoot != null && !Files.isDirectory(webRoot)) {
      throw new UsageException("--web-root " + webRoot + " is not a directory");
    }
    java.time.Duration stuckAfter = NetworkFlags.duration(a, "stuck-after", DEFAULT_STUCK_AFTER);
    java.time.Duration shutdownTimeout = NetworkFlags.duration(a, "shutdown-timeout", DEFAULT_SHUTDOWN_TIMEOUT);
    if (stuckAfter.isZero() || shutdownTimeout.isZero()) {
      throw new UsageException("--stuck-after and --shutdown-timeout must be more than 0s");
    }
    HttpServer[] listening = new HttpServer[1];
    ServerNames names;
    try {
      // the port as bound, for --port 0; the flag's value until then
      names = new ServerNames(host, a.values("allow-host"),
          () -> listening[0] == null || listening[0].actualPort() <= 0 ? port : listening[0].actualPort());
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    long queue;
    try {
      queue = Long.parseLong(a.flags.getOrDefault("queue", "100000"));
    } catch (NumberFormatException e) {
      throw new UsageException("--queue must be a number of events");
    }
    if (queue < 1) {
      throw new UsageException("--queue must be at least 1");
    }
    long maxHeap = Runtime.getRuntime().maxMemory();
    long memory = MemoryFlag.parse(a.flags.getOrDefault("memory", MemoryFlag.DEFAULT), maxHeap);
    if (!Files.isDirectory(dir)) {
      LOG.error("definitions directory {} does not exist", dir);
      throw new StartFailed(2);
    }
    try {
      Files.createDirectories(data);
    } catch (IOException e) {
      LOG.error("cannot create data directory {}: {}", data, e.getMessage());
      throw new StartFailed(1);
    }
    dev.transom.state.H2State state;
    try {
      state = new dev.transom.state.H2State(dev.transom.state.Database.open(data));
    } catch (dev.transom.state.Database.Unusable e) {
      LOG.error(e.getMessage());
      throw new StartFailed(1);
    }
    Vertx vertx = Vertx.vertx();
    io.micrometer.prometheusmetrics.PrometheusMeterRegistry metrics =
        new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
    ServerMeters serverMeters = new ServerMeters(metrics, Version.get());
    int workers;
    try {
      workers = Integer.parseInt(a.flags.getOrDefault("workers", String.valueOf(Runtime.getRuntime().availableProcessors())));
    } catch (NumberFormatException e) {
      throw new UsageException("--workers must be a number");
    }
    if (workers < 1) {
      throw new UsageException("--workers must be at least 1");
    }
    Pipelines pipelines = new Pipelines(vertx, dir, workers, queue, metrics, state, paths);
    if (memory > 0) {
      pipelines.memoryBudget(new dev.transom.runtime.MemoryBudget(memory, pipelines::hosts,
          new dev.transom.runtime.HeapWatch(HEAP_LIMIT)));
    }
    DefinitionsWatcher watcher;
    try {
      watcher = new DefinitionsWatcher(pipelines);
      pipelines.loadAll();
      pipelines.logRecoverySummary();
      pipelines.startWatchdog(stuckAfter);
      dev.transom.runtime.HistorySampler.start(pipelines); // the dashboard's history, once a second
    } catch (IOException e) {
      LOG.error("cannot read {}: {}", dir, e.getMessage());
      vertx.close();
      throw new StartFailed(1);
    }
    HttpServer server;
    try {
      ConnectionGuard guard = new ConnectionGuard(vertx, limits);
      HttpServerOptions options = new HttpServerOptions().setHost(host).setPort(port)
          // the guard's deadlines follow one request at a time on a connection, as HTTP/1.1 sends them
          .setHttp2ClearTextEnabled(false)
          .setMaxInitialLineLength(NetworkLimits.MAX_REQUEST_LINE_BYTES).setMaxHeaderSize(NetworkLimits.MAX_HEADER_BYTES)
          .setIdleTimeout((int) limits.idleTimeout().toMillis()).setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
      ApiRoutes.Security security = new ApiRoutes.Security(names, token, a.has("public-metrics"));
      ApiRoutes routes = new ApiRoutes(vertx, pipelines, security, guard, metrics, webRoot);
      listening[0] = vertx.createHttpServer(options).connectionHandler(guard::onConnection)
          .invalidRequestHandler(routes.invalidRequests()).requestHandler(routes.requestHandler());
      server = listening[0].listen().await();
    } catch (Exception e) {
      LOG.error(cannotListen(host, port, e));
      vertx.close();
      throw new StartFailed(1);
    }
    if (token == null && !isLoopback(host)) {
      LOG.warn("listening on {} without a token: anyone who can reach this port can deploy and delete pipelines"
          + " (set TRANSOM_TOKEN or --token-file)", host);
    }
    LOG.atInfo().addKeyValue("event", dev.transom.runtime.LifecycleLog.SERVER).addKeyValue("port", server.actualPort())
        .log("serving {} pipeline(s) from {} on http://{}:{}/ (transom {})", pipelines.hosts().size(), dir, host,
            server.actualPort(), Version.get());
    return new Started(server.actualPort(), () -> {
      try {
        watcher.close();
      } catch (IOException ignored) {
        // closing anyway
      }
      boolean clean = pipelines.suspendAll(shutdownTimeout).isEmpty();
      state.close();
      serverMeters.close();
      try {
        // an event loop held by a stuck (abandoned) pipeline would hold this forever
        vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.warn("the event loops did not close within 5 s ({}); exiting anyway", e.toString());
      }
      return clean;
    });
  }
}
