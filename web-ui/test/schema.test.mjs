// The committed JSON Schema (docs/transom.schema.json) as editors and ajv users see it:
// it compiles under ajv's strict mode, every example definition and every valid shared
// conformance case passes it, and each mistake below gives the one error (or the few errors)
// expected, at the right place. Prints "ok   NAME" or "FAIL NAME: why" per check, then a
// summary line; exits 1 on any failure. Run from the repository root:
//   node web-ui/test/schema.test.mjs      (TRANSOM_CONFORMANCE=DIR adds the shared cases)
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { join, dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { parseAllDocuments, parseDocument, LineCounter, isMap, isSeq } from "yaml";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const schemaPath = join(root, "docs/transom.schema.json");
let passed = 0;
let failed = 0;

function check(name, fn) {
  try {
    const why = fn();
    if (why) {
      failed++;
      console.log(`FAIL ${name}: ${why}`);
    } else {
      passed++;
      console.log(`ok   ${name}`);
    }
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}: ${e.stack || e}`);
  }
}

// ajv reports a failed then-branch twice: the branch's own error and an "if" error at the
// mapping ("must match \"then\" schema"). Editors show the first; so do these counts.
function errorsOf(validate, data) {
  if (validate(data)) return [];
  return validate.errors.filter((e) => e.keyword !== "if");
}

function describe(errors) {
  return errors.map((e) => `${e.instancePath || "/"} ${e.message}`).join("; ");
}

/** The line (1-based) of the YAML node at a JSON pointer, as an editor would underline it. */
function lineOf(text, pointer) {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc });
  let node = doc.contents;
  for (const part of pointer.split("/").slice(1)) {
    if (isMap(node)) node = node.items.find((p) => String(p.key?.value) === part)?.value;
    else if (isSeq(node)) node = node.items[Number(part)];
    if (!node) return null;
  }
  return lc.linePos(node.range[0]).line;
}

const schema = JSON.parse(readFileSync(schemaPath, "utf8"));
let validate;
check("schema compiles under ajv strict mode (draft 2020-12)", () => {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  validate = ajv.compile(schema);
  return schema.$schema === "https://json-schema.org/draft/2020-12/schema" ? null : `declares ${schema.$schema}`;
});
if (!validate) {
  console.log(`schema test: ${passed} checks ok, ${failed} failed`);
  process.exit(1);
}

// Every example definition passes, and its modeline names the committed schema by a path
// that resolves from the file's own folder.
const defsDir = join(root, "definitions");
const isTest = (n) => n.endsWith(".test.yaml") || n.endsWith(".test.yml");
for (const f of readdirSync(defsDir).filter((n) => n.endsWith(".yaml") && !isTest(n)).sort()) {
  const text = readFileSync(join(defsDir, f), "utf8");
  check(`definitions/${f} passes the schema`, () => {
    const errors = errorsOf(validate, parseDocument(text).toJS());
    return errors.length ? describe(errors) : null;
  });
  check(`definitions/${f} has a modeline that resolves to docs/transom.schema.json`, () => {
    const m = text.match(/^# yaml-language-server: \$schema=(\S+)$/m);
    if (!m) return "no '# yaml-language-server: $schema=...' line";
    const target = resolve(defsDir, m[1]);
    return target === schemaPath && existsSync(target) ? null : `${m[1]} resolves to ${target}`;
  });
}

// The test files' schema (docs/transom-test.schema.json, from `transom schema test`): strict too, every
// example test passes it, each names it in its modeline, and a misspelt step is one error at its line.
const testSchemaPath = join(root, "docs/transom-test.schema.json");
let validateTest;
check("the test-file schema compiles under ajv strict mode", () => {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  validateTest = ajv.compile(JSON.parse(readFileSync(testSchemaPath, "utf8")));
  return null;
});
if (validateTest) {
  const tests = readdirSync(defsDir).filter(isTest).sort();
  check("every example definition has a test file beside it", () => {
    const missing = readdirSync(defsDir).filter((n) => n.endsWith(".yaml") && !isTest(n))
      .filter((n) => !tests.includes(n.replace(/\.yaml$/, ".test.yaml")));
    return missing.length ? `no test file for ${missing.join(", ")}` : null;
  });
  for (const f of tests) {
    const text = readFileSync(join(defsDir, f), "utf8");
    check(`definitions/${f} passes the test-file schema`, () => {
      const errors = errorsOf(validateTest, parseDocument(text).toJS());
      return errors.length ? describe(errors) : null;
    });
    check(`definitions/${f} has a modeline that resolves to docs/transom-test.schema.json`, () => {
      const m = text.match(/^# yaml-language-server: \$schema=(\S+)$/m);
      if (!m) return "no '# yaml-language-server: $schema=...' line";
      const target = resolve(defsDir, m[1]);
      return target === testSchemaPath && existsSync(target) ? null : `${m[1]} resolves to ${target}`;
    });
  }
  check("a misspelt step in a test file is one error, at its line", () => {
    const text = "pipeline: p.yaml\ntests:\n  - name: t\n    steps:\n      - advance: 1s\n      - expekt: {outputs: []}\n";
    const errors = errorsOf(validateTest, parseDocument(text).toJS())
      .filter((e) => e.keyword === "additionalProperties");
    if (errors.length !== 1) return `${errors.length} errors: ${describe(errors)}`;
    const line = lineOf(text, errors[0].instancePath);
    return errors[0].params.additionalProperty === "expekt" && line === 6 ? null : `${describe(errors)} at line ${line}`;
  });
}

// The shared conformance cases that are valid pass (their placeholders filled as run-cases does).
const conformance = process.env.TRANSOM_CONFORMANCE;
if (conformance && existsSync(join(conformance, "cases"))) {
  const dir = join(conformance, "cases");
  for (const f of readdirSync(dir).filter((n) => n.endsWith(".yaml")).sort()) {
    for (const doc of parseAllDocuments(readFileSync(join(dir, f), "utf8"))) {
      const c = doc.toJS();
      if (!c || !c.definition || c.expect_invalid) continue;
      check(`conformance ${f}: ${c.name} passes the schema`, () => {
        const text = c.definition.replaceAll("{{late}}", "late.jsonl").replaceAll("{{out}}", "out.jsonl");
        const errors = errorsOf(validate, parseDocument(text).toJS());
        return errors.length ? describe(errors) : null;
      });
    }
  }
} else {
  console.log("(no TRANSOM_CONFORMANCE: the shared conformance cases are not checked)");
}

// Mistakes: each gives exactly the errors listed, at these JSON pointers.
const base = {
  source: "source: {kind: file, path: input/clicks.jsonl}",
  key: "key: event.user",
  clock: "clock: {kind: event, timestamp: event.ts, wait: 5s}",
  window: "window: {kind: tumbling, length: 1m}",
  aggregate: "aggregate: {count: true}",
};
function definition(over) {
  return Object.entries({ ...base, ...over }).map(([k, v]) => v ?? `${k}:`).join("\n") + "\n";
}
const mistakes = [
  ["a misspelt field in a file source", { source: "source: {kind: file, path: in.jsonl, folow: true}" },
    [["/source", "additionalProperties"]]],
  ["a misspelt required field in a tumbling window", { window: "window: {kind: tumbling, lenght: 1m}" },
    [["/window", "required"], ["/window", "additionalProperties"]]],
  ["a misspelt kind", { source: "source: {kind: fiel, path: in.jsonl}" }, [["/source/kind", "enum"]]],
  ["an empty length", { window: 'window: {kind: tumbling, length: ""}' }, [["/window/length", "pattern"]]],
  ["a length of 0s", { window: "window: {kind: tumbling, length: 0s}" }, [["/window/length", "pattern"]]],
  ["a length of 0ms", { window: "window: {kind: tumbling, length: 0ms}" }, [["/window/length", "pattern"]]],
  ["a length of 0m0s", { window: "window: {kind: tumbling, length: 0m0s}" }, [["/window/length", "pattern"]]],
  ["a length of PT0S", { window: "window: {kind: tumbling, length: PT0S}" }, [["/window/length", "pattern"]]],
  ["a session gap of PT0.0S", { window: "window: {kind: session, gap: PT0.0S}" }, [["/window/gap", "pattern"]]],
  ["a duration without a unit", { clock: "clock: {kind: event, timestamp: event.ts, wait: '10'}" },
    [["/clock/wait", "pattern"]]],
  ["a session fold without merge",
    { window: "window: {kind: session, gap: 30s}", aggregate: "aggregate: {fold: {init: '0', step: acc + value}}" },
    [["/aggregate/fold", "required"]]],
  ["a misspelt aggregate", { aggregate: "aggregate: {cuont: true}" }, [["/aggregate", "additionalProperties"]]],
  ["two aggregates", { aggregate: "aggregate: {count: true, sum: true}" },
    [["/aggregate/sum", "false schema"], ["/aggregate/count", "false schema"]]],
  ["a step with filter and map", { steps: "steps: [{filter: event.ok, map: event}]" },
    [["/steps/0/map", "false schema"], ["/steps/0/filter", "false schema"]]],
  ["a name with a space", { name: "name: My Pipeline" }, [["/name", "pattern"]]],
  ["a size without a unit", { limits: "limits: {memory: '64'}" }, [["/limits/memory", "pattern"]]],
];
for (const [name, over, expected] of mistakes) {
  check(`${name}: ${expected.map(([p, k]) => `${k} at ${p}`).join(", ")}`, () => {
    const text = definition(over);
    const errors = errorsOf(validate, parseDocument(text).toJS());
    const got = errors.map((e) => [e.instancePath, e.keyword]);
    if (JSON.stringify(got) !== JSON.stringify(expected)) return `got ${describe(errors) || "no error"}`;
    const missing = errors.find((e) => lineOf(text, e.instancePath) == null);
    return missing ? `no YAML node at ${missing.instancePath}` : null;
  });
}
// Zero is fine where the spec allows it (an event clock's wait), and a session fold with merge passes.
const fine = [
  ["a wait of 0s", { clock: "clock: {kind: event, timestamp: event.ts, wait: 0s}" }],
  ["a session fold with merge",
    { window: "window: {kind: session, gap: 30s}", aggregate: "aggregate: {fold: {init: '0', step: acc + value, merge: acc + other}}" }],
  ["a tumbling fold without merge", { aggregate: "aggregate: {fold: {init: '0', step: acc + value}}" }],
];
for (const [name, over] of fine) {
  check(`${name} passes`, () => {
    const errors = errorsOf(validate, parseDocument(definition(over)).toJS());
    return errors.length ? describe(errors) : null;
  });
}

console.log(`schema test: ${passed} checks ok, ${failed} failed`);
process.exit(failed ? 1 : 0);
