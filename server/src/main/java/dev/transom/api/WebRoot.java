package dev.transom.api;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.MimeMapping;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.FileSystemAccess;
import io.vertx.ext.web.handler.StaticHandler;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where the dashboard's files come from: the {@code webroot/} packaged inside the jar, unless
 * {@code --web-root DIR} names a directory. Never a directory that merely happens to be in the
 * working directory: Vert.x's {@code StaticHandler.create("webroot")} looks there first and only
 * then on the classpath, so a {@code webroot/} next to the server (a sink's output, say) would
 * have been served as the dashboard.
 */
public final class WebRoot {
  private WebRoot() {}

  /** The handler for {@code /*}: the jar's files, or those of {@code dir} when it is not null. */
  public static Handler<RoutingContext> handler(Path dir) {
    if (dir != null) {
      return StaticHandler.create(FileSystemAccess.ROOT, dir.toAbsolutePath().normalize().toString())
          .setCachingEnabled(false);
    }
    return new Bundled();
  }

  /** The files under {@code webroot/} on the server's own class path, read once each. */
  static final class Bundled implements Handler<RoutingContext> {
    private static final String PREFIX = "webroot/";
    private final Map<String, Buffer> files = new ConcurrentHashMap<>();

    @Override
    public void handle(RoutingContext ctx) {
      HttpMethod method = ctx.request().method();
      if (method != HttpMethod.GET && method != HttpMethod.HEAD) {
        ctx.next();
        return;
      }
      String path = ctx.normalizedPath(); // decoded, with dot segments removed
      if (path == null || !path.startsWith("/")) {
        ctx.next();
        return;
      }
      if (path.endsWith("/")) {
        path += "index.html";
      }
      String name = path.substring(1);
      String last = name.substring(name.lastIndexOf('/') + 1);
      if (name.contains("..") || name.contains("//") || name.contains("\\") || name.indexOf('\0') >= 0
          || last.startsWith(".") || !last.contains(".")) {
        ctx.next(); // only plain file names (with an extension): never a directory entry of the jar
        return;
      }
      Buffer body = files.computeIfAbsent(name, Bundled::read);
      if (body == null) {
        ctx.next();
        return;
      }
      String type = MimeMapping.mimeTypeForFilename(last);
      if (type == null) {
        type = "application/octet-stream";
      } else if (type.startsWith("text/") || type.equals("application/javascript") || type.equals("application/json")) {
        type += ";charset=UTF-8";
      }
      ctx.response().putHeader("Content-Type", type).putHeader("Cache-Control", "no-cache")
          .putHeader("X-Content-Type-Options", "nosniff");
      if (method == HttpMethod.HEAD) {
        ctx.response().putHeader("Content-Length", String.valueOf(body.length())).end();
      } else {
        ctx.response().end(body);
      }
    }

    /** The packaged file's bytes, or {@code null} (not cached) when there is none. */
    private static Buffer read(String name) {
      try (InputStream in = WebRoot.class.getClassLoader().getResourceAsStream(PREFIX + name)) {
        return in == null ? null : Buffer.buffer(in.readAllBytes());
      } catch (IOException e) {
        return null;
      }
    }
  }
}
