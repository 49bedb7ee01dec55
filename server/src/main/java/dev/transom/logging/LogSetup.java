package dev.transom.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import java.util.List;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/**
 * Where the server's log goes and how it looks: standard error, as text ({@link #TEXT_PATTERN}) or
 * as JSON lines ({@link JsonLineEncoder}), at a level. Standard output stays for what a command
 * produces ({@code stdout} sinks, {@code run}'s outputs), so logs never mix with data.
 */
public final class LogSetup {
  public static final List<String> FORMATS = List.of("text", "json");
  public static final List<String> LEVELS = List.of("error", "warn", "info", "debug");
  static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSX,UTC} %-5level %logger{36} - %msg%n%ex{12}";

  private LogSetup() {}

  /** Null when {@code format} and {@code level} are known, otherwise what is wrong with them. */
  public static String problem(String format, String level) {
    if (!FORMATS.contains(format)) {
      return "--log-format must be one of " + String.join(", ", FORMATS) + " (got '" + format + "')";
    }
    if (!LEVELS.contains(level)) {
      return "--log-level must be one of " + String.join(", ", LEVELS) + " (got '" + level + "')";
    }
    return null;
  }

  public static void configure(String format, String level) {
    if (System.getProperty("logback.configurationFile") != null
        || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
      return; // the user's own configuration, or another SLF4J provider: configured their own way
    }
    ctx.reset();
    apply(ctx, format, level);
  }

  static void apply(LoggerContext ctx, String format, String level) {
    Encoder<ILoggingEvent> encoder;
    if (format.equals("json")) {
      encoder = new JsonLineEncoder();
    } else {
      PatternLayoutEncoder p = new PatternLayoutEncoder();
      p.setPattern(TEXT_PATTERN);
      encoder = p;
    }
    encoder.setContext(ctx);
    encoder.start();
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(ctx);
    console.setName("stderr");
    console.setTarget("System.err");
    console.setEncoder(encoder);
    console.start();
    ch.qos.logback.classic.Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.toLevel(level.toUpperCase(Locale.ROOT), Level.INFO));
    root.addAppender(console);
    quiet(ctx);
  }

  /** Libraries' chatter at debug would drown the server's own lines: they log from warnings up. */
  static void quiet(LoggerContext ctx) {
    for (String noisy : List.of("io.netty", "io.vertx", "com.networknt", "org.h2", "org.apache.kafka")) {
      ch.qos.logback.classic.Logger l = ctx.getLogger(noisy);
      if (l.getLevel() == null) {
        l.setLevel(Level.WARN);
      }
    }
    // A broker that is down makes it warn about every reconnect; the kafka source says it once itself.
    ch.qos.logback.classic.Logger network = ctx.getLogger("org.apache.kafka.clients.NetworkClient");
    if (network.getLevel() == null) {
      network.setLevel(Level.ERROR);
    }
  }
}
