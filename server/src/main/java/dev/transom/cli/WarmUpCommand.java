package dev.transom.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code transom warm-up}, the launcher's training run for a class-data archive: it takes the paths
 * a real start takes, in this one process and in a throw-away directory, so that the JVM started with
 * {@code -XX:ArchiveClassesAtExit} records the classes they load. A restart spends most of its time
 * loading and initialising about 6,000 classes (docs/durability.md, "Where a restart's time goes");
 * mapped from the archive they cost a fraction of that.
 *
 * <p>The paths: {@code serve} deploys two pipelines, takes HTTP ingest, answers the API, the
 * dashboard and {@code /metrics}, checkpoints on shutdown; a second {@code serve} restores that
 * checkpoint; {@code run} reads a file into a file. Not in {@code --help}: it is the launcher's,
 * not a user's; it prints nothing unless something fails, and a failure only means no archive.
 */
public final class WarmUpCommand {
  private static final int EVENTS = 20_000;
  private static final int BATCH = 1_000;

  private final PrintStream err;

  public WarmUpCommand(PrintStream err) {
    this.err = err;
  }

  public int run(String[] args) throws UsageException {
    if (args.length > 1) {
      throw new UsageException("warm-up takes no arguments");
    }
    Path dir;
    try {
      dir = Files.createTempDirectory("transom-warm-up");
    } catch (IOException e) {
      err.println("transom warm-up: cannot create a temporary directory: " + e.getMessage());
      return 1;
    }
    try {
      write(dir);
      String token = Long.toHexString(System.nanoTime()) + Long.toHexString(Double.doubleToLongBits(Math.random()));
      Path tokenFile = dir.resolve("token");
      Files.writeString(tokenFile, token);
      Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-------"));
      String[] serve = {"serve", "--definitions", dir.resolve("defs").toString(), "--data", dir.resolve("data").toString(),
          "--port", "0", "--token-file", tokenFile.toString(), "--log-level", "warn", "--workers", "2"};
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      for (int pass = 0; pass < 2; pass++) {
        ServeCommand.Started s = new ServeCommand(err).start(Args.parse(serve, 1, Usage.SERVE.flags(), Usage.SERVE.switches()));
        try {
          exercise(http, "http://127.0.0.1:" + s.port(), token, pass == 0);
        } finally {
          s.shutdown().getAsBoolean();
        }
      }
      new RunCommand(err).run(new String[] {"run", dir.resolve("defs/sums.yaml").toString(),
          "--input", dir.resolve("events.jsonl").toString(), "--output", dir.resolve("out.jsonl").toString()});
      return 0;
    } catch (ServeCommand.StartFailed e) {
      return e.code;
    } catch (IOException e) {
      err.println("transom warm-up: " + e.getMessage());
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    } finally {
      delete(dir);
    }
  }

  private static void write(Path dir) throws IOException {
    Files.createDirectories(dir.resolve("defs"));
    Files.writeString(dir.resolve("defs/sums.yaml"), """
        name: sums
        source: {kind: http}
        key: event.account
        value: event.amount
        clock: {kind: event, timestamp: event.at, wait: 1h}
        window: {kind: tumbling, length: 1m}
        aggregate: {sum: true}
        then:
          - map: '{"account": result.key, "total": result.value}'
        """);
    Files.writeString(dir.resolve("defs/sessions.yaml"), """
        name: sessions
        source: {kind: http}
        key: event.account
        clock: {kind: event, timestamp: event.at, wait: 10s}
        window: {kind: session, gap: 30s}
        aggregate:
          fold:
            init: '{"views": 0}'
            step: '{"views": acc.views + 1}'
            merge: '{"views": acc.views + other.views}'
        then:
          - filter: result.value.views >= 2
        """);
    Files.writeString(dir.resolve("events.jsonl"), String.join("\n", batch(0, EVENTS)) + "\n");
  }

  private static List<String> batch(int from, int count) {
    return java.util.stream.IntStream.range(from, from + count)
        .mapToObj(i -> "{\"account\":\"a" + (i % 500) + "\",\"amount\":" + i + ",\"at\":\"2024-05-01T10:"
            + String.format("%02d:%02d", (i / 600) % 60, (i / 10) % 60) + "Z\"}")
        .toList();
  }

  /** The requests a user's first minute makes: ingest first, then what the dashboard and a scraper read. */
  private static void exercise(HttpClient http, String base, String token, boolean ingest)
      throws IOException, InterruptedException {
    if (ingest) {
      for (int from = 0; from < EVENTS; from += BATCH) {
        String body = String.join("\n", batch(from, BATCH)) + "\n";
        for (String p : List.of("sums", "sessions")) {
          int status = send(http, base, token, HttpRequest.newBuilder(URI.create(base + "/api/pipelines/" + p + "/events"))
              .POST(HttpRequest.BodyPublishers.ofString(body)));
          if (status != 202) {
            // a training run that takes no input trains nothing worth keeping
            throw new IOException("POST /api/pipelines/" + p + "/events answered " + status);
          }
        }
      }
    }
    for (String path : List.of("/health", "/", "/api/pipelines", "/api/pipelines/sums", "/api/pipelines/sums/windows",
        "/api/pipelines/sessions/windows", "/api/errors", "/metrics", "/api/pipelines/missing")) {
      send(http, base, token, HttpRequest.newBuilder(URI.create(base + path)).GET());
    }
  }

  private static int send(HttpClient http, String base, String token, HttpRequest.Builder request)
      throws IOException, InterruptedException {
    return http.send(request.header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static void delete(Path dir) {
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temporary directory; the system cleans what is left
    }
  }
}
