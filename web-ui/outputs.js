// Outputs: the live list (newest first) and a chart of their values over time, one line per key in a colour
// that is the key's own on every load. A `then: map` may reshape records: they are listed as they are, and
// charted by their first text field (as the key) and first number (as the value).
import { esc, json, time, keyColour, setText } from './format.js';
import { timeChart, chartsAvailable } from './charts.js';

const MAX_ROWS = 100;
const MAX_POINTS = 200;

const state = { series: new Map(), latest: new Map(), seen: new Map(), field: null, chart: null, chartKeys: '',
  order: 'value', n: 8, drawPending: false, root: null, seq: 0 };

export function outputsSection() {
  return `<section aria-labelledby="h-chart"><h2 id="h-chart">Outputs over time</h2>
    <div class="toolbar"><label for="chart-order">Keys</label>
      <select id="chart-order"><option value="value">top by latest value</option><option value="recent">most recent</option></select>
      <label for="chart-n">how many</label><input type="number" id="chart-n" min="1" max="40" value="8">
      <span id="chart-note" class="muted" aria-live="polite"></span></div>
    <div id="chart" class="chart"></div></section>
    <section aria-labelledby="h-outputs"><h2 id="h-outputs">Live outputs</h2>
    <div class="table-wrap"><table aria-label="outputs"><thead><tr><th scope="col">key</th><th scope="col">window</th>
      <th scope="col">value or record</th></tr></thead><tbody id="outputs"></tbody></table></div></section>`;
}

export function bindOutputs(root) {
  Object.assign(state, { series: new Map(), latest: new Map(), seen: new Map(), field: null, chartKeys: '', root });
  if (state.chart) state.chart.destroy();
  state.chart = null;
  const order = root.querySelector('#chart-order');
  const n = root.querySelector('#chart-n');
  order.value = state.order;
  n.value = state.n;
  order.addEventListener('change', () => { state.order = order.value; scheduleDraw(); });
  n.addEventListener('change', () => { state.n = Math.max(1, Math.min(40, Number(n.value) || 8)); scheduleDraw(); });
  scheduleDraw(); // says what will appear there, until something does
}

export function clearOutputs() {
  const tbody = state.root && state.root.querySelector('#outputs');
  if (tbody) tbody.innerHTML = '';
  state.series = new Map();
  state.latest = new Map();
  state.seen = new Map();
  scheduleDraw();
}

/**
 * What a record is plotted as: its key (or first text field), time, and value (or first number), if any. Its
 * time is its window's close; a mapped record without a window is plotted at the time it arrived, so only
 * when it came live (`receivedAt` null: loaded with the page, its time unknown).
 */
export function pointOf(o, receivedAt) {
  const rest = Object.entries(o).filter(([k]) => k !== 'pipeline' && k !== 'window');
  const key = typeof o.key === 'string' ? o.key : (rest.find(([, v]) => typeof v === 'string') || [null, 'all'])[1];
  let field = 'value';
  let value = typeof o.value === 'number' ? o.value : null;
  if (value === null) {
    const num = rest.find(([k, v]) => k !== 'key' && typeof v === 'number');
    if (num) [field, value] = num;
  }
  if (value === null) return null;
  const t = o.window && o.window.close_time ? Date.parse(o.window.close_time) : receivedAt;
  return t === null ? null : { key, t, value, field };
}

function row(o) {
  const tr = document.createElement('tr');
  tr.className = 'output';
  const standard = 'key' in o && 'value' in o && Object.keys(o).every((k) => ['pipeline', 'key', 'window', 'value'].includes(k));
  const { pipeline, ...shown } = o;
  const win = o.window ? `${time(o.window.open_time)} – ${time(o.window.close_time)}` : '<span class="muted">—</span>';
  tr.innerHTML = `<td><code>${esc(typeof o.key === 'string' ? o.key : '')}</code></td><td>${win}</td>
    <td><code>${json(standard ? o.value : shown)}</code>${standard ? '' : ' <span class="muted">(as mapped)</span>'}</td>`;
  return tr;
}

export function addOutput(o, receivedAt = Date.now()) {
  const tbody = state.root && state.root.querySelector('#outputs');
  if (tbody) {
    tbody.prepend(row(o));
    while (tbody.children.length > MAX_ROWS) tbody.lastChild.remove();
  }
  const p = pointOf(o, receivedAt);
  if (!p) return;
  state.field = p.field;
  const s = state.series.get(p.key) || [];
  s.push([p.t, p.value]);
  if (s.length > MAX_POINTS) s.shift();
  state.series.set(p.key, s);
  state.latest.set(p.key, p.value);
  state.seen.set(p.key, ++state.seq); // arrival order: the latest output is the most recent
  scheduleDraw();
}

function scheduleDraw() {
  if (state.drawPending) return;
  state.drawPending = true;
  setTimeout(() => { state.drawPending = false; draw(); }, 250);
}

/** The keys drawn: the top N by latest value, or the N that had an output most recently. */
export function chosenKeys(latest, seen, order, n) {
  const keys = [...latest.keys()];
  const by = order === 'recent' ? (k) => seen.get(k) : (k) => latest.get(k);
  return keys.sort((a, b) => by(b) - by(a) || (a < b ? -1 : 1)).slice(0, n).sort();
}

/** Redraws the chart after outputs arrive, or when the zone changes (`rebuild`). */
export function draw(rebuild = false) {
  const root = state.root;
  if (!root || !root.isConnected) return;
  const el = root.querySelector('#chart');
  const keys = chosenKeys(state.latest, state.seen, state.order, state.n);
  const total = state.latest.size;
  setText(root.querySelector('#chart-note'), total === 0 ? ''
    : `showing ${keys.length} of ${total} key${total === 1 ? '' : 's'}${state.field && state.field !== 'value' ? ` (plotting “${state.field}”)` : ''}`);
  if (keys.length === 0) {
    if (state.chart) { state.chart.destroy(); state.chart = null; state.chartKeys = ''; }
    el.innerHTML = '<p class="muted">Numeric outputs appear here as windows close.</p>';
    return;
  }
  const id = keys.join('\u0000') + (state.field || '');
  if (!state.chart || state.chartKeys !== id || rebuild) {
    if (state.chart) state.chart.destroy();
    state.chart = timeChart(el, { title: 'output values over time, by key', yLabel: state.field || 'value',
      series: keys.map((k) => ({ label: k, stroke: keyColour(k), points: true, spanGaps: true })), height: 220 });
    state.chartKeys = id;
    el.dataset.keys = keys.join(',');
  }
  if (!chartsAvailable()) return;
  const times = [...new Set(keys.flatMap((k) => state.series.get(k).map((p) => p[0])))].sort((a, b) => a - b);
  const at = new Map(times.map((t, i) => [t, i]));
  const columns = [times.map((t) => t / 1000)];
  for (const k of keys) {
    const col = new Array(times.length).fill(null);
    for (const [t, v] of state.series.get(k)) col[at.get(t)] = v;
    columns.push(col);
  }
  state.chart.setData(columns);
}
