package dev.transom.components;

/** What a sink promises about each record it is given, across crashes and restarts of {@code serve}. */
public enum Guarantee {
  /** Written with the checkpoint of its epoch: after a crash, neither lost nor written twice. */
  EXACTLY_ONCE,
  /** Kept with each checkpoint until delivered: never lost, maybe delivered twice after a crash. */
  AT_LEAST_ONCE,
  /** Written as it is produced: what a crash cuts short is not written again. */
  AS_PRODUCED
}
