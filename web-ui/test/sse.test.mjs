// The live-outputs stream read by the npm `eventsource` package, the EventSource our users run in
// Node, against the real jar with a token. Between the client and the server sits a TCP relay the
// test can cut, so the client's own reconnect (after `retry:`, with `Last-Event-ID`) is what resumes.
// Prints "ok   NAME" or "FAIL NAME: why" per check, then "sse client test: N checks ok, M failed".
// Run: TRANSOM_JAR=server/target/transom.jar node web-ui/test/sse.test.mjs   (SseClientIT does this)
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import net from 'node:net';
import { EventSource } from 'eventsource';

const jar = resolve(process.env.TRANSOM_JAR || 'server/target/transom.jar');
const TOKEN = 'n0de-Client_t0ken';
const VIEWS = `name: views
source: {kind: http}
key: event.k
clock: {kind: event, timestamp: event.ts, wait: 0s}
window: {kind: tumbling, length: 1s}
aggregate: {count: true}
`;

function freePort() {
  return new Promise((ok) => { const s = net.createServer(); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => ok(p)); }); });
}

/** A TCP relay to the server whose open connections can be cut, as a network drop would. */
async function relay(port) {
  const open = new Set();
  const server = net.createServer((client) => {
    const up = net.connect(port, '127.0.0.1');
    open.add(client);
    open.add(up);
    client.pipe(up);
    up.pipe(client);
    const drop = () => { client.destroy(); up.destroy(); open.delete(client); open.delete(up); };
    client.on('error', drop).on('close', drop);
    up.on('error', drop).on('close', drop);
  });
  const listenPort = await freePort();
  await new Promise((ok) => server.listen(listenPort, '127.0.0.1', ok));
  return { port: listenPort, cut: () => [...open].forEach((s) => s.destroy()), close: () => server.close() };
}

const dir = mkdtempSync(join(tmpdir(), 'transom-sse-'));
mkdirSync(join(dir, 'defs'));
writeFileSync(join(dir, 'defs', 'views.yaml'), VIEWS);
const port = await freePort();
const link = await relay(port);
// The relay's port is in the Host the client sends: a name the server answers to, as a proxy's would be.
const proc = spawn('java', ['-jar', jar, 'serve', '--definitions', join(dir, 'defs'), '--data', join(dir, 'data'),
  '--port', String(port), '--token', TOKEN, '--allow-host', `127.0.0.1:${link.port}`], { stdio: ['ignore', 'inherit', 'inherit'] });
const base = `http://127.0.0.1:${port}`;
const auth = { Authorization: `Bearer ${TOKEN}` };

async function until(what, check, ms = 30000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function post(prefix, n) {
  const ts = new Date().toISOString();
  const body = Array.from({ length: n }, (_, i) => JSON.stringify({ k: `${prefix}${i}`, ts })).join('\n');
  const res = await fetch(`${base}/api/pipelines/views/events`, { method: 'POST', headers: auth, body });
  assert.equal(res.status, 202, await res.text());
}

async function outputCount() {
  const res = await fetch(`${base}/api/pipelines/views/outputs?limit=1000`, { headers: auth });
  return (await res.json()).outputs.length;
}

let passed = 0;
let failed = 0;
async function check(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`ok   ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}: ${e.stack || e}`);
    throw e;
  }
}

let es = null;
try {
  await until('the server', async () => { try { return (await fetch(`${base}/health`)).ok; } catch { return false; } });
  const received = []; // every event the client dispatched: {type, id, data}
  es = new EventSource(`http://127.0.0.1:${link.port}/api/pipelines/views/outputs/stream?access_token=${encodeURIComponent(TOKEN)}`);
  for (const type of ['output', 'gap', 'reload', 'deleted', 'message']) {
    es.addEventListener(type, (e) => received.push({ type, id: e.lastEventId, data: JSON.parse(e.data) }));
  }
  const outputs = () => received.filter((e) => e.type === 'output');
  await until('the stream to open', () => es.readyState === EventSource.OPEN);

  await check('outputs arrive as named output events, each with its own id', async () => {
    await post('a', 3);
    await until('3 outputs', () => outputs().length === 3);
    const ids = outputs().map((e) => e.id);
    const inc = ids[0].replace(/-\d+$/, '');
    assert.match(inc, /^[0-9a-f]{12}$/);
    assert.deepEqual(ids, [1, 2, 3].map((n) => `${inc}-${n}`));
    assert.ok(received.every((e) => e.type !== 'message'), 'no unnamed events');
  });

  await check('after a dropped connection the client resumes from Last-Event-ID: what closed meanwhile, once', async () => {
    link.cut();
    await until('the client to notice', () => es.readyState === EventSource.CONNECTING);
    await post('b', 3); // closes while the client waits its retry interval
    await until('the server to close them', async () => (await outputCount()) === 6);
    await until('the resumed outputs', () => outputs().length >= 6);
    await post('c', 1);
    await until('the next live output', () => outputs().length >= 7);
    const inc = outputs()[0].id.replace(/-\d+$/, '');
    assert.deepEqual(outputs().map((e) => e.id), [1, 2, 3, 4, 5, 6, 7].map((n) => `${inc}-${n}`));
    assert.deepEqual(outputs().slice(3, 6).map((e) => e.data.key).sort(), ['b0', 'b1', 'b2']);
    assert.ok(!received.some((e) => e.type === 'gap'), 'no gap: nothing was lost');
  });

  await check('a PUT that changes the windowing is a reload event saying the windows were flushed', async () => {
    const res = await fetch(`${base}/api/pipelines/views`, { method: 'PUT', headers: auth, body: VIEWS.replace('length: 1s', 'length: 2s') });
    const text = await res.text();
    assert.equal(res.status, 200, text);
    const { version } = JSON.parse(text);
    const reload = await until('reload', () => received.find((e) => e.type === 'reload'));
    assert.deepEqual(reload.data, { pipeline: 'views', version, windows: 'flushed' });
  });

  await check('DELETE is a deleted event; reconnecting to the pipeline created again gives a gap, not old ids', async () => {
    const before = received.length;
    const del = await fetch(`${base}/api/pipelines/views`, { method: 'DELETE', headers: auth });
    assert.equal(del.status, 200, await del.text());
    await until('deleted', () => received.slice(before).find((e) => e.type === 'deleted'));
    // the client reconnects by itself after retry (2 s): by then the id exists again, as a new pipeline
    const put = await fetch(`${base}/api/pipelines/views`, { method: 'PUT', headers: auth, body: VIEWS });
    assert.equal(put.status, 201, await put.text());
    const gap = await until('gap', () => received.slice(before).find((e) => e.type === 'gap'));
    assert.equal(gap.data.reason, 'other_run');
    assert.equal(gap.data.outputs, '/api/pipelines/views/outputs?limit=1000');
    await post('d', 1);
    const fresh = await until('an output of the new pipeline', () => received.slice(before).find((e) => e.type === 'output'));
    assert.notEqual(fresh.id.replace(/-\d+$/, ''), outputs()[0].id.replace(/-\d+$/, ''));
    assert.match(fresh.id, /-1$/);
  });

  await check('a wrong access_token is refused with 401 and the client stops', async () => {
    const bad = new EventSource(`${base}/api/pipelines/views/outputs/stream?access_token=wrong`);
    const err = await new Promise((ok) => bad.addEventListener('error', ok, { once: true }));
    assert.equal(err.code, 401);
    assert.equal(bad.readyState, EventSource.CLOSED);
    bad.close();
  });
} catch (e) {
  if (!failed) { failed++; console.log(`FAIL setting up: ${e.stack || e}`); } // a check's own failure is reported above
} finally {
  if (es) es.close();
  link.close();
  await new Promise((ok) => { proc.once('exit', ok); proc.kill('SIGTERM'); });
}
console.log(`sse client test: ${passed} checks ok, ${failed} failed`);
process.exit(failed || passed === 0 ? 1 : 0);
