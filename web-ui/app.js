// Transom dashboard: plain ES module, no build step. Reads the server's JSON API (the README's API table) and
// its live output stream; a pipeline's own view lives at #/pipelines/{id} so it can be linked.

const view = document.getElementById('view');
const connection = document.getElementById('connection');
let token = localStorage.getItem('transom.token');
let refreshTimer = null;
let stream = null; // EventSource of the live output stream
const rates = new Map(); // pipeline id -> {time, in, out}

function headers() {
  return token ? { Authorization: `Bearer ${token}` } : {};
}

async function api(path) {
  const res = await fetch(path, { headers: headers() });
  if (res.status === 401) {
    await askForToken();
    return api(path);
  }
  const body = await res.json().catch(() => ({}));
  if (!res.ok) {
    const err = new Error(body.error || `${res.status} ${res.statusText}`);
    err.status = res.status;
    throw err;
  }
  return body;
}

function askForToken() {
  const dialog = document.getElementById('token-dialog');
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => {
      token = document.getElementById('token-input').value;
      localStorage.setItem('transom.token', token);
      resolve();
    }, { once: true });
    if (!dialog.open) dialog.showModal();
  });
}

const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
const json = (v) => esc(JSON.stringify(v));
const time = (t) => (t ? esc(t.replace('T', ' ').replace('Z', '')) : '—');

function lag(watermark) {
  if (!watermark) return '—';
  const s = (Date.now() - Date.parse(watermark)) / 1000;
  return Math.abs(s) < 120 ? `${s.toFixed(1)} s` : Math.abs(s) < 7200 ? `${(s / 60).toFixed(1)} min` : `${(s / 3600).toFixed(1)} h`;
}

function rate(p) {
  const now = Date.now();
  const prev = rates.get(p.id);
  rates.set(p.id, { time: now, in: p.counters.in, out: p.counters.out });
  if (!prev || now === prev.time) return { in: '…', out: '…' };
  const secs = (now - prev.time) / 1000;
  return { in: ((p.counters.in - prev.in) / secs).toFixed(1), out: ((p.counters.out - prev.out) / secs).toFixed(1) };
}

function problemsList(problems) {
  if (!problems || problems.length === 0) return '';
  return `<ul class="problems">${problems.map((q) => `<li><code>${esc(q.file)}:${q.line}:${q.col}</code>: ${esc(q.message)}</li>`).join('')}</ul>`;
}

// While the memory budget holds a pipeline, why (its ingest answers 503 with the same words).
function refusing(p) {
  return p.memory && p.memory.refusing_input
    ? `<div class="problems memory">refusing input: ${esc(p.memory.refusing_input)}</div>` : '';
}

// ---- pipelines view -------------------------------------------------------------------------

// A status's meaning where it is not obvious from its word (shown as the badge's tooltip).
const STATUS_HELP = {
  finished: 'its file source reached the end of its input: every window was closed, flushed and written',
  paused: 'its storage is failing; it resumes by itself once writes work again',
};

function statusBadge(p, tag) {
  const help = STATUS_HELP[p.status];
  return `<${tag} class="status ${esc(p.status)}"${help ? ` title="${esc(help)}"` : ''}>${esc(p.status)}</${tag}>`;
}

async function showPipelines() {
  const { pipelines } = await api('/api/pipelines');
  const rows = pipelines.map((p) => {
    const r = rate(p);
    const reload = p.problems.length ? `<span class="status failed">last edit rejected</span>${problemsList(p.problems)}` : '<span class="muted">ok</span>';
    return `<tr data-pipeline="${esc(p.id)}">
      <td><a href="#/pipelines/${encodeURIComponent(p.id)}">${esc(p.id)}</a><div class="muted"><code>${esc(p.file)}</code></div></td>
      <td>${statusBadge(p, 'span')}${p.failure ? `<div class="problems">${esc(p.failure)}</div>` : ''}${refusing(p)}</td>
      <td class="num">${r.in}</td><td class="num">${r.out}</td>
      <td class="num">${p.counters.late}</td><td class="num">${p.counters.errors}</td>
      <td>${time(p.watermark)}<div class="muted">lag ${lag(p.watermark)}</div></td>
      <td class="num">${p.open_windows}</td>
      <td>${reload}</td></tr>`;
  }).join('');
  view.innerHTML = `<h1>Pipelines</h1>
    <table aria-label="pipelines"><thead><tr><th>pipeline</th><th>status</th><th class="num">in/s</th><th class="num">out/s</th>
    <th class="num">late</th><th class="num">errors</th><th>watermark</th><th class="num">open windows</th><th>last reload</th></tr></thead>
    <tbody>${rows || '<tr><td colspan="9" class="muted">No pipelines: add a YAML file to the definitions directory.</td></tr>'}</tbody></table>`;
}

// ---- one pipeline ---------------------------------------------------------------------------

const pipelineState = { id: null, filter: '', cursor: 0, outputs: [], series: new Map() };

async function showPipeline(id) {
  if (pipelineState.id !== id) {
    Object.assign(pipelineState, { id, filter: '', cursor: 0, outputs: [], series: new Map() });
    view.innerHTML = `<h1><a href="#/">Pipelines</a> / <span id="pipeline-id">${esc(id)}</span></h1>
      <div id="summary"></div>
      <h2>Open windows</h2>
      <div class="toolbar"><label for="key-filter">Key</label><input type="search" id="key-filter" placeholder="all keys">
        <button id="prev">◀</button><button id="next">▶</button><span id="page" class="muted"></span></div>
      <table aria-label="open windows"><thead><tr><th>key</th><th>open</th><th>close</th><th>value</th><th class="num">count</th>
        <th>time left</th><th>why still open?</th></tr></thead><tbody id="windows"></tbody></table>
      <h2>Outputs over time</h2><div id="chart"></div>
      <h2>Live outputs</h2>
      <table aria-label="outputs"><thead><tr><th>key</th><th>window</th><th>value</th></tr></thead><tbody id="outputs"></tbody></table>
      <h2>Late items</h2><div id="late"></div>
      <h2>Item errors</h2><div id="errors"></div>
      <h2>Definition</h2><pre id="definition"></pre>`;
    document.getElementById('key-filter').addEventListener('input', (e) => { pipelineState.filter = e.target.value; pipelineState.cursor = 0; refreshWindows(); });
    document.getElementById('prev').addEventListener('click', () => { pipelineState.cursor = Math.max(0, pipelineState.cursor - 50); refreshWindows(); });
    document.getElementById('next').addEventListener('click', () => { if (pipelineState.next) { pipelineState.cursor = Number(pipelineState.next); refreshWindows(); } });
    const { outputs } = await api(`/api/pipelines/${encodeURIComponent(id)}/outputs?limit=50`);
    outputs.forEach(addOutput);
    startStream(id);
  }
  const p = await api(`/api/pipelines/${encodeURIComponent(id)}`);
  pipelineState.pipeline = p;
  const r = rate(p);
  document.getElementById('summary').innerHTML = `<div class="cards">
      <div class="card">status ${statusBadge(p, 'b')}</div>
      <div class="card">events in <b>${p.counters.in}</b><span class="muted">${r.in}/s</span></div>
      <div class="card">outputs <b>${p.counters.out}</b><span class="muted">${r.out}/s</span></div>
      <div class="card">late <b id="late-count">${p.counters.late}</b></div>
      <div class="card">item errors <b id="error-count">${p.counters.errors}</b></div>
      <div class="card">watermark <b>${time(p.watermark)}</b><span class="muted">lag ${lag(p.watermark)}</span></div>
      <div class="card">version <b>${p.version}</b><span class="muted">epoch ${p.epoch}</span></div></div>
      ${p.failure ? `<p class="problems">${esc(p.failure)}</p>` : ''}
      ${refusing(p) ? `<p class="problems memory">${esc(p.memory.refusing_input)}</p>` : ''}
      ${p.recovery ? `<p class="notice">${esc(p.recovery)}</p>` : ''}
      ${deliveriesTable(p.deliveries)}
      ${p.problems.length ? `<div id="reload-problems"><b class="status failed">The last edit was rejected; the previous version keeps running:</b>${problemsList(p.problems)}</div>` : ''}`;
  document.getElementById('definition').textContent = p.definition || '';
  document.getElementById('late').innerHTML = listOf(p.recent_late, (l) => `<code>${json(l.key)}</code> at ${time(l.time)} (watermark ${time(l.watermark)}): ${json(l.value)}`);
  document.getElementById('errors').innerHTML = listOf(p.recent_errors, (e) => `<code>${esc(e.field)}</code>: ${esc(e.message)} <details><summary>event</summary><pre>${json(e.item)}</pre></details>`);
  await refreshWindows();
}

// At-least-once sinks with a queue (webhooks): what waits, what went, what failed.
function deliveriesTable(deliveries) {
  if (!deliveries || deliveries.length === 0) return '';
  const rows = deliveries.map((d) => `<tr data-sink="${esc(d.sink)}"><td><code>${esc(d.sink)}</code></td>
      <td class="num pending">${d.pending}<span class="muted"> / ${d.limit}</span></td><td class="num">${d.delivered}</td>
      <td class="num">${d.failed_attempts}</td><td>${d.last_error ? `<span class="problems">${esc(d.last_error)}</span>` : '<span class="muted">—</span>'}</td></tr>`).join('');
  return `<table aria-label="deliveries"><thead><tr><th>delivery to</th><th class="num">pending / limit</th><th class="num">delivered</th>
    <th class="num">failed attempts</th><th>last error</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function listOf(items, render) {
  if (!items || items.length === 0) return '<p class="muted">None.</p>';
  return `<ul>${items.slice().reverse().map((i) => `<li>${render(i)}</li>`).join('')}</ul>`;
}

async function refreshWindows() {
  const id = pipelineState.id;
  const q = new URLSearchParams({ cursor: pipelineState.cursor, limit: 50 });
  if (pipelineState.filter) q.set('key', pipelineState.filter);
  const page = await api(`/api/pipelines/${encodeURIComponent(id)}/windows?${q}`);
  pipelineState.next = page.next;
  const p = pipelineState.pipeline || {};
  const wait = p.clock && p.clock.kind === 'event' ? `${p.clock.wait_seconds} s` : null;
  const now = Date.now();
  document.getElementById('windows').innerHTML = page.windows.map((w) => {
    const open = Date.parse(w.open_time);
    const closesAt = w.closes_at ? Date.parse(w.closes_at) : null;
    const left = closesAt ? Math.max(0, closesAt - now) : null;
    const span = Math.max(1, Date.parse(w.close_time) - open);
    const pct = left === null ? 0 : Math.max(0, Math.min(100, 100 * (1 - left / (left + span))));
    const why = wait !== null
      ? `closes when the key's watermark (${time(w.watermark)}) reaches ${time(w.close_time)}: the clock waits ${esc(wait)} after the newest item, so at about ${time(w.closes_at)} without new items`
      : `system clock: closes at ${time(w.closes_at)}`;
    return `<tr data-key="${esc(w.key)}"><td><code>${esc(w.key)}</code></td><td>${time(w.open_time)}</td><td>${time(w.close_time)}</td>
      <td><code>${json(w.value)}</code></td><td class="num count">${w.count}</td>
      <td><div class="bar" title="${left === null ? 'unknown' : (left / 1000).toFixed(1) + ' s left'}"><span style="width:${pct.toFixed(1)}%"></span></div>
        <span class="muted">${left === null ? '' : (left / 1000).toFixed(1) + ' s'}</span></td>
      <td><details><summary>why?</summary>${why}</details></td></tr>`;
  }).join('') || '<tr><td colspan="7" class="muted">No open windows.</td></tr>';
  document.getElementById('page').textContent = page.windows.length ? `${pipelineState.cursor + 1}–${pipelineState.cursor + page.windows.length}` : '';
}

function addOutput(o) {
  pipelineState.outputs.push(o);
  if (pipelineState.outputs.length > 200) pipelineState.outputs.shift();
  const tbody = document.getElementById('outputs');
  if (tbody) {
    const tr = document.createElement('tr');
    tr.className = 'output';
    tr.innerHTML = `<td><code>${esc(o.key ?? '')}</code></td><td>${o.window ? `${time(o.window.open_time)} – ${time(o.window.close_time)}` : ''}</td><td><code>${json(o.value ?? o)}</code></td>`;
    tbody.prepend(tr);
    while (tbody.children.length > 100) tbody.lastChild.remove();
  }
  if (typeof o.value === 'number' && o.window) {
    const s = pipelineState.series.get(o.key) || [];
    s.push([Date.parse(o.window.close_time), o.value]);
    if (s.length > 200) s.shift();
    pipelineState.series.set(o.key, s);
    drawChart();
  }
}

const COLORS = ['#0969da', '#cf222e', '#1a7f37', '#9a6700', '#8250df', '#bf3989', '#0a3069', '#57606a'];

function drawChart() {
  const el = document.getElementById('chart');
  if (!el) return;
  const series = [...pipelineState.series.entries()].slice(0, 8);
  const points = series.flatMap(([, s]) => s);
  if (points.length === 0) { el.innerHTML = '<p class="muted">Numeric outputs appear here as windows close.</p>'; return; }
  const [x0, x1] = [Math.min(...points.map((p) => p[0])), Math.max(...points.map((p) => p[0]))];
  const [y0, y1] = [Math.min(0, ...points.map((p) => p[1])), Math.max(...points.map((p) => p[1]))];
  const W = 1000, H = 200, pad = 30;
  const sx = (x) => pad + (x1 === x0 ? 0.5 : (x - x0) / (x1 - x0)) * (W - 2 * pad);
  const sy = (y) => H - pad - (y1 === y0 ? 0.5 : (y - y0) / (y1 - y0)) * (H - 2 * pad);
  const lines = series.map(([key, s], i) => {
    const d = s.map((p, j) => `${j ? 'L' : 'M'}${sx(p[0]).toFixed(1)},${sy(p[1]).toFixed(1)}`).join(' ');
    const dots = s.map((p) => `<circle cx="${sx(p[0]).toFixed(1)}" cy="${sy(p[1]).toFixed(1)}" r="3" fill="${COLORS[i]}"><title>${esc(key)}: ${p[1]}</title></circle>`).join('');
    return `<path d="${d}" fill="none" stroke="${COLORS[i]}" stroke-width="1.5"/>${dots}`;
  }).join('');
  el.innerHTML = `<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="output values over time">
      <text x="4" y="${pad}" font-size="11" fill="#5b6470">${y1}</text><text x="4" y="${H - pad}" font-size="11" fill="#5b6470">${y0}</text>
      ${lines}</svg>
    <div class="legend">${series.map(([k], i) => `<span style="color:${COLORS[i]}">■ ${esc(k)}</span>`).join('')}</div>`;
}

/**
 * The live outputs as an EventSource: it reconnects by itself and resumes from the last output's
 * id. It cannot send a header, so the token goes in the query string (accepted on this route only).
 */
function startStream(id) {
  if (stream) stream.close();
  const query = token ? `?access_token=${encodeURIComponent(token)}` : '';
  const es = new EventSource(`/api/pipelines/${encodeURIComponent(id)}/outputs/stream${query}`);
  stream = es;
  const current = () => stream === es && pipelineState.id === id;
  es.addEventListener('open', () => { if (current()) connection.textContent = 'live'; });
  es.addEventListener('output', (e) => { if (current()) addOutput(JSON.parse(e.data)); });
  es.addEventListener('reload', (e) => {
    const r = JSON.parse(e.data);
    if (current()) connection.textContent = `live · version ${r.version}, windows ${r.windows}`;
  });
  es.addEventListener('gap', async () => {
    // Outputs were missed: show the recent ones again, then what comes live.
    if (!current()) return;
    const { outputs } = await api(`/api/pipelines/${encodeURIComponent(id)}/outputs?limit=50`);
    if (!current()) return;
    pipelineState.outputs = [];
    pipelineState.series = new Map();
    const tbody = document.getElementById('outputs');
    if (tbody) tbody.innerHTML = '';
    outputs.forEach(addOutput);
  });
  es.addEventListener('deleted', () => {
    es.close();
    if (current()) connection.textContent = 'pipeline deleted';
  });
  es.addEventListener('error', () => {
    if (!current()) return;
    if (es.readyState === EventSource.CLOSED) {
      // refused (a new token, the pipeline gone): start again later; the page's own calls ask for the token
      connection.textContent = 'disconnected';
      setTimeout(() => { if (current()) startStream(id); }, 5000);
    } else {
      connection.textContent = 'reconnecting…';
    }
  });
}

// ---- routing ---------------------------------------------------------------------------------

async function render() {
  clearTimeout(refreshTimer);
  const m = location.hash.match(/^#\/pipelines\/(.+)$/);
  try {
    if (m) {
      await showPipeline(decodeURIComponent(m[1]));
    } else {
      if (stream) { stream.close(); stream = null; connection.textContent = ''; }
      pipelineState.id = null;
      await showPipelines();
    }
  } catch (e) {
    view.innerHTML = `<p class="problems">${esc(e.message)}</p><p><a href="#/">All pipelines</a></p>`;
    if (m) pipelineState.id = null;
  }
  refreshTimer = setTimeout(render, 1000);
}

window.addEventListener('hashchange', () => { pipelineState.id = null; render(); });
render();
