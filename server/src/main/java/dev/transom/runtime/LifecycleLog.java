package dev.transom.runtime;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The server's log lines about pipelines, one per thing that happened to one (never one per event).
 * Each carries the key-value pairs {@code event} (the names below) and {@code pipeline}, which the
 * JSON log format writes as fields, so a log shipper can select on them without parsing messages.
 * Declared here together so {@code docs/logging.md} can list them all, and each is written once.
 */
public final class LifecycleLog {
  private static final Logger LOG = LoggerFactory.getLogger("transom.pipelines");

  private LifecycleLog() {}

  private static LoggingEventBuilder at(LoggingEventBuilder b, String event, String pipeline) {
    b = b.addKeyValue("event", event);
    return pipeline == null ? b : b.addKeyValue("pipeline", pipeline);
  }

  public static LoggingEventBuilder info(String event, String pipeline) {
    return at(LOG.atInfo(), event, pipeline);
  }

  public static LoggingEventBuilder warn(String event, String pipeline) {
    return at(LOG.atWarn(), event, pipeline);
  }

  public static LoggingEventBuilder error(String event, String pipeline) {
    return at(LOG.atError(), event, pipeline);
  }

  /** A new pipeline runs (at start or from a new file / PUT), with what it recovered. */
  public static final String DEPLOY = "deploy";
  /** A new version of a running pipeline: windows kept or flushed, and how many. */
  public static final String RELOAD = "reload";
  /** A definition that does not load: the running version (if any) keeps running. */
  public static final String REJECTED = "rejected";
  /** Open windows closed on request (POST .../windows/close), how many, and of which key. */
  public static final String CLOSE = "close";
  /** A pipeline stopped for good (file removed or DELETE), its windows flushed. */
  public static final String DELETE = "delete";
  /** A definition file took another file's pipeline (a rename), which kept running. */
  public static final String MOVE = "move";
  /** The start's summary: pipelines deployed, recovered, started empty, failed. */
  public static final String RECOVERY = "recovery";
  /**
   * A checkpoint or the ingest log could not be stored: the pipeline pauses and retries; and when
   * storing works again. A checkpoint that fails for another reason fails the pipeline ({@link #FAILED}).
   */
  public static final String STORAGE_FAILED = "storage_failed";
  public static final String STORAGE_RECOVERED = "storage_recovered";
  /** An at-least-once sink could not deliver (retried), and when it delivers again. */
  public static final String SINK_FAILED = "sink_failed";
  public static final String SINK_RECOVERED = "sink_recovered";
  /** A pipeline's processing broke: it takes no input until its definition is fixed. */
  public static final String FAILED = "failed";
  /** The memory budget made a pipeline refuse input, and let it take input again. */
  public static final String MEMORY_REFUSING = "memory_refusing";
  public static final String MEMORY_OK = "memory_ok";
  /** A live-outputs client that read too slowly was disconnected. */
  public static final String SLOW_CLIENT = "slow_client";
  /** Server start and stop. */
  public static final String SERVER = "server";
}
