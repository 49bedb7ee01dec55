package dev.transom.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.transom.definition.DefinitionLoader;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code transom preview FILE [--server URL] [--recent N]}: asks a running server what applying
 * FILE as the next version of its pipeline would do ({@code POST /api/pipelines/{id}/preview}),
 * and prints it: valid or not, windows kept or flushed (with the windows and what the flush would
 * emit), a changed {@code then} on the last outputs, the tests of a gated definition. Nothing is
 * changed. Exit 0 when the server would take it, 2 when it would refuse it, 1 when it cannot ask.
 */
public final class PreviewCommand {
  /** Lines of windows, outputs or rows shown per list; the rest are counted. */
  static final int SHOWN = 20;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final PrintStream out;
  private final PrintStream err;

  public PreviewCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  public int run(String[] args) throws UsageException {
    Args a = Args.parse(args, 1, Usage.PREVIEW.flags());
    if (a.positional.size() != 1) {
      throw new UsageException(a.positional.isEmpty() ? "preview needs a definition file" : "preview takes one definition file");
    }
    String file = a.positional.get(0);
    String server = a.flags.getOrDefault("server", System.getenv().getOrDefault("TRANSOM_SERVER", "http://127.0.0.1:8080"));
    String recent = a.flags.getOrDefault("recent", "20");
    try {
      int n = Integer.parseInt(recent);
      if (n < 1 || n > 100) {
        throw new UsageException("--recent must be from 1 to 100 (got " + recent + ")");
      }
    } catch (NumberFormatException e) {
      throw new UsageException("--recent must be a number from 1 to 100 (got " + recent + ")");
    }
    String token = TokenSource.resolve(a, System.getenv(), err);
    byte[] body;
    try {
      body = Files.readAllBytes(Path.of(file));
    } catch (NoSuchFileException e) {
      out.println(file + ":1:1: no such file");
      return 2;
    } catch (IOException e) {
      out.println(file + ":1:1: cannot read: " + e.getMessage());
      return 2;
    }
    // the id the server files it under: its name, or the file's own name as serve would take it
    DefinitionLoader.Result local = DefinitionLoader.load(file, body);
    String id = local.ok() ? local.definition().id() : DefinitionLoader.idFromFileName(file);
    if (id == null) {
      local.problems().forEach(p -> out.println(p.format()));
      return 2;
    }
    URI uri;
    try {
      uri = URI.create(server.replaceAll("/+$", "") + "/api/pipelines/" + id + "/preview?recent=" + recent);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--server: not a URL: " + server);
    }
    HttpRequest.Builder req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/yaml").POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (token != null) {
      req.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> res;
    try {
      res = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build().send(req.build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      err.println("transom preview: cannot reach " + server + ": " + (e.getMessage() == null ? e : e.getMessage()));
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
    JsonNode v;
    try {
      v = JSON.readTree(res.body());
    } catch (IOException e) {
      err.println("transom preview: " + server + " answered " + res.statusCode() + " with no JSON");
      return 1;
    }
    if (res.statusCode() != 200 || !v.has("valid") || !v.has("id")) {
      err.println("transom preview: " + server + " answered " + res.statusCode() + ": "
          + (v.has("error") ? v.path("error").asText() : "not a preview (is it a transom server?)"));
      return 1;
    }
    return print(v, file);
  }

  private int print(JsonNode v, String file) {
    if (!v.get("valid").asBoolean()) {
      out.println(v.get("id").asText() + ": not valid; the server would refuse it and keep the running version");
      problems(v.get("problems"), file);
      return 2;
    }
    out.println(v.get("id").asText() + ": " + v.get("change").asText() + " — " + v.get("effect").asText());
    if (v.get("changed").size() > 0) {
      StringBuilder parts = new StringBuilder();
      v.get("changed").forEach(c -> parts.append(parts.isEmpty() ? "" : ", ").append(c.asText()));
      out.println("parts changed: " + parts);
    }
    JsonNode flush = v.get("flush");
    if (flush != null) {
      out.println("windows that would close (" + flush.get("windows").asInt() + "):");
      list(flush.get("listed"), flush.get("windows").asInt(), w -> "  " + w.get("key").asText() + " ["
          + w.get("open_time").asText() + ", " + w.get("close_time").asText() + ") value " + w.get("value")
          + ", " + w.get("count").asInt() + " item(s)");
      out.println("outputs the flush would emit (" + flush.get("outputs").asInt() + "):");
      list(flush.get("emitted"), flush.get("outputs").asInt(), o -> "  " + o);
    }
    JsonNode then = v.get("then");
    if (then != null) {
      out.println("the last " + then.get("recent").asInt() + " output(s), through the running then -> the new then:");
      list(then.get("outputs"), then.get("recent").asInt(), r -> "  " + shown(r.get("now")) + " -> " + shown(r.get("after"))
          + (r.has("error") ? " (" + r.get("error").asText() + ")" : ""));
    }
    JsonNode tests = v.get("tests");
    if (tests != null) {
      boolean passed = tests.get("passed").asBoolean();
      out.println("tests (gate): " + (passed ? "pass" : "fail; the server would refuse this version"));
      problems(tests.get("failures"), file);
      return passed ? 0 : 2;
    }
    return 0;
  }

  private static String shown(JsonNode n) {
    return n == null || n.isNull() ? "(dropped)" : n.toString();
  }

  private void list(JsonNode items, int total, java.util.function.Function<JsonNode, String> line) {
    int i = 0;
    for (JsonNode n : items) {
      if (i++ == SHOWN) {
        break;
      }
      out.println(line.apply(n));
    }
    if (total > Math.min(SHOWN, items.size())) {
      out.println("  ... and " + (total - Math.min(SHOWN, items.size())) + " more");
    }
  }

  /** The server names the definition by its own file name: shown here by the name the user gave. */
  private void problems(JsonNode problems, String file) {
    for (JsonNode p : problems) {
      String at = p.get("file").asText();
      String shown = at.endsWith(".test.yaml") || at.endsWith(".test.yml") ? at : file;
      out.println(shown + ":" + p.get("line").asInt() + ":" + p.get("col").asInt() + ": " + p.get("message").asText());
    }
  }
}
