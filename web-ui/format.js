// How values are shown: escaped text, times with their zone (UTC unless the reader chose local), durations,
// rates, counts and bytes. One place, so every table and chart says times the same way.

const ZONE_KEY = 'transom.zone';

/** 'utc' or 'local', as chosen in the header (kept in localStorage). */
export function zone() {
  return localStorage.getItem(ZONE_KEY) === 'local' ? 'local' : 'utc';
}

export function setZone(z) {
  localStorage.setItem(ZONE_KEY, z === 'local' ? 'local' : 'utc');
}

export const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
export const json = (v) => esc(JSON.stringify(v));

const pad = (n, w = 2) => String(n).padStart(w, '0');

function localParts(d) {
  const name = new Intl.DateTimeFormat(undefined, { timeZoneName: 'short' }).formatToParts(d)
    .find((p) => p.type === 'timeZoneName');
  return {
    date: `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`,
    time: `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`,
    zone: name ? name.value : 'local',
  };
}

/** Date, time and zone of a time (an RFC 3339 string or epoch milliseconds); milliseconds only when there are some. */
export function parts(t) {
  const d = typeof t === 'number' ? new Date(t) : new Date(Date.parse(t));
  if (Number.isNaN(d.getTime())) return null;
  const ms = d.getMilliseconds() ? `.${pad(d.getMilliseconds(), 3)}` : '';
  if (zone() === 'local') {
    const p = localParts(d);
    return { ...p, time: p.time + ms };
  }
  const iso = d.toISOString();
  return { date: iso.slice(0, 10), time: iso.slice(11, 19) + ms, zone: 'UTC' };
}

/** A time as text with its zone, e.g. "2026-12-02 15:06:04 UTC"; "—" for none. */
export function timeText(t) {
  if (t === null || t === undefined || t === '') return '—';
  const p = parts(t);
  return p ? `${p.date} ${p.time} ${p.zone}` : String(t);
}

/** The same as HTML, in a <time> element whose datetime is the exact instant. */
export function time(t) {
  if (t === null || t === undefined || t === '') return '—';
  const p = parts(t);
  if (!p) return esc(t);
  const iso = typeof t === 'number' ? new Date(t).toISOString() : t;
  return `<time datetime="${esc(iso)}">${esc(p.date)} ${esc(p.time)} <span class="zone">${esc(p.zone)}</span></time>`;
}

/** Only the time of day (and zone) when the date is today's, for dense lists. */
export function shortTime(t) {
  const p = parts(t);
  const today = parts(Date.now());
  if (!p) return '—';
  return esc(p.date === today.date ? `${p.time} ${p.zone}` : `${p.date} ${p.time} ${p.zone}`);
}

export function seconds(s) {
  if (s === null || s === undefined || Number.isNaN(s)) return '—';
  const a = Math.abs(s);
  if (a < 1) return `${Math.round(s * 1000)} ms`;
  if (a < 120) return `${s.toFixed(1)} s`;
  if (a < 7200) return `${(s / 60).toFixed(1)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

/** A rate per second: more digits where it is small, so one output every 20 s does not read 0.0. */
export function rate(perSecond) {
  if (perSecond === null || perSecond === undefined || Number.isNaN(perSecond)) return '…';
  if (perSecond === 0) return '0';
  if (perSecond < 0.1) return perSecond.toFixed(3);
  if (perSecond < 10) return perSecond.toFixed(2);
  return Math.round(perSecond).toLocaleString('en');
}

export const count = (n) => (n === null || n === undefined ? '—' : Number(n).toLocaleString('en'));

export function bytes(n) {
  if (n === null || n === undefined) return '—';
  if (n < 1024) return `${n} B`;
  if (n < 1 << 20) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1 << 30) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  return `${(n / (1 << 30)).toFixed(2)} GiB`;
}

/** A colour for a key that is the same on every load and every page (a hue from the key's hash). */
export function keyColour(key) {
  let h = 2166136261;
  const s = String(key);
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  const hue = (h >>> 0) % 360;
  return `hsl(${hue} 70% 38%)`;
}

/** Sets an element's text only when it changed: no layout work for what stays the same. */
export function setText(el, text) {
  if (el && el.textContent !== text) el.textContent = text;
}

/** Sets an element's HTML only when it changed. */
export function setHtml(el, html) {
  if (el && el.dataset.html !== html) {
    el.innerHTML = html;
    el.dataset.html = html;
  }
}
