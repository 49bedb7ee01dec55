package dev.transom.api;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Properties;

/**
 * The dashboard's third-party files, served from the WebJars on the server's class path (so from
 * the jar, also with {@code --web-root}, and never from a CDN): uPlot's script, stylesheet and
 * licence under {@code /vendor/uplot/}. The WebJar's version is read from its own Maven metadata,
 * so the pom is the one place that names it.
 */
final class VendorFiles {
  private static final String UPLOT = "org.webjars.npm/uplot";
  /** The files a page may ask for, and their types: nothing else of the WebJar is served. */
  private static final Map<String, String> FILES = Map.of(
      "uPlot.iife.min.js", "dist/uPlot.iife.min.js",
      "uPlot.min.css", "dist/uPlot.min.css",
      "LICENSE", "LICENSE");
  private static final Map<String, Buffer> LOADED = load();

  private VendorFiles() {}

  private static Map<String, Buffer> load() {
    ClassLoader cl = VendorFiles.class.getClassLoader();
    Properties pom = new Properties();
    try (InputStream in = cl.getResourceAsStream("META-INF/maven/" + UPLOT + "/pom.properties")) {
      if (in == null) {
        return Map.of(); // not packaged (a build without it): the page draws no charts, says so
      }
      pom.load(in);
    } catch (IOException e) {
      return Map.of();
    }
    String base = "META-INF/resources/webjars/uplot/" + pom.getProperty("version") + "/";
    Map<String, Buffer> out = new java.util.HashMap<>();
    FILES.forEach((name, path) -> {
      try (InputStream in = cl.getResourceAsStream(base + path)) {
        if (in != null) {
          out.put(name, Buffer.buffer(in.readAllBytes()));
        }
      } catch (IOException e) {
        // left out: answered 404 like any missing file
      }
    });
    return Map.copyOf(out);
  }

  static void uplot(RoutingContext ctx) {
    String name = ctx.pathParam("file");
    Buffer body = name == null ? null : LOADED.get(name);
    if (body == null) {
      ctx.next();
      return;
    }
    String type = name.endsWith(".js") ? "text/javascript;charset=UTF-8"
        : name.endsWith(".css") ? "text/css;charset=UTF-8" : "text/plain;charset=UTF-8";
    ctx.response().putHeader("Content-Type", type).putHeader("Cache-Control", "no-cache")
        .putHeader("X-Content-Type-Options", "nosniff");
    if (ctx.request().method() == io.vertx.core.http.HttpMethod.HEAD) {
      ctx.response().putHeader("Content-Length", String.valueOf(body.length())).end();
    } else {
      ctx.response().end(body);
    }
  }
}
