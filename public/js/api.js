// The console JSON API (docs/api.md): session cookie + X-CSRF-Token on changes; errors in words.

let csrfToken = '';
/** @type {() => void} */
let onSignedOut = () => {};

/** @param {string} token */
export const setCsrf = (token) => (csrfToken = token);
/** @param {() => void} fn called when the API answers that the session is gone */
export const whenSignedOut = (fn) => (onSignedOut = fn);

export class ApiError extends Error {
  /** @param {number} status @param {string} code @param {string} message */
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/**
 * What to tell a person, by error code; other codes keep the server's message, which is written for people.
 * @type {Record<string, string>}
 */
const WORDS = {
  network: 'Could not reach the ROS server. Check your connection and try again.',
  csrf: 'Your session changed (perhaps you signed in again in another tab). Reload the page and try again.',
  unauthenticated: 'Your session has ended. Please sign in again.',
  invalid_credentials: 'That email and password do not match an account.',
  internal: 'Something went wrong on the server. Please try again in a moment.',
  no_such_upload:
    'The upload is no longer known to the server (it was cancelled, completed or expired). Start it again.',
  invalid_part: 'A part of the upload did not arrive as sent. Start the upload again.',
  part_too_small: 'Every part but the last must be at least 5 MiB. Start the upload again.',
};

/** @type {Record<number, string>} */
const BY_STATUS = { 401: 'unauthenticated', 403: 'forbidden', 404: 'not_found' };
/** @type {Record<string, string>} */
const STATUS_WORDS = { forbidden: 'You are not allowed to do this.', not_found: 'It does not exist (any more).' };

/** @param {number} status @param {any} body */
function toError(status, body) {
  // HEAD answers have no body: the status alone speaks.
  const code = body?.error?.code ?? BY_STATUS[status] ?? (status >= 500 ? 'internal' : 'unknown');
  if (!body?.error && STATUS_WORDS[code]) return new ApiError(status, code, STATUS_WORDS[code]);
  const message = WORDS[code] ?? body?.error?.message ?? `The server answered ${status} without saying why.`;
  return new ApiError(status, code, message);
}

/**
 * Calls the API and resolves to its JSON (null for 204). Rejects with an ApiError whose message is for people.
 * @param {string} method @param {string} path under /api @param {unknown} [body]
 */
export async function api(method, path, body) {
  /** @type {Record<string, string>} */
  const headers = { Accept: 'application/json' };
  if (method !== 'GET' && method !== 'HEAD') headers['X-CSRF-Token'] = csrfToken;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(`/api${path}`, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network', WORDS.network);
  }
  const text = await res.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    if (res.ok)
      throw new ApiError(res.status, 'bad_answer', 'The server sent an answer the console does not understand.');
  }
  if (!res.ok) {
    const err = toError(res.status, data);
    if (err.code === 'unauthenticated' && path !== '/auth/login') onSignedOut();
    throw err;
  }
  return data;
}

/**
 * URL-encodes each path segment.
 * @param {...string} parts
 */
export const seg = (...parts) => parts.map((p) => encodeURIComponent(p)).join('/');

/**
 * Sends a raw body with XMLHttpRequest, for upload progress; `abort()` cancels.
 * @param {{ method: string, path: string, body: Blob, contentType?: string, onProgress?: (sent: number) => void }} o
 */
export function send({ method, path, body, contentType, onProgress }) {
  const xhr = new XMLHttpRequest();
  const done = new Promise((resolve, reject) => {
    xhr.open(method, `/api${path}`);
    xhr.setRequestHeader('X-CSRF-Token', csrfToken);
    xhr.setRequestHeader('Accept', 'application/json');
    if (contentType) xhr.setRequestHeader('Content-Type', contentType);
    xhr.upload.onprogress = (e) => onProgress?.(e.loaded);
    xhr.onerror = () => reject(new ApiError(0, 'network', WORDS.network));
    xhr.onabort = () => reject(new ApiError(0, 'aborted', 'Cancelled'));
    xhr.onload = () => {
      let data = null;
      try {
        data = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        // reported below
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(data);
      else {
        const err = toError(xhr.status, data);
        if (err.code === 'unauthenticated') onSignedOut();
        reject(err);
      }
    };
    xhr.send(body);
  });
  return { done, abort: () => xhr.abort() };
}
