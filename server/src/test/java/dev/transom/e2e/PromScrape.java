package dev.transom.e2e;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A Prometheus text scrape, read into samples and metric families for assertions. */
final class PromScrape {
  record Sample(String name, Map<String, String> labels, double value) {}

  private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})? (\\S+)");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

  final String text;
  final List<Sample> samples = new ArrayList<>();
  /** The names of the {@code # TYPE} lines, with their types. */
  final Map<String, String> families = new LinkedHashMap<>();

  PromScrape(String text) {
    this.text = text;
    for (String line : text.lines().toList()) {
      if (line.startsWith("# TYPE ")) {
        String[] p = line.split(" ");
        families.put(p[2], p[3]);
      } else if (!line.isBlank() && !line.startsWith("#")) {
        Matcher m = SAMPLE.matcher(line);
        if (!m.matches()) {
          throw new AssertionError("not a sample line: " + line);
        }
        Map<String, String> labels = new LinkedHashMap<>();
        if (m.group(3) != null) {
          Matcher l = LABEL.matcher(m.group(3));
          while (l.find()) {
            labels.put(l.group(1), l.group(2));
          }
        }
        samples.add(new Sample(m.group(1), labels, parse(m.group(4))));
      }
    }
  }

  private static double parse(String v) {
    return switch (v) {
      case "NaN" -> Double.NaN;
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      default -> Double.parseDouble(v);
    };
  }

  /** The samples of {@code name} whose labels include every {@code key, value} pair given. */
  List<Sample> find(String name, String... labelPairs) {
    List<Sample> out = new ArrayList<>();
    for (Sample s : samples) {
      if (s.name.equals(name) && has(s, labelPairs)) {
        out.add(s);
      }
    }
    return out;
  }

  private static boolean has(Sample s, String... pairs) {
    for (int i = 0; i < pairs.length; i += 2) {
      if (!pairs[i + 1].equals(s.labels.get(pairs[i]))) {
        return false;
      }
    }
    return true;
  }

  /** The one sample of {@code name} with these labels; fails when there is none or several. */
  double value(String name, String... labelPairs) {
    List<Sample> found = find(name, labelPairs);
    if (found.size() != 1) {
      throw new AssertionError(found.size() + " samples of " + name + " " + List.of(labelPairs) + " in:\n" + text);
    }
    return found.get(0).value;
  }

  Set<String> sampleNames() {
    Set<String> names = new LinkedHashSet<>();
    samples.forEach(s -> names.add(s.name));
    return names;
  }
}
