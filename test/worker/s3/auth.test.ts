import { SELF } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { clearKeyCache } from '../../../src/s3/auth/authenticate';
import { S3TestClient, s3World, xmlAll, xmlText } from './s3-fixtures';

const amzDate = (ms: number) =>
  new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

describe('S3 authentication', () => {
  it('refuses anonymous requests', async () => {
    const res = await SELF.fetch('http://127.0.0.2:8787/');
    const xml = await res.text();
    expect([res.status, xmlText(xml, 'Code')]).toEqual([403, 'AccessDenied']);
    expect(res.headers.get('Content-Type')).toBe('application/xml');
  });

  it('refuses a wrong secret with SignatureDoesNotMatch and the StringToSign, as AWS does', async () => {
    const w = await s3World();
    const wrong = new S3TestClient(w.s3.accessKeyId, 'x'.repeat(40), 'thailand-1');
    const res = await wrong.fetch('/');
    const xml = await res.text();
    expect([res.status, xmlText(xml, 'Code')]).toEqual([403, 'SignatureDoesNotMatch']);
    expect(xmlText(xml, 'StringToSign')).toMatch(
      /^AWS4-HMAC-SHA256\n\d{8}T\d{6}Z\n\d{8}\/auto\/s3\/aws4_request\n[0-9a-f]{64}$/,
    );
    expect(xmlText(xml, 'AWSAccessKeyId')).toBe(w.s3.accessKeyId);
    expect(xmlText(xml, 'CanonicalRequest')).toContain('host:127.0.0.2:8787');
  });

  it('refuses an unknown key id', async () => {
    const res = await new S3TestClient('ROSAAAAAAAAAAAAAAAAA', 'x'.repeat(40), 'thailand-1').fetch('/');
    expect([res.status, xmlText(await res.text(), 'Code')]).toEqual([403, 'InvalidAccessKeyId']);
  });

  it('accepts any region in the credential scope', async () => {
    const w = await s3World();
    for (const region of ['us-east-1', 'auto', 'eu-weird-9', 'thailand-1']) {
      const client = new S3TestClient(w.s3.accessKeyId, w.s3.secretAccessKey, 'thailand-1', region);
      expect((await client.fetch('/')).status, region).toBe(200);
    }
  });

  it('refuses a request signed more than 15 minutes off', async () => {
    const w = await s3World();
    for (const offset of [-16 * 60_000, 16 * 60_000]) {
      const res = await w.s3.fetch('/', { aws: { datetime: amzDate(Date.now() + offset) } });
      const xml = await res.text();
      expect([res.status, xmlText(xml, 'Code')]).toEqual([403, 'RequestTimeTooSkewed']);
      expect(xmlText(xml, 'MaxAllowedSkewMilliseconds')).toBe('900000');
    }
    expect((await w.s3.fetch('/', { aws: { datetime: amzDate(Date.now() - 10 * 60_000) } })).status).toBe(200);
  });

  it('refuses a malformed Authorization header', async () => {
    const res = await SELF.fetch('http://127.0.0.2:8787/', {
      headers: {
        Authorization: 'AWS4-HMAC-SHA256 Credential=ROSX/20250101/us-east-1/s3, Signature=abc',
        'x-amz-date': amzDate(Date.now()),
        'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
      },
    });
    expect([res.status, xmlText(await res.text(), 'Code')]).toEqual([400, 'AuthorizationHeaderMalformed']);
  });
});

describe('presigned URLs', () => {
  it('GET and PUT by plain fetch', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const putUrl = await w.s3.presign(`/${b}/pre/signed.txt`, 'PUT');
    expect(new URL(putUrl).searchParams.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
    const put = await SELF.fetch(putUrl, { method: 'PUT', body: 'via presigned PUT' });
    expect(put.status).toBe(200);
    const get = await SELF.fetch(await w.s3.presign(`/${b}/pre/signed.txt`));
    expect(get.status).toBe(200);
    expect(await get.text()).toBe('via presigned PUT');
  });

  it('refuses an expired URL, one valid longer than 7 days, and a tampered one', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const old = new URL(`${w.s3.endpoint}/${b}/x`);
    old.searchParams.set('X-Amz-Expires', '60');
    const expired = await w.s3.aws.sign(old.toString(), {
      aws: { signQuery: true, datetime: amzDate(Date.now() - 120_000) },
    } as any);
    const res = await SELF.fetch(expired.url);
    const xml = await res.text();
    expect([res.status, xmlText(xml, 'Code'), xmlText(xml, 'Message')]).toEqual([
      403,
      'AccessDenied',
      'Request has expired',
    ]);

    const long = await SELF.fetch(await w.s3.presign(`/${b}/x`, 'GET', 604801));
    expect([long.status, xmlText(await long.text(), 'Code')]).toEqual([400, 'AuthorizationQueryParametersError']);

    const url = new URL(await w.s3.presign(`/${b}/x`));
    url.pathname = `/${b}/y`;
    const tampered = await SELF.fetch(url.toString());
    expect([tampered.status, xmlText(await tampered.text(), 'Code')]).toEqual([403, 'SignatureDoesNotMatch']);
  });
});

describe('S3 authorization', () => {
  it("never lets a key see or touch another project's buckets", async () => {
    const mine = await s3World();
    const theirs = await s3World();
    const b = await mine.newBucket();
    await mine.s3.fetch(`/${b}/secret`, { method: 'PUT', body: 'mine' });
    expect(xmlAll(await (await theirs.s3.fetch('/')).text(), 'Name')).not.toContain(b);
    for (const [method, path] of [
      ['GET', `/${b}/secret`],
      ['HEAD', `/${b}/secret`],
      ['PUT', `/${b}/secret`],
      ['DELETE', `/${b}/secret`],
      ['GET', `/${b}`],
      ['GET', `/${b}?list-type=2`],
      ['HEAD', `/${b}`],
      ['DELETE', `/${b}`],
      ['GET', `/${b}?location`],
    ]) {
      const res = await theirs.s3.fetch(path, { method, ...(method === 'PUT' ? { body: 'theirs' } : {}) });
      expect(res.status, `${method} ${path}`).toBe(403);
      if (method !== 'HEAD') expect(xmlText(await res.text(), 'Code')).toBe('AccessDenied');
    }
    expect(await (await mine.s3.fetch(`/${b}/secret`)).text()).toBe('mine');
  });

  it('a key of another site does not exist at this one; each site lists only its buckets', async () => {
    const w = await s3World();
    const finland = await w.newKey('finland-1');
    const b = await w.newBucket();
    // The Finland key, sent to the Thailand endpoint.
    const misdirected = new S3TestClient(finland.accessKeyId, finland.secretAccessKey, 'thailand-1');
    const res = await misdirected.fetch(`/${b}`);
    expect([res.status, xmlText(await res.text(), 'Code')]).toEqual([403, 'InvalidAccessKeyId']);
    expect(xmlAll(await (await finland.fetch('/')).text(), 'Name')).toEqual([]);
    expect((await finland.fetch(`/${b}`, { method: 'HEAD' })).status).toBe(404);
  });

  it('an app key works like a user key within its project', async () => {
    const w = await s3World();
    const app = (await w.admin.post(`/projects/${w.project}/apps`, { name: 'ci-bot' })).body.app;
    const key = (await w.admin.post(`/projects/${w.project}/keys`, { site: 'thailand-1', name: 'bot', app: app.id }))
      .body;
    const bot = new S3TestClient(key.key.accessKeyId, key.secretAccessKey, 'thailand-1');
    const b = await w.newBucket();
    expect((await bot.fetch(`/${b}/from-bot`, { method: 'PUT', body: 'beep' })).status).toBe(200);
  });

  it('an inactive key is refused, a deleted key is unknown, within the key-cache lifetime', async () => {
    const w = await s3World();
    const key = await w.newKey();
    expect((await key.fetch('/')).status).toBe(200);
    await w.admin.patch(`/projects/${w.project}/keys/${key.accessKeyId}`, { status: 'inactive' });
    clearKeyCache(); // as after KEY_CACHE_MS (5 s)
    const inactive = await key.fetch('/');
    expect([inactive.status, xmlText(await inactive.text(), 'Code')]).toEqual([403, 'AccessDenied']);
    await w.admin.delete(`/projects/${w.project}/keys/${key.accessKeyId}`);
    clearKeyCache();
    const deleted = await key.fetch('/');
    expect([deleted.status, xmlText(await deleted.text(), 'Code')]).toEqual([403, 'InvalidAccessKeyId']);
  });

  it('records when a key was last used', async () => {
    const w = await s3World();
    const key = await w.newKey();
    await key.fetch('/');
    await new Promise((r) => setTimeout(r, 50));
    const row = await env.DB.prepare('SELECT last_used_at FROM access_keys WHERE id = ?')
      .bind(key.accessKeyId)
      .first<any>();
    expect(row.last_used_at).toBeGreaterThan(Date.now() - 60_000);
  });

  it.each([
    ['PUT', '?lifecycle'],
    ['DELETE', '?acl'],
    ['PUT', '/obj?cors'], // ?cors is a bucket's: on an object S3 has no such operation
    ['PUT', '?versioning'],
    ['POST', '/obj?tagging'], // tagging is read, set and deleted; S3 has no POST on it
    ['POST', '/obj'],
    ['PATCH', ''],
  ])('%s %s answers 501 NotImplemented', async (method, suffix) => {
    const w = await s3World();
    const b = await w.newBucket();
    const path = suffix.startsWith('/') ? `/${b}${suffix}` : `/${b}${suffix}`;
    const res = await w.s3.fetch(path, { method, ...(method === 'PUT' || method === 'POST' ? { body: '' } : {}) });
    expect([res.status, xmlText(await res.text(), 'Code')]).toEqual([501, 'NotImplemented']);
  });
});
