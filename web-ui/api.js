// The server's JSON API (README's API table), with the bearer token asked for once when the server has one.

let token = localStorage.getItem('transom.token');

export function currentToken() {
  return token;
}

function headers() {
  return token ? { Authorization: `Bearer ${token}` } : {};
}

/** The token's header, for a request that must see a status api() would treat as a failure (a 404 asked for). */
export function authHeaders() {
  return headers();
}

function askForToken() {
  const dialog = document.getElementById('token-dialog');
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => {
      token = document.getElementById('token-input').value;
      localStorage.setItem('transom.token', token);
      resolve();
    }, { once: true });
    if (!dialog.open) dialog.showModal();
  });
}

/** GET (or another method) a path; rejects with the server's own error message and the status. */
export async function api(path, init = {}) {
  const res = await fetch(path, { ...init, headers: { ...headers(), ...(init.headers || {}) } });
  if (res.status === 401) {
    await askForToken();
    return api(path, init);
  }
  const body = await res.json().catch(() => ({}));
  if (!res.ok) {
    const err = new Error(body.error || `${res.status} ${res.statusText}`);
    err.status = res.status;
    err.body = body; // e.g. a refused PUT's located problems
    throw err;
  }
  return body;
}

export const pipelinePath = (id, rest = '') => `/api/pipelines/${encodeURIComponent(id)}${rest}`;
