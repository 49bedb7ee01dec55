package dev.transom.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The log before {@code serve} reads its flags, and for every other command: text at info on
 * standard error. Found by Logback through {@code META-INF/services}, so no XML is parsed at start
 * (Joran takes a tenth of a second, which {@code run} and {@code validate} would pay each time).
 * A user's {@code -Dlogback.configurationFile} still wins.
 */
public final class DefaultLogConfigurator extends ContextAwareBase implements Configurator {
  @Override
  public ExecutionStatus configure(LoggerContext ctx) {
    if (System.getProperty("logback.configurationFile") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    LogSetup.apply(ctx, "text", "info");
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }
}
