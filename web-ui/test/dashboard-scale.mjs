// 50 pipelines and 10,000 open windows: the page stays responsive. Each refresh's time is measured in the browser
// (window.transomStats) and printed; nothing is asserted about it (timing goals live in benchmarks).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { shots, define, step, waitFor, getJson, post, refreshes } from './dashboard-helpers.mjs';

const many = (name) => `name: ${name}
source: {kind: http}
key: event.user
clock: {kind: event, timestamp: event.ts, wait: 1h}
window: {kind: tumbling, length: 1h}
aggregate: {count: true}
`;

/** The page's own measure of its next `n` refreshes: the median and the slowest, fetches included and drawing only. */
async function measure(page, n) {
  const took = [];
  for (let i = 0; i < n; i++) {
    await refreshes(page, 1);
    took.push(await page.evaluate(() => [window.transomStats.lastRefreshMs, window.transomStats.lastDrawMs]));
  }
  const stat = (k) => {
    const v = took.map((t) => t[k]).sort((a, b) => a - b);
    return `median ${v[Math.floor(v.length / 2)].toFixed(1)} ms, slowest ${v[v.length - 1].toFixed(1)} ms`;
  };
  return `refresh ${stat(0)}; drawing ${stat(1)}`;
}

export async function scaleTests(page, dir, base) {
  await step('50 pipelines and 10,000 open windows: rows and windows paged, a refresh measured', async () => {
    const have = (await getJson(base, '/api/pipelines')).pipelines.length;
    const names = Array.from({ length: 50 - have }, (_, i) => `bulk-${String(i).padStart(2, '0')}`);
    for (const n of names) define(dir, `${n}.yaml`, many(n));
    await waitFor('50 pipelines', async () => (await getJson(base, '/api/pipelines')).pipelines.length === 50, 60000);
    const ts = '2030-01-01T00:00:00Z';
    await post(base, names[0], Array.from({ length: 10000 }, (_, i) => ({ user: `user-${String(i).padStart(5, '0')}`, ts })));
    await Promise.all(names.slice(1).map((n) => post(base, n, Array.from({ length: 20 }, (_, i) => ({ user: `u${i}`, ts })))));
    await waitFor('10,000 windows', async () => (await getJson(base, `/api/pipelines/${names[0]}`)).open_windows === 10000, 60000);

    await page.goto(`${base}/`);
    await page.locator(`tr[data-pipeline="${names[names.length - 1]}"]`).waitFor({ timeout: 20000 });
    assert.equal(await page.locator('#pipelines tr[data-pipeline]').count(), 50);
    const layout = await page.evaluate(() => ({
      width: document.querySelector('table.overview').getBoundingClientRect().width,
      wrapped: [...document.querySelectorAll('table.overview .file code')].filter((c) => c.getClientRects().length > 1
        || c.getBoundingClientRect().height > 1.6 * parseFloat(getComputedStyle(c).lineHeight || '16')).length,
    }));
    assert.ok(layout.width > 1300, `the table uses the window's width (1400 px), not ~1180: ${layout.width}`);
    assert.equal(layout.wrapped, 0, 'no file name wraps');
    await page.evaluate(() => { document.querySelector('#pipelines tr[data-pipeline]').dataset.marked = 'yes'; });
    const overview = await measure(page, 5);
    assert.equal(await page.locator('#pipelines tr[data-marked="yes"]').count(), 1, 'rows are updated, not made again');
    await page.screenshot({ path: join(shots, '10-fifty-pipelines.png'), fullPage: true });

    await page.goto(`${base}/#/pipelines/${names[0]}`);
    await page.locator('#windows tr[data-key="user-00049"]').waitFor({ timeout: 20000 });
    assert.equal(await page.locator('#windows tr[data-key]').count(), 50, 'a page of 50 of the 10,000');
    const windows = await measure(page, 5);
    await page.click('#next');
    await page.locator('#windows tr[data-key="user-00099"]').waitFor({ timeout: 20000 });
    assert.match(await page.locator('#page').innerText(), /^51–100/);
    assert.equal(await page.locator('#windows tr[data-key]').count(), 50);
    console.log(`measured: the overview of 50 pipelines: ${overview}`);
    console.log(`measured: the page of a pipeline with 10,000 open windows (50 shown): ${windows}`);
  });
}
