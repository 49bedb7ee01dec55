// One pipeline's page (#/pipelines/{id}): summary, shape, rate and lag charts from the server's history,
// sinks, open windows, outputs, checkpoints, reloads, item errors, late items and the definition. Made once
// per visit; each refresh updates what changed.
import { api, pipelinePath } from './api.js';
import { esc, time, seconds, rate, count, setHtml, setText, timeText } from './format.js';
import { timeChart } from './charts.js';
import { emptySeries, append, rateOver, last } from './history.js';
import { statusBadge, problemsList, refusing } from './parts.js';
import { renderShape } from './shape.js';
import { windowsSection, bindWindows, fetchWindows, renderWindows } from './windows.js';
import { outputsSection, bindOutputs, addOutput, clearOutputs, draw as drawOutputs } from './outputs.js';
import { sinksTable, partitionsTable, checkpointsTable, reloadsTable, errorsTable, lateList, put } from './tables.js';
import { startStream, stopStream } from './stream.js';

const KEEP = { checkpoints: 100, reloads: 50 };
const page = { id: null, root: null, since: 0, series: null, checkpoints: [], reloads: [], charts: [], removed: false };

export function leavePipeline() {
  stopStream();
  for (const c of page.charts) c.destroy();
  Object.assign(page, { id: null, root: null, charts: [], removed: false });
}

function section(id, title, body) {
  return `<section aria-labelledby="h-${id}"><h2 id="h-${id}">${title}</h2>${body}</section>`;
}

function skeleton(view, id, connection) {
  view.innerHTML = `<h1><a href="#/">Pipelines</a> / <span id="pipeline-id">${esc(id)}</span></h1>
    <div id="removed" class="removed" role="alert" hidden></div>
    <div id="summary"></div>
    ${section('shape', 'Shape', '<figure id="shape"></figure>')}
    ${section('rates', 'Rates and lag', `<p class="muted">One sample a second, the last 15 minutes (kept by the server).</p>
      <div id="rate-chart" class="chart"></div><div id="lag-chart" class="chart"></div>`)}
    ${section('source', 'Source partitions', '<div id="source-partitions"></div>')}
    ${section('sinks', 'Sinks', '<div id="sinks"></div>')}
    ${windowsSection()}
    ${outputsSection()}
    ${section('checkpoints', 'Checkpoints', '<div id="checkpoints"></div>')}
    ${section('reloads', 'Deployments and reloads', '<div id="reloads"></div>')}
    ${section('errors', 'Item errors', '<div id="errors"></div>')}
    ${section('late', 'Late items', '<div id="late"></div>')}
    ${section('definition', 'Definition', `<p><a href="#/edit/${encodeURIComponent(id)}" id="edit-link">Edit this definition</a>
      <span class="muted">(check as you type, preview, apply)</span></p><pre id="definition"></pre>`)}`;
  Object.assign(page, { id, root: view, since: 0, series: emptySeries(), checkpoints: [], reloads: [], removed: false });
  bindWindows(view, id, () => refreshWindowsOnly());
  bindOutputs(view);
  makeCharts();
  const current = () => page.id === id && page.root === view;
  startStream(id, {
    status: (t) => setText(connection, t),
    output: (o) => addOutput(o),
    gap: async () => { // outputs were missed: show the recent ones again, then what comes live
      const { outputs } = await api(pipelinePath(id, '/outputs?limit=50'));
      if (!current()) return;
      clearOutputs();
      outputs.forEach((o) => addOutput(o, null));
    },
    deleted: () => { setText(connection, 'pipeline deleted'); showRemoved(`It was deleted at ${timeText(Date.now())}.`); },
  }, current);
}

function makeCharts() {
  for (const c of page.charts) c.destroy();
  page.charts = [
    timeChart(page.root.querySelector('#rate-chart'), { title: 'events in and outputs per second', yLabel: 'per second',
      series: [{ label: 'events in/s', stroke: '#0969da' }, { label: 'outputs/s', stroke: '#1a7f37' },
        { label: 'item errors/s', stroke: '#cf222e' }] }),
    timeChart(page.root.querySelector('#lag-chart'), { title: 'watermark lag and queued events', yLabel: 'lag (s)',
      rightLabel: 'queued', series: [{ label: 'watermark lag (s)', stroke: '#8250df' }, { label: 'queued events', stroke: '#9a6700', scale: 'right' }] }),
  ];
  drawHistory();
}

/** After the zone changes: axes and every time shown again. */
export function rezone() {
  if (!page.root) return;
  makeCharts();
  drawOutputs(true);
  for (const el of page.root.querySelectorAll('[data-html]')) delete el.dataset.html;
}

function drawHistory() {
  const s = page.series;
  if (!s || page.charts.length < 2) return;
  const x = s.time_ms.map((t) => t / 1000);
  page.charts[0].setData([x, s.in, s.out, s.errors]);
  page.charts[1].setData([x, s.lag_seconds, s.pending]);
  page.root.querySelector('#rate-chart').dataset.points = String(x.length);
}

function showRemoved(why) {
  if (page.removed) return;
  page.removed = true;
  stopStream();
  const el = page.root.querySelector('#removed');
  el.innerHTML = `<p><b>Pipeline “${esc(page.id)}” is no longer on this server.</b> ${esc(why)}
    Its definition file was removed (or it never existed). <a href="#/">All pipelines</a></p>`;
  el.hidden = false;
  for (const s of page.root.querySelectorAll('section, #summary')) s.hidden = true;
}

function summary(p) {
  const s = page.series;
  const lag = last(s, 'lag_seconds');
  const cp = page.checkpoints[page.checkpoints.length - 1];
  const card = (label, value, sub = '', cls = '') => `<div class="card ${cls}"><span class="label">${label}</span><b>${value}</b>${sub ? `<span class="muted">${sub}</span>` : ''}</div>`;
  return `<div class="cards">
      ${card('status', statusBadge(p, 'span'))}
      ${card('events in', count(p.counters.in), `${rate(rateOver(s, 'in', 10))}/s (10 s)`)}
      ${card('outputs', count(p.counters.out), `${rate(rateOver(s, 'out', 60))}/s (1 min)`)}
      ${card('queued', count(p.pending), `of ${count(page.queueCapacity)}`, 'queued')}
      ${card('late', `<span id="late-count">${count(p.counters.late)}</span>`)}
      ${card('item errors', `<span id="error-count">${count(p.counters.errors)}</span>`)}
      ${card('watermark', time(p.watermark), `lag ${lag === null ? '—' : seconds(lag)}`)}
      ${card('open windows', count(p.open_windows))}
      ${card('version', String(p.version), `epoch ${p.epoch}`)}
      ${card('last checkpoint', cp ? `${count(cp.duration_ms)} ms` : '—', cp ? `${cp.outcome}, ${timeText(cp.time)}` : '')}</div>
    ${p.failure ? `<p class="problems">${esc(p.failure)}</p>` : ''}
    ${refusing(p) ? `<p class="problems memory">${esc(p.memory.refusing_input)}</p>` : ''}
    ${p.recovery ? `<p class="notice">${esc(p.recovery)}</p>` : ''}
    ${p.problems.length ? `<div id="reload-problems"><b class="bad">The last edit was rejected; the previous version keeps running:</b>${problemsList(p.problems)}</div>` : ''}`;
}

let lastPipeline = null;

async function refreshWindowsOnly() {
  if (!page.id || page.removed || !lastPipeline) return;
  renderWindows(page.root, await fetchWindows(page.id), lastPipeline);
}

/** One refresh; returns the time spent drawing (the fetches excluded), in ms. */
export async function showPipeline(view, id, connection) {
  const fresh = page.id !== id || page.root !== view;
  if (fresh) skeleton(view, id, connection);
  if (page.removed) return 0;
  let p;
  try {
    p = await api(pipelinePath(id));
  } catch (e) {
    if (e.status === 404) { showRemoved(''); return 0; }
    throw e;
  }
  if (fresh && p.clock !== undefined) {
    const { outputs } = await api(pipelinePath(id, '/outputs?limit=50'));
    outputs.forEach((o) => addOutput(o, null));
  }
  if (p.clock === undefined) { // a definition file that never loaded: its problems are all there is
    put(page.root, '#summary', summary({ ...p, pending: 0 }));
    for (const sec of page.root.querySelectorAll('section')) sec.hidden = true;
    return 0;
  }
  const [windows, history, shape, errors] = await Promise.all([fetchWindows(id),
    api(pipelinePath(id, `/history?since=${page.since}`)), api(pipelinePath(id, '/shape')), api(pipelinePath(id, '/errors'))]);
  if (page.id !== id) return 0;
  const started = performance.now();
  lastPipeline = p;
  page.since = history.until_ms;
  page.queueCapacity = history.queue_capacity;
  append(page.series, history.samples, history.capacity);
  page.checkpoints.push(...history.checkpoints);
  page.checkpoints.splice(0, Math.max(0, page.checkpoints.length - KEEP.checkpoints));
  page.reloads.push(...history.reloads);
  page.reloads.splice(0, Math.max(0, page.reloads.length - KEEP.reloads));
  const root = page.root;
  put(root, '#summary', summary(p));
  renderShape(root.querySelector('#shape'), shape);
  drawHistory();
  const partitions = shape.source_partitions || [];
  root.querySelector('section[aria-labelledby="h-source"]').hidden = partitions.length === 0; // kafka sources only
  if (partitions.length > 0) put(root, '#source-partitions', partitionsTable(partitions));
  put(root, '#sinks', sinksTable(shape.sinks));
  renderWindows(root, windows, p);
  put(root, '#checkpoints', checkpointsTable(page.checkpoints));
  put(root, '#reloads', reloadsTable(page.reloads));
  put(root, '#errors', errorsTable(errors));
  put(root, '#late', lateList(p.recent_late));
  setText(root.querySelector('#definition'), p.definition || '');
  return performance.now() - started;
}
