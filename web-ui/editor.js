// Editing a definition in the page (#/edit/{id}, or #/new from a template): the located problems as you type
// (POST /api/validate), a preview of what applying it would do (POST .../preview: windows kept or flushed,
// the flush's outputs, a new then on the last outputs, a gated definition's tests), and apply (PUT). Built once
// per visit: the dashboard's refresh timer leaves it alone, so nothing typed is lost.
import { api, pipelinePath, authHeaders } from './api.js';
import { esc, setText } from './format.js';
import { TEMPLATES } from './templates.js';

const state = { root: null, id: null, timer: null, checked: 0 };
/** How long typing must pause before the text is checked. */
const CHECK_AFTER_MS = 300;

export function leaveEditor() {
  clearTimeout(state.timer);
  Object.assign(state, { root: null, id: null });
}

/** The pipeline's id: the one edited, or for a new one the text's name. */
function idOf(text) {
  if (state.id !== null) return state.id;
  const m = text.match(/^name:\s*['"]?([a-z0-9][a-z0-9_-]*)/m);
  return m ? m[1] : null;
}

export async function showEditor(view, id) {
  if (state.root === view && state.id === id) return 0;
  leaveEditor();
  const isNew = id === null;
  const title = isNew ? 'new pipeline'
    : `<a href="#/pipelines/${encodeURIComponent(id)}">${esc(id)}</a> / edit`;
  view.innerHTML = `<h1><a href="#/">Pipelines</a> / ${title}</h1>
    ${isNew ? `<div class="toolbar"><label for="template">Start from</label><select id="template">
      ${Object.keys(TEMPLATES).map((k) => `<option value="${k}">a ${k} window</option>`).join('')}</select></div>` : ''}
    <label for="editor-text" class="editor-label">Definition (YAML)</label>
    <textarea id="editor-text" class="editor" spellcheck="false" autocapitalize="off" rows="24"
      aria-describedby="editor-problems"></textarea>
    <div id="editor-problems" role="status" aria-live="polite"></div>
    <div class="toolbar"><button type="button" id="editor-preview">Preview</button>
      <button type="button" id="editor-apply">Apply</button>
      <a href="${isNew ? '#/' : `#/pipelines/${encodeURIComponent(id)}`}" id="editor-cancel">Cancel</a>
      <span id="editor-result" role="status" aria-live="polite"></span></div>
    <section aria-labelledby="h-preview" id="editor-preview-section" hidden><h2 id="h-preview">Preview</h2>
      <div id="editor-preview-result"></div></section>`;
  Object.assign(state, { root: view, id });
  const text = view.querySelector('#editor-text');
  if (isNew) {
    const choose = view.querySelector('#template');
    text.value = TEMPLATES[choose.value];
    choose.addEventListener('change', () => { text.value = TEMPLATES[choose.value]; check(); });
  } else {
    text.value = (await api(pipelinePath(id))).definition || '';
  }
  text.addEventListener('input', () => {
    clearTimeout(state.timer);
    state.timer = setTimeout(check, CHECK_AFTER_MS);
  });
  view.querySelector('#editor-problems').addEventListener('click', (e) => {
    const b = e.target.closest('button[data-line]');
    if (b) goTo(text, Number(b.dataset.line), Number(b.dataset.col));
  });
  view.querySelector('#editor-preview').addEventListener('click', preview);
  view.querySelector('#editor-apply').addEventListener('click', apply);
  check();
  return 0;
}

/** Puts the caret at LINE:COL of the text (1-based), as a problem names it. */
function goTo(text, line, col) {
  const lines = text.value.split('\n');
  let at = 0;
  for (let i = 0; i < Math.min(line - 1, lines.length); i++) at += lines[i].length + 1;
  at += Math.max(0, col - 1);
  text.focus();
  text.setSelectionRange(at, at);
}

/** A problem of the API's JSON as the line the editor lists: FILE:LINE:COL: message. */
const problemLine = (p) => `${p.file}:${p.line}:${p.col}: ${p.message}`;

function problemsHtml(lines) {
  return `<ul class="problems">${lines.map((p) => {
    const m = p.match(/^(.*?):(\d+):(\d+): (.*)$/);
    // only the definition's own places are in the text area; a test file's are shown as they are
    if (m && /\.test\.ya?ml$/.test(m[1])) return `<li><code>${esc(`${m[1]}:${m[2]}:${m[3]}`)}</code> ${esc(m[4])}</li>`;
    return m ? `<li><button type="button" class="link" data-line="${m[2]}" data-col="${m[3]}">${esc(`${m[1]}:${m[2]}:${m[3]}`)}</button>
      ${esc(m[4])}</li>` : `<li>${esc(p)}</li>`;
  }).join('')}</ul>`;
}

async function check() {
  const root = state.root;
  if (!root) return;
  const text = root.querySelector('#editor-text');
  const asked = ++state.checked;
  // said at once, so what is shown is never the answer to an earlier text
  root.querySelector('#editor-problems').innerHTML = '<p class="muted">Checking…</p>';
  const file = `${idOf(text.value) || 'definition'}.yaml`;
  let r;
  try {
    r = await api(`/api/validate?file=${encodeURIComponent(file)}`, { method: 'POST', body: text.value });
  } catch (e) {
    if (state.root === root) setText(root.querySelector('#editor-problems'), `Not checked: ${e.message}`);
    return;
  }
  if (state.root !== root || asked !== state.checked) return; // a later check is on its way
  const box = root.querySelector('#editor-problems');
  text.setAttribute('aria-invalid', String(!r.ok));
  box.innerHTML = r.ok ? '<p class="ok">No problems.</p>' : problemsHtml(r.lines);
}

function list(items, total, line) {
  const shown = items.slice(0, 20).map((x) => `<li><code>${esc(line(x))}</code></li>`).join('');
  return `<ul class="plain">${shown}${total > Math.min(20, items.length) ? `<li class="muted">… and ${total - Math.min(20, items.length)} more</li>` : ''}</ul>`;
}

function previewHtml(v) {
  if (!v.valid) return `<p class="bad">Not valid: the server would keep the running version.</p>${problemsHtml(v.problems.map(problemLine))}`;
  const parts = [`<p class="change ${esc(v.change)}"><b>${esc({ new: 'New pipeline', none: 'No change', keeps: 'Windows kept',
    flushes: 'Windows flushed' }[v.change] || v.change)}</b>: ${esc(v.effect)}</p>`];
  if (v.changed.length) parts.push(`<p>Parts changed: ${v.changed.map((c) => `<code>${esc(c)}</code>`).join(', ')}</p>`);
  if (v.flush) {
    parts.push(`<h3>Windows that would close (${v.flush.windows})</h3>`, list(v.flush.listed, v.flush.windows,
      (w) => `${w.key} [${w.open_time}, ${w.close_time}) value ${JSON.stringify(w.value)}, ${w.count} item(s)`));
    parts.push(`<h3>Outputs the flush would emit (${v.flush.outputs})</h3>`, list(v.flush.emitted, v.flush.outputs,
      (o) => JSON.stringify(o)));
  }
  if (v.then) {
    parts.push(`<h3>The last ${v.then.recent} output(s): running then → new then</h3>`, list(v.then.outputs, v.then.recent,
      (r) => `${r.now === null ? '(dropped)' : JSON.stringify(r.now)} → ${r.after === null ? '(dropped)' : JSON.stringify(r.after)}${r.error ? ` (${r.error})` : ''}`));
  }
  if (v.tests) {
    parts.push(v.tests.passed ? '<p class="ok">Its tests pass (tests.gate).</p>'
      : `<p class="bad">Its tests fail: the server would refuse this version (tests.gate).</p>${problemsHtml(v.tests.failures.map(problemLine))}`);
  }
  return parts.join('');
}

/** What Preview and Apply act on: the text, its pipeline's id, and where to say how it went; null without a name. */
function action() {
  const root = state.root;
  const text = root.querySelector('#editor-text').value;
  const id = idOf(text);
  const result = root.querySelector('#editor-result');
  if (!id) {
    setText(result, 'Give the pipeline a name: first (lowercase letters, digits, - and _).');
    return null;
  }
  return { root, text, id, result };
}

async function preview() {
  const a = action();
  if (!a) return;
  const { root, text, id, result } = a;
  setText(result, 'Previewing…');
  try {
    const v = await api(pipelinePath(id, '/preview'), { method: 'POST', body: text });
    if (state.root !== root) return;
    root.querySelector('#editor-preview-section').hidden = false;
    root.querySelector('#editor-preview-result').innerHTML = previewHtml(v);
    setText(result, '');
  } catch (e) {
    setText(result, `Not previewed: ${e.message}`);
  }
}

async function apply() {
  const a = action();
  if (!a) return;
  const { root, text, id, result } = a;
  if (state.id === null) {
    // a new pipeline must not take the place of one that runs under that name
    const exists = await fetch(pipelinePath(id), { headers: authHeaders() }).then((r) => r.status === 200, () => false);
    if (exists) {
      setText(result, `Not applied: a pipeline named ${id} exists already; give this one another name: (or edit that one).`);
      return;
    }
  }
  setText(result, 'Applying…');
  try {
    await api(pipelinePath(id), { method: 'PUT', body: text });
  } catch (e) {
    if (state.root !== root) return;
    setText(result, `Not applied: ${e.message}`);
    const problems = (e.body && e.body.problems) || [];
    if (problems.length) {
      root.querySelector('#editor-problems').innerHTML = problemsHtml(problems.map(problemLine));
    }
    return;
  }
  if (state.root === root) location.hash = `#/pipelines/${encodeURIComponent(id)}`;
}
