// A pipeline's open windows, a page of PAGE at a time, updated in place each refresh: a row stays the same
// element while its window is open, so an open "why?" stays open and nothing reflows.
import { api, pipelinePath } from './api.js';
import { esc, time, timeText, seconds, setText, setHtml } from './format.js';

const PAGE = 50;
const state = { filter: '', cursor: 0, next: null, rows: new Map(), id: null, armedUntil: 0 };
/** How long the "close every window" button waits for its confirming second click. */
const CONFIRM_MS = 5000;

// The table is in no scrolling wrapper, which would clip the answer to "why?" that floats below its row.
export function windowsSection() {
  return `<section aria-labelledby="h-windows"><h2 id="h-windows">Open windows</h2>
    <div class="toolbar"><label for="key-filter">Key</label><input type="search" id="key-filter" placeholder="all keys">
      <button type="button" id="prev" aria-label="previous page">◀</button><button type="button" id="next" aria-label="next page">▶</button>
      <span id="page" class="muted" aria-live="polite"></span>
      <button type="button" id="close-all" class="close-now">Close every window now</button>
      <span id="close-result" role="status" aria-live="polite"></span></div>
    <table aria-label="open windows" class="windows"><thead><tr><th scope="col">key</th><th scope="col">open</th>
      <th scope="col">close</th><th scope="col">value</th><th scope="col" class="num">count</th><th scope="col">time left</th>
      <th scope="col">why still open?</th><th scope="col">close now</th></tr></thead><tbody id="windows"></tbody></table></section>`;
}

/**
 * Closes windows now (POST .../windows/close): one key's from its row, every key's from the toolbar after a
 * second click within CONFIRM_MS. The server answers once the checkpoint holding their outputs is stored.
 */
async function closeNow(root, query, what, refresh) {
  const result = root.querySelector('#close-result');
  setText(result, `Closing ${what}…`);
  try {
    const r = await api(pipelinePath(state.id, `/windows/close?${query}`), { method: 'POST' });
    const closed = `Closed ${r.closed} window${r.closed === 1 ? '' : 's'} of ${what}`;
    setText(result, r.stored ? `${closed}; their outputs are stored.` : `${closed}, not stored yet: ${r.warning}`);
  } catch (e) {
    setText(result, `Not closed: ${e.message}`);
  }
  refresh();
}

export function bindWindows(root, id, refresh) {
  Object.assign(state, { filter: '', cursor: 0, next: null, id, armedUntil: 0 });
  state.rows.clear();
  const all = root.querySelector('#close-all');
  all.addEventListener('click', () => {
    if (Date.now() > state.armedUntil) { // the first click asks; a second one within CONFIRM_MS closes
      state.armedUntil = Date.now() + CONFIRM_MS;
      setText(all, 'Click again to close every open window');
      setTimeout(() => { if (Date.now() >= state.armedUntil) setText(all, 'Close every window now'); }, CONFIRM_MS);
      return;
    }
    state.armedUntil = 0;
    setText(all, 'Close every window now');
    closeNow(root, 'all=true', 'every key', refresh);
  });
  root.querySelector('#windows').addEventListener('click', (e) => {
    const button = e.target.closest('button.close-key');
    if (button && !button.disabled) {
      const key = button.closest('tr').dataset.key;
      closeNow(root, new URLSearchParams({ key }).toString(), `key ${key}`, refresh);
    }
  });
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
    <td class="why"><details><summary>why?</summary><div class="why-text"></div></details></td>
    <td><button type="button" class="close-key close-now" aria-label="close the windows of key ${esc(w.key)} now">close</button></td>`;
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
  const refusal = closeRefusal(p, true);
  const button = tr.querySelector('button.close-key');
  button.disabled = refusal !== null;
  button.title = refusal || `closes every open window of ${w.key} now; later items for them are late`;
}

/** Why the server would refuse to close windows early (as WindowOperator.closeRefusal says), or null. */
function closeRefusal(p, oneKey) {
  const c = p.clock || {};
  if (c.kind !== 'event') return 'On the system clock a window closes at its end.';
  if (oneKey && c.scope === 'pipeline') return 'The keys share one watermark (clock.scope: pipeline): close every key\'s windows.';
  return null;
}

export function renderWindows(root, page, p) {
  state.next = page.next;
  const all = root.querySelector('#close-all');
  const refusal = closeRefusal(p, false);
  all.disabled = refusal !== null || page.windows.length === 0;
  all.title = refusal || 'closes every open window now, after a second click; later items for them are late';
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
    empty.innerHTML = `<td colspan="8" class="muted">No open windows${state.filter ? ' for this key' : ''}.</td>`;
    tbody.appendChild(empty);
  } else if (page.windows.length > 0 && empty) {
    empty.remove();
  }
  setText(root.querySelector('#page'), page.windows.length
    ? `${state.cursor + 1}–${state.cursor + page.windows.length}${page.next ? ' (more: ▶)' : ''}` : '');
}
