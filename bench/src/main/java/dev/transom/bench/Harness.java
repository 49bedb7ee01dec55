package dev.transom.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Runs every contender on the same generated input, alternating them, each in its own JVM under
 * {@code /usr/bin/time}, and prints one table per window kind: median events/s, peak RSS and CPU
 * time, and the ratios Transom/Flink and Transom/parse floor.
 *
 * <p>Run (from the project root): {@code mvn -B -ntp -Pbench -DskipTests package && java -cp
 * "$(cat bench/target/classpath.txt):bench/target/transom-bench.jar" dev.transom.bench.Harness
 * [EVENTS=10000000] [RUNS=3] [MODES=tumbling,sliding,session]}
 */
public final class Harness {
  record Measure(double seconds, double cpuSeconds, long rssKb, long outputs) {}

  public static void main(String[] args) throws Exception {
    long events = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000L;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    List<String> modes = List.of((args.length > 2 ? args[2] : "tumbling,sliding,session").split(","));
    Path out = Path.of("bench/out").toAbsolutePath();
    Files.createDirectories(out);
    Path input = out.resolve("clicks-" + events + ".jsonl");
    if (!Files.exists(input)) {
      System.err.println("generating " + events + " events into " + input);
      run(List.of(java(), "bench/GenerateClicks.java", String.valueOf(events)), input, true);
    }
    String cp = Files.readString(Path.of("bench/target/classpath.txt")).strip() + ":bench/target/transom-bench.jar";
    String launcher = Path.of("transom").toAbsolutePath().toString();
    // The launcher rebuilds a stale jar: let that happen here, not inside a timed run.
    run(List.of(launcher, "validate", "bench/tumbling-sum.yaml"), null, false);
    System.out.printf("input: %s (%,d events, %,d MB); %d runs each, alternating; java %s%n", input.getFileName(), events,
        Files.size(input) >> 20, runs, System.getProperty("java.version"));
    for (String mode : modes) {
      String def = "bench/" + (mode.equals("session") ? "session" : mode) + "-sum.yaml";
      Map<String, List<String>> contenders = new LinkedHashMap<>();
      // Through the launcher, as users run it (it also picks the JVM settings for `run`).
      contenders.put("transom run", List.of(launcher, "run", def, "--input", input.toString(), "--output",
          out.resolve("transom-" + mode + ".jsonl").toString()));
      contenders.put("transom w=2", List.of(launcher, "run", def, "--input", input.toString(), "--output",
          out.resolve("transom-" + mode + ".jsonl").toString(), "--workers", "2"));
      // The floor runs with the collector the launcher gives `run`, so it stays a floor.
      contenders.put("parse floor", List.of(java(), "-XX:+UseSerialGC", "-cp", cp, "dev.transom.bench.ParseFloor",
          input.toString()));
      contenders.put("flink p=1", List.of(java(), "-cp", cp, "dev.transom.bench.FlinkJob", input.toString(),
          out.resolve("flink-" + mode + "-1").toString(), "1", mode));
      contenders.put("flink p=2", List.of(java(), "-cp", cp, "dev.transom.bench.FlinkJob", input.toString(),
          out.resolve("flink-" + mode + "-2").toString(), "2", mode));
      Map<String, List<Measure>> results = new LinkedHashMap<>();
      for (int r = 0; r < runs; r++) {
        for (Map.Entry<String, List<String>> c : contenders.entrySet()) {
          deleteOutputs(out, mode);
          Measure m = timed(c.getValue());
          long outputs = c.getKey().startsWith("flink") ? countLines(Path.of(c.getValue().get(5)))
              : c.getKey().startsWith("transom") ? countLines(out.resolve("transom-" + mode + ".jsonl")) : 0;
          results.computeIfAbsent(c.getKey(), k -> new ArrayList<>()).add(new Measure(m.seconds, m.cpuSeconds, m.rssKb, outputs));
        }
      }
      // Every engine must have produced the same windows, every run: a fast wrong answer is no result.
      java.util.Set<Long> counts = new java.util.TreeSet<>();
      results.forEach((name, ms) -> ms.forEach(m -> {
        if (!name.equals("parse floor")) {
          counts.add(m.outputs);
        }
      }));
      if (counts.size() != 1 || counts.contains(0L)) {
        throw new IllegalStateException(mode + ": contenders disagree on the number of windows: " + results);
      }
      System.out.printf("%n%s windows%n%-12s %12s %10s %10s %10s %10s%n", mode, "contender", "events/s", "time s",
          "cpu s", "peak MB", "outputs");
      Map<String, Double> rate = new LinkedHashMap<>();
      for (Map.Entry<String, List<Measure>> e : results.entrySet()) {
        List<Measure> ms = new ArrayList<>(e.getValue());
        ms.sort((a, b) -> Double.compare(a.seconds, b.seconds));
        Measure med = ms.get(ms.size() / 2);
        rate.put(e.getKey(), events / med.seconds);
        System.out.printf("%-12s %,12.0f %10.2f %10.2f %10d %10s%n", e.getKey(), events / med.seconds, med.seconds,
            med.cpuSeconds, med.rssKb / 1024, med.outputs == 0 ? "-" : String.format("%,d", med.outputs));
      }
      double best = Math.max(rate.get("transom run"), rate.get("transom w=2"));
      System.out.printf("ratios (best transom): transom/flink(p=1) %.2fx, transom/flink(p=2) %.2fx, transom/floor %.0f%%%n",
          best / rate.get("flink p=1"), best / rate.get("flink p=2"), 100 * best / rate.get("parse floor"));
    }
  }

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  static Measure timed(List<String> cmd) throws Exception {
    Path stats = Files.createTempFile("bench-time", ".txt");
    List<String> full = new ArrayList<>(List.of("/usr/bin/time", "-f", "%e %U %S %M", "-o", stats.toString()));
    full.addAll(cmd);
    run(full, null, false);
    String[] f = Files.readString(stats).strip().split("\\s+");
    Files.delete(stats);
    return new Measure(Double.parseDouble(f[0]), Double.parseDouble(f[1]) + Double.parseDouble(f[2]), Long.parseLong(f[3]), 0);
  }

  static void run(List<String> cmd, Path stdout, boolean check) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
    pb.redirectOutput(stdout != null ? ProcessBuilder.Redirect.to(stdout.toFile()) : ProcessBuilder.Redirect.DISCARD);
    int exit = pb.start().waitFor();
    if (exit != 0) {
      throw new IllegalStateException("failed (" + exit + "): " + String.join(" ", cmd));
    }
  }

  static void deleteOutputs(Path out, String mode) throws IOException {
    for (String p : List.of("flink-" + mode + "-1", "flink-" + mode + "-2")) {
      Path dir = out.resolve(p);
      if (Files.exists(dir)) {
        try (Stream<Path> s = Files.walk(dir)) {
          s.sorted(java.util.Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
        }
      }
    }
  }

  static long countLines(Path p) throws IOException {
    if (!Files.exists(p)) {
      return 0;
    }
    if (Files.isDirectory(p)) {
      long n = 0;
      try (Stream<Path> s = Files.walk(p)) {
        for (Path f : s.filter(Files::isRegularFile).toList()) {
          n += countLines(f);
        }
      }
      return n;
    }
    try (Stream<String> lines = Files.lines(p)) {
      return lines.count();
    }
  }
}
