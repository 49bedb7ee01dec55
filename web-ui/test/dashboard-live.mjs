// The dashboard under live traffic, as a user keeps it open: history on first load, the overview, a pipeline's
// shape, charts, checkpoints, reloads and sinks, open windows updated in place, the outputs chart, zones,
// grouped item errors, a removed pipeline, accessibility; then the 50-pipeline scale check (dashboard-scale.mjs).
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import { CLICKS, shots, freePort, startServer, stop, define, step, waitFor, getJson, post, refreshes, sleep } from './dashboard-helpers.mjs';
import { scaleTests } from './dashboard-scale.mjs';

const shop = (hook) => `name: shop
source: {kind: http}
steps:
  - filter: event.amount > 0
key: event.user
value: event.amount
clock: {kind: event, timestamp: event.ts, wait: 1s}
window: {kind: tumbling, length: 2s}
aggregate: {sum: true}
then:
  - map: '{"user": result.key, "total": result.value}'
sinks:
  - {kind: file, path: out/shop.jsonl}
  - {kind: webhook, url: '${hook}'}
checkpoint: {interval: 500ms}
`;

const FAST_CLICKS = CLICKS.replace('length: 4s', 'length: 2s');

// windows of 10 minutes that wait 1 s: one opened at its start has all its time left, one opened halfway half
const QUIET = CLICKS.replace('name: clicks', 'name: quiet').replace('length: 4s', 'length: 10m');

const REPORT = `name: report
source: {kind: file, path: input/report.jsonl}
key: event.user
clock: {kind: event, timestamp: event.ts, wait: 1s}
window: {kind: tumbling, length: 1m}
aggregate: {count: true}
sinks:
  - {kind: file, path: out/report.jsonl}
checkpoint: {interval: 300ms}
`;

/** A webhook receiver that takes every batch (a JSON array) and counts its records. */
async function receiver() {
  const port = await freePort();
  const got = { records: 0 };
  const srv = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      try { got.records += JSON.parse(body).length; } catch { /* counted as nothing */ }
      res.writeHead(200).end();
    });
  });
  await new Promise((ok) => srv.listen(port, '127.0.0.1', ok));
  return { url: `http://127.0.0.1:${port}/hook`, got, close: () => new Promise((ok) => { srv.closeAllConnections(); srv.close(ok); }) };
}

/** Events into shop and clicks four times a second until stopped: the live traffic the page is looked at under. */
function traffic(base) {
  let n = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const ts = new Date().toISOString();
      n += 1;
      await Promise.all([
        post(base, 'shop', [{ user: `u${n % 4}`, amount: 1 + (n % 9), ts }]),
        post(base, 'clicks', [{ user: `k${String(n % 12).padStart(2, '0')}`, ts }]),
      ]).catch(() => {});
      await sleep(250);
    }
  })();
  return { stop: async () => { running = false; await loop; } };
}

/** The WCAG contrast ratio of two CSS rgb() colours. */
function contrast(a, b) {
  const lum = (c) => {
    const [r, g, bl] = c.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number).map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

export async function liveTests(browser) {
  const dir = mkdtempSync(join(tmpdir(), 'transom-dash-live-'));
  mkdirSync(join(dir, 'defs'));
  mkdirSync(join(dir, 'input'));
  writeFileSync(join(dir, 'input', 'report.jsonl'), ['a', 'b', 'a', 'c', 'a'].map((u, i) =>
    JSON.stringify({ user: u, ts: `2030-01-01T00:00:0${i}Z` })).join('\n') + '\n');
  const hook = await receiver();
  define(dir, 'shop.yaml', shop(hook.url));
  define(dir, 'clicks.yaml', FAST_CLICKS);
  define(dir, 'quiet.yaml', QUIET);
  define(dir, 'report.yaml', REPORT);
  const server = await startServer(dir);
  const base = server.base;
  const live = traffic(base);
  // Berlin: "local time" must then differ from UTC, whatever zone the machine is in
  const context = await browser.newContext({ timezoneId: 'Europe/Berlin', viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const failedRequests = [];
  page.on('response', (r) => { if (r.status() >= 400 && !r.url().includes('/api/')) failedRequests.push(`${r.status()} ${r.url()}`); });
  try {
    // the server keeps history whether or not a page is open: wait for a few seconds of it
    await waitFor('8 samples with traffic', async () => {
      const h = await getJson(base, '/api/pipelines/shop/history');
      return h.samples.time_ms.length >= 8 && h.samples.in.some((v) => v > 0);
    });

    await step('a page opened now shows the past: sparklines and charts start with the server\'s history', async () => {
      await page.goto(`${base}/`);
      await page.waitForFunction(() => Number(document.querySelector('tr[data-pipeline="shop"] svg.spark.in')?.dataset.points) > 0,
        null, { timeout: 15000 });
      const { points, seen } = await page.evaluate(() => ({
        points: Number(document.querySelector('tr[data-pipeline="shop"] svg.spark.in').dataset.points),
        seen: window.transomStats.refreshes,
      }));
      // after at most two refreshes a page could have gathered two samples itself: the rest came from the server
      assert.ok(seen <= 2 && points >= 8, `${points} points after ${seen} refreshes`);
      await page.goto(`${base}/#/pipelines/shop`);
      await page.waitForFunction(() => Number(document.querySelector('#rate-chart')?.dataset.points) > 0, null, { timeout: 15000 });
      const chart = await page.evaluate(() => ({ points: Number(document.querySelector('#rate-chart').dataset.points),
        seen: window.transomStats.refreshes }));
      assert.ok(chart.seen <= 2 && chart.points >= 8, `${chart.points} chart points after ${chart.seen} refreshes`);
    });

    await step('the overview answers "is everything fine?": rates, lag, queue, sinks, finished, last reload', async () => {
      await page.goto(`${base}/`);
      const row = page.locator('tr[data-pipeline="shop"]');
      await row.waitFor({ timeout: 15000 });
      await page.waitForFunction(() => Number(document.querySelector('tr[data-pipeline="shop"] td.in .value')?.innerText) > 0,
        null, { timeout: 15000 });
      assert.match(await row.locator('.status').innerText(), /running/);
      await page.waitForFunction(() => document.querySelectorAll('tr[data-pipeline="shop"] td.sinks .health.ok').length === 2,
        null, { timeout: 20000 });
      assert.match(await row.locator('td.sinks').innerText(), /file\s+ok[\s\S]*webhook\s+ok/);
      assert.match(await row.locator('td.queue .value').innerText(), /^\d[\d,]* \/ 100,000$/);
      assert.notEqual(await row.locator('td.queue .bar').getAttribute('aria-valuenow'), null);
      assert.match(await row.locator('td.lag .value').innerText(), /\d+(\.\d+)? (ms|s)/);
      assert.match(await row.locator('td.reload').innerText(), /deployed[\s\S]*v1 · \d\d:\d\d:\d\d(\.\d{3})? UTC/);
      await page.locator('tr[data-pipeline="report"] .status', { hasText: 'finished' }).waitFor({ timeout: 20000 });
      const out = await row.locator('td.out .value').innerText();
      assert.notEqual(out, '0', 'outputs per second over a minute, not a one-second delta');
      await page.screenshot({ path: join(shots, '7-overview-live.png'), fullPage: true });
    });

    await step('the pipeline page draws the shape: source, steps, windows, then, two sinks and late, with counts', async () => {
      await page.goto(`${base}/#/pipelines/shop`);
      await page.locator('#shape g.node').first().waitFor({ timeout: 15000 });
      const kinds = await page.locator('#shape g.node').evaluateAll((gs) => gs.map((g) => g.classList[1]));
      assert.deepEqual(kinds, ['source', 'steps', 'windowing', 'errors', 'then', 'sink', 'sink', 'late']);
      // a long name is cut short in its box; its tooltip has all of it
      const labels = (await page.locator('#shape g.node > title').allTextContents()).map((t) => t.split('\n')[0]);
      assert.ok(labels.includes('file out/shop.jsonl'), labels.join());
      assert.ok(labels.some((l) => l.startsWith('webhook http://127.0.0.1:')), labels.join());
      await live.stop(); // the counts held still, to compare them with the server's
      const counters = await waitFor('the pipeline at rest', async () => {
        const a = (await getJson(base, '/api/pipelines/shop')).counters;
        await sleep(300);
        const b = (await getJson(base, '/api/pipelines/shop')).counters;
        return a.in === b.in && b.in > 0 ? b : null;
      });
      await page.waitForFunction((n) => document.querySelector('[data-edge="source>steps"] .count')?.textContent === `${n} events in`,
        counters.in.toLocaleString('en'), { timeout: 15000 });
      const edges = await page.locator('#shape ul.edges li').count();
      assert.equal(edges, 7, 'each edge is also listed as text');
      await page.screenshot({ path: join(shots, '8-pipeline-live.png'), fullPage: true });
    });

    await step('rate and lag charts have a time axis in the chosen zone; checkpoints are listed', async () => {
      assert.equal(await page.locator('#rate-chart').getAttribute('data-x-axis'), 'time (UTC)');
      assert.equal(await page.locator('#rate-chart canvas').count() > 0, true, 'uPlot drew it');
      assert.match(await page.locator('#rate-chart .u-legend').innerText(), /events in\/s[\s\S]*outputs\/s/);
      const cp = page.locator('table[aria-label="checkpoints"] tbody tr');
      await cp.first().waitFor({ timeout: 15000 });
      const first = await cp.last().innerText(); // the oldest shown; the newest is first
      assert.match(first, /\d+ ms/);
      assert.match(await cp.first().innerText(), /stored/);
      assert.match(await page.locator('table[aria-label="checkpoints"]').innerText(), /full/);
    });

    await step('each sink shows what it delivered, what waits, failed attempts and the last error', async () => {
      const hookRow = page.locator('#sinks tr[data-sink^="webhook http://127.0.0.1:"]');
      await page.waitForFunction(() => Number(document.querySelector('#sinks tr[data-sink^="webhook"] td:nth-child(3)')
        ?.innerText.replace(/,/g, '')) > 0, null, { timeout: 20000 });
      const delivered = Number((await hookRow.locator('td').nth(1).innerText()).replace(/,/g, ''));
      assert.ok(delivered > 0 && delivered <= hook.got.records, `${delivered} shown, ${hook.got.records} received`);
      assert.match(await hookRow.locator('td.pending').innerText(), /^\d+ \/ 10,000$/);
      assert.match(await hookRow.innerText(), /ok/);
      assert.match(await page.locator('#sinks tr[data-sink="file out/shop.jsonl"]').innerText(), /ok/);
    });

    await step('reloads are listed: which parts changed, and whether the windows were kept or flushed', async () => {
      define(dir, 'shop.yaml', shop(hook.url).replace('"total": result.value', '"sum": result.value'));
      await page.locator('table[aria-label="reloads"] tr.kept').waitFor({ timeout: 20000 });
      const kept = await page.locator('table[aria-label="reloads"] tr.kept').innerText();
      assert.match(kept, /reloaded, windows kept/);
      assert.match(kept, /then/);
      define(dir, 'shop.yaml', shop(hook.url).replace('length: 2s', 'length: 3s'));
      await page.locator('table[aria-label="reloads"] tr.flushed').waitFor({ timeout: 20000 });
      const flushed = await page.locator('table[aria-label="reloads"] tr.flushed').innerText();
      assert.match(flushed, /windows flushed/);
      assert.match(flushed, /window, then/, 'against the version it replaced');
    });

    await step('open windows update in place: an open "why?" stays open, opening it moves nothing, the bar is right', async () => {
      await post(base, 'quiet', [{ user: 'fresh', ts: '2030-01-01T00:00:00Z' }, { user: 'half', ts: '2030-01-01T00:05:00Z' }]);
      await page.goto(`${base}/#/pipelines/quiet`);
      const fresh = page.locator('#windows tr[data-key="fresh"]');
      await fresh.waitFor({ timeout: 15000 });
      await page.locator('#windows tr[data-key="half"]').waitFor({ timeout: 15000 });
      const bar = async (k) => Number(await page.locator(`#windows tr[data-key="${k}"] .bar`).getAttribute('aria-valuenow'));
      assert.ok(await bar('fresh') >= 90, `a window that has just opened has its time left: ${await bar('fresh')}%`);
      const half = await bar('half');
      assert.ok(half >= 40 && half <= 55, `one opened halfway has about half: ${half}%`);
      const box = () => page.evaluate(() => {
        const t = document.querySelector('table.windows').getBoundingClientRect();
        const row = document.querySelector('#windows tr[data-key="half"]').getBoundingClientRect();
        return JSON.stringify([t.height, t.width, row.top - t.top, row.height]); // clicking may scroll the page: relative to the table
      });
      const before = await box();
      await page.evaluate(() => { document.querySelector('#windows tr[data-key="fresh"]').dataset.marked = 'yes'; });
      await fresh.locator('summary').click();
      assert.equal(await box(), before, 'the answer floats over the table');
      const seen = await page.evaluate(() => {
        const w = document.querySelector('#windows tr[data-key="fresh"] .why-text');
        w.scrollIntoView({ block: 'center' });
        const r = w.getBoundingClientRect();
        return w.contains(document.elementFromPoint(r.left + r.width / 2, r.bottom - 4));
      });
      assert.ok(seen, 'the whole answer is visible, not cut off by the table');
      await refreshes(page, 3);
      assert.equal(await fresh.locator('details').getAttribute('open'), '', 'still open three refreshes later');
      assert.equal(await fresh.getAttribute('data-marked'), 'yes', 'the same row, updated in place');
      assert.match(await fresh.locator('.why-text').innerText(), /watermark[\s\S]*UTC/);
      await page.screenshot({ path: join(shots, '9-why-open.png'), fullPage: true });
    });

    await step('times carry their zone: UTC by default, local on request, never microseconds', async () => {
      const open = page.locator('#windows tr[data-key="fresh"] td.open');
      assert.equal(await open.innerText(), '2030-01-01 00:00:00 UTC');
      await page.selectOption('#zone', 'local');
      await page.waitForFunction(() => document.querySelector('#windows tr[data-key="fresh"] td.open')?.innerText.startsWith('2030-01-01 01:00:00'),
        null, { timeout: 15000 });
      assert.doesNotMatch(await open.innerText(), /UTC|\.\d{4,}/);
      assert.equal(await page.locator('#rate-chart').getAttribute('data-x-axis'), 'time (local)');
      await page.selectOption('#zone', 'utc');
      await page.waitForFunction(() => document.querySelector('#windows tr[data-key="fresh"] td.open')?.innerText.endsWith('UTC'),
        null, { timeout: 15000 });
    });

    await step('the outputs chart: labelled time axis, stable key colours, a choice of keys, mapped outputs as they are', async () => {
      const liveAgain = traffic(base);
      try {
        await page.goto(`${base}/#/pipelines/clicks`);
        await page.waitForFunction(() => /showing 8 of 1[0-2] keys/.test(document.querySelector('#chart-note')?.innerText || ''),
          null, { timeout: 30000 });
        assert.equal(await page.locator('#chart').getAttribute('data-x-axis'), 'time (UTC)');
        await page.fill('#chart-n', '3');
        await page.locator('#chart-n').dispatchEvent('change');
        await page.waitForFunction(() => (document.querySelector('#chart').dataset.keys || '').split(',').length === 3, null, { timeout: 10000 });
        assert.match(await page.locator('#chart-note').innerText(), /showing 3 of/);
        const colours = () => page.evaluate(() => Object.fromEntries([...document.querySelectorAll('#chart .u-legend .u-series')]
          .slice(1).map((s) => [s.querySelector('.u-label').innerText.trim(), s.querySelector('.u-marker').style.borderColor])));
        const before = await colours();
        assert.equal(Object.keys(before).length, 3, JSON.stringify(before));
        await page.selectOption('#chart-order', 'recent');
        await page.waitForFunction(() => /showing 3 of/.test(document.querySelector('#chart-note').innerText), null, { timeout: 10000 });
        await page.reload();
        await page.waitForFunction(() => /showing 8 of/.test(document.querySelector('#chart-note')?.innerText || ''), null, { timeout: 20000 });
        await page.fill('#chart-n', '12');
        await page.locator('#chart-n').dispatchEvent('change');
        await page.waitForFunction(() => (document.querySelector('#chart').dataset.keys || '').split(',').length === 12, null, { timeout: 20000 });
        const after = await colours();
        for (const [k, c] of Object.entries(before)) assert.equal(after[k], c, `${k} keeps its colour after a reload`);
        await page.goto(`${base}/#/pipelines/shop`);
        const mapped = page.locator('#outputs tr.output', { hasText: 'as mapped' });
        await mapped.first().waitFor({ timeout: 20000 });
        assert.match(await mapped.first().innerText(), /"user":"u\d"/);
        await page.waitForFunction(() => /plotting “(sum|total)”/.test(document.querySelector('#chart-note')?.innerText || ''), null, { timeout: 20000 });
      } finally {
        await liveAgain.stop();
      }
    });

    await step('item errors are grouped by message, with a count and the latest event', async () => {
      await post(base, 'shop', Array.from({ length: 20 }, (_, i) => ({ user: 'bad', amount: `x${i}`, ts: new Date().toISOString() })));
      await page.goto(`${base}/#/pipelines/shop`);
      const group = page.locator('#errors tr.error-group');
      await page.waitForFunction(() => document.querySelector('#errors tr.error-group td.count')?.innerText === '20', null, { timeout: 20000 });
      assert.equal(await group.count(), 1, 'twenty identical errors are one line');
      await group.locator('summary').click();
      assert.match(await group.locator('pre').innerText(), /"amount":"x19"/);
    });

    await step('a removed pipeline\'s page says so and links back', async () => {
      await page.goto(`${base}/#/pipelines/quiet`);
      await page.locator('#windows tr[data-key="fresh"]').waitFor({ timeout: 15000 });
      assert.equal((await fetch(`${base}/api/pipelines/quiet`, { method: 'DELETE' })).status, 200);
      const removed = page.locator('#removed');
      await removed.waitFor({ state: 'visible', timeout: 15000 });
      assert.match(await removed.innerText(), /no longer on this server/);
      await removed.locator('a[href="#/"]').click();
      await page.locator('tr[data-pipeline="shop"]').waitFor({ timeout: 15000 });
      await page.goto(`${base}/#/pipelines/never-was`);
      await page.locator('#removed', { hasText: 'no longer on this server' }).waitFor({ timeout: 15000 });
    });

    await step('keyboard, labels and contrast; no request of the page fails (favicon included)', async () => {
      await page.goto(`${base}/`);
      await page.locator('tr[data-pipeline="shop"]').waitFor({ timeout: 15000 });
      for (let i = 0; i < 30 && !(await page.evaluate(() => document.activeElement?.getAttribute('href') === '#/pipelines/shop')); i++) {
        await page.keyboard.press('Tab');
      }
      await page.keyboard.press('Enter');
      await page.waitForURL(/#\/pipelines\/shop$/);
      await page.locator('#summary .card').first().waitFor({ timeout: 15000 });
      for (const label of ['Times in', 'Key', 'Keys', 'how many']) {
        assert.equal(await page.getByLabel(label, { exact: true }).count(), 1, `a control labelled "${label}"`);
      }
      const colours = await page.evaluate(() => [...document.querySelectorAll('.muted, .status, .problems, a, .health b, th')]
        .filter((e) => e.offsetParent !== null).slice(0, 200).map((e) => getComputedStyle(e).color));
      for (const c of new Set(colours)) assert.ok(contrast(c, 'rgb(255, 255, 255)') >= 4.5, `${c} on white: ${contrast(c, 'rgb(255, 255, 255)').toFixed(2)}`);
      const icon = await fetch(`${base}/favicon.svg`);
      assert.equal(icon.status, 200);
      assert.deepEqual(failedRequests, []);
    });

    await scaleTests(page, dir, base);
  } finally {
    await live.stop();
    await context.close();
    await stop(server);
    await hook.close();
  }
}
