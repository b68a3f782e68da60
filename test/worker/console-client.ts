import { workerFetch } from './support/worker-fetch';

export const CONSOLE = 'http://localhost';
export const BOOTSTRAP_TOKEN = 'test-bootstrap-token';

export interface ApiResult<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** Drives the console API through the Worker's own fetch handler, as a browser would (cookie + CSRF header). */
export class ConsoleClient {
  cookie = '';
  csrf = '';

  async call<T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResult<T>> {
    const init: RequestInit = { method, headers: { ...headers } };
    const h = init.headers as Record<string, string>;
    if (this.cookie) h.Cookie = this.cookie;
    if (this.csrf && method !== 'GET') h['X-CSRF-Token'] ??= this.csrf;
    if (body !== undefined) {
      h['Content-Type'] = 'application/json';
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
    }
    const res = await workerFetch(`${CONSOLE}/api${path}`, init);
    const setCookie = res.headers.get('Set-Cookie');
    if (setCookie) this.cookie = setCookie.split(';')[0];
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
  }

  get = <T = any>(path: string) => this.call<T>('GET', path);
  post = <T = any>(path: string, body?: unknown) => this.call<T>('POST', path, body ?? {});
  patch = <T = any>(path: string, body: unknown) => this.call<T>('PATCH', path, body);
  put = <T = any>(path: string, body: unknown) => this.call<T>('PUT', path, body);
  delete = <T = any>(path: string) => this.call<T>('DELETE', path);

  static async login(email: string, password: string): Promise<ConsoleClient> {
    const c = new ConsoleClient();
    const res = await c.post('/auth/login', { email, password });
    if (res.status !== 200) throw new Error(`login ${email}: ${res.status} ${JSON.stringify(res.body)}`);
    c.csrf = res.body.csrfToken;
    return c;
  }
}

export const ADMIN = { email: 'root@example.com', password: 'root-password-1' };

/** The first system admin, created through the bootstrap endpoint, signed in. */
export async function bootstrapAdmin(): Promise<ConsoleClient> {
  const res = await workerFetch(`${CONSOLE}/api/bootstrap`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${BOOTSTRAP_TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  if (res.status !== 201 && res.status !== 409) throw new Error(`bootstrap: ${res.status} ${await res.text()}`);
  return ConsoleClient.login(ADMIN.email, ADMIN.password);
}

/** A new user (created by the admin) who is a member of `project` with `role`, signed in. */
export async function memberOf(admin: ConsoleClient, project: string | null, role: 'admin' | 'member', email: string) {
  const password = `password-${email}`;
  const created = await admin.post('/users', { email, password });
  if (created.status !== 201) throw new Error(`create user: ${JSON.stringify(created.body)}`);
  if (project) {
    const added = await admin.post(`/projects/${project}/members`, { email, role });
    if (added.status !== 201) throw new Error(`add member: ${JSON.stringify(added.body)}`);
  }
  return { client: await ConsoleClient.login(email, password), userId: created.body.user.id as string };
}
