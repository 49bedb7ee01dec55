// A pipeline's open windows, a page of PAGE at a time, updated in place each refresh: a row stays the same
// element while its window is open, so an open "why?" stays open and nothing reflows.
import { api, pipelinePath } from './api.js';
import { esc, time, timeText, seconds, setText, setHtml } from './format.js';

const PAGE = 50;
const state = { filter: '', cursor: 0, next: null, rows: new Map() };

// The table is in no scrolling wrapper, which would clip the answer to "why?" that floats below its row.
export function windowsSection() {
  return `<section aria-labelledby="h-windows"><h2 id="h-windows">Open windows</h2>
    <div class="toolbar"><label for="key-filter">Key</label><input type="search" id="key-filter" placeholder="all keys">
      <button type="button" id="prev" aria-label="previous page">◀</button><button type="button" id="next" aria-label="next page">▶</button>
      <span id="page" class="muted" aria-live="polite"></span></div>
    <table aria-label="open windows" class="windows"><thead><tr><th scope="col">key</th><th scope="col">open</th>
      <th scope="col">close</th><th scope="col">value</th><th scope="col" class="num">count</th><th scope="col">time left</th>
      <th scope="col">why still open?</th></tr></thead><tbody id="windows"></tbody></table></section>`;
}

export function bindWindows(root, refresh) {
  Object.assign(state, { filter: '', cursor: 0, next: null });
  state.rows.clear();
  root.querySelector('#key-filter').addEventListener('input', (e) => { state.filter = e.target.value; state.cursor = 0; refresh(); });
  root.querySelector('#prev').addEventListener('click', () => { state.cursor = Math.max(0, state.cursor - PAGE); refresh(); });
  root.querySelector('#next').addEventListener('click', () => { if (state.next) { state.cursor = Number(state.next); refresh(); } });
}

export function fetchWindows(id) {
  const q = new URLSearchParams({ cursor: state.cursor, limit: PAGE });
  if (state.filter) q.set('key', state.filter);
  return api(pipelinePath(id, `/windows?${q}`));
}

/**
 * How much of its time a window has left, 1 just after it opened and 0 as it closes: the time until it is
 * expected to close against the whole time it stays open (its length, plus the clock's wait for event time).
 */
export function timeLeft(w, waitMs, now) {
  if (!w.closes_at) return null;
  const leftMs = Math.max(0, Date.parse(w.closes_at) - now);
  const totalMs = Math.max(1, Date.parse(w.close_time) - Date.parse(w.open_time) + waitMs);
  return { leftMs, fraction: Math.min(1, leftMs / totalMs) };
}

function why(w, p) {
  const c = p.clock || {};
  if (c.kind === 'event') {
    const whose = c.scope === 'pipeline' ? "the pipeline's watermark" : "the key's watermark";
    return `It closes when ${whose} (${time(w.watermark)}) reaches its close time, ${time(w.close_time)}. The clock waits
      ${esc(seconds(c.wait_seconds))} after the newest item, so without new items that is at about ${time(w.closes_at)}.`;
  }
  return `System clock: it closes at ${time(w.closes_at || w.close_time)}.`;
}

function makeRow(w) {
  const tr = document.createElement('tr');
  tr.dataset.key = w.key;
  tr.dataset.open = w.open_time;
  tr.innerHTML = `<td><code>${esc(w.key)}</code></td><td class="open"></td><td class="close"></td><td class="value"><code></code></td>
    <td class="num count"></td>
    <td class="left"><div class="bar" role="meter" aria-label="time left" aria-valuemin="0" aria-valuemax="100"><span></span></div>
      <span class="muted secs"></span></td>
    <td class="why"><details><summary>why?</summary><div class="why-text"></div></details></td>`;
  return tr;
}

function updateRow(tr, w, p, now) {
  setHtml(tr.querySelector('td.open'), time(w.open_time));
  setHtml(tr.querySelector('td.close'), time(w.close_time));
  setText(tr.querySelector('td.value code'), JSON.stringify(w.value));
  setText(tr.querySelector('td.count'), String(w.count));
  const waitMs = p.clock && p.clock.kind === 'event' ? p.clock.wait_seconds * 1000 : 0;
  const left = timeLeft(w, waitMs, now);
  const bar = tr.querySelector('.bar');
  const pct = left === null ? 0 : 100 * left.fraction;
  bar.firstElementChild.style.width = `${pct.toFixed(1)}%`;
  bar.setAttribute('aria-valuenow', pct.toFixed(0));
  bar.title = left === null ? 'no close time yet' : `closes at about ${timeText(w.closes_at)}`;
  setText(tr.querySelector('.secs'), left === null ? 'unknown' : seconds(left.leftMs / 1000));
  setHtml(tr.querySelector('.why-text'), why(w, p));
}

export function renderWindows(root, page, p) {
  state.next = page.next;
  const tbody = root.querySelector('#windows');
  const now = Date.now();
  const seen = new Set();
  let before = null;
  for (let i = page.windows.length - 1; i >= 0; i--) {
    const w = page.windows[i];
    const id = `${w.key}\u0000${w.open_time}`;
    seen.add(id);
    let tr = state.rows.get(id);
    if (!tr) {
      tr = makeRow(w);
      state.rows.set(id, tr);
    }
    if (tr.parentNode !== tbody || tr.nextSibling !== before) tbody.insertBefore(tr, before);
    updateRow(tr, w, p, now);
    before = tr;
  }
  for (const [id, tr] of state.rows) if (!seen.has(id)) { tr.remove(); state.rows.delete(id); }
  let empty = tbody.querySelector('tr.empty');
  if (page.windows.length === 0 && !empty) {
    empty = document.createElement('tr');
    empty.className = 'empty';
    empty.innerHTML = `<td colspan="7" class="muted">No open windows${state.filter ? ' for this key' : ''}.</td>`;
    tbody.appendChild(empty);
  } else if (page.windows.length > 0 && empty) {
    empty.remove();
  }
  setText(root.querySelector('#page'), page.windows.length
    ? `${state.cursor + 1}–${state.cursor + page.windows.length}${page.next ? ' (more: ▶)' : ''}` : '');
}
