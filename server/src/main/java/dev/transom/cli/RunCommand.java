package dev.transom.cli;

import dev.transom.compile.Plan;
import dev.transom.components.ComponentSpecs;
import dev.transom.components.FileSink;
import dev.transom.components.GeneratorSource;
import dev.transom.components.RecordSink;
import dev.transom.components.SinkSet;
import dev.transom.components.SourceKind;
import dev.transom.components.StdoutSink;
import dev.transom.definition.spec.ComponentDef;
import dev.transom.definition.DefinitionLoader;
import dev.transom.definition.PipelineDef;
import dev.transom.definition.spec.Problem;
import dev.transom.engine.Router;
import dev.transom.engine.Shard;
import dev.transom.engine.ShardCount;
import dev.transom.engine.ShardThreads;
import dev.transom.io.LineReader;
import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * {@code transom run FILE [--input PATH|-] [--output PATH|-] [--late PATH|-]}: one pipeline over a
 * finite input, in this thread, with no server and no checkpoint. At end of input every open window
 * closes. It ends with one summary line on stderr; exit 3 when every event read failed.
 *
 * <p>Its flags decide together which sinks open and which feed runs, so they stay in one place; the
 * feeds ({@link RunFeeds}), outputs ({@link RunOutputs}) and progress line ({@link RunProgress}) are
 * their own files.
 */
public final class RunCommand {
  static final String USAGE = "usage: transom run FILE.yaml [--input PATH|-] [--output PATH|-] [--late PATH|-] [--workers N] "
      + "[--arrival FIELD]";
  static final int SHOWN_ERRORS = 10;
  /** Exit code when events were read and every one of them failed (item or line errors). */
  static final int ALL_FAILED = 3;

  private final PrintStream err;
  private final long startNanos = System.nanoTime();
  /** Set by Ctrl-C (SIGINT): the feed stops reading, and no open window is emitted. */
  private volatile boolean interrupted;
  /** Exit code after Ctrl-C, as a shell gives for SIGINT (128 + 2). */
  static final int INTERRUPTED = 130;

  /** The system time a run reads: the clock of {@code clock: system}, the wake-ups of live input. */
  private final dev.transom.engine.Clock clock;

  public RunCommand(PrintStream err) {
    this(err, dev.transom.engine.Clock.SYSTEM);
  }

  /** @param clock what the run reads as the time: the system clock, or a manual one in tests */
  public RunCommand(PrintStream err, dev.transom.engine.Clock clock) {
    this.err = err;
    this.clock = clock;
  }

  public int run(String[] args) throws UsageException {
    Args a = Args.parse(args, 1, Set.of("input", "output", "late", "workers", "arrival"));
    int workers;
    try {
      workers = Integer.parseInt(a.flags.getOrDefault("workers", "1"));
    } catch (NumberFormatException e) {
      throw new UsageException("--workers must be a number");
    }
    if (workers < 1) {
      throw new UsageException("--workers must be at least 1");
    }
    if (a.positional.size() != 1) {
      throw new UsageException(a.positional.isEmpty() ? "run needs a definition file" : "run takes one definition file");
    }
    String file = a.positional.get(0);
    // run reads and writes the user's own files: paths as written, relative to the working directory, none refused
    DefinitionLoader.Result loaded = dev.transom.definition.DefinitionFiles.load(file, dev.transom.definition.PathPolicy.AS_WRITTEN);
    if (!loaded.ok()) {
      for (Problem p : loaded.problems()) {
        err.println(p.format());
      }
      return 2;
    }
    PipelineDef def = loaded.definition();
    String input = a.flag("input");
    String arrival = a.flag("arrival");
    if (arrival != null && (input == null || input.equals("-"))) {
      throw new UsageException("--arrival reads the arrival times from the lines of an --input file");
    }
    if (a.flag("output") == null) {
      for (ComponentDef s : def.sinks()) {
        String notHere = ComponentSpecs.sink(s).notInRun();
        if (notHere != null) {
          err.println(file + ":" + (s.options().mark() == null ? 1 : s.options().mark().getLine() + 1)
              + ":1: sinks: " + notHere + "; use --output, or serve");
          return 2;
        }
      }
    }
    String lateFlag = a.flag("late");
    boolean outputToStdout = a.flag("output") != null ? a.flag("output").equals("-") : def.sinks().isEmpty();
    if ("-".equals(lateFlag) && outputToStdout) {
      throw new UsageException("--late - and the outputs would share stdout; give one of them a file");
    }
    String lateNotHere = def.late() == null ? null : ComponentSpecs.sink(def.late()).notInRun();
    if (lateFlag == null && lateNotHere != null) {
      err.println(file + ":1:1: late: " + lateNotHere);
      return 2;
    }
    SourceKind source = ComponentSpecs.source(def.source());
    if (input == null && source.needsInput() != null) {
      err.println(file + ":" + sourceLine(def) + ":1: source: " + source.needsInput() + "; "
          + "give `run` its events with --input FILE (or - for stdin)");
      return 2;
    }
    SinkSet sinks;
    try {
      String output = a.flag("output");
      if (output != null) {
        RecordSink replaced = output.equals("-") ? StdoutSink.open() : FileSink.open(Path.of(output));
        sinks = withLate(replaced, lateSink(lateFlag, def));
      } else if (def.sinks().isEmpty()) {
        sinks = withLate(StdoutSink.open(), lateSink(lateFlag, def));
      } else if (lateFlag != null) {
        sinks = SinkSet.open(def.sinks(), null, false).withLate(lateSink(lateFlag, def));
      } else {
        sinks = SinkSet.open(def.sinks(), def.late(), false);
      }
    } catch (dev.transom.io.FileLocks.Held e) {
      err.println("transom run: cannot open output: " + e.getMessage() + " (--output PATH and --late PATH choose"
          + " other files)");
      return 1;
    } catch (IOException e) {
      err.println("transom run: cannot open output: " + e.getMessage());
      return 1;
    }
    RunOutputs outputs = new RunOutputs(sinks, err);
    String fileInput = input != null && !input.equals("-") ? input
        : input == null ? source.inputFile(def.source()) : null;
    // Several shards read a file: the reading thread routes, the shards' threads process. Live
    // input and generators wake up on time, which one shard on the reading thread does alone.
    int shards = fileInput != null && arrival == null ? ShardCount.of(def, workers) : 1;
    if (shards > 1) {
      return runPartitioned(Plan.of(def), shards, fileInput, outputs, sinks);
    }
    Shard exec = new Shard(Plan.of(def), outputs, outputs::lineError);
    RunProgress progress = new RunProgress(err);
    RunFeeds feeds = new RunFeeds(() -> interrupted, clock);
    onInterrupt(Thread.currentThread());
    try {
      if (input != null && input.equals("-")) {
        outputs.inputName = "stdin";
        feeds.feedLive(exec, outputs, new StdinPump(System.in), progress);
      } else if (input != null && arrival != null) {
        outputs.inputName = input;
        feeds.feedWithArrivals(exec, outputs, open(input), arrival);
      } else if (input != null) {
        outputs.inputName = input;
        feeds.feed(exec, outputs, progress.counting(input, open(input)), progress);
      } else if (source.inputFile(def.source()) != null) {
        String path = source.inputFile(def.source());
        outputs.inputName = path;
        feeds.feed(exec, outputs, progress.counting(path, open(path)), progress);
      } else {
        outputs.inputName = "generator";
        feeds.generate(exec, outputs, new GeneratorSource(def.source()), progress);
      }
      if (interrupted) {
        progress.done();
        return discarded(exec, outputs, sinks);
      }
      exec.finish(outputs.line);
      progress.done();
      sinks.flush();
    } catch (IOException | UncheckedIOException e) {
      return failed(e, sinks);
    }
    drainAndClose(sinks);
    var done = exec.execution();
    return summarize(done.inCount(), done.outCount(), done.lateCount(), done.errorCount(),
        done.operator().unwindowedCount(), outputs);
  }

  /**
   * Ctrl-C (SIGINT): the first asks the feed to stop where it is (it then says what it discarded and
   * exits {@link #INTERRUPTED}); if that takes more than 5 s, or on a second Ctrl-C, the process ends
   * at once with the same code.
   */
  @SuppressWarnings("removal")
  private void onInterrupt(Thread feeder) {
    sun.misc.Signal.handle(new sun.misc.Signal("INT"), sig -> {
      if (interrupted) {
        Runtime.getRuntime().halt(INTERRUPTED);
      }
      interrupted = true;
      feeder.interrupt();
      Thread stopper = new Thread(() -> {
        try {
          Thread.sleep(5_000);
        } catch (InterruptedException e) {
          return;
        }
        err.println("transom run: interrupted; open windows and unread input discarded");
        err.flush();
        Runtime.getRuntime().halt(INTERRUPTED);
      }, "transom-interrupt");
      stopper.setDaemon(true);
      stopper.start();
    });
  }

  /** After Ctrl-C: keeps what was already emitted, says what was discarded, and gives the exit code. */
  private int discarded(Shard shard, RunOutputs outputs, SinkSet sinks) {
    var exec = shard.execution();
    Thread.interrupted(); // the feeder's wake-up; closing the sinks must not see it
    try {
      sinks.flush();
    } catch (IOException e) {
      err.println("transom run: cannot write output: " + e.getMessage());
    }
    closeQuietly(sinks);
    long read = exec.inCount() + outputs.lineErrors;
    err.println(String.format("transom run: interrupted after %,d events (line %,d of %s), %,d windows emitted; "
        + "discarded: %,d open windows not emitted, the rest of %s not read",
        read, outputs.line, outputs.inputName, exec.outCount(), exec.operator().openWindowCount(), outputs.inputName));
    return INTERRUPTED;
  }

  /**
   * {@code --workers N} over a file: this thread reads, parses and prepares the events and routes
   * each to the shard that owns its key's group ({@link Router}); the shards run on threads of their
   * own ({@link ShardThreads}).
   */
  private int runPartitioned(Plan plan, int workers, String path, RunOutputs outputs, SinkSet sinks) {
    onInterrupt(Thread.currentThread());
    outputs.inputName = path;
    ShardThreads shards = new ShardThreads(plan, workers, outputs);
    long[] prepareErrors = {0};
    long events = 0;
    Router router = new Router(plan, workers, error -> {
      synchronized (outputs) {
        prepareErrors[0]++;
        outputs.error(error);
      }
    }, bad -> {
      synchronized (outputs) {
        outputs.lineError(bad);
      }
    }, 1_024, shards);
    try (LineReader lines = new LineReader(open(path))) {
      long now = nowMicros();
      int sinceClock = 0;
      while (lines.next()) {
        if (lines.isBlank()) {
          continue;
        }
        if (++sinceClock == 256) {
          sinceClock = 0;
          now = nowMicros();
        }
        events++;
        router.line(lines.buffer(), lines.offset(), lines.length(), lines.lineNumber(), now);
      }
      router.flush(now);
      shards.finish(lines.lineNumber());
      sinks.flush();
    } catch (IOException | UncheckedIOException e) {
      return failed(e, sinks);
    } catch (InterruptedException e) {
      Thread.interrupted();
      closeQuietly(sinks);
      if (interrupted) {
        err.println("transom run: interrupted; open windows not emitted, the rest of " + path + " not read");
        return INTERRUPTED;
      }
      return 1;
    }
    if (interrupted) {
      // the workers had already finished: every window was emitted, nothing was discarded
      Thread.interrupted();
    }
    drainAndClose(sinks);
    synchronized (outputs) {
      events -= outputs.lineErrors; // summarize counts the lines that are not JSON as read events itself
    }
    return summarize(events, shards.sum(sh -> sh.execution().outCount()), shards.sum(sh -> sh.execution().lateCount()),
        shards.sum(sh -> sh.execution().errorCount()) + prepareErrors[0],
        shards.sum(sh -> sh.execution().operator().unwindowedCount()), outputs);
  }

  /** {@code --output} (or stdout) in place of the definition's sinks, with {@code late} as the late sink. */
  private static SinkSet withLate(RecordSink output, RecordSink late) {
    return new SinkSet(List.of(output), late);
  }

  /**
   * The late sink: {@code --late PATH} (a JSON-lines file, truncated) or {@code --late -} (stdout)
   * when given, else the definition's {@code late} sink (none: late items are dropped and counted).
   */
  private static RecordSink lateSink(String lateFlag, PipelineDef def) throws IOException {
    if (lateFlag != null) {
      return lateFlag.equals("-") ? StdoutSink.open() : FileSink.open(Path.of(lateFlag));
    }
    return SinkSet.open(List.of(), def.late(), false).lateSinkOrNull();
  }

  private static InputStream open(String input) throws FileNotFoundException {
    return input.equals("-") ? System.in : new FileInputStream(input);
  }

  private static int sourceLine(PipelineDef def) {
    return def.source().options().mark() == null ? 1 : def.source().options().mark().getLine() + 1;
  }

  private long nowMicros() {
    return clock.nowMicros();
  }

  /**
   * The run's last line on stderr, always: {@code transom run: 120,000 events, 3,400 windows, 12 late,
   * 0 item errors in 1.8 s (66,700 events/s)}. Returns the exit code: {@link #ALL_FAILED} when events
   * were read and every one failed, else 0. {@code in} counts parsed events; lines that are not JSON
   * are read events too.
   */
  private int summarize(long in, long out, long late, long itemErrors, long unwindowed, RunOutputs outputs) {
    long read = in + outputs.lineErrors;
    long errors = itemErrors + outputs.lineErrors;
    double secs = (System.nanoTime() - startNanos) / 1e9;
    StringBuilder sb = new StringBuilder("transom run: ")
        .append(String.format("%,d events, %,d windows, %,d late", read, out, late));
    if (late > 0 && !outputs.sinks.hasLateSink()) {
      sb.append(" (dropped)");
    }
    if (unwindowed > 0) {
      sb.append(String.format(", %,d in no window", unwindowed));
    }
    sb.append(String.format(", %,d item errors", errors));
    if (errors > SHOWN_ERRORS) {
      sb.append(" (first ").append(SHOWN_ERRORS).append(" shown above)");
    }
    sb.append(String.format(" in %.1f s (%,d events/s)", secs, secs > 0 ? Math.round(read / secs) : read));
    boolean allFailed = read > 0 && errors >= read;
    if (allFailed) {
      sb.append("; every event failed");
    }
    err.println(sb);
    return allFailed ? ALL_FAILED : 0;
  }

  /** Reports a failed run (unreadable input, unwritable output), closes the sinks, and gives the exit code. */
  private int failed(Exception e, SinkSet sinks) {
    err.println("transom run: " + (e instanceof FileNotFoundException ? "cannot read input: " : "") + e.getMessage());
    closeQuietly(sinks);
    return 1;
  }

  /** Waits for background deliveries (webhooks), says what did not make it, and closes. */
  private void drainAndClose(SinkSet sinks) {
    for (String undelivered : sinks.drain(java.time.Duration.ofSeconds(30))) {
      err.println("transom run: " + undelivered + ": not everything was delivered within 30 s");
    }
    closeQuietly(sinks);
  }

  private static void closeQuietly(SinkSet sinks) {
    try {
      sinks.close();
    } catch (IOException ignored) {
      // already reporting, or nothing left to do about it
    }
  }

}
