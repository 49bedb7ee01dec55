// The overview: is everything fine? One row per pipeline, made once and then updated in place: status,
// sparklines of throughput, lag and queue (from the server's history, so the past shows at once), sink
// health, and the last reload. Pages of PAGE rows.
import { api } from './api.js';
import { esc, rate, seconds, count, setText, setHtml } from './format.js';
import { sparkline, drawSparkline } from './charts.js';
import { emptySeries, append, rateOver, last } from './history.js';
import { statusBadge, problemsList, reloadSummary, sinkBadges, refusing } from './parts.js';

const PAGE = 100;
const SPARK_SECONDS = 300;

const state = { since: 0, series: new Map(), glances: new Map(), rows: new Map(), page: 0, root: null };

export function leaveOverview() {
  state.root = null;
  state.rows.clear();
}

function skeleton(view) {
  view.innerHTML = `<h1>Pipelines</h1>
    <p><a href="#/new" id="new-pipeline">New pipeline</a> <span class="muted">from a template of each window kind</span></p>
    <div class="table-wrap"><table aria-label="pipelines" class="overview"><thead><tr>
      <th scope="col">pipeline</th><th scope="col">status</th>
      <th scope="col" class="num">in/s <span class="muted">(10 s)</span></th>
      <th scope="col" class="num">out/s <span class="muted">(1 min)</span></th>
      <th scope="col" class="num">watermark lag</th><th scope="col" class="num">queued</th>
      <th scope="col">sinks</th><th scope="col" class="num">late · errors</th><th scope="col" class="num">open windows</th>
      <th scope="col">last reload</th></tr></thead><tbody id="pipelines"></tbody></table></div>
    <div class="toolbar" id="pipeline-pages" hidden><button type="button" id="pipelines-prev">◀ previous</button>
      <span id="pipelines-page" class="muted"></span><button type="button" id="pipelines-next">next ▶</button></div>`;
  state.root = view;
  state.rows.clear();
  view.querySelector('#pipelines-prev').addEventListener('click', () => { state.page = Math.max(0, state.page - 1); state.rows.clear(); view.querySelector('#pipelines').innerHTML = ''; });
  view.querySelector('#pipelines-next').addEventListener('click', () => { state.page += 1; state.rows.clear(); view.querySelector('#pipelines').innerHTML = ''; });
}

function makeRow(id) {
  const tr = document.createElement('tr');
  tr.dataset.pipeline = id;
  tr.innerHTML = `<th scope="row" class="name"><a href="#/pipelines/${encodeURIComponent(id)}">${esc(id)}</a>
      <div class="muted file"><code></code></div></th>
    <td class="state"></td>
    <td class="num in"><span class="value"></span></td>
    <td class="num out"><span class="value"></span></td>
    <td class="num lag"><span class="value"></span></td>
    <td class="num queue"><div class="bar" role="meter" aria-label="queued against capacity" aria-valuemin="0" aria-valuemax="100"><span></span></div><span class="value"></span></td>
    <td class="sinks"></td><td class="num counts"></td><td class="num windows"></td><td class="reload"></td>`;
  const r = { tr, spark: {} };
  for (const [cls, label] of [['in', 'events in per second, last 5 minutes'], ['out', 'outputs per second, last 5 minutes'],
    ['lag', 'watermark lag, last 5 minutes'], ['queue', 'queued events, last 5 minutes']]) {
    const svg = sparkline(`${id}: ${label}`, cls);
    tr.querySelector(`td.${cls}`).prepend(svg);
    r.spark[cls] = svg;
  }
  return r;
}

function updateRow(r, p, glance, series) {
  const tr = r.tr;
  setText(tr.querySelector('.file code'), p.file);
  setHtml(tr.querySelector('td.state'), statusBadge(p, 'span')
    + (p.failure ? `<div class="problems">${esc(p.failure)}</div>` : '') + refusing(p));
  const inRate = rateOver(series, 'in', 10);
  const outRate = rateOver(series, 'out', 60);
  setText(tr.querySelector('td.in .value'), rate(inRate));
  setText(tr.querySelector('td.out .value'), rate(outRate));
  const lag = last(series, 'lag_seconds');
  setText(tr.querySelector('td.lag .value'), lag === null ? '—' : seconds(lag));
  const capacity = glance ? glance.queue_capacity : null;
  const pending = p.pending ?? last(series, 'pending') ?? 0;
  const pct = capacity ? Math.min(100, (100 * pending) / capacity) : 0;
  const meter = tr.querySelector('td.queue .bar');
  meter.setAttribute('aria-valuenow', pct.toFixed(1));
  meter.firstElementChild.style.width = `${pct.toFixed(1)}%`;
  meter.classList.toggle('hot', pct >= 80);
  setText(tr.querySelector('td.queue .value'), capacity ? `${count(pending)} / ${count(capacity)}` : count(pending));
  if (series.time_ms.length) {
    drawSparkline(r.spark.in, series.in);
    drawSparkline(r.spark.out, series.out);
    drawSparkline(r.spark.lag, series.lag_seconds);
    drawSparkline(r.spark.queue, series.pending, capacity || undefined);
  }
  setHtml(tr.querySelector('td.sinks'), glance ? sinkBadges(glance.sinks) : '<span class="muted">—</span>');
  setHtml(tr.querySelector('td.counts'), `${count(p.counters.late)} · <span class="${p.counters.errors ? 'bad' : ''}">${count(p.counters.errors)}</span>`);
  setText(tr.querySelector('td.windows'), count(p.open_windows));
  const rejected = p.problems && p.problems.length
    ? `<span class="outcome rejected">last edit rejected</span>${problemsList(p.problems)}` : '';
  setHtml(tr.querySelector('td.reload'), rejected || (glance && glance.last_reload ? reloadSummary(glance.last_reload)
    : '<span class="muted">ok</span>'));
}

export async function showOverview(view) {
  if (state.root !== view || !view.querySelector('#pipelines')) skeleton(view);
  const first = state.since === 0;
  const [{ pipelines }, overview] = await Promise.all([
    api('/api/pipelines'),
    api(`/api/overview?since=${state.since}${first ? `&seconds=${SPARK_SECONDS}` : ''}`),
  ]);
  state.since = overview.until_ms;
  const started = performance.now();
  for (const g of overview.pipelines) {
    state.glances.set(g.pipeline, g);
    append(state.series.get(g.pipeline) || state.series.set(g.pipeline, emptySeries()).get(g.pipeline), g.samples, SPARK_SECONDS);
  }
  const ids = new Set(pipelines.map((p) => p.id));
  for (const id of [...state.series.keys()]) if (!ids.has(id)) { state.series.delete(id); state.glances.delete(id); }
  const tbody = view.querySelector('#pipelines');
  const pages = Math.max(1, Math.ceil(pipelines.length / PAGE));
  state.page = Math.min(state.page, pages - 1);
  const shown = pipelines.slice(state.page * PAGE, (state.page + 1) * PAGE);
  const keep = new Set(shown.map((p) => p.id));
  for (const [id, r] of state.rows) if (!keep.has(id)) { r.tr.remove(); state.rows.delete(id); }
  if (shown.length === 0) {
    setHtml(tbody, '<tr><td colspan="10" class="muted">No pipelines: add a YAML file to the definitions directory.</td></tr>');
  } else if (tbody.dataset.html) {
    tbody.innerHTML = '';
    delete tbody.dataset.html;
  }
  let before = null;
  for (let i = shown.length - 1; i >= 0; i--) {
    const p = shown[i];
    let r = state.rows.get(p.id);
    if (!r) {
      r = makeRow(p.id);
      state.rows.set(p.id, r);
    }
    if (r.tr.nextSibling !== before || r.tr.parentNode !== tbody) tbody.insertBefore(r.tr, before);
    updateRow(r, p, state.glances.get(p.id), state.series.get(p.id) || emptySeries());
    before = r.tr;
  }
  const nav = view.querySelector('#pipeline-pages');
  nav.hidden = pages <= 1;
  setText(view.querySelector('#pipelines-page'), `page ${state.page + 1} of ${pages} (${pipelines.length} pipelines)`);
  return performance.now() - started;
}

