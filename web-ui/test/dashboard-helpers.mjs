// What the dashboard's browser tests share: the real jar started as a process on a free port, definitions
// written into its watched directory, the test steps and their `ok   ` lines (DashboardIT counts them).
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync, renameSync } from 'node:fs';
import { join, resolve } from 'node:path';
import net from 'node:net';

/** Counts per user in 4 s windows of event time, waiting 1 s: the definition most steps start from. */
export const CLICKS = `name: clicks
source: {kind: http}
key: event.user
clock: {kind: event, timestamp: event.ts, wait: 1s}
window: {kind: tumbling, length: 4s}
aggregate: {count: true}
`;

export const jar = resolve(process.env.TRANSOM_JAR || 'server/target/transom.jar');
export const shots = resolve(process.env.SCREENSHOTS || 'server/target/dashboard-screenshots');
mkdirSync(shots, { recursive: true });

export function freePort() {
  return new Promise((ok) => { const s = net.createServer(); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => ok(p)); }); });
}

export async function startServer(dir, extra = []) {
  const port = await freePort();
  // in its own directory: the relative paths of file sources and sinks stay in it
  const proc = spawn('java', ['-jar', jar, 'serve', '--definitions', join(dir, 'defs'), '--data', join(dir, 'data'), '--port', String(port), ...extra],
    { stdio: ['ignore', 'inherit', 'inherit'], cwd: dir });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    try { if ((await fetch(`${base}/health`)).ok) return { proc, base }; } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server did not start');
}

export function stop(server) {
  return new Promise((ok) => { server.proc.once('exit', ok); server.proc.kill('SIGTERM'); });
}

/** Writes a definition the way an editor saving atomically would. */
export function define(dir, name, text) {
  const tmp = join(dir, 'defs', `.${name}.tmp`);
  writeFileSync(tmp, text);
  renameSync(tmp, join(dir, 'defs', name));
}

export const results = [];

export async function step(name, fn) {
  try {
    await fn();
    results.push(`ok   ${name}`);
  } catch (e) {
    results.push(`FAIL ${name}: ${e.message}`);
    throw e;
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` (async, truthy when done) with a deadline; returns its last value. */
export async function waitFor(what, check, timeoutMs = 20000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

export async function getJson(base, path) {
  return (await fetch(`${base}${path}`)).json();
}

export async function post(base, pipeline, events) {
  const body = events.map((e) => JSON.stringify(e)).join('\n');
  const res = await fetch(`${base}/api/pipelines/${pipeline}/events`, { method: 'POST', body });
  if (res.status !== 202) throw new Error(`POST to ${pipeline}: ${res.status} ${await res.text()}`);
}

/** Waits until the page has refreshed `n` more times (its own counter, window.transomStats). */
export async function refreshes(page, n) {
  const start = await page.evaluate(() => window.transomStats.refreshes);
  await page.waitForFunction((target) => window.transomStats.refreshes >= target, start + n, { timeout: 20000 });
}

export const LAUNCH = {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
};
