package dev.transom.runtime;

import java.util.Collection;

/** The lifecycle log's lines for deployments: each version deployed, and the summary after a start. */
final class DeployLog {
  private DeployLog() {}

  /** A version deployed from {@code file}: what it resumed from and how much, or why it failed as it started. */
  static void deployed(PipelineHost host, String file) {
    String id = host.id();
    if (host.failed()) {
      LifecycleLog.error(LifecycleLog.DEPLOY, id).log("pipeline '{}' from {} failed as it started: {}", id, file,
          host.failureReason());
      return;
    }
    String recovery = host.recovery() == null ? "no checkpoint, started empty" : host.recovery();
    LifecycleLog.info(LifecycleLog.DEPLOY, id).addKeyValue("version", host.version())
        .addKeyValue("windows", host.openWindows()).addKeyValue("replayed_batches", host.replayedBatches())
        .log("pipeline '{}' deployed from {} (version {}): {}; {} open window(s), {} logged batch(es) to replay", id,
            file, host.version(), recovery, host.openWindows(), host.replayedBatches());
  }

  /**
   * One line after the start: how many pipelines run, resumed from their checkpoints, started
   * empty although they had one (with why in their own lines), or did not load.
   */
  static void summary(Collection<PipelineHost> hosts, int notLoaded) {
    int resumed = 0;
    int empty = 0;
    int failed = 0;
    long windows = 0;
    for (PipelineHost h : hosts) {
      if (h.failed()) {
        failed++;
      } else if (h.recovery() != null && h.recovery().startsWith("resumed")) {
        resumed++;
      } else if (h.recovery() != null) {
        empty++;
      }
      windows += h.openWindows();
    }
    LifecycleLog.info(LifecycleLog.RECOVERY, null).addKeyValue("pipelines", hosts.size()).addKeyValue("resumed", resumed)
        .addKeyValue("windows", windows).addKeyValue("not_loaded", notLoaded)
        .log("started {} pipeline(s): {} resumed from a checkpoint ({} open window(s) restored), {} could not use theirs"
            + " and started empty, {} failed, {} definition file(s) did not load", hosts.size(), resumed, windows, empty,
            failed, notLoaded);
  }
}
