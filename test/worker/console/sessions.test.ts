import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { readSession } from '../../../src/console/session';
import { services } from '../../../src/service/context';
import { ConsoleClient, memberOf } from '../console-client';
import { unique, world } from './fixtures';

const passwordOf = (email: string) => `password-${email}`;

/** Signs in from a given browser and address, as Cloudflare reports it. */
async function loginFrom(email: string, userAgent: string, address: string) {
  const c = new ConsoleClient();
  const res = await c.call(
    'POST',
    '/auth/login',
    { email, password: passwordOf(email) },
    {
      'User-Agent': userAgent,
      'CF-Connecting-IP': address,
    },
  );
  if (res.status !== 200) throw new Error(`login: ${res.status}`);
  c.csrf = res.body.csrfToken;
  return c;
}

async function person() {
  const w = await world();
  const email = `${unique('sess')}@example.com`;
  await memberOf(w.admin, null, 'member', email);
  return { w, email };
}

describe('sessions', () => {
  it("lists one's own sessions with when, client and address; never a token", async () => {
    const { w, email } = await person();
    const laptop = await loginFrom(email, 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0', '203.0.113.7');
    await loginFrom(email, 'ros-cli/0.1', '2001:db8::1');
    const res = await laptop.get('/sessions');
    expect(res.status).toBe(200);
    const sessions = res.body.sessions;
    // memberOf's own sign-in, the laptop and the CLI
    expect(sessions).toHaveLength(3);
    const mine = sessions.find((x: any) => x.current);
    expect(mine).toMatchObject({ client: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0', address: '203.0.113.7' });
    expect(mine.id).toMatch(/^s_[a-z0-9]{16}$/);
    expect(mine.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(mine.lastSeenAt).toBe(mine.createdAt);
    expect(sessions.filter((x: any) => x.current)).toHaveLength(1);
    expect(sessions.map((x: any) => x.address)).toContain('2001:db8::1');
    const text = JSON.stringify(res.body);
    expect(laptop.cookie.split('=')[1]).toBeTruthy();
    expect(text).not.toContain(laptop.cookie.split('=')[1]);
    expect(text).not.toMatch(/token/i);
    // Another user sees only their own.
    const others = (await w.member.client.get('/sessions')).body.sessions.map((x: any) => x.id);
    expect(others).not.toContain(mine.id);
  });

  it("revokes one session by id, only one's own", async () => {
    const { w, email } = await person();
    const a = await loginFrom(email, 'browser-a', '198.51.100.1');
    const b = await loginFrom(email, 'browser-b', '198.51.100.2');
    const bId = (await b.get('/sessions')).body.sessions.find((x: any) => x.current).id;
    // Another user cannot end it: to them it does not exist.
    const foreign = await w.member.client.delete(`/sessions/${bId}`);
    expect([foreign.status, foreign.body.error.code]).toEqual([404, 'not_found']);
    expect((await b.get('/me')).status).toBe(200);
    expect((await a.delete(`/sessions/${bId}`)).status).toBe(204);
    expect((await b.get('/me')).status).toBe(401);
    expect((await a.get('/me')).status).toBe(200);
    expect((await a.get('/sessions')).body.sessions.map((x: any) => x.id)).not.toContain(bId);
  });

  it('revokes all others, keeping the current one', async () => {
    const { email } = await person();
    const keep = await loginFrom(email, 'keep', '192.0.2.1');
    const gone = await loginFrom(email, 'gone', '192.0.2.2');
    const res = await keep.delete('/sessions/others');
    expect([res.status, res.body.endedSessions]).toEqual([200, 2]); // memberOf's and "gone"
    expect((await gone.get('/me')).status).toBe(401);
    const left = (await keep.get('/sessions')).body.sessions;
    expect(left.map((x: any) => [x.client, x.current])).toEqual([['keep', true]]);
  });

  it('revoking the current session signs out: the cookie is cleared', async () => {
    const { email } = await person();
    const c = await loginFrom(email, 'self', '192.0.2.9');
    const id = (await c.get('/sessions')).body.sessions.find((x: any) => x.current).id;
    const res = await c.delete(`/sessions/${id}`);
    expect(res.status).toBe(204);
    expect(res.headers.get('Set-Cookie')).toMatch(/^ros_session=;.*Max-Age=0/);
    expect((await c.get('/me')).status).toBe(401);
  });

  it('records "last seen" at most once a minute per session, not on every request', async () => {
    const { email } = await person();
    const c = await loginFrom(email, 'clock', '192.0.2.10');
    const id = (await c.get('/sessions')).body.sessions.find((x: any) => x.current).id;
    const lastSeen = async () =>
      (await env.DB.prepare('SELECT last_seen_at FROM sessions WHERE id = ?')
        .bind(id)
        .first<{ last_seen_at: number }>())!.last_seen_at;
    const created = await lastSeen();
    let now = created + 30_000;
    const s = { ...services(env), now: () => now };
    const request = new Request('http://localhost/api/me', { headers: { Cookie: c.cookie } });
    const url = new URL(request.url);
    expect((await readSession(s, request, url))?.id).toBe(id);
    expect(await lastSeen()).toBe(created); // 30 s later: no write
    now = created + 61_000;
    await readSession(s, request, url);
    expect(await lastSeen()).toBe(created + 61_000);
    now = created + 90_000;
    await readSession(s, request, url);
    expect(await lastSeen()).toBe(created + 61_000);
  });
});
