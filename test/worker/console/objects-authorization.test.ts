import { SELF } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { CONSOLE, ConsoleClient } from '../console-client';
import { ownKey, unique } from './fixtures';
import { bucketWorld, put, q, raw } from './objects-support';

/**
 * Who may use the object endpoints: members and admins of the project, each only at sites where they hold an
 * active own key (the own-key-at-site rule, as for buckets); outsiders learn nothing (404); no session → 401;
 * no CSRF token → 403.
 */
type W = Awaited<ReturnType<typeof bucketWorld>> & { upload: string; part: unknown };

interface Endpoint {
  what: string;
  call: (c: ConsoleClient, w: W) => Promise<{ status: number; code?: string }>;
  ok: number;
}

async function answer(res: Response) {
  const json = res.headers.get('Content-Type')?.startsWith('application/json');
  const body = json ? ((await res.json()) as any) : null;
  if (!json) await res.arrayBuffer();
  return { status: res.status, code: body?.error?.code };
}
const apiCall = async (c: ConsoleClient, method: string, path: string, body?: unknown) => {
  const res = await c.call(method, path, body);
  return { status: res.status, code: res.body?.error?.code };
};

const endpoints: Endpoint[] = [
  { what: 'list objects', call: (c, w) => apiCall(c, 'GET', `${w.base}/objects`), ok: 200 },
  { what: 'bucket stats', call: (c, w) => apiCall(c, 'GET', `${w.base}/stats`), ok: 200 },
  {
    what: 'download',
    call: async (c, w) => answer(await raw(c, 'GET', `${w.base}/object${q({ key: 'seed.txt' })}`)),
    ok: 200,
  },
  {
    what: 'download (HEAD)',
    call: async (c, w) => ({ status: (await raw(c, 'HEAD', `${w.base}/object${q({ key: 'seed.txt' })}`)).status }),
    ok: 200,
  },
  {
    what: 'upload',
    call: async (c, w) => answer(await raw(c, 'PUT', `${w.base}/object${q({ key: unique('u') })}`, 'data')),
    ok: 201,
  },
  {
    what: 'delete an object',
    call: (c, w) => apiCall(c, 'DELETE', `${w.base}/object${q({ key: 'seed.txt' })}`),
    ok: 204,
  },
  {
    what: 'start a multipart upload',
    call: (c, w) => apiCall(c, 'POST', `${w.base}/uploads`, { key: unique('m') }),
    ok: 201,
  },
  {
    what: 'upload a part',
    call: async (c, w) =>
      answer(await raw(c, 'PUT', `${w.base}/uploads/${w.upload}/parts/1${q({ key: 'mp' })}`, 'part')),
    ok: 200,
  },
  {
    what: 'complete an upload',
    call: (c, w) =>
      apiCall(c, 'POST', `${w.base}/uploads/${w.upload}/complete${q({ key: 'mp' })}`, { parts: [w.part] }),
    ok: 200,
  },
  {
    what: 'abort an upload',
    call: (c, w) => apiCall(c, 'DELETE', `${w.base}/uploads/${w.upload}${q({ key: 'mp' })}`),
    ok: 204,
  },
  {
    what: 'empty and delete',
    call: (c, w) => apiCall(c, 'POST', `${w.base}/empty-and-delete`, { confirm: w.bucket }),
    ok: 200,
  },
];

/** A bucket with one object and one started upload with one part, to act on. */
async function scene() {
  const w = await bucketWorld();
  await put(w.member.client, w.base, 'seed.txt', 'seed');
  const upload = (await w.member.client.post(`${w.base}/uploads`, { key: 'mp' })).body.upload.uploadId as string;
  const part = (
    (await (
      await raw(w.member.client, 'PUT', `${w.base}/uploads/${upload}/parts/1${q({ key: 'mp' })}`, 'x')
    ).json()) as any
  ).part;
  return Object.assign(w, { upload, part });
}

describe.each(endpoints)('$what', ({ call, ok }) => {
  it('member with a key at the site: allowed; project admin with a key: allowed', async () => {
    const w = await scene();
    expect((await call(w.member.client, w)).status).toBe(ok);
    const w2 = await scene();
    await ownKey(w2.padmin.client, w2.project, 'thailand-1');
    expect((await call(w2.padmin.client, w2)).status).toBe(ok);
  });

  it("project admin without a key at the bucket's site: 403 no_key_for_site (a key elsewhere does not count)", async () => {
    const w = await scene();
    await ownKey(w.padmin.client, w.project, 'finland-1');
    const r = await call(w.padmin.client, w);
    expect(r.status).toBe(403);
    if (r.code !== undefined) expect(r.code).toBe('no_key_for_site'); // HEAD answers carry no body
  });

  it('system admin who is not a member holds no own key: 403; outsider: 404; signed out: 401', async () => {
    const w = await scene();
    // The system admin created the project (so is its admin) but holds no key in it.
    expect((await call(w.admin, w)).status).toBe(403);
    const outsider = await call(w.outsider.client, w);
    expect(outsider.status).toBe(404);
    if (outsider.code !== undefined) expect(outsider.code).toBe('not_found');
    const signedOut = new ConsoleClient();
    expect((await call(signedOut, w)).status).toBe(401);
  });
});

describe('object endpoints, further refusals', () => {
  it('an inactive own key counts as none', async () => {
    const w = await bucketWorld();
    const keys = (await w.member.client.get(`/projects/${w.project}/keys`)).body.myKeys;
    await w.member.client.patch(`/projects/${w.project}/keys/${keys[0].accessKeyId}`, { status: 'inactive' });
    const res = await w.member.client.get(`${w.base}/objects`);
    expect([res.status, res.body.error.code]).toEqual([403, 'no_key_for_site']);
  });

  it("another project's bucket is not found, even with a key at its site", async () => {
    const a = await bucketWorld();
    const b = await bucketWorld();
    const foreign = `/projects/${b.project}/buckets/thailand-1/${a.bucket}`;
    const res = await b.member.client.get(`${foreign}/objects`);
    expect([res.status, res.body.error.code]).toEqual([404, 'not_found']);
    const upload = await raw(b.member.client, 'PUT', `${foreign}/object${q({ key: 'intruder' })}`, 'x');
    expect(upload.status).toBe(404);
    expect(await env.R2_THAILAND_1.head(`${a.bucket}/intruder`)).toBeNull();
  });

  it('unknown site → 400 unknown_site; missing bucket → 404', async () => {
    const w = await bucketWorld();
    expect(
      (await w.member.client.get(`/projects/${w.project}/buckets/mars-1/${w.bucket}/objects`)).body.error.code,
    ).toBe('unknown_site');
    expect(
      (await w.member.client.get(`/projects/${w.project}/buckets/thailand-1/${unique('none')}/objects`)).status,
    ).toBe(404);
  });

  it('changes need the CSRF header, and a foreign Origin is refused', async () => {
    const w = await bucketWorld();
    const c = w.member.client;
    const noCsrf = await raw(c, 'PUT', `${w.base}/object${q({ key: 'x' })}`, 'x', { 'X-CSRF-Token': '' });
    expect([noCsrf.status, ((await noCsrf.json()) as any).error.code]).toEqual([403, 'csrf']);
    const foreign = await SELF.fetch(`${CONSOLE}/api${w.base}/object${q({ key: 'x' })}`, {
      method: 'DELETE',
      headers: { Cookie: c.cookie, 'X-CSRF-Token': c.csrf, Origin: 'https://evil.example' },
    });
    expect(foreign.status).toBe(403);
    expect(await env.R2_THAILAND_1.head(`${w.bucket}/x`)).toBeNull();
  });
});
