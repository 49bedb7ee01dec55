// The live outputs as an EventSource: it reconnects by itself and resumes from the last output's id. It
// cannot send a header, so the token goes in the query string (accepted on this route only).
import { currentToken, pipelinePath } from './api.js';

let stream = null;

export function stopStream() {
  if (stream) stream.close();
  stream = null;
}

/** handlers: {status(text), output(record), gap(), deleted()}; `current()` says whether the page still wants them. */
export function startStream(id, handlers, current) {
  stopStream();
  const token = currentToken();
  const query = token ? `?access_token=${encodeURIComponent(token)}` : '';
  const es = new EventSource(pipelinePath(id, `/outputs/stream${query}`));
  stream = es;
  const mine = () => stream === es && current();
  es.addEventListener('open', () => { if (mine()) handlers.status('live'); });
  es.addEventListener('output', (e) => { if (mine()) handlers.output(JSON.parse(e.data)); });
  es.addEventListener('reload', (e) => {
    const r = JSON.parse(e.data);
    if (mine()) handlers.status(`live · version ${r.version}, windows ${r.windows}`);
  });
  es.addEventListener('gap', () => { if (mine()) handlers.gap(); });
  es.addEventListener('deleted', () => {
    es.close();
    if (mine()) handlers.deleted();
  });
  es.addEventListener('error', () => {
    if (!mine()) return;
    if (es.readyState === EventSource.CLOSED) {
      // refused (a new token, the pipeline gone): start again later; the page's own calls ask for the token
      handlers.status('disconnected');
      setTimeout(() => { if (mine()) startStream(id, handlers, current); }, 5000);
    } else {
      handlers.status('reconnecting…');
    }
  });
}
