// The history the server keeps (one sample a second; GET /api/pipelines/{id}/history and /api/overview),
// held here as columns and extended with what is new since the last answer's until_ms.

export const COLUMNS = ['time_ms', 'in', 'out', 'late', 'errors', 'pending', 'open_windows', 'lag_seconds',
  'held_bytes', 'deliveries_pending', 'checkpoint_ms'];

export function emptySeries() {
  const s = {};
  for (const c of COLUMNS) s[c] = [];
  return s;
}

/**
 * Appends the samples of an answer that are newer than those held (an answer may repeat the newest
 * ones: its since is the earliest until_ms of all pipelines), keeping at most `max`.
 */
export function append(series, samples, max) {
  const times = samples.time_ms || [];
  const newest = series.time_ms.length ? series.time_ms[series.time_ms.length - 1] : -Infinity;
  for (let i = 0; i < times.length; i++) {
    if (times[i] <= newest) continue;
    for (const c of COLUMNS) series[c].push(samples[c] ? samples[c][i] : null);
  }
  const extra = series.time_ms.length - max;
  if (extra > 0) for (const c of COLUMNS) series[c].splice(0, extra);
  return series;
}

/** Per second over the newest `seconds` samples of a per-second column (null while there are none). */
export function rateOver(series, column, seconds) {
  const n = series.time_ms.length;
  if (n === 0) return null;
  const from = Math.max(0, n - seconds);
  let sum = 0;
  for (let i = from; i < n; i++) sum += series[column][i] || 0;
  // the samples' own span: a page open for 3 s has 3 s of samples, not 60
  const span = n - from;
  return sum / span;
}

export function last(series, column) {
  const a = series[column];
  return a.length ? a[a.length - 1] : null;
}
