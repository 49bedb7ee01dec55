// The pipeline page's tables: sinks and their delivery, checkpoint history, reload history, item errors by
// group, late items. Each is drawn again only when what it shows changed.
import { esc, json, time, shortTime, bytes, count, setHtml } from './format.js';
import { reloadSummary } from './parts.js';

const none = (what) => `<p class="muted">${what}</p>`;

const dash = '<span class="muted">—</span>';

/** What waits: a queue's records against its limit, or the checkpoints a transactional sink still owes Kafka. */
function pendingCell(s) {
  if (s.transactions) return `${count(s.transactions.pending_epochs)}<span class="muted"> epochs</span>`;
  return s.pending === null ? dash : `${count(s.pending)}<span class="muted"> / ${count(s.limit)}</span>`;
}

/** Every sink of the running version: what it took, what waits, failed attempts, transactions, the last error. */
export function sinksTable(sinks) {
  if (!sinks || sinks.length === 0) return none('No sinks: outputs are kept for the API and the live stream only.');
  const rows = sinks.map((s) => `<tr data-sink="${esc(s.name)}"><th scope="row"><code>${esc(s.name)}</code>${s.role === 'late'
    ? ' <span class="muted">(late items)</span>' : ''}</th>
      <td><span class="health ${esc(s.health)}">${esc(s.health)}</span></td>
      <td class="num">${count(s.records)}</td>
      <td class="num pending">${pendingCell(s)}</td>
      <td class="num">${s.failed_attempts === null ? dash : count(s.failed_attempts)}</td>
      <td class="transactions">${s.transactions ? `${count(s.transactions.committed)} committed, ${count(s.transactions.aborted)} aborted` : dash}</td>
      <td>${s.last_error ? `<span class="problems">${esc(s.last_error)}</span>` : dash}</td></tr>`).join('');
  return `<div class="table-wrap"><table aria-label="sinks"><thead><tr><th scope="col">sink</th><th scope="col">health</th>
    <th scope="col" class="num">records taken</th><th scope="col" class="num">pending</th><th scope="col" class="num">failed attempts</th>
    <th scope="col">transactions</th><th scope="col">last error</th></tr></thead><tbody>${rows}</tbody></table></div>
    <p class="muted small">File, h2 and exactly-once kafka sinks take records at the checkpoint that stores them (kafka: in one
    transaction each); webhooks and at-least-once kafka sinks once delivered.</p>`;
}

/** The partitions a kafka source reads: the next offset and how many records are behind it. */
export function partitionsTable(partitions) {
  const rows = partitions.map((p) => `<tr data-partition="${esc(`${p.topic}/${p.partition}`)}">
      <th scope="row"><code>${esc(p.topic)}</code> / ${p.partition}</th>
      <td class="num">${p.offset === null ? dash : count(p.offset)}</td>
      <td class="num lag">${p.lag === null ? dash : count(p.lag)}</td></tr>`).join('');
  return `<div class="table-wrap"><table aria-label="source partitions"><thead><tr><th scope="col">topic / partition</th>
    <th scope="col" class="num">next offset</th><th scope="col" class="num">lag (records)</th></tr></thead><tbody>${rows}</tbody></table></div>
    <p class="muted small">The lag is what the consumer last heard from the broker; the checkpoint, not the consumer group, says where reading goes on.</p>`;
}

export function checkpointsTable(entries) {
  if (entries.length === 0) return none('No checkpoint yet.');
  const failed = entries.filter((c) => c.outcome === 'failed').length;
  const rows = entries.slice(-30).reverse().map((c) => `<tr class="${esc(c.outcome)}" data-epoch="${c.epoch}">
      <td class="num">${c.epoch}</td><td>${shortTime(c.time)}</td><td class="num">${count(c.duration_ms)} ms</td>
      <td class="num">${c.state_bytes === null ? '—' : bytes(c.state_bytes)}</td>
      <td>${c.full === null ? '—' : c.full ? 'full' : 'incremental'}</td>
      <td>${c.outcome === 'failed' ? `<span class="problems">failed: ${esc(c.error)}</span>` : 'stored'}</td></tr>`).join('');
  return `<p class="muted">${entries.length} in memory, ${failed} failed; the newest 30:</p>
    <div class="table-wrap"><table aria-label="checkpoints"><thead><tr><th scope="col" class="num">epoch</th><th scope="col">time</th>
    <th scope="col" class="num">duration</th><th scope="col" class="num">state written</th><th scope="col">kind</th><th scope="col">outcome</th>
    </tr></thead><tbody>${rows}</tbody></table></div>`;
}

export function reloadsTable(entries) {
  if (entries.length === 0) return none('No deployment seen since the server started.');
  const rows = entries.slice().reverse().map((r) => `<tr class="${esc(r.outcome)}"><td>${time(r.time)}</td><td>${reloadSummary(r)}</td>
      <td class="num">${r.version}</td><td>${r.changed.length ? r.changed.map((c) => `<code>${esc(c)}</code>`).join(', ') : '<span class="muted">—</span>'}</td>
      <td class="num">${count(r.open_windows)}</td>
      <td>${r.problems.length ? `<ul class="problems">${r.problems.map((p) => `<li><code>${esc(p)}</code></li>`).join('')}</ul>`
        : esc(r.detail || '')}</td></tr>`).join('');
  return `<div class="table-wrap"><table aria-label="reloads"><thead><tr><th scope="col">when</th><th scope="col">what</th>
    <th scope="col" class="num">version</th><th scope="col">parts changed</th><th scope="col" class="num">open windows</th>
    <th scope="col">problems or recovery</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

/** Item errors grouped by field and message: the count and the latest event of each. */
export function errorsTable(view) {
  if (!view || view.groups.length === 0) return none('None.');
  const rows = view.groups.map((g) => `<tr class="error-group"><td><code>${esc(g.field)}</code></td><td>${esc(g.message)}</td>
      <td class="num count">${count(g.count)}</td><td>${shortTime(g.last_time)}</td>
      <td><details><summary>latest event</summary><pre>${json(g.last_item)}</pre></details></td></tr>`).join('');
  return `<p class="muted">${count(view.total)} item error(s) since the pipeline started, in ${view.groups.length} group(s):</p>
    <div class="table-wrap"><table aria-label="item errors"><thead><tr><th scope="col">where</th><th scope="col">why</th>
    <th scope="col" class="num">count</th><th scope="col">last seen</th><th scope="col">event</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

export function lateList(items) {
  if (!items || items.length === 0) return none('None.');
  return `<ul>${items.slice().reverse().map((l) => `<li><code>${json(l.key)}</code> at ${time(l.time)} (watermark ${time(l.watermark)}):
    <code>${json(l.value)}</code></li>`).join('')}</ul>`;
}

/** Sets a section's HTML only when it changed, keeping what the reader opened inside when it did not. */
export function put(root, selector, html) {
  setHtml(root.querySelector(selector), html);
}
