// Charts: sparklines as small inline SVG (cheap enough for a row per pipeline) and time charts drawn by uPlot
// (served from the jar at /vendor/uplot/), with a labelled time axis in the zone the reader chose.
import { zone, esc } from './format.js';

const NS = 'http://www.w3.org/2000/svg';

/** An empty sparkline: an <svg> with one path, described by `label` for screen readers. */
export function sparkline(label, cls = '') {
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('class', `spark ${cls}`);
  svg.setAttribute('viewBox', '0 0 100 24');
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  const path = document.createElementNS(NS, 'path');
  svg.appendChild(path);
  return svg;
}

/** Redraws a sparkline from values (nulls are gaps); `max` fixes the top of the scale (a capacity). */
export function drawSparkline(svg, values, max) {
  const path = svg.firstChild;
  const n = values.length;
  const top = max ?? Math.max(1e-9, ...values.filter((v) => v !== null && v !== undefined));
  let d = '';
  let pen = false;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined) { pen = false; continue; }
    const x = n === 1 ? 100 : (100 * i) / (n - 1);
    const y = 23 - 22 * Math.min(1, Math.max(0, v / top));
    d += `${pen ? 'L' : 'M'}${x.toFixed(1)},${y.toFixed(1)}`;
    pen = true;
  }
  if (path.getAttribute('d') !== d) path.setAttribute('d', d);
  svg.dataset.points = String(values.filter((v) => v !== null && v !== undefined).length);
}

/** uPlot's Date for a timestamp in seconds, in the chosen zone. */
function tzDate(ts) {
  const d = new Date(ts * 1e3);
  return zone() === 'local' ? d : window.uPlot.tzDate(d, 'Etc/UTC');
}

export function chartsAvailable() {
  return typeof window.uPlot === 'function';
}

/**
 * A time chart in `el`: one line per series ({label, stroke, scale}), x in seconds. `yLabel` names the left
 * axis; a second scale, if any series uses 'right', gets its own axis on the right.
 * Returns {setData(columns), destroy()}.
 */
export function timeChart(el, { title, yLabel, rightLabel, series, height = 180 }) {
  el.setAttribute('role', 'img');
  el.setAttribute('aria-label', title);
  if (!chartsAvailable()) {
    el.innerHTML = `<p class="muted">Charts need uPlot, which this server did not serve.</p>`;
    return { setData() {}, destroy() {}, setSeries() {} };
  }
  const axisFont = '12px system-ui, sans-serif';
  const axes = [
    { label: `time (${zone() === 'local' ? 'local' : 'UTC'})`, labelSize: 18, font: axisFont, labelFont: axisFont },
    { label: yLabel, labelSize: 18, font: axisFont, labelFont: axisFont, size: 60 },
  ];
  if (series.some((s) => s.scale === 'right')) {
    axes.push({ label: rightLabel, scale: 'right', side: 1, grid: { show: false }, labelSize: 18, font: axisFont, labelFont: axisFont, size: 60 });
  }
  const opts = {
    width: Math.max(300, el.clientWidth || 600),
    height,
    tzDate,
    legend: { show: true },
    cursor: { drag: { x: false, y: false } },
    // one point in time (a single window so far) would otherwise stretch the axis over years
    scales: { x: { time: true, range: (u, min, max) => (min === max ? [min - 60, max + 60] : [min, max]) } },
    axes,
    series: [{ label: 'time' }, ...series.map((s) => ({ label: s.label, stroke: s.stroke, width: 1.5, scale: s.scale || 'y',
      points: { show: s.points ?? false }, spanGaps: s.spanGaps ?? false }))],
  };
  el.innerHTML = '';
  el.dataset.xAxis = axes[0].label; // what the canvas's axis says, for readers of the page's structure
  const plot = new window.uPlot(opts, [[], ...series.map(() => [])], el);
  const resize = new ResizeObserver(() => {
    const w = Math.max(300, el.clientWidth);
    if (Math.abs(w - plot.width) > 4) plot.setSize({ width: w, height });
  });
  resize.observe(el);
  return {
    setData(columns) { plot.setData(columns); },
    destroy() { resize.disconnect(); plot.destroy(); },
    plot,
  };
}

/** The legend of a chart whose series are chosen elsewhere (the outputs chart). */
export function legend(items) {
  return items.map(({ label, colour }) => `<span class="key"><i style="background:${colour}"></i>${esc(label)}</span>`).join('');
}
