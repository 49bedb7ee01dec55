package dev.transom.definition.spec;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The definition format's reference as Markdown, generated from the same specs the linter uses
 * ({@code docs/reference.md}; a test keeps the committed copy fresh).
 */
public final class ReferenceDocWriter {
  private ReferenceDocWriter() {}

  public static String write(ObjectSpec root) {
    return write(root, "Definition reference", "./transom reference > docs/reference.md",
        "One pipeline per YAML file. Durations are `<integer><unit>` parts, largest unit first "
            + "(`250ms`, `10s`, `1h30m`; units `d h m s ms us`) or ISO-8601 (`PT10S`). Timestamps are RFC 3339 "
            + "with an offset. Expressions are CEL; see the variables each place allows.");
  }

  /** The reference of a document {@code root} declares, with its title, the command that makes it, and an opening paragraph. */
  public static String write(ObjectSpec root, String title, String command, String intro) {
    StringBuilder sb = new StringBuilder();
    sb.append("# ").append(title).append("\n\n");
    sb.append("<!-- Generated from the specs in server/src/main/java by ReferenceDocWriter; ")
        .append("regenerate with: ").append(command).append(" -->\n\n");
    sb.append(intro).append("\n\n");
    List<Section> pending = new ArrayList<>();
    Set<String> done = new LinkedHashSet<>();
    pending.add(new Section("Top level", "", root, null));
    while (!pending.isEmpty()) {
      Section s = pending.remove(0);
      if (!done.add(s.title)) {
        continue;
      }
      sb.append("## ").append(s.title).append("\n\n");
      if (s.spec.doc() != null) {
        sb.append(s.spec.doc()).append("\n\n");
      }
      if (s.kind != null) {
        sb.append("`kind: ").append(s.kind).append("`\n\n");
      }
      if (!s.spec.fields().isEmpty()) {
        sb.append("| field | type | required | default | meaning |\n|---|---|---|---|---|\n");
        for (FieldSpec f : s.spec.fields()) {
          sb.append("| `").append(f.name()).append("` | ").append(typeName(f.type())).append(" | ")
              .append(f.required() ? "yes" : "no").append(" | ")
              .append(f.defaultValue() == null ? "" : "`" + f.defaultValue() + "`").append(" | ")
              .append(escape(f.doc())).append(" |\n");
          queue(f, s.path, pending);
        }
        sb.append('\n');
      }
      if (!s.spec.exactlyOne().isEmpty()) {
        sb.append("Exactly one of: ").append(String.join(", ", s.spec.exactlyOne().stream().map(x -> "`" + x + "`").toList()))
            .append(".\n\n");
      }
      if (s.spec.example() != null) {
        sb.append("```yaml\n").append(s.spec.example()).append("\n```\n\n");
      }
    }
    return sb.toString();
  }

  /** {@code path}: the dotted field path children are named under ({@code aggregate.fold}), empty at the top. */
  private record Section(String title, String path, ObjectSpec spec, String kind) {}

  private static void queue(FieldSpec f, String parentPath, List<Section> pending) {
    FieldType t = f.type();
    if (t instanceof FieldType.ListOf l) {
      t = l.item();
    }
    String path = parentPath.isEmpty() ? f.name() : parentPath + "." + f.name();
    if (t instanceof FieldType.Obj o) {
      pending.add(new Section("`" + path + "`", path, o.spec(), null));
    } else if (t instanceof FieldType.FlagOrObj o) {
      pending.add(new Section("`" + path + "` with options", path, o.spec(), null));
    } else if (t instanceof FieldType.Kinds k) {
      for (ObjectSpec spec : k.kinds()) {
        pending.add(new Section("`" + path + "`: " + spec.name(), path, spec, spec.name()));
      }
    }
  }

  private static String typeName(FieldType t) {
    if (t instanceof FieldType.Expression e) {
      return "expression (" + String.join(", ", e.scope().variables()) + ")";
    }
    if (t instanceof FieldType.Kinds k) {
      return "mapping, `kind`: " + String.join(" \\| ", k.names());
    }
    if (t instanceof FieldType.ListOf l) {
      return "list of " + typeName(l.item());
    }
    if (t instanceof FieldType.Obj) {
      return "mapping";
    }
    if (t instanceof FieldType.FlagOrObj) {
      return "`true` or mapping";
    }
    if (t instanceof FieldType.OneWord w) {
      return String.join(" \\| ", w.values().stream().map(x -> "`" + x + "`").toList());
    }
    if (t instanceof FieldType.Dur d) {
      return d.minMicros() > 0 ? "duration ≥ " + d.minimumText() : d.positive() ? "duration > 0" : "duration";
    }
    if (t instanceof FieldType.Size z) {
      return "size " + dev.transom.io.ByteSizeText.format(z.min()) + "–" + dev.transom.io.ByteSizeText.format(z.max());
    }
    if (t instanceof FieldType.Int i) {
      return "integer";
    }
    if (t instanceof FieldType.Flag) {
      return "`true`";
    }
    if (t instanceof FieldType.Bool) {
      return "bool";
    }
    if (t instanceof FieldType.Json j) {
      return j.mapping() ? "mapping (JSON)" : "any value (JSON)";
    }
    if (t instanceof FieldType.Timestamp) {
      return "timestamp";
    }
    return "string";
  }

  private static String escape(String s) {
    return s == null ? "" : s.replace("|", "\\|");
  }
}
