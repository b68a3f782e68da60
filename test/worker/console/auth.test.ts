import { SELF } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { ADMIN, BOOTSTRAP_TOKEN, CONSOLE, ConsoleClient, bootstrapAdmin } from '../console-client';

const bootstrap = (token: string | null, body: unknown) =>
  SELF.fetch(`${CONSOLE}/api/bootstrap`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });

const userCount = async () => (await env.DB.prepare('SELECT count(*) AS n FROM users').first<{ n: number }>())!.n;

// Storage is shared by the tests of one file, so these run in order: refusals first, then the one success.
describe('bootstrap', () => {
  it('needs the bootstrap token', async () => {
    expect((await bootstrap(null, ADMIN)).status).toBe(401);
    expect((await bootstrap('wrong', ADMIN)).status).toBe(401);
    expect(await userCount()).toBe(0);
  });

  it('validates its input', async () => {
    const res = await bootstrap(BOOTSTRAP_TOKEN, { email: 'a@b.c', password: 'short' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error).toMatchObject({ code: 'invalid_input' });
    expect(await userCount()).toBe(0);
  });

  it('creates the first admin once, then refuses', async () => {
    const first = await bootstrap(BOOTSTRAP_TOKEN, ADMIN);
    expect(first.status).toBe(201);
    expect(((await first.json()) as any).user).toMatchObject({ email: ADMIN.email, isAdmin: true });
    const again = await bootstrap(BOOTSTRAP_TOKEN, { email: 'other@example.com', password: 'another-password' });
    expect(again.status).toBe(409);
    expect(((await again.json()) as any).error.code).toBe('already_bootstrapped');
    expect(await userCount()).toBe(1);
  });
});

describe('sessions', () => {
  it('signs in with an HttpOnly SameSite cookie and a CSRF token, and stores only the token hash', async () => {
    await bootstrapAdmin();
    const c = new ConsoleClient();
    const res = await c.post('/auth/login', ADMIN);
    expect(res.status).toBe(200);
    const cookie = res.headers.get('Set-Cookie')!;
    expect(cookie).toMatch(/^ros_session=[A-Za-z0-9_-]{43};/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).not.toContain('Secure'); // plain-http localhost
    expect(res.body.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const token = c.cookie.split('=')[1];
    const stored = await env.DB.prepare('SELECT token_hash FROM sessions').all<{ token_hash: string }>();
    expect(stored.results.length).toBeGreaterThan(0);
    expect(stored.results.map((r) => r.token_hash)).not.toContain(token);
    const hash = [...new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token)))]
      .map((b) => b.toString(16).padStart(2, '0'))
      .join('');
    expect(stored.results.map((r) => r.token_hash)).toContain(hash);
  });

  it('marks the cookie Secure over https', async () => {
    await bootstrapAdmin();
    const res = await SELF.fetch('https://localhost/api/auth/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    expect(res.headers.get('Set-Cookie')).toContain('; Secure');
  });

  it('refuses wrong credentials alike for a wrong password and an unknown email', async () => {
    await bootstrapAdmin();
    const c = new ConsoleClient();
    for (const body of [
      { ...ADMIN, password: 'nope-nope' },
      { email: 'nobody@example.com', password: 'whatever1' },
    ]) {
      const res = await c.post('/auth/login', body);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('invalid_credentials');
      expect(res.headers.get('Set-Cookie')).toBeNull();
    }
  });

  it('answers who am I, and nothing after sign-out', async () => {
    const c = await bootstrapAdmin();
    const me = await c.get('/me');
    expect(me.status).toBe(200);
    expect(me.body.user.email).toBe(ADMIN.email);
    expect(me.body.csrfToken).toBe(c.csrf);
    const out = await c.post('/auth/logout');
    expect(out.status).toBe(204);
    expect(out.headers.get('Set-Cookie')).toContain('Max-Age=0');
    expect((await c.get('/me')).status).toBe(401);
  });

  it('keeps a signed-out token dead even if replayed', async () => {
    const c = await bootstrapAdmin();
    const replay = new ConsoleClient();
    replay.cookie = c.cookie;
    await c.post('/auth/logout');
    expect((await replay.get('/me')).status).toBe(401);
  });

  it('refuses requests without a session', async () => {
    const c = new ConsoleClient();
    for (const path of ['/me', '/projects', '/users']) {
      const res = await c.get(path);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('unauthenticated');
    }
  });
});

describe('CSRF', () => {
  it('refuses a change without the X-CSRF-Token header and writes nothing', async () => {
    const c = await bootstrapAdmin();
    const res = await c.call('POST', '/projects', { name: 'csrf' }, { 'X-CSRF-Token': '' });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('csrf');
    const wrong = await c.call('POST', '/projects', { name: 'csrf' }, { 'X-CSRF-Token': 'A'.repeat(43) });
    expect(wrong.status).toBe(403);
    expect((await c.get('/projects')).body.projects.map((p: any) => p.name)).not.toContain('csrf');
  });

  it('refuses a change from a foreign Origin even with the token', async () => {
    const c = await bootstrapAdmin();
    const res = await c.call('POST', '/projects', { name: 'from-evil' }, { Origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('csrf');
    const same = await c.call('POST', '/projects', { name: 'same-origin' }, { Origin: CONSOLE });
    expect(same.status).toBe(201);
  });

  it('ties the token to the session', async () => {
    const a = await bootstrapAdmin();
    const b = await ConsoleClient.login(ADMIN.email, ADMIN.password);
    expect(a.csrf).not.toBe(b.csrf);
    const res = await a.call('POST', '/projects', { name: 'x' }, { 'X-CSRF-Token': b.csrf });
    expect(res.status).toBe(403);
  });
});

describe('bad input', () => {
  it.each([
    ['not json', '{nope', 'invalid_json'],
    ['an array', '[1,2]', 'invalid_json'],
    ['a string', '"x"', 'invalid_json'],
    ['missing fields', '{}', 'invalid_input'],
    ['a number for a name', '{"name": 5}', 'invalid_input'],
  ])('answers %s with a 400 and a code', async (_what, raw, code) => {
    const c = await bootstrapAdmin();
    const before = (await c.get('/projects')).body.projects;
    const res = await c.call('POST', '/projects', raw, { 'Content-Type': 'application/json' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe(code);
    expect(res.body.error.message).toBeTruthy();
    expect((await c.get('/projects')).body.projects).toEqual(before);
  });
});
