package dev.transom.cli;

import dev.transom.api.ApiRoutes;
import dev.transom.runtime.DefinitionsWatcher;
import dev.transom.runtime.Pipelines;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * {@code transom serve}: runs every valid pipeline of the definitions directory, watches it, and
 * serves the API and dashboard. SIGTERM or Ctrl-C flushes and exits 0.
 */
public final class ServeCommand {
  private final PrintStream err;

  public ServeCommand(PrintStream err) {
    this.err = err;
  }

  public int run(String[] args) throws UsageException {
    Args a = Args.parse(args, 1, Set.of("definitions", "data", "host", "port", "workers", "token", "queue"));
    if (!a.positional.isEmpty()) {
      throw new UsageException("serve takes no file arguments (use --definitions DIR)");
    }
    Path dir = Path.of(a.flags.getOrDefault("definitions", "definitions")).toAbsolutePath().normalize();
    Path data = Path.of(a.flags.getOrDefault("data", "data"));
    String host = a.flags.getOrDefault("host", "127.0.0.1");
    int port;
    try {
      port = Integer.parseInt(a.flags.getOrDefault("port", "8080"));
    } catch (NumberFormatException e) {
      throw new UsageException("--port must be a number");
    }
    String token = a.flags.getOrDefault("token", System.getenv("TRANSOM_TOKEN"));
    long queue;
    try {
      queue = Long.parseLong(a.flags.getOrDefault("queue", "100000"));
    } catch (NumberFormatException e) {
      throw new UsageException("--queue must be a number of events");
    }
    if (queue < 1) {
      throw new UsageException("--queue must be at least 1");
    }
    if (!Files.isDirectory(dir)) {
      err.println("transom serve: definitions directory " + dir + " does not exist");
      return 2;
    }
    try {
      Files.createDirectories(data);
    } catch (IOException e) {
      err.println("transom serve: cannot create data directory " + data + ": " + e.getMessage());
      return 1;
    }
    dev.transom.state.H2State state;
    try {
      state = new dev.transom.state.H2State(dev.transom.state.Database.open(data));
    } catch (dev.transom.state.Database.Unusable e) {
      err.println("transom serve: " + e.getMessage());
      return 1;
    }
    Vertx vertx = Vertx.vertx();
    io.micrometer.prometheusmetrics.PrometheusMeterRegistry metrics =
        new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
    int workers;
    try {
      workers = Integer.parseInt(a.flags.getOrDefault("workers", String.valueOf(Runtime.getRuntime().availableProcessors())));
    } catch (NumberFormatException e) {
      throw new UsageException("--workers must be a number");
    }
    if (workers < 1) {
      throw new UsageException("--workers must be at least 1");
    }
    Pipelines pipelines = new Pipelines(vertx, dir, workers, queue, metrics, state);
    DefinitionsWatcher watcher;
    try {
      watcher = new DefinitionsWatcher(pipelines);
      pipelines.loadAll();
    } catch (IOException e) {
      err.println("transom serve: cannot read " + dir + ": " + e.getMessage());
      vertx.close();
      return 1;
    }
    HttpServer server;
    try {
      server = vertx.createHttpServer().requestHandler(new ApiRoutes(vertx, pipelines, token, metrics).router())
          .listen(port, host).await();
    } catch (Exception e) {
      err.println("transom serve: cannot listen on " + host + ":" + port + ": " + e.getMessage());
      vertx.close();
      return 1;
    }
    err.println("transom: serving " + pipelines.hosts().size() + " pipeline(s) from " + dir + " on http://" + host + ":"
        + server.actualPort() + "/");
    Object done = new Object();
    Runnable shutdown = () -> {
      try {
        watcher.close();
      } catch (IOException ignored) {
        // closing anyway
      }
      pipelines.suspendAll();
      state.close();
      vertx.close().await();
      synchronized (done) {
        done.notifyAll();
      }
    };
    SignalExit.onTermOrInt(() -> {
      err.println("transom: shutting down");
      shutdown.run();
      System.exit(0);
    });
    synchronized (done) {
      try {
        done.wait();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return 0;
  }
}
