// The console API client (docs/api.md): JSON in and out, the session cookie, and the X-CSRF-Token header
// that every state-changing request made with a session must carry.
import { ApiError, CliError } from './errors.mjs';

const TIMEOUT_MS = 60_000;

/**
 * @typedef {{ cookie: string, csrfToken: string }} Session
 *   `cookie` is ready to send as the Cookie header (`ros_session=<token>`).
 */

/**
 * A path with each interpolated value URL-encoded, so names with spaces or slashes stay one path segment:
 * apiPath`/projects/${name}/keys`.
 * @param {TemplateStringsArray} strings
 * @param {...string} values
 */
export function apiPath(strings, ...values) {
  return strings.reduce((out, s, i) => out + s + (i < values.length ? encodeURIComponent(values[i]) : ''), '');
}

export class RosClient {
  /**
   * @param {string} baseUrl the console URL, without a trailing slash
   * @param {{ session?: Session | null, onUnauthenticated?: (err: ApiError) => Error }} [options]
   *   onUnauthenticated turns a 401 into a better error (e.g. "Session expired" for a stored session).
   */
  constructor(baseUrl, options = {}) {
    this.baseUrl = baseUrl;
    /** @type {Session | null} */
    this.session = options.session ?? null;
    this.onUnauthenticated = options.onUnauthenticated;
  }

  /**
   * @param {string} method
   * @param {string} path under /api, e.g. "/projects"
   * @param {unknown} [body]
   * @returns {Promise<{ data: any, res: Response }>} data is null for 204
   */
  async request(method, path, body) {
    const url = `${this.baseUrl}/api${path}`;
    /** @type {Record<string, string>} */
    // The User-Agent names the CLI in the user's session list (`ros session list`, the console's account page).
    const headers = { Accept: 'application/json', 'User-Agent': `ros CLI (Node.js ${process.version})` };
    if (this.session) {
      headers.Cookie = this.session.cookie;
      if (method !== 'GET' && method !== 'HEAD') headers['X-CSRF-Token'] = this.session.csrfToken;
    }
    if (body !== undefined) headers['Content-Type'] = 'application/json';

    let res;
    try {
      res = await fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        // A redirect would mean this is not the console API; following it could leak the cookie elsewhere.
        redirect: 'manual',
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (err) {
      throw networkError(this.baseUrl, err);
    }

    const text = await res.text().catch(() => '');
    let data = null;
    if (text) {
      try {
        data = JSON.parse(text);
      } catch {
        data = undefined;
      }
    }
    if (!res.ok) {
      const e = data?.error;
      const err = e?.code
        ? new ApiError(e.message ?? e.code, e.code, res.status)
        : new ApiError(
            `${method} ${url} answered HTTP ${res.status}; is ${this.baseUrl} a ROS console?`,
            `http_${res.status}`,
            res.status,
          );
      if (res.status === 401 && this.onUnauthenticated) throw this.onUnauthenticated(err);
      throw err;
    }
    if (data === undefined) {
      throw new CliError(`${method} ${url} did not answer JSON; is ${this.baseUrl} a ROS console?`, 'bad_response');
    }
    return { data, res };
  }

  /** @param {string} path */
  get(path) {
    return this.request('GET', path).then((r) => r.data);
  }

  /** @param {string} path @param {unknown} body */
  post(path, body) {
    return this.request('POST', path, body).then((r) => r.data);
  }

  /** @param {string} path @param {unknown} body */
  put(path, body) {
    return this.request('PUT', path, body).then((r) => r.data);
  }

  /** @param {string} path @param {unknown} body */
  patch(path, body) {
    return this.request('PATCH', path, body).then((r) => r.data);
  }

  /** @param {string} path */
  delete(path) {
    return this.request('DELETE', path).then((r) => r.data);
  }

  /**
   * Signs in and keeps the session on this client.
   * @param {string} email @param {string} password
   * @returns {Promise<{ user: any, session: Session }>}
   */
  async login(email, password) {
    const { data, res } = await this.request('POST', '/auth/login', { email, password });
    const cookie = res.headers
      .getSetCookie()
      .map((c) => c.split(';')[0].trim())
      // `__Host-ros_session` over https, `ros_session` over plain http (docs/api.md, "Sessions").
      .find((c) => /^(__Host-)?ros_session=./.test(c));
    if (!cookie || !data?.csrfToken) {
      throw new CliError(`${this.baseUrl} accepted the login but sent no session cookie`, 'bad_response');
    }
    this.session = { cookie, csrfToken: data.csrfToken };
    return { user: data.user, session: this.session };
  }

  /** Ends the session on the server; forgets it here either way. */
  async logout() {
    try {
      await this.request('POST', '/auth/logout');
    } finally {
      this.session = null;
    }
  }
}

/** fetch only says "fetch failed"; the cause (ECONNREFUSED, ENOTFOUND, ...) is what helps. */
function networkError(baseUrl, err) {
  if (err?.name === 'TimeoutError') {
    return new CliError(`ROS at ${baseUrl} did not answer within ${TIMEOUT_MS / 1000} s`, 'timeout');
  }
  const cause = err?.cause;
  const why = cause?.code ?? cause?.message ?? err?.message ?? String(err);
  return new CliError(`Could not reach ROS at ${baseUrl} (${why}); is it running? Set --url or ROS_URL`, 'network');
}
