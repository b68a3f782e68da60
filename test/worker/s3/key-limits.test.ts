import { SELF } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { toBase64 } from '../../../src/crypto/encoding';
import { clearKeyCache, KEY_CACHE_MS } from '../../../src/s3/auth/authenticate';
import { deriveSigningKey, formatAmzDate, hmacHex } from '../../../src/s3/auth/sigv4';
import { SITES, S3TestClient, type S3World, concat, s3World, unique, xmlAll, xmlText } from './s3-fixtures';

/**
 * Scoped and expiring keys (src/service/key-limits.ts, enforced in src/s3/authorize.ts): every limit × the
 * representative S3 operations, each cell the exact status (and AccessDenied's code when refused).
 */
type KeyName = 'full' | 'readOnly' | 'bucket' | 'prefix' | 'expired' | 'disabled';
const KEYS: KeyName[] = ['full', 'readOnly', 'bucket', 'prefix', 'expired', 'disabled'];

interface Fixture {
  w: S3World;
  /** Buckets of the project: `a` (the one the limited keys name) and `b`. */
  a: string;
  b: string;
  keys: Record<KeyName, S3TestClient>;
}

const utf8 = new TextEncoder();

async function limitedKey(w: S3World, limits: Record<string, unknown>): Promise<S3TestClient> {
  const res = await w.admin.post(`/projects/${w.project}/keys`, { site: 'thailand-1', name: unique('k'), ...limits });
  if (res.status !== 201) throw new Error(`key: ${JSON.stringify(res.body)}`);
  return new S3TestClient(res.body.key.accessKeyId, res.body.secretAccessKey, 'thailand-1');
}

async function put(client: S3TestClient, path: string, body = 'x') {
  const res = await client.fetch(path, { method: 'PUT', body });
  if (res.status !== 200) throw new Error(`PUT ${path}: ${res.status} ${await res.text()}`);
}

async function setUp(): Promise<Fixture> {
  const w = await s3World();
  const a = await w.newBucket('limits-a');
  const b = await w.newBucket('limits-b');
  await put(w.s3, `/${a}/docs/a.txt`, 'in docs');
  await put(w.s3, `/${a}/other/b.txt`, 'outside');
  await put(w.s3, `/${b}/docs/c.txt`, 'other bucket');
  const expired = await limitedKey(w, { expiresAt: new Date(Date.now() + 3600_000).toISOString() });
  // Past its expiry as if an hour had gone by (the real-time case is its own test below).
  await env.DB.prepare('UPDATE access_keys SET expires_at = ? WHERE id = ?')
    .bind(Date.now() - 1000, expired.accessKeyId)
    .run();
  const disabled = await limitedKey(w, {});
  await w.admin.patch(`/projects/${w.project}/keys/${disabled.accessKeyId}`, { status: 'inactive' });
  clearKeyCache();
  return {
    w,
    a,
    b,
    keys: {
      full: w.s3,
      readOnly: await limitedKey(w, { readOnly: true }),
      bucket: await limitedKey(w, { buckets: [a] }),
      prefix: await limitedKey(w, { buckets: [a], prefix: 'docs/' }),
      expired,
      disabled,
    },
  };
}

/** A SigV4-signed browser form (POST Object) uploading `key`. */
async function postForm(client: S3TestClient, bucket: string, key: string) {
  const boundary = '----KeyLimitsBoundary';
  const date = formatAmzDate(Date.now());
  const credential = `${client.accessKeyId}/${date.slice(0, 8)}/auto/s3/aws4_request`;
  const scope: [string, string][] = [
    ['x-amz-algorithm', 'AWS4-HMAC-SHA256'],
    ['x-amz-credential', credential],
    ['x-amz-date', date],
  ];
  const conditions = [{ bucket }, { key }, ...scope.map(([n, v]) => ({ [n]: v }))];
  const expiration = new Date(Date.now() + 3600_000).toISOString();
  const policy = toBase64(utf8.encode(JSON.stringify({ expiration, conditions })));
  const signingKey = await deriveSigningKey(client.secretAccessKey, date.slice(0, 8), 'auto', 's3');
  const fields: [string, string][] = [
    ['key', key],
    ...scope,
    ['policy', policy],
    ['x-amz-signature', await hmacHex(signingKey, policy)],
  ];
  const chunks = fields.map(([n, v]) =>
    utf8.encode(`--${boundary}\r\nContent-Disposition: form-data; name="${n}"\r\n\r\n${v}\r\n`),
  );
  chunks.push(
    utf8.encode(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="f.txt"\r\n\r\nform\r\n`),
    utf8.encode(`--${boundary}--\r\n`),
  );
  return SELF.fetch(`${SITES['thailand-1'].endpoint}/${bucket}`, {
    method: 'POST',
    body: concat(chunks),
    headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` },
  });
}

const deleteBody = (keys: string[]) =>
  `<Delete>${keys.map((k) => `<Object><Key>${k}</Key></Object>`).join('')}</Delete>`;

interface Cell {
  what: string;
  run: (c: S3TestClient, f: Fixture) => Promise<Response>;
  /** The status per key; 403 always means AccessDenied. Expired and disabled keys are refused everything. */
  expect: Record<'full' | 'readOnly' | 'bucket' | 'prefix', number>;
}

const matrix: Cell[] = [
  { what: 'GetObject inside', run: (c, f) => c.fetch(`/${f.a}/docs/a.txt`), expect: ok(200) },
  { what: 'HeadObject inside', run: (c, f) => c.fetch(`/${f.a}/docs/a.txt`, { method: 'HEAD' }), expect: ok(200) },
  {
    what: 'GetObject outside the prefix',
    run: (c, f) => c.fetch(`/${f.a}/other/b.txt`),
    expect: { full: 200, readOnly: 200, bucket: 200, prefix: 403 },
  },
  {
    what: 'GetObject in another bucket',
    run: (c, f) => c.fetch(`/${f.b}/docs/c.txt`),
    expect: { full: 200, readOnly: 200, bucket: 403, prefix: 403 },
  },
  {
    what: 'HeadBucket of another bucket',
    run: (c, f) => c.fetch(`/${f.b}`, { method: 'HEAD' }),
    expect: { full: 200, readOnly: 200, bucket: 403, prefix: 403 },
  },
  {
    what: 'PutObject inside',
    run: (c, f) => c.fetch(`/${f.a}/docs/${unique('new')}`, { method: 'PUT', body: 'n' }),
    expect: { full: 200, readOnly: 403, bucket: 200, prefix: 200 },
  },
  {
    what: 'PutObject outside the prefix',
    run: (c, f) => c.fetch(`/${f.a}/other/${unique('new')}`, { method: 'PUT', body: 'n' }),
    expect: { full: 200, readOnly: 403, bucket: 200, prefix: 403 },
  },
  {
    what: 'PutObject in another bucket',
    run: (c, f) => c.fetch(`/${f.b}/docs/${unique('new')}`, { method: 'PUT', body: 'n' }),
    expect: { full: 200, readOnly: 403, bucket: 403, prefix: 403 },
  },
  {
    what: 'DeleteObject inside',
    run: (c, f) => c.fetch(`/${f.a}/docs/${unique('gone')}`, { method: 'DELETE' }),
    expect: { full: 204, readOnly: 403, bucket: 204, prefix: 204 },
  },
  {
    what: 'DeleteObject outside the prefix',
    run: (c, f) => c.fetch(`/${f.a}/other/${unique('gone')}`, { method: 'DELETE' }),
    expect: { full: 204, readOnly: 403, bucket: 204, prefix: 403 },
  },
  {
    what: 'ListObjectsV2 without a prefix',
    run: (c, f) => c.fetch(`/${f.a}?list-type=2`),
    expect: { full: 200, readOnly: 200, bucket: 200, prefix: 403 },
  },
  {
    what: 'ListObjectsV2 with the key prefix',
    run: (c, f) => c.fetch(`/${f.a}?list-type=2&prefix=docs/`),
    expect: ok(200),
  },
  {
    what: 'ListObjectsV2 with a prefix inside it',
    run: (c, f) => c.fetch(`/${f.a}?list-type=2&prefix=docs/sub/`),
    expect: ok(200),
  },
  {
    what: 'ListObjectsV2 with a prefix wider than it',
    run: (c, f) => c.fetch(`/${f.a}?list-type=2&prefix=doc`),
    expect: { full: 200, readOnly: 200, bucket: 200, prefix: 403 },
  },
  {
    what: 'ListObjects (v1) with another prefix',
    run: (c, f) => c.fetch(`/${f.a}?prefix=other/`),
    expect: { full: 200, readOnly: 200, bucket: 200, prefix: 403 },
  },
  {
    what: 'ListObjectsV2 of another bucket',
    run: (c, f) => c.fetch(`/${f.b}?list-type=2&prefix=docs/`),
    expect: { full: 200, readOnly: 200, bucket: 403, prefix: 403 },
  },
  { what: 'ListBuckets', run: (c) => c.fetch('/'), expect: ok(200) },
  {
    what: 'ListObjectVersions without a prefix',
    run: (c, f) => c.fetch(`/${f.a}?versions`),
    expect: { full: 200, readOnly: 200, bucket: 200, prefix: 403 },
  },
  {
    what: 'ListObjectVersions with the key prefix',
    run: (c, f) => c.fetch(`/${f.a}?versions&prefix=docs/`),
    expect: ok(200),
  },
  {
    what: 'GetObjectAttributes outside the prefix',
    run: (c, f) => c.fetch(`/${f.a}/other/b.txt?attributes`, { headers: { 'x-amz-object-attributes': 'ETag' } }),
    expect: { full: 200, readOnly: 200, bucket: 200, prefix: 403 },
  },
  {
    what: 'CopyObject from inside to inside',
    run: (c, f) =>
      c.fetch(`/${f.a}/docs/${unique('copy')}`, {
        method: 'PUT',
        headers: { 'x-amz-copy-source': `/${f.a}/docs/a.txt` },
      }),
    expect: { full: 200, readOnly: 403, bucket: 200, prefix: 200 },
  },
  {
    what: 'CopyObject from outside the prefix',
    run: (c, f) =>
      c.fetch(`/${f.a}/docs/${unique('copy')}`, {
        method: 'PUT',
        headers: { 'x-amz-copy-source': `/${f.a}/other/b.txt` },
      }),
    expect: { full: 200, readOnly: 403, bucket: 200, prefix: 403 },
  },
  {
    what: 'CopyObject from another bucket',
    run: (c, f) =>
      c.fetch(`/${f.a}/docs/${unique('copy')}`, {
        method: 'PUT',
        headers: { 'x-amz-copy-source': `/${f.b}/docs/c.txt` },
      }),
    expect: { full: 200, readOnly: 403, bucket: 403, prefix: 403 },
  },
  {
    what: 'CreateMultipartUpload inside',
    run: (c, f) => c.fetch(`/${f.a}/docs/${unique('mpu')}?uploads`, { method: 'POST' }),
    expect: { full: 200, readOnly: 403, bucket: 200, prefix: 200 },
  },
  {
    what: 'CreateMultipartUpload outside the prefix',
    run: (c, f) => c.fetch(`/${f.a}/other/${unique('mpu')}?uploads`, { method: 'POST' }),
    expect: { full: 200, readOnly: 403, bucket: 200, prefix: 403 },
  },
  {
    what: 'ListMultipartUploads without a prefix',
    run: (c, f) => c.fetch(`/${f.a}?uploads`),
    expect: { full: 200, readOnly: 200, bucket: 200, prefix: 403 },
  },
  {
    what: 'ListMultipartUploads with the key prefix',
    run: (c, f) => c.fetch(`/${f.a}?uploads&prefix=docs/`),
    expect: ok(200),
  },
  {
    what: 'CreateBucket',
    run: (c) => c.fetch(`/${unique('limits-new')}`, { method: 'PUT' }),
    expect: { full: 200, readOnly: 403, bucket: 403, prefix: 403 },
  },
  {
    what: 'DeleteBucket (not empty)',
    run: (c, f) => c.fetch(`/${f.a}`, { method: 'DELETE' }),
    expect: { full: 409, readOnly: 403, bucket: 403, prefix: 403 },
  },
  {
    what: 'PutBucketAcl',
    run: (c, f) => c.fetch(`/${f.a}?acl`, { method: 'PUT', headers: { 'x-amz-acl': 'private' } }),
    expect: { full: 200, readOnly: 403, bucket: 403, prefix: 403 },
  },
  { what: 'GetBucketAcl', run: (c, f) => c.fetch(`/${f.a}?acl`), expect: ok(200) },
  {
    what: 'DeleteObjects (read-only refused whole)',
    run: (c, f) =>
      c.fetch(`/${f.a}?delete`, { method: 'POST', body: deleteBody([`docs/${unique('d')}`, `other/${unique('d')}`]) }),
    expect: { full: 200, readOnly: 403, bucket: 200, prefix: 200 },
  },
  {
    what: 'POST Object inside',
    run: (c, f) => postForm(c, f.a, `docs/${unique('form')}`),
    expect: { full: 204, readOnly: 403, bucket: 204, prefix: 204 },
  },
  {
    what: 'POST Object outside the prefix',
    run: (c, f) => postForm(c, f.a, `other/${unique('form')}`),
    expect: { full: 204, readOnly: 403, bucket: 204, prefix: 403 },
  },
  {
    what: 'presigned GET inside',
    run: async (c, f) => SELF.fetch(await c.presign(`/${f.a}/docs/a.txt`)),
    expect: ok(200),
  },
  {
    what: 'presigned GET outside the prefix',
    run: async (c, f) => SELF.fetch(await c.presign(`/${f.a}/other/b.txt`)),
    expect: { full: 200, readOnly: 200, bucket: 200, prefix: 403 },
  },
  {
    what: 'presigned PUT inside',
    run: async (c, f) =>
      SELF.fetch(await c.presign(`/${f.a}/docs/${unique('p')}`, 'PUT'), { method: 'PUT', body: 'p' }),
    expect: { full: 200, readOnly: 403, bucket: 200, prefix: 200 },
  },
];

function ok(status: number) {
  return { full: status, readOnly: status, bucket: status, prefix: status };
}

describe('key limits × S3 operations', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await setUp();
  });

  for (const cell of matrix) {
    it(cell.what, async () => {
      const got: Record<string, number | string> = {};
      const want: Record<string, number | string> = {};
      for (const name of KEYS) {
        const res = await cell.run(f.keys[name], f);
        const body = await res.text();
        const status = name === 'expired' || name === 'disabled' ? 403 : cell.expect[name];
        got[name] = res.status === 403 ? `403 ${xmlText(body, 'Code')}` : res.status;
        want[name] = status === 403 ? '403 AccessDenied' : status;
        // HEAD answers carry no body: the status says it.
        if (res.status === 403 && !body) got[name] = '403 AccessDenied';
      }
      expect(got).toEqual(want);
    });
  }

  it('ListBuckets with a bucket-limited key lists only its buckets', async () => {
    const names = async (c: S3TestClient) => xmlAll(await (await c.fetch('/')).text(), 'Name');
    expect(await names(f.keys.bucket)).toEqual([f.a]);
    expect(await names(f.keys.prefix)).toEqual([f.a]);
    expect(await names(f.keys.readOnly)).toEqual(expect.arrayContaining([f.a, f.b]));
  });

  it('DeleteObjects with a prefix-limited key answers AccessDenied for each key outside, deleting only inside', async () => {
    await put(f.w.s3, `/${f.a}/docs/del-in`);
    await put(f.w.s3, `/${f.a}/other/del-out`);
    const res = await f.keys.prefix.fetch(`/${f.a}?delete`, {
      method: 'POST',
      body: deleteBody(['docs/del-in', 'other/del-out']),
    });
    const xml = await res.text();
    expect(res.status).toBe(200);
    expect(xmlAll(xml, 'Deleted')).toEqual(['<Key>docs/del-in</Key>']);
    expect(xmlAll(xml, 'Error')).toEqual([
      '<Key>other/del-out</Key><Code>AccessDenied</Code><Message>Access Denied</Message>',
    ]);
    expect((await f.w.s3.fetch(`/${f.a}/other/del-out`, { method: 'HEAD' })).status).toBe(200);
    expect((await f.w.s3.fetch(`/${f.a}/docs/del-in`, { method: 'HEAD' })).status).toBe(404);
  });

  it('UploadPartCopy checks its source against the prefix', async () => {
    const key = `docs/${unique('upc')}`;
    const created = await f.keys.prefix.fetch(`/${f.a}/${key}?uploads`, { method: 'POST' });
    const uploadId = xmlText(await created.text(), 'UploadId');
    const part = (source: string) =>
      f.keys.prefix.fetch(`/${f.a}/${key}?partNumber=1&uploadId=${uploadId}`, {
        method: 'PUT',
        headers: { 'x-amz-copy-source': source },
      });
    const outside = await part(`/${f.a}/other/b.txt`);
    expect([outside.status, xmlText(await outside.text(), 'Code')]).toEqual([403, 'AccessDenied']);
    expect((await part(`/${f.a}/docs/a.txt`)).status).toBe(200);
  });

  it('the refusals are AWS AccessDenied documents; expired and disabled keys say why', async () => {
    const res = await f.keys.readOnly.fetch(`/${f.a}/docs/x`, { method: 'PUT', body: 'x' });
    const xml = await res.text();
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toBe('application/xml');
    expect(xml).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<Error><Code>AccessDenied<\/Code><Message>Access Denied<\/Message><Resource>[^<]*<\/Resource><RequestId>[0-9A-F]{16}<\/RequestId><\/Error>$/,
    );
    expect(xmlText(await (await f.keys.expired.fetch('/')).text(), 'Message')).toBe('The access key has expired.');
    expect(xmlText(await (await f.keys.disabled.fetch('/')).text(), 'Message')).toBe('The access key is inactive.');
  });
});

describe('key limits over time', () => {
  it('a key stops working at its expiry, to the second, without waiting for the key cache', async () => {
    const w = await s3World();
    const bucket = await w.newBucket('expiry');
    const at = Math.ceil((Date.now() + 2000) / 1000) * 1000;
    const key = await limitedKey(w, { expiresAt: new Date(at).toISOString() });
    expect((await key.fetch(`/${bucket}?list-type=2`)).status).toBe(200);
    await new Promise((r) => setTimeout(r, at - Date.now() + 50));
    const res = await key.fetch(`/${bucket}?list-type=2`);
    expect([res.status, xmlText(await res.text(), 'Code')]).toEqual([403, 'AccessDenied']);
  });

  it('disable and enable take effect within the key cache window', async () => {
    const w = await s3World();
    const key = await limitedKey(w, {});
    const path = `/projects/${w.project}/keys/${key.accessKeyId}`;
    expect((await key.fetch('/')).status).toBe(200);
    expect((await w.admin.patch(path, { status: 'inactive' })).body.key.status).toBe('inactive');
    await new Promise((r) => setTimeout(r, KEY_CACHE_MS + 100));
    expect((await key.fetch('/')).status).toBe(403);
    expect((await w.admin.patch(path, { status: 'active' })).body.key.status).toBe('active');
    await new Promise((r) => setTimeout(r, KEY_CACHE_MS + 100));
    expect((await key.fetch('/')).status).toBe(200);
  }, 20_000);
});
