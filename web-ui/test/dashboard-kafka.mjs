// The pipeline page of a pipeline that reads and writes Kafka, in a real headless Chromium: the source's
// partitions with their offsets and lag, and the exactly-once sink's transactions. Run by KafkaExactlyOnceIT
// against its server: TRANSOM_BASE=http://127.0.0.1:PORT PIPELINE=ID PARTITION=TOPIC/N OFFSET=N node web-ui/test/dashboard-kafka.mjs
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { shots, LAUNCH } from './dashboard-helpers.mjs';

const { TRANSOM_BASE: base, PIPELINE: pipeline, PARTITION: partition, OFFSET: offset } = process.env;
const browser = await chromium.launch(LAUNCH);
try {
  const page = await browser.newPage();
  await page.goto(`${base}/#/pipelines/${pipeline}`);
  const row = page.locator(`tr[data-partition="${partition}"]`);
  await row.waitFor({ timeout: 20000 });
  assert.equal(await page.locator('section[aria-labelledby="h-source"]').isVisible(), true, 'the source section shows');
  assert.equal((await row.locator('td').nth(0).innerText()).replace(/,/g, ''), offset, 'next offset: the end of the topic');
  assert.equal(await row.locator('td.lag').innerText(), '0', 'nothing left to read');
  const sink = page.locator('tr[data-sink^="kafka "]');
  await sink.waitFor({ timeout: 20000 });
  const txns = await sink.locator('td.transactions').innerText();
  assert.match(txns, /^[1-9][\d,]* committed, \d+ aborted$/, `transactions: ${txns}`);
  assert.match(await sink.locator('td.pending').innerText(), /^0 epochs$/);
  await page.screenshot({ path: join(shots, 'kafka-pipeline.png'), fullPage: true });
  console.log(`ok   the pipeline page shows ${partition} at offset ${offset} with lag 0, and the sink's transactions: ${txns}`);
} finally {
  await browser.close();
}
