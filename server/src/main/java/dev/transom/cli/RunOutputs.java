package dev.transom.cli;

import dev.transom.compile.ItemError;
import dev.transom.compile.Outputs;
import dev.transom.components.SinkSet;
import dev.transom.engine.LineDecoder;
import dev.transom.io.JsonValues;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Map;

/** Writes outputs to the sinks and reports the first item errors with their input line. */
final class RunOutputs implements Outputs {
  private static final int SHOWN_ERRORS = RunCommand.SHOWN_ERRORS;
  final SinkSet sinks;
  final PrintStream err;
  String inputName = "input";
  long line;
  long lineErrors;
  long shown;

  RunOutputs(SinkSet sinks, PrintStream err) {
    this.sinks = sinks;
    this.err = err;
  }

  @Override
  public void output(Map<String, Object> record) {
    try {
      sinks.output(record);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write output: " + e.getMessage(), e);
    }
    waitWhileBacklogged();
  }

  private boolean toldWaiting;

  /**
   * A sink that delivers from a queue (webhook) and is full: the input waits, as it would in
   * serve, instead of memory growing while the receiver is slow or down.
   */
  private void waitWhileBacklogged() {
    dev.transom.components.RecordSink full;
    while ((full = sinks.backlogged()) != null) {
      if (!toldWaiting) {
        toldWaiting = true;
        err.println("transom run: input waits for a full sink, " + full.describe() + " (" + full.backlog() + " records queued"
            + (full.problem() != null ? "; " + full.problem() : "") + ")");
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Makes what was written so far visible (live input: a person may be watching). */
  void flush() {
    try {
      sinks.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write output: " + e.getMessage(), e);
    }
  }

  @Override
  public void late(Map<String, Object> record) {
    try {
      sinks.late(record);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write late items: " + e.getMessage(), e);
    }
    waitWhileBacklogged();
  }

  @Override
  public void error(ItemError error) {
    show(inputName + ":" + error.line() + ": " + error.describe() + "  item: " + abbreviate(JsonValues.toJson(error.item())));
  }

  /** A line that is not JSON. */
  void lineError(LineDecoder.BadLine bad) {
    lineError(bad.line() + ":" + bad.column() + ": " + bad.message());
  }

  /** A line that cannot be read: {@code where} starts with its number. */
  void lineError(String where) {
    lineErrors++;
    show(inputName + ":" + where);
  }

  private void show(String message) {
    if (shown++ < SHOWN_ERRORS) {
      err.println(message);
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }
}
