// Dashboard tests in a real headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core).
// Starts the real jar, posts events over HTTP, and checks what a user sees: the basics and a token here, the
// page under live traffic in dashboard-live.mjs, 50 pipelines and 10,000 open windows in dashboard-scale.mjs.
// Run: TRANSOM_JAR=server/target/transom.jar node web-ui/test/dashboard.test.mjs   (DashboardIT does this)
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import { chromium } from 'playwright-core';
import { CLICKS, shots, freePort, startServer, stop, define, results, step, LAUNCH } from './dashboard-helpers.mjs';
import { liveTests } from './dashboard-live.mjs';

const browser = await chromium.launch(LAUNCH);
let failed = false;
try {
  // --- an open server ------------------------------------------------------------------------
  const dir = mkdtempSync(join(tmpdir(), 'transom-dash-'));
  mkdirSync(join(dir, 'defs'));
  define(dir, 'clicks.yaml', CLICKS);
  const server = await startServer(dir);
  const page = await browser.newPage();
  try {
    await step('the pipelines view lists the pipeline', async () => {
      await page.goto(`${server.base}/`);
      await page.locator('tr[data-pipeline="clicks"]').waitFor({ timeout: 15000 });
      assert.match(await page.locator('tr[data-pipeline="clicks"] .status').innerText(), /running/);
      await page.screenshot({ path: join(shots, '1-pipelines.png'), fullPage: true });
    });

    await step('the open-window table shows the posted key with the right count', async () => {
      const now = new Date().toISOString();
      const body = [1, 2, 3].map(() => JSON.stringify({ user: 'alice', ts: now })).join('\n');
      const res = await fetch(`${server.base}/api/pipelines/clicks/events`, { method: 'POST', body });
      assert.equal(res.status, 202);
      await page.goto(`${server.base}/#/pipelines/clicks`);
      const row = page.locator('#windows tr[data-key="alice"]');
      await row.waitFor({ timeout: 15000 });
      assert.equal((await row.locator('td.count').innerText()).trim(), '3');
      await page.screenshot({ path: join(shots, '2-open-window.png'), fullPage: true });
    });

    await step('a closed window appears in live outputs without reloading the page', async () => {
      const output = page.locator('#outputs tr.output', { hasText: 'alice' });
      await output.first().waitFor({ timeout: 20000 });
      assert.match(await output.first().innerText(), /3/);
      assert.match(page.url(), /#\/pipelines\/clicks$/);
      await page.screenshot({ path: join(shots, '3-live-output.png'), fullPage: true });
    });

    await step('an unreachable webhook shows its pending record and last error', async () => {
      define(dir, 'hooked.yaml', CLICKS.replace('name: clicks', 'name: hooked')
        + "sinks:\n  - {kind: webhook, url: 'http://127.0.0.1:9/nothing', timeout: 1s}\n");
      for (let i = 0; i < 150 && (await fetch(`${server.base}/api/pipelines/hooked`)).status !== 200; i++) {
        await new Promise((r) => setTimeout(r, 100));
      }
      const body = JSON.stringify({ user: 'bob', ts: new Date().toISOString() });
      assert.equal((await fetch(`${server.base}/api/pipelines/hooked/events`, { method: 'POST', body })).status, 202);
      await page.goto(`${server.base}/#/pipelines/hooked`);
      const row = page.locator('tr[data-sink="webhook http://127.0.0.1:9/nothing"]');
      await row.locator('.problems').waitFor({ timeout: 20000 });
      await page.waitForFunction(() => /^1\b/.test(document.querySelector('tr[data-sink] td.pending')?.innerText || ''),
        null, { timeout: 20000 });
      await page.screenshot({ path: join(shots, '4-deliveries.png'), fullPage: true });
    });

    await step('the page changes things on its own server; a page of another site cannot (CSRF)', async () => {
      const eventsIn = async () => (await (await fetch(`${server.base}/api/pipelines/clicks`)).json()).counters.in;
      await page.goto(`${server.base}/`);
      const before = await eventsIn();
      // Chromium sends Origin with this POST: the dashboard's own origin, which must be let through
      const own = await page.evaluate(async () => (await fetch('/api/pipelines/clicks/events',
        { method: 'POST', body: JSON.stringify({ user: 'carol', ts: new Date().toISOString() }) })).status);
      assert.equal(own, 202);
      assert.equal(await eventsIn(), before + 1);
      // another site's page sends a "simple" cross-origin POST: no preflight, so only the server can refuse it
      const evilPort = await freePort();
      const target = `${server.base}/api/pipelines/clicks/events`;
      const evil = http.createServer((req, res) => {
        res.writeHead(200, { 'Content-Type': 'text/html' });
        res.end(`<!doctype html><title>evil</title><script>
          fetch(${JSON.stringify(target)}, { method: 'POST', mode: 'no-cors', headers: { 'Content-Type': 'text/plain' },
            body: JSON.stringify({ user: 'mallory', ts: new Date().toISOString() }) })
            .then(() => { document.title = 'answered'; }, (e) => { document.title = 'failed ' + e; });
        </script>`);
      });
      await new Promise((ok) => evil.listen(evilPort, '127.0.0.1', ok));
      try {
        await page.goto(`http://127.0.0.1:${evilPort}/`);
        // an opaque answer came back (the request reached the server), but nothing was accepted
        await page.waitForFunction(() => document.title !== 'evil', null, { timeout: 15000 });
        assert.equal(await page.title(), 'answered');
        assert.equal(await eventsIn(), before + 1);
      } finally {
        evil.closeAllConnections();
        await new Promise((ok) => evil.close(ok));
      }
    });

    await step("close now: a row's button closes its key's windows, the toolbar's every window after a second click", async () => {
      define(dir, 'held.yaml', CLICKS.replace('name: clicks', 'name: held').replace('wait: 1s', 'wait: 1h'));
      for (let i = 0; i < 150 && (await fetch(`${server.base}/api/pipelines/held`)).status !== 200; i++) {
        await new Promise((r) => setTimeout(r, 100));
      }
      const now = new Date().toISOString();
      const body = ['dave', 'dave', 'erin'].map((user) => JSON.stringify({ user, ts: now })).join('\n');
      assert.equal((await fetch(`${server.base}/api/pipelines/held/events`, { method: 'POST', body })).status, 202);
      await page.goto(`${server.base}/#/pipelines/held`);
      await page.locator('#windows tr[data-key="erin"]').waitFor({ timeout: 15000 });
      await page.getByLabel('close the windows of key dave now').click();
      await page.locator('#close-result', { hasText: 'Closed 1 window of key dave; their outputs are stored.' })
        .waitFor({ timeout: 15000 });
      await page.locator('#windows tr[data-key="dave"]').waitFor({ state: 'detached', timeout: 15000 });
      await page.locator('#outputs tr.output', { hasText: 'dave' }).first().waitFor({ timeout: 15000 });
      assert.equal(await page.locator('#windows tr[data-key="erin"]').count(), 1, "erin's window is still open");
      const all = page.locator('#close-all');
      await all.click();
      assert.equal((await all.innerText()).trim(), 'Click again to close every open window');
      assert.equal(await page.locator('#windows tr[data-key="erin"]').count(), 1, 'one click closes nothing');
      await all.click();
      await page.locator('#close-result', { hasText: 'Closed 1 window of every key' }).waitFor({ timeout: 15000 });
      await page.locator('#windows tr.empty').waitFor({ timeout: 15000 });
      await page.locator('#reloads tr.closed', { hasText: 'windows closed on request' }).first().waitFor({ timeout: 15000 });
      await page.screenshot({ path: join(shots, '5-closed-now.png'), fullPage: true });
    });

    await step('the editor: a typo shows its located problem as you type; preview; apply', async () => {
      await page.goto(`${server.base}/#/pipelines/held`);
      await page.locator('#edit-link').click();
      await page.waitForURL(/#\/edit\/held$/);
      const text = page.locator('#editor-text');
      await page.waitForFunction(() => document.querySelector('#editor-text')?.value.includes('name: held'), null, { timeout: 15000 });
      await page.locator('#editor-problems', { hasText: 'No problems.' }).waitFor({ timeout: 15000 });
      // a typo, typed: the problem appears with its line and column, without a click
      const original = await text.inputValue();
      await text.fill(original.replace('length: 4s', 'lenght: 4s'));
      await text.press('End');
      const problem = page.locator('#editor-problems li', { hasText: "window.lenght: unknown field (did you mean 'length'?)" });
      await problem.waitFor({ timeout: 15000 });
      assert.match(await problem.innerText(), /^held\.yaml:5:\d+/);
      assert.equal(await text.getAttribute('aria-invalid'), 'true');
      // clicking the problem's place puts the caret there
      await problem.locator('button').click();
      const caretLine = await page.evaluate(() => { const t = document.querySelector('#editor-text');
        return t.value.slice(0, t.selectionStart).split('\n').length; });
      assert.equal(caretLine, 5);
      // a windowing change: the preview says the open window would be flushed, and lists it
      const now = new Date().toISOString();
      assert.equal((await fetch(`${server.base}/api/pipelines/held/events`, { method: 'POST',
        body: JSON.stringify({ user: 'gina', ts: now }) })).status, 202);
      await text.fill(original.replace('length: 4s', 'length: 8s'));
      await page.locator('#editor-problems', { hasText: 'No problems.' }).waitFor({ timeout: 15000 });
      await page.locator('#editor-preview').click();
      const result = page.locator('#editor-preview-result');
      await result.locator('.change.flushes').waitFor({ timeout: 15000 });
      assert.match(await result.innerText(), /Windows that would close \(1\)/);
      assert.match(await result.innerText(), /gina/);
      const before = (await (await fetch(`${server.base}/api/pipelines/held`)).json()).version;
      assert.equal((await (await fetch(`${server.base}/api/pipelines/held/windows`)).json()).windows.length, 1,
        'the preview touched nothing');
      await page.locator('#editor-apply').click();
      await page.waitForURL(/#\/pipelines\/held$/, { timeout: 15000 });
      const after = await (await fetch(`${server.base}/api/pipelines/held`)).json();
      assert.equal(after.version, before + 1);
      assert.match(after.definition, /length: 8s/);
      await page.screenshot({ path: join(shots, '5-editor-applied.png'), fullPage: true });
    });

    await step('a new pipeline from each window kind\'s template: each validates, one is started', async () => {
      await page.goto(`${server.base}/`);
      await page.locator('#new-pipeline').click();
      await page.waitForURL(/#\/new$/);
      for (const kind of ['tumbling', 'sliding', 'session']) {
        await page.selectOption('#template', kind);
        await page.waitForFunction((k) => document.querySelector('#editor-text').value.includes(`kind: ${k}`), kind);
        await page.locator('#editor-problems', { hasText: 'No problems.' }).waitFor({ timeout: 15000 });
      }
      await page.locator('#editor-preview').click();
      await page.locator('#editor-preview-result .change.new').waitFor({ timeout: 15000 });
      await page.screenshot({ path: join(shots, '5-editor-new.png'), fullPage: true });
      await page.locator('#editor-apply').click();
      await page.waitForURL(/#\/pipelines\/my-sessions$/, { timeout: 15000 });
      await page.locator('#summary .status', { hasText: 'running' }).waitFor({ timeout: 15000 });
    });

    await step('a broken definition edit shows its located problem', async () => {
      define(dir, 'clicks.yaml', CLICKS.replace('length: 4s', 'lenght: 4s'));
      await page.goto(`${server.base}/`);
      const problems = page.locator('tr[data-pipeline="clicks"] .problems');
      await problems.first().waitFor({ timeout: 15000 });
      const text = await problems.first().innerText();
      assert.match(text, /clicks\.yaml:5:\d+/);
      assert.match(text, /lenght/);
      assert.match(await page.locator('tr[data-pipeline="clicks"] .status').first().innerText(), /running/);
      await page.screenshot({ path: join(shots, '5-broken-edit.png'), fullPage: true });
    });
  } finally {
    await page.close();
    await stop(server);
  }

  await liveTests(browser);

  // --- a token-protected server -------------------------------------------------------------
  const dir2 = mkdtempSync(join(tmpdir(), 'transom-dash-'));
  mkdirSync(join(dir2, 'defs'));
  define(dir2, 'clicks.yaml', CLICKS);
  const secured = await startServer(dir2, ['--token', 's3cret']);
  const page2 = await browser.newPage();
  try {
    await step('a token-protected server still works from the page', async () => {
      await page2.goto(`${secured.base}/`);
      await page2.locator('#token-input').waitFor({ timeout: 15000 });
      await page2.fill('#token-input', 's3cret');
      await page2.click('#token-submit');
      await page2.locator('tr[data-pipeline="clicks"]').waitFor({ timeout: 15000 });
      await page2.screenshot({ path: join(shots, '6-token.png'), fullPage: true });
    });

    await step('with a token, live outputs still arrive (EventSource with access_token)', async () => {
      await page2.goto(`${secured.base}/#/pipelines/clicks`);
      await page2.locator('#connection', { hasText: /^live$/ }).waitFor({ timeout: 15000 });
      // posted once the stream is open: the output can only reach the page through it
      const now = new Date().toISOString();
      const res = await fetch(`${secured.base}/api/pipelines/clicks/events`, {
        method: 'POST', headers: { Authorization: 'Bearer s3cret' }, body: JSON.stringify({ user: 'carol', ts: now }) });
      assert.equal(res.status, 202);
      const output = page2.locator('#outputs tr.output', { hasText: 'carol' });
      await output.first().waitFor({ timeout: 20000 });
    });
  } finally {
    await page2.close();
    await stop(secured);
  }
} catch (e) {
  failed = true;
} finally {
  await browser.close();
}
console.log(results.join('\n'));
console.log(`screenshots: ${shots}`);
process.exit(failed ? 1 : 0);
