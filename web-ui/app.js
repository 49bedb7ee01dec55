// Transom dashboard: plain ES modules, no build step. Reads the server's JSON API (README's API table) and its
// live output stream; a pipeline's own view lives at #/pipelines/{id} so it can be linked. Refreshes once a
// second, updating the page in place; window.transomStats says how long the last refresh took.
import { esc, zone, setZone } from './format.js';
import { showOverview, leaveOverview } from './overview.js';
import { showPipeline, leavePipeline, rezone } from './pipeline.js';
import { showEditor, leaveEditor } from './editor.js';

const view = document.getElementById('view');
const connection = document.getElementById('connection');
const zoneSelect = document.getElementById('zone');
const stats = { refreshes: 0, lastRefreshMs: null, lastDrawMs: null, route: null };
window.transomStats = stats;
let timer = null;

function routeOf(hash) {
  if (hash === '#/new') return { pipeline: null, edit: null, editing: true };
  const e = hash.match(/^#\/edit\/(.+)$/);
  if (e) return { pipeline: null, edit: decodeURIComponent(e[1]), editing: true };
  const m = hash.match(/^#\/pipelines\/(.+)$/);
  return m ? { pipeline: decodeURIComponent(m[1]) } : { pipeline: null };
}

async function refresh() {
  clearTimeout(timer);
  const { pipeline, edit, editing } = routeOf(location.hash);
  const started = performance.now();
  try {
    let drawn;
    if (editing) {
      leaveOverview();
      leavePipeline();
      connection.textContent = '';
      drawn = await showEditor(view, edit);
    } else if (pipeline !== null) {
      leaveOverview();
      leaveEditor();
      drawn = await showPipeline(view, pipeline, connection);
    } else {
      leaveEditor();
      leavePipeline();
      connection.textContent = '';
      drawn = await showOverview(view);
    }
    stats.refreshes += 1;
    stats.lastRefreshMs = performance.now() - started;
    stats.lastDrawMs = drawn;
    stats.route = editing ? `edit ${edit === null ? '(new)' : edit}` : pipeline === null ? 'overview' : `pipeline ${pipeline}`;
  } catch (e) {
    leavePipeline();
    leaveOverview();
    leaveEditor();
    view.innerHTML = `<p class="problems" role="alert">${esc(e.message)}</p><p><a href="#/">All pipelines</a></p>`;
  }
  timer = setTimeout(refresh, 1000);
}

zoneSelect.value = zone();
zoneSelect.addEventListener('change', () => {
  setZone(zoneSelect.value);
  rezone();
  refresh();
});
window.addEventListener('hashchange', () => {
  leavePipeline();
  leaveOverview();
  leaveEditor();
  refresh();
  view.focus();
});
refresh();
