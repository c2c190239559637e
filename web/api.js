// api.js — the one way the page talks to recip serve: JSON over fetch with
// the session cookie, the CSRF token on every write, and errors as
// exceptions carrying the server's stable code and message.

let csrf = null;

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export async function call(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrf) headers['X-CSRF-Token'] = csrf;
  const response = await fetch('/api/v1' + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
  });
  if (response.status === 204) return null;
  const doc = await response.json().catch(() => null);
  if (!response.ok) {
    const e = doc && doc.error ? doc.error : { code: 'http', message: response.statusText };
    throw new ApiError(response.status, e.code, e.message);
  }
  return doc;
}

export const get = (path) => call('GET', path);
export const post = (path, body) => call('POST', path, body === undefined ? {} : body);
export const patch = (path, body) => call('PATCH', path, body);
export const del = (path) => call('DELETE', path);

export async function signIn(name, password) {
  const me = await post('/session', { name, password });
  csrf = me.csrf;
  return me;
}

export async function whoAmI() {
  const me = await get('/session');
  csrf = me.csrf || null;
  return me;
}

export async function signOut() {
  try {
    await del('/session');
  } finally {
    csrf = null;
  }
}

// Query strings from an object, skipping empty values.
export function qs(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? '?' + s : '';
}
