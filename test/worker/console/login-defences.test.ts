import { SELF } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { ADMIN, CONSOLE, type ConsoleClient, bootstrapAdmin } from '../console-client';
import { unique } from './fixtures';

/** A sign-in as a browser or client at `address` would send it. */
const login = (body: unknown, headers: Record<string, string> = {}, base = CONSOLE) =>
  SELF.fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

const from = (address: string) => ({ 'CF-Connecting-IP': address });

async function newUser(admin: ConsoleClient) {
  const email = `${unique('victim')}@example.com`;
  const password = `password-${email}`;
  expect((await admin.post('/users', { email, password })).status).toBe(201);
  return { email, password };
}

/** Pretends the block of a counter has run out (the window and delays are minutes; tests cannot wait). */
const expireBlocks = (subject: string) =>
  env.DB.prepare('UPDATE login_throttle SET blocked_until = 0 WHERE subject = ?').bind(subject).run();

describe('sign-in throttling', () => {
  it('answers 429 with Retry-After after five failures from one address, without checking the password', async () => {
    const admin = await bootstrapAdmin();
    const user = await newUser(admin);
    const wrong = { email: user.email, password: 'wrong-password' };
    for (let i = 0; i < 5; i++) expect((await login(wrong, from('203.0.113.10'))).status).toBe(401);
    const blocked = await login(user, from('203.0.113.10')); // even the right password waits
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('Set-Cookie')).toBeNull();
    expect(Number(blocked.headers.get('Retry-After'))).toBeGreaterThanOrEqual(1);
    const body = (await blocked.json()) as any;
    expect(body.error.code).toBe('too_many_attempts');
    expect(body.error.message).toMatch(/try again in \d+ second/);
    // Another address is not held up by this one's failures.
    expect((await login(user, from('203.0.113.11'))).status).toBe(200);
  });

  it('doubles the delay with each further failure', async () => {
    const admin = await bootstrapAdmin();
    const user = await newUser(admin);
    const wrong = { email: user.email, password: 'wrong-password' };
    const subject = `${user.email} 203.0.113.20`;
    for (let i = 0; i < 5; i++) await login(wrong, from('203.0.113.20'));
    const waits: number[] = [];
    for (let i = 0; i < 3; i++) {
      await expireBlocks(subject);
      expect((await login(wrong, from('203.0.113.20'))).status).toBe(401);
      waits.push(Number((await login(wrong, from('203.0.113.20'))).headers.get('Retry-After')));
    }
    expect(waits).toEqual([2, 4, 8]);
  });

  it('resets the counter on a successful sign-in', async () => {
    const admin = await bootstrapAdmin();
    const user = await newUser(admin);
    const wrong = { email: user.email, password: 'wrong-password' };
    for (let i = 0; i < 4; i++) expect((await login(wrong, from('203.0.113.30'))).status).toBe(401);
    expect((await login(user, from('203.0.113.30'))).status).toBe(200);
    // Four more failures are free again: without the reset the fifth failure overall would have blocked.
    for (let i = 0; i < 4; i++) expect((await login(wrong, from('203.0.113.30'))).status).toBe(401);
    expect((await login(user, from('203.0.113.30'))).status).toBe(200);
    const rows = await env.DB.prepare("SELECT * FROM login_throttle WHERE scope = 'pair' AND subject = ?")
      .bind(`${user.email} 203.0.113.30`)
      .all();
    expect(rows.results).toEqual([]);
  });

  it('throttles one address guessing across many accounts', async () => {
    await bootstrapAdmin();
    const address = '198.51.100.7';
    for (let i = 0; i < 20; i++) {
      const res = await login({ email: `nobody-${i}@example.com`, password: 'guess-guess' }, from(address));
      expect(res.status).toBe(401);
    }
    const res = await login({ email: 'nobody-21@example.com', password: 'guess-guess' }, from(address));
    expect(res.status).toBe(429);
    expect((await login(ADMIN, from(address))).status).toBe(429);
    // A successful sign-in elsewhere clears nothing for the address.
    expect((await login(ADMIN, from('198.51.100.8'))).status).toBe(200);
    expect((await login(ADMIN, from(address))).status).toBe(429);
  });

  it('lets a stranger hold an account for minutes at most, and never from an address it signed in from', async () => {
    const admin = await bootstrapAdmin();
    const user = await newUser(admin);
    expect((await login(user, from('192.0.2.1'))).status).toBe(200); // the owner's usual address
    // Strangers have already failed 49 times from many addresses (each below its own limit).
    await env.DB.prepare("INSERT INTO login_throttle (scope, subject, failures, last_at) VALUES ('account', ?, 49, ?)")
      .bind(user.email, Date.now())
      .run();
    expect((await login({ email: user.email, password: 'wrong-password' }, from('192.0.2.50'))).status).toBe(401);
    // The account is now blocked for new addresses, briefly...
    const elsewhere = await login(user, from('192.0.2.99'));
    expect(elsewhere.status).toBe(429);
    expect(Number(elsewhere.headers.get('Retry-After'))).toBeLessThanOrEqual(300);
    // ...and a flood of further failures cannot stretch one block past five minutes.
    await env.DB.prepare(
      "UPDATE login_throttle SET failures = 500, blocked_until = 0 WHERE scope = 'account' AND subject = ?",
    )
      .bind(user.email)
      .run();
    expect((await login({ email: user.email, password: 'wrong-password' }, from('192.0.2.52'))).status).toBe(401);
    const capped = await login(user, from('192.0.2.99'));
    expect(capped.status).toBe(429);
    expect(Number(capped.headers.get('Retry-After'))).toBeGreaterThan(250);
    expect(Number(capped.headers.get('Retry-After'))).toBeLessThanOrEqual(300);
    // The owner, from where they signed in before, is not locked out at all.
    expect((await login(user, from('192.0.2.1'))).status).toBe(200);
  });

  it('counts an IPv6 client by its /64, so rotating addresses within it gains nothing', async () => {
    const admin = await bootstrapAdmin();
    const user = await newUser(admin);
    const wrong = { email: user.email, password: 'wrong-password' };
    for (let i = 1; i <= 5; i++) expect((await login(wrong, from(`2001:db8:5:6::${i}`))).status).toBe(401);
    expect((await login(user, from('2001:db8:5:6:ffff::1'))).status).toBe(429);
    expect((await login(user, from('2001:db8:5:7::1'))).status).toBe(200); // another /64
  });

  it('caps every address with the Workers rate limiter before any password is checked', async () => {
    const admin = await bootstrapAdmin();
    const user = await newUser(admin);
    // Successful sign-ins leave the D1 counters alone, so only the binding (30 a minute) can refuse these.
    // 61 attempts span at most two of its one-minute windows, so one window must see more than 30.
    let refused: Response | null = null;
    for (let i = 0; i < 61 && !refused; i++) {
      const res = await login(user, from('203.0.113.250'));
      if (res.status === 429) refused = res;
      else expect(res.status).toBe(200);
    }
    expect(refused).not.toBeNull();
    expect(refused!.headers.get('Retry-After')).toBe('60');
    expect(refused!.headers.get('Set-Cookie')).toBeNull();
  }, 120_000);
});

describe('login CSRF', () => {
  it('refuses a cross-site form post, a text/plain body and a foreign Origin, and sets no cookie', async () => {
    await bootstrapAdmin();
    const cases: [string, RequestInit][] = [
      [
        'form',
        {
          headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'https://evil.example' },
          body: `email=${encodeURIComponent(ADMIN.email)}&password=${ADMIN.password}`,
        },
      ],
      ['text/plain', { headers: { 'Content-Type': 'text/plain' }, body: JSON.stringify(ADMIN) }],
      [
        'foreign origin',
        {
          headers: { 'Content-Type': 'application/json', Origin: 'https://evil.example' },
          body: JSON.stringify(ADMIN),
        },
      ],
      [
        'cross-site fetch',
        {
          headers: { 'Content-Type': 'application/json', 'Sec-Fetch-Site': 'cross-site' },
          body: JSON.stringify(ADMIN),
        },
      ],
      [
        'same-site (a site hostname)',
        { headers: { 'Content-Type': 'application/json', 'Sec-Fetch-Site': 'same-site' }, body: JSON.stringify(ADMIN) },
      ],
    ];
    for (const [name, init] of cases) {
      const res = await SELF.fetch(`${CONSOLE}/api/auth/login`, { method: 'POST', ...init });
      expect([403, 415], name).toContain(res.status);
      expect(res.headers.get('Set-Cookie'), name).toBeNull();
    }
  });

  it('accepts JSON from the console itself, and from clients that send no Origin', async () => {
    await bootstrapAdmin();
    const own = await login(ADMIN, { Origin: CONSOLE, 'Sec-Fetch-Site': 'same-origin' });
    expect(own.status).toBe(200);
    expect((await login(ADMIN)).status).toBe(200);
  });
});

describe('session cookie', () => {
  it('is host-only ros_session over http', async () => {
    await bootstrapAdmin();
    const cookie = (await login(ADMIN)).headers.get('Set-Cookie')!;
    expect(cookie).toMatch(/^ros_session=/);
    expect(cookie).not.toMatch(/Domain=/i);
    expect(cookie).not.toContain('Secure');
  });

  it('is __Host-ros_session (Secure, Path=/, no Domain) over https, and each scheme reads only its own', async () => {
    await bootstrapAdmin();
    const res = await login(ADMIN, {}, 'https://localhost');
    const cookie = res.headers.get('Set-Cookie')!;
    expect(cookie).toMatch(/^__Host-ros_session=[A-Za-z0-9_-]{43};/);
    expect(cookie).toContain('; Secure');
    expect(cookie).toContain('Path=/;');
    expect(cookie).not.toMatch(/Domain=/i);
    const token = cookie.split(';')[0].split('=')[1];
    const me = (base: string, name: string) =>
      SELF.fetch(`${base}/api/me`, { headers: { Cookie: `${name}=${token}` } }).then((r) => r.status);
    expect(await me('https://localhost', '__Host-ros_session')).toBe(200);
    // A plain ros_session cookie (which a site hostname could plant) means nothing over https.
    expect(await me('https://localhost', 'ros_session')).toBe(401);
    expect(await me('http://localhost', '__Host-ros_session')).toBe(401);
    expect(await me('http://localhost', 'ros_session')).toBe(200);
  });
});

describe('security headers', () => {
  const expectHeaders = (res: Response) => {
    const csp = res.headers.get('Content-Security-Policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect(res.headers.get('Referrer-Policy')).toBe('no-referrer');
  };

  it('are on API answers, errors included, and on the static console', async () => {
    expectHeaders(await SELF.fetch(`${CONSOLE}/api/health`));
    expectHeaders(await SELF.fetch(`${CONSOLE}/api/me`)); // 401
    expectHeaders(await login('nope', { 'Content-Type': 'text/plain' }));
    for (const path of ['/', '/index.html', '/js/main.js', '/app.css']) {
      const res = await SELF.fetch(`${CONSOLE}${path}`);
      expect(res.status, path).toBe(200);
      expectHeaders(res);
      await res.arrayBuffer();
    }
  });

  it('are never on S3 answers of site hostnames', async () => {
    const res = await SELF.fetch('http://127.0.0.2/');
    expect(res.headers.get('Content-Security-Policy')).toBeNull();
    expect(res.headers.get('Referrer-Policy')).toBeNull();
    await res.arrayBuffer();
  });
});

describe('API body size limit', () => {
  it('refuses a JSON body past 64 KiB with 413 and writes nothing', async () => {
    const admin = await bootstrapAdmin();
    const name = unique('big');
    const padded = { name, padding: 'x'.repeat(64 * 1024) };
    const res = await admin.post('/projects', padded);
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('body_too_large');
    expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff');
    const found = await env.DB.prepare('SELECT count(*) AS n FROM projects WHERE name = ?')
      .bind(name)
      .first<{ n: number }>();
    expect(found!.n).toBe(0);
  });

  it('refuses one sent without a Content-Length as it streams', async () => {
    const admin = await bootstrapAdmin();
    const name = unique('big');
    const bytes = new TextEncoder().encode(JSON.stringify({ name, padding: 'x'.repeat(70 * 1024) }));
    const stream = new ReadableStream({
      start(c) {
        for (let i = 0; i < bytes.length; i += 8192) c.enqueue(bytes.slice(i, i + 8192));
        c.close();
      },
    });
    const res = await SELF.fetch(`${CONSOLE}/api/projects`, {
      method: 'POST',
      headers: { Cookie: admin.cookie, 'X-CSRF-Token': admin.csrf, 'Content-Type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    const found = await env.DB.prepare('SELECT count(*) AS n FROM projects WHERE name = ?')
      .bind(name)
      .first<{ n: number }>();
    expect(found!.n).toBe(0);
  });

  it('accepts a body just under the limit', async () => {
    const admin = await bootstrapAdmin();
    const res = await admin.post('/projects', { name: unique('ok'), padding: 'x'.repeat(60 * 1024) });
    expect(res.status).toBe(201);
  });
});
