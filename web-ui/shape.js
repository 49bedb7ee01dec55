// The pipeline's shape as a small graph (GET /api/pipelines/{id}/shape): source → steps → windows → then →
// each sink, with item errors and the late sink below, and the counts on the edges. Drawn again only when
// the version changes; the counts and sink health are updated in place.
import { esc, count, setText } from './format.js';

const W = 200;
const GAP = 120;
const LINE = 15;
const MAX_LINES = 5;

const clip = (s, n) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

function height(node) {
  return 30 + LINE * Math.min(MAX_LINES, node.details.length);
}

/** Where each node goes: the main chain left to right, the sinks stacked in the last column, errors and late below. */
function layout(shape) {
  const pos = new Map();
  const chain = shape.nodes.filter((n) => ['source', 'steps', 'windowing', 'then'].includes(n.kind));
  const sinks = shape.nodes.filter((n) => n.kind === 'sink');
  let x = 10;
  let bottom = 0;
  for (const n of chain) {
    pos.set(n.id, { x, y: 10, h: height(n) });
    bottom = Math.max(bottom, 10 + height(n));
    x += W + GAP;
  }
  let y = 10;
  for (const n of sinks) {
    pos.set(n.id, { x, y, h: height(n) });
    y += height(n) + 14;
  }
  bottom = Math.max(bottom, y);
  const below = bottom + 46;
  const windowing = pos.get('windowing');
  const errorsFrom = shape.edges.find((e) => e.to === 'errors');
  const fromX = errorsFrom ? pos.get(errorsFrom.from).x : windowing.x;
  const late = shape.nodes.find((n) => n.kind === 'late');
  const errors = shape.nodes.find((n) => n.kind === 'errors');
  pos.set('late', { x: windowing.x, y: below, h: height(late) });
  pos.set('errors', { x: fromX === windowing.x ? Math.max(10, windowing.x - W - GAP) : fromX, y: below, h: height(errors) });
  const width = x + W + 10;
  const total = Math.max(...[...pos.values()].map((p) => p.y + p.h)) + 10;
  return { pos, width, height: total };
}

function edgePath(a, b) {
  if (b.y > a.y + a.h && b.x < a.x + W) { // down to a node below, not one in a later column
    const x1 = a.x + W / 2;
    const x2 = b.x + W / 2;
    return { d: `M${x1},${a.y + a.h} C${x1},${b.y - 20} ${x2},${a.y + a.h + 20} ${x2},${b.y}`, lx: (x1 + x2) / 2 + 6,
      ly: (a.y + a.h + b.y) / 2, anchor: 'start' };
  }
  const x1 = a.x + W;
  const y1 = a.y + 20;
  const x2 = b.x;
  const y2 = b.y + 20;
  // the label just before the arrow's head, above it: the edges that fan out to the sinks keep theirs apart
  return { d: `M${x1},${y1} C${x1 + GAP / 2},${y1} ${x2 - GAP / 2},${y2} ${x2},${y2}`, lx: x2 - 8, ly: y2 - 5, anchor: 'end' };
}

const edgeText = (e) => (e.count === null ? e.label : `${count(e.count)} ${e.label}`);

function svg(shape) {
  const { pos, width, height: h } = layout(shape);
  const nodes = shape.nodes.map((n) => {
    const p = pos.get(n.id);
    const lines = n.details.slice(0, MAX_LINES).map((d, i) =>
      `<text x="${p.x + 8}" y="${p.y + 38 + i * LINE}" class="detail">${esc(clip(d, 28))}</text>`).join('');
    return `<g class="node ${esc(n.kind)}" data-node="${esc(n.id)}"><title>${esc([n.label, ...n.details].join('\n'))}</title>
      <rect x="${p.x}" y="${p.y}" width="${W}" height="${p.h}" rx="6"/>
      <text x="${p.x + 8}" y="${p.y + 19}" class="label">${esc(clip(n.label, 25))}</text>${lines}</g>`;
  }).join('');
  const edges = shape.edges.map((e) => {
    const { d, lx, ly, anchor } = edgePath(pos.get(e.from), pos.get(e.to));
    return `<g class="edge" data-edge="${esc(e.from)}>${esc(e.to)}"><path d="${d}" marker-end="url(#arrow)"/>
      <text x="${lx}" y="${ly}" text-anchor="${anchor}" class="count">${esc(edgeText(e))}</text></g>`;
  }).join('');
  return `<svg viewBox="0 0 ${width} ${h}" width="${width}" class="shape" role="img" aria-labelledby="shape-caption">
    <defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
      <path d="M0,0 L10,5 L0,10 z"/></marker></defs>${edges}${nodes}</svg>`;
}

function asList(shape) {
  const name = new Map(shape.nodes.map((n) => [n.id, n.label]));
  return shape.edges.map((e) => `<li data-edge="${esc(e.from)}>${esc(e.to)}">${esc(name.get(e.from))} → ${esc(name.get(e.to))}:
    <span class="count">${esc(edgeText(e))}</span></li>`).join('');
}

/** Draws or updates the graph in `figure` (a <figure>). */
export function renderShape(figure, shape) {
  const structure = JSON.stringify([shape.version, shape.nodes]);
  if (figure.dataset.structure !== structure) {
    figure.innerHTML = `<div class="shape-wrap">${svg(shape)}</div>
      <figcaption id="shape-caption">How items flow through version ${shape.version}: counts so far on the edges
        (items a filter drops are not counted apart, so the edges into and out of the windows have none).</figcaption>
      <details><summary>The graph as a list</summary><ul class="edges">${asList(shape)}</ul></details>`;
    figure.dataset.structure = structure;
    return;
  }
  for (const e of shape.edges) {
    for (const el of figure.querySelectorAll(`[data-edge="${CSS.escape(`${e.from}>${e.to}`)}"] .count`)) setText(el, edgeText(e));
  }
}
