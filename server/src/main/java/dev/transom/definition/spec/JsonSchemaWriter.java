package dev.transom.definition.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The JSON Schema (draft 2020-12) of a spec, for editors' YAML completion and checking. */
public final class JsonSchemaWriter {
  /** The compact ({@code 1h30m}) and ISO-8601 ({@code PT10S}) forms {@link dev.transom.io.DurationText} reads. */
  static final String DURATION_FORMS =
      "(([0-9]+d)?([0-9]+h)?([0-9]+m)?([0-9]+s)?([0-9]+ms)?([0-9]+us)?|P(?!$)([0-9]+D)?(T(?=[0-9.])([0-9]+H)?([0-9]+M)?([0-9.]+S)?)?)";
  /** Any duration, zero included; never the empty text. */
  static final String DURATION_PATTERN = "^(?!$)" + DURATION_FORMS + "$";
  /** A duration above zero: neither empty nor one whose every part is zero ({@code 0s}, {@code 0m0ms}, {@code PT0S}). */
  static final String POSITIVE_DURATION_PATTERN =
      "^(?!$)(?!(0+(d|h|m|s|ms|us))+$)(?!P(0+D)?(T(0+H)?(0+M)?(0+([.,]0*)?S)?)?$)" + DURATION_FORMS + "$";
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private JsonSchemaWriter() {}

  public static String write(ObjectSpec root) {
    return write(root, "https://transom.dev/schema/pipeline.json", "Transom pipeline definition");
  }

  /** The schema of another document {@code root} declares (a test file), under its own id and title. */
  public static String write(ObjectSpec root, String id, String title) {
    ObjectNode schema = F.objectNode();
    schema.put("$schema", "https://json-schema.org/draft/2020-12/schema");
    schema.put("$id", id);
    schema.put("title", title);
    schema.setAll(object(root, null));
    try {
      return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(schema);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static ObjectNode object(ObjectSpec spec, String kind) {
    ObjectNode o = F.objectNode();
    o.put("type", "object");
    if (spec.doc() != null) {
      o.put("description", spec.doc());
    }
    ObjectNode props = o.putObject("properties");
    ArrayNode required = F.arrayNode();
    if (kind != null) {
      props.putObject("kind").put("const", kind);
      required.add("kind");
    }
    for (FieldSpec f : spec.fields()) {
      ObjectNode p = type(f.type());
      String floor = f.type() instanceof FieldType.Dur d ? d.minimumText()
          : f.type() instanceof FieldType.Size z && z.min() > 0 ? dev.transom.io.ByteSizeText.format(z.min()) : null;
      if (f.doc() != null) {
        // A pattern cannot say "at least 100ms" (or 1MiB) for every way a value can be written; editors
        // show the description, so the floor is stated there.
        p.put("description", floor == null ? f.doc() : f.doc() + " (at least " + floor + ")");
      }
      props.set(f.name(), p);
      if (f.required()) {
        required.add(f.name());
      }
    }
    if (!required.isEmpty()) {
      o.set("required", required);
    }
    o.put("additionalProperties", false);
    if (!spec.exactlyOne().isEmpty()) {
      // At least one: checked only once every key is one of the mapping's fields, so a misspelt
      // key is reported once (additionalProperties), not also as a miss of every choice.
      ObjectNode guard = o.putObject("if");
      guard.put("type", "object");
      ArrayNode names = guard.putObject("propertyNames").putArray("enum");
      spec.fieldNames().forEach(names::add);
      ArrayNode any = o.putObject("then").putArray("anyOf");
      for (String name : spec.exactlyOne()) {
        // The branch names the property as well: ajv --strict wants every required name defined
        // beside it (strictRequired), and anyOf is checked before the parent's properties are.
        ObjectNode branch = any.addObject();
        branch.putObject("properties").putObject(name);
        branch.putArray("required").add(name);
      }
      // At most one: each choice rules the others out, so two choices are reported at the two keys.
      ObjectNode dependent = o.putObject("dependentSchemas");
      for (String name : spec.exactlyOne()) {
        ObjectNode others = dependent.putObject(name);
        others.put("type", "object");
        ObjectNode ruledOut = others.putObject("properties");
        for (String other : spec.exactlyOne()) {
          if (!other.equals(name)) {
            ruledOut.put(other, false);
          }
        }
      }
    }
    if (!spec.requiredWhen().isEmpty()) {
      ArrayNode all = o.withArray("allOf");
      for (ObjectSpec.RequiredWhen r : spec.requiredWhen()) {
        ObjectNode rule = all.addObject();
        ObjectNode ifs = rule.putObject("if");
        ifs.put("type", "object");
        ifs.putObject("properties").set(r.kindField(), kindIs(r.kind()));
        ifs.putArray("required").add(r.kindField());
        ObjectNode at = rule.putObject("then");
        for (String part : r.at()) {
          at.put("type", "object");
          at = at.putObject("properties").putObject(part);
        }
        at.put("type", "object");
        at.putObject("properties").putObject(r.field()).put("description", r.why());
        at.putArray("required").add(r.field());
      }
    }
    return o;
  }

  /** A mapping whose {@code kind} is {@code kind}. */
  private static ObjectNode kindIs(String kind) {
    ObjectNode n = F.objectNode();
    n.put("type", "object"); // ajv --strict (strictTypes) wants the type beside properties and required
    n.putObject("properties").putObject("kind").put("const", kind);
    n.putArray("required").add("kind");
    return n;
  }

  static ObjectNode type(FieldType t) {
    ObjectNode n = F.objectNode();
    if (t instanceof FieldType.Text x) {
      n.put("type", "string");
      if (x.pattern() != null) {
        n.put("pattern", "^" + x.pattern() + "$");
      }
    } else if (t instanceof FieldType.Int x) {
      n.put("type", "integer");
      n.put("minimum", x.min());
      n.put("maximum", x.max());
    } else if (t instanceof FieldType.Bool) {
      n.put("type", "boolean");
    } else if (t instanceof FieldType.Flag) {
      n.put("const", true);
    } else if (t instanceof FieldType.Dur d) {
      n.put("type", "string");
      n.put("pattern", d.positive() ? POSITIVE_DURATION_PATTERN : DURATION_PATTERN);
    } else if (t instanceof FieldType.Size) {
      n.put("type", "string");
      n.put("pattern", "^" + dev.transom.io.ByteSizeText.PATTERN + "$");
    } else if (t instanceof FieldType.Timestamp) {
      n.put("type", "string");
      n.put("format", "date-time");
    } else if (t instanceof FieldType.Expression) {
      // YAML may give a simple expression as a number or bool (init: 0, filter: true).
      // anyOf, not a list of types: ajv --strict refuses union types (strictTypes).
      ArrayNode any = n.putArray("anyOf");
      for (String type : new String[] {"string", "number", "boolean"}) {
        any.addObject().put("type", type);
      }
    } else if (t instanceof FieldType.OneWord x) {
      ArrayNode e = n.putArray("enum");
      x.values().forEach(e::add);
    } else if (t instanceof FieldType.Obj x) {
      return object(x.spec(), null);
    } else if (t instanceof FieldType.ListOf x) {
      n.put("type", "array");
      n.set("items", type(x.item()));
      n.put("maxItems", x.maxItems());
    } else if (t instanceof FieldType.Kinds x) {
      n.put("type", "object");
      n.putArray("required").add("kind");
      ArrayNode kinds = n.putObject("properties").putObject("kind").putArray("enum");
      x.names().forEach(kinds::add);
      // One if/then per kind rather than a oneOf: a mistake inside one kind's mapping is reported
      // against that kind alone, not once per kind it fails to be.
      ArrayNode all = n.putArray("allOf");
      for (ObjectSpec k : x.kinds()) {
        ObjectNode branch = all.addObject();
        ObjectNode ifs = branch.putObject("if");
        ifs.put("type", "object");
        ifs.putObject("properties").set("kind", F.objectNode().put("const", k.name()));
        ifs.putArray("required").add("kind");
        branch.set("then", object(k, k.name()));
      }
    } else if (t instanceof FieldType.Json x) {
      if (x.mapping()) {
        n.put("type", "object");
      }
    } else if (t instanceof FieldType.FlagOrObj x) {
      ArrayNode one = n.putArray("oneOf");
      one.addObject().put("const", true);
      one.add(object(x.spec(), null));
    }
    return n;
  }
}
