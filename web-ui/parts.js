// Small pieces of HTML several views share: status badges, located problems, a reload in one line, sink health.
import { esc, shortTime } from './format.js';

// A status's meaning where it is not obvious from its word (shown as the badge's tooltip).
const STATUS_HELP = {
  running: 'taking input and closing windows',
  finished: 'its file source reached the end of its input: every window was closed, flushed and written',
  paused: 'its storage is failing; it resumes by itself once writes work again',
  failed: 'it takes no input until a fixed definition replaces it; the reason is shown',
  stopped: 'stopped, after flushing its open windows',
};

export function statusBadge(p, tag) {
  const help = STATUS_HELP[p.status];
  return `<${tag} class="status ${esc(p.status)}"${help ? ` title="${esc(help)}"` : ''}>${esc(p.status)}</${tag}>`;
}

export function problemsList(problems) {
  if (!problems || problems.length === 0) return '';
  return `<ul class="problems">${problems.map((q) => `<li><code>${esc(q.file)}:${q.line}:${q.col}</code>: ${esc(q.message)}</li>`).join('')}</ul>`;
}

/** While the memory budget holds a pipeline, why (its ingest answers 503 with the same words). */
export function refusing(p) {
  return p.memory && p.memory.refusing_input
    ? `<div class="problems memory">refusing input: ${esc(p.memory.refusing_input)}</div>` : '';
}

const OUTCOME = {
  deployed: 'deployed',
  kept: 'reloaded, windows kept',
  flushed: 'reloaded, windows flushed',
  rejected: 'edit rejected',
  closed: 'windows closed on request',
};

/** A deployment, reload or refused edit in one line: what, when, and what changed. */
export function reloadSummary(r) {
  const changed = r.changed && r.changed.length ? ` (${r.changed.map(esc).join(', ')})` : '';
  return `<span class="outcome ${esc(r.outcome)}">${esc(OUTCOME[r.outcome] || r.outcome)}</span>${changed}
    <div class="muted">v${r.version} · ${shortTime(r.time)}</div>`;
}

const HEALTH_WORDS = { ok: 'ok', retrying: 'retrying', full: 'full: input refused', paused: 'paused' };

/** Each sink as a small badge: its kind and health, with its name, counts and last error as the tooltip. */
export function sinkBadges(sinks) {
  if (!sinks || sinks.length === 0) return '<span class="muted">dashboard only</span>';
  return sinks.map((s) => {
    const tip = `${s.name}: ${s.records} ${s.kind === 'webhook' ? 'delivered' : 'records'}`
      + (s.pending !== null ? `, ${s.pending} pending` : '') + (s.last_error ? `; last error: ${s.last_error}` : '');
    return `<span class="health ${esc(s.health)}" title="${esc(tip)}" data-sink="${esc(s.name)}">${s.role === 'late' ? 'late ' : ''}${esc(s.kind)}
      <b>${esc(HEALTH_WORDS[s.health] || s.health)}</b></span>`;
  }).join(' ');
}

