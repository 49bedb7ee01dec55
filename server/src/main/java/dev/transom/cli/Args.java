package dev.transom.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Minimal {@code --flag value} parsing: positional arguments and known flags, nothing else. */
final class Args {
  final List<String> positional = new ArrayList<>();
  final Map<String, String> flags = new HashMap<>();

  static Args parse(String[] args, int from, Set<String> known) throws UsageException {
    Args a = new Args();
    for (int i = from; i < args.length; i++) {
      String s = args[i];
      if (s.startsWith("--") && s.length() > 2) {
        String name = s.substring(2);
        String value = null;
        int eq = name.indexOf('=');
        if (eq >= 0) {
          value = name.substring(eq + 1);
          name = name.substring(0, eq);
        }
        if (!known.contains(name)) {
          throw new UsageException("unknown option --" + name);
        }
        if (value == null) {
          if (i + 1 >= args.length) {
            throw new UsageException("--" + name + " needs a value");
          }
          value = args[++i];
        }
        a.flags.put(name, value);
      } else {
        a.positional.add(s);
      }
    }
    return a;
  }

  String flag(String name) {
    return flags.get(name);
  }
}
