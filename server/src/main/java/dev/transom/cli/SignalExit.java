package dev.transom.cli;

/**
 * Turns SIGTERM and SIGINT into an orderly shutdown that exits 0 (a plain shutdown hook would
 * still end with 143/130).
 */
final class SignalExit {
  private SignalExit() {}

  @SuppressWarnings("removal")
  static void onTermOrInt(Runnable action) {
    Thread once = new Thread(action, "transom-shutdown");
    sun.misc.SignalHandler handler = sig -> {
      synchronized (SignalExit.class) {
        if (once.getState() == Thread.State.NEW) {
          once.start();
        }
      }
    };
    sun.misc.Signal.handle(new sun.misc.Signal("TERM"), handler);
    sun.misc.Signal.handle(new sun.misc.Signal("INT"), handler);
  }
}
