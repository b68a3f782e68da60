import { SELF } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { s3World, xmlText } from './s3-fixtures';

const md5b64 = async (data: string | Uint8Array) =>
  btoa(
    String.fromCharCode(
      ...new Uint8Array(
        await crypto.subtle.digest('MD5', typeof data === 'string' ? new TextEncoder().encode(data) : data),
      ),
    ),
  );
const md5hex = async (data: string) =>
  [...new Uint8Array(await crypto.subtle.digest('MD5', new TextEncoder().encode(data)))]
    .map((b) => b.toString(16).padStart(2, '0'))
    .join('');

describe('PutObject / GetObject / HeadObject / DeleteObject', () => {
  it('stores and returns bytes, metadata and a quoted MD5 ETag', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const put = await w.s3.fetch(`/${b}/docs/hello.txt`, {
      method: 'PUT',
      body: 'hello world',
      headers: {
        'Content-Type': 'text/plain; charset=utf-8',
        'Content-Disposition': 'attachment; filename="hello.txt"',
        'Content-Language': 'en',
        'Cache-Control': 'max-age=60',
        Expires: 'Wed, 21 Oct 2037 07:28:00 GMT',
        'x-amz-meta-color': 'blue',
        'x-amz-meta-Owner-Name': 'Somchai',
      },
    });
    expect(put.status).toBe(200);
    expect(put.headers.get('ETag')).toBe(`"${await md5hex('hello world')}"`);

    const get = await w.s3.fetch(`/${b}/docs/hello.txt`);
    expect(get.status).toBe(200);
    expect(await get.text()).toBe('hello world');
    const h = get.headers;
    expect(h.get('ETag')).toBe(put.headers.get('ETag'));
    expect(h.get('Content-Type')).toBe('text/plain; charset=utf-8');
    expect(h.get('Content-Disposition')).toBe('attachment; filename="hello.txt"');
    expect(h.get('Content-Language')).toBe('en');
    expect(h.get('Cache-Control')).toBe('max-age=60');
    expect(h.get('Expires')).toBe('Wed, 21 Oct 2037 07:28:00 GMT');
    expect(h.get('x-amz-meta-color')).toBe('blue');
    expect(h.get('x-amz-meta-owner-name')).toBe('Somchai');
    expect(h.get('Content-Length')).toBe('11');
    expect(h.get('Accept-Ranges')).toBe('bytes');
    expect(new Date(h.get('Last-Modified')!).getTime()).toBeGreaterThan(Date.now() - 60_000);

    const head = await w.s3.fetch(`/${b}/docs/hello.txt`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('Content-Length')).toBe('11');
    expect(head.headers.get('ETag')).toBe(put.headers.get('ETag'));
    expect(head.headers.get('x-amz-meta-color')).toBe('blue');
    expect(await head.text()).toBe('');
  });

  it('keeps a stored Content-Encoding as is: the bytes are stored and served untouched', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const plain = 'compress me '.repeat(100);
    const gz = new Uint8Array(
      await new Response(new Blob([plain]).stream().pipeThrough(new CompressionStream('gzip'))).arrayBuffer(),
    );
    await w.s3.fetch(`/${b}/x.gz`, { method: 'PUT', body: gz, headers: { 'Content-Encoding': 'gzip' } });
    expect(new Uint8Array(await (await env.R2_THAILAND_1.get(`${b}/x.gz`))!.arrayBuffer())).toEqual(gz);
    const direct = await w.s3.fetch(`/${b}/x.gz`);
    expect(direct.headers.get('Content-Encoding')).toBe('gzip');
    expect(new Uint8Array(await direct.arrayBuffer())).toEqual(gz);
    // Through the runtime's own fetch path (SELF), which decodes gzip itself (an S3 SDK would not): one decode gives
    // the original, so the runtime did not compress the answer again either.
    const get = await SELF.fetch(await w.s3.aws.sign(`${w.s3.endpoint}/${b}/x.gz`));
    expect(get.headers.get('Content-Encoding')).toBe('gzip');
    expect(await get.text()).toBe(plain);
  });

  it('defaults the content type to binary/octet-stream and stores 0-byte objects', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    expect((await w.s3.fetch(`/${b}/empty`, { method: 'PUT', body: '' })).headers.get('ETag')).toBe(
      '"d41d8cd98f00b204e9800998ecf8427e"',
    );
    const get = await w.s3.fetch(`/${b}/empty`);
    expect(get.headers.get('Content-Length')).toBe('0');
    expect(await get.text()).toBe('');
    const raw = await env.R2_THAILAND_1.head(`${b}/empty`);
    expect(raw?.size).toBe(0);
  });

  it.each([
    ['spaces', 'a key with spaces.txt'],
    ['plus', 'a+b+c'],
    ['unicode', 'ภาษาไทย/ข้อมูล 🎉.txt'],
    ['percent', '100% real %41'],
    ['double slash', 'a//b///c'],
    ['trailing slash', 'folder/'],
    ['dot segments are just characters here', 'a/.hidden/x'],
    ['query-like characters', 'what?x=1&y#z'],
  ])('round-trips a key with %s', async (_what, key) => {
    const w = await s3World();
    const b = await w.newBucket();
    const path = `/${b}/${key.split('/').map(encodeURIComponent).join('/')}`;
    expect((await w.s3.fetch(path, { method: 'PUT', body: key })).status).toBe(200);
    expect(await env.R2_THAILAND_1.head(`${b}/${key}`)).not.toBeNull();
    const get = await w.s3.fetch(path);
    expect(await get.text()).toBe(key);
  });

  it('accepts a key of the longest length that fits, refuses a longer one', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const limit = 1024 - (b.length + 1);
    const ok = await w.s3.fetch(`/${b}/${'k'.repeat(limit)}`, { method: 'PUT', body: 'x' });
    expect(ok.status).toBe(200);
    const tooLong = await w.s3.fetch(`/${b}/${'k'.repeat(limit + 1)}`, { method: 'PUT', body: 'x' });
    expect([tooLong.status, xmlText(await tooLong.text(), 'Code')]).toEqual([400, 'KeyTooLongError']);
    // Multi-byte characters count in bytes.
    const thai = await w.s3.fetch(`/${b}/${encodeURIComponent('ก'.repeat(Math.ceil(limit / 3) + 1))}`, {
      method: 'PUT',
      body: 'x',
    });
    expect(thai.status).toBe(400);
  });

  it('verifies Content-MD5 while streaming: a mismatch stores nothing and keeps the old object', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    await w.s3.fetch(`/${b}/k`, { method: 'PUT', body: 'original' });
    const good = await w.s3.fetch(`/${b}/k2`, {
      method: 'PUT',
      body: 'payload',
      headers: { 'Content-MD5': await md5b64('payload') },
    });
    expect(good.status).toBe(200);
    const bad = await w.s3.fetch(`/${b}/k`, {
      method: 'PUT',
      body: 'tampered',
      headers: { 'Content-MD5': await md5b64('payload') },
    });
    expect([bad.status, xmlText(await bad.text(), 'Code')]).toEqual([400, 'BadDigest']);
    expect(await (await w.s3.fetch(`/${b}/k`)).text()).toBe('original');
    const invalid = await w.s3.fetch(`/${b}/k3`, {
      method: 'PUT',
      body: 'x',
      headers: { 'Content-MD5': 'bm90LW1kNQ==' },
    });
    expect([invalid.status, xmlText(await invalid.text(), 'Code')]).toEqual([400, 'InvalidDigest']);
    expect(await env.R2_THAILAND_1.head(`${b}/k3`)).toBeNull();
  });

  it('verifies a signed x-amz-content-sha256 against the streamed body', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    // Sign the SHA-256 of one body, then send another (same length) under that signature.
    const real = 'the real body';
    const sha = [...new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(real)))]
      .map((x) => x.toString(16).padStart(2, '0'))
      .join('');
    const init = { method: 'PUT', body: real, headers: { 'X-Amz-Content-Sha256': sha } };
    const signed = await w.s3.aws.sign(`${w.s3.endpoint}/${b}/sha`, init);
    const forged = new Request(signed.url, { method: 'PUT', headers: signed.headers, body: 'the fake body' });
    const res = await SELF.fetch(forged);
    const xml = await res.text();
    expect([res.status, xmlText(xml, 'Code')]).toEqual([400, 'XAmzContentSHA256Mismatch']);
    expect(xmlText(xml, 'ClientComputedContentSHA256')).toBe(sha);
    expect(await env.R2_THAILAND_1.head(`${b}/sha`)).toBeNull();
    const honest = await SELF.fetch(await w.s3.aws.sign(`${w.s3.endpoint}/${b}/sha`, init));
    expect(honest.status).toBe(200);
    expect(await (await w.s3.fetch(`/${b}/sha`)).text()).toBe(real);
  });

  it('accepts UNSIGNED-PAYLOAD', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const res = await w.s3.fetch(`/${b}/u`, {
      method: 'PUT',
      body: 'unsigned',
      headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
    });
    expect(res.status).toBe(200);
    expect(await (await w.s3.fetch(`/${b}/u`)).text()).toBe('unsigned');
  });

  it('refuses oversized user metadata', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const res = await w.s3.fetch(`/${b}/m`, {
      method: 'PUT',
      body: 'x',
      headers: { 'x-amz-meta-big': 'v'.repeat(2100) },
    });
    expect([res.status, xmlText(await res.text(), 'Code')]).toEqual([400, 'MetadataTooLarge']);
  });

  it('DeleteObject answers 204, also for a missing key', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    await w.s3.fetch(`/${b}/d`, { method: 'PUT', body: 'x' });
    expect((await w.s3.fetch(`/${b}/d`, { method: 'DELETE' })).status).toBe(204);
    expect((await w.s3.fetch(`/${b}/d`, { method: 'DELETE' })).status).toBe(204);
    const get = await w.s3.fetch(`/${b}/d`);
    const xml = await get.text();
    expect([get.status, xmlText(xml, 'Code'), xmlText(xml, 'Key')]).toEqual([404, 'NoSuchKey', 'd']);
    expect((await w.s3.fetch(`/${b}/d`, { method: 'HEAD' })).status).toBe(404);
  });

  it('works virtual-host style too', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    expect((await w.s3.fetchVirtual(b, '/v/key.txt', { method: 'PUT', body: 'vhost' })).status).toBe(200);
    expect(await (await w.s3.fetch(`/${b}/v/key.txt`)).text()).toBe('vhost');
    expect(await (await w.s3.fetchVirtual(b, '/v/key.txt')).text()).toBe('vhost');
    expect((await w.s3.fetchVirtual(b, '/', { method: 'HEAD' })).status).toBe(200);
  });
});

describe('GetObject ranges and preconditions', () => {
  const body = '0123456789abcdefghij'; // 20 bytes

  async function setup() {
    const w = await s3World();
    const b = await w.newBucket();
    const put = await w.s3.fetch(`/${b}/r`, { method: 'PUT', body });
    return { w, path: `/${b}/r`, etag: put.headers.get('ETag')! };
  }

  it.each([
    ['bytes=0-4', 206, '01234', 'bytes 0-4/20'],
    ['bytes=5-', 206, '56789abcdefghij', 'bytes 5-19/20'],
    ['bytes=-3', 206, 'hij', 'bytes 17-19/20'],
    ['bytes=15-100', 206, 'fghij', 'bytes 15-19/20'],
    ['bytes=-100', 206, body, 'bytes 0-19/20'],
    ['bytes=19-19', 206, 'j', 'bytes 19-19/20'],
    ['bytes=5-2', 200, body, null],
    ['items=0-1', 200, body, null],
    ['bytes=0-1,3-4', 200, body, null],
  ])('Range %s → %i', async (range, status, text, contentRange) => {
    const { w, path } = await setup();
    const res = await w.s3.fetch(path, { headers: { Range: range } });
    expect(res.status).toBe(status);
    expect(res.headers.get('Content-Range')).toBe(contentRange);
    expect(await res.text()).toBe(text);
    expect(res.headers.get('Content-Length')).toBe(String(text.length));
  });

  it.each(['bytes=20-', 'bytes=25-30', 'bytes=-0'])('Range %s is unsatisfiable → 416 InvalidRange', async (range) => {
    const { w, path } = await setup();
    const res = await w.s3.fetch(path, { headers: { Range: range } });
    const xml = await res.text();
    expect([res.status, xmlText(xml, 'Code')]).toEqual([416, 'InvalidRange']);
    expect(xmlText(xml, 'ActualObjectSize')).toBe('20');
  });

  it('HEAD with a range answers 206 with the range headers', async () => {
    const { w, path } = await setup();
    const res = await w.s3.fetch(path, { method: 'HEAD', headers: { Range: 'bytes=2-3' } });
    expect(res.status).toBe(206);
    expect(res.headers.get('Content-Range')).toBe('bytes 2-3/20');
  });

  it('evaluates preconditions with S3 precedence', async () => {
    const { w, path, etag } = await setup();
    const past = 'Sat, 01 Jan 2000 00:00:00 GMT';
    const future = 'Fri, 01 Jan 2100 00:00:00 GMT';
    const cases: [Record<string, string>, number][] = [
      [{ 'If-Match': etag }, 200],
      [{ 'If-Match': '"nope"' }, 412],
      [{ 'If-Match': '*' }, 200],
      [{ 'If-Match': `"x", ${etag}` }, 200],
      [{ 'If-None-Match': etag }, 304],
      [{ 'If-None-Match': '"other"' }, 200],
      [{ 'If-Modified-Since': future }, 304],
      [{ 'If-Modified-Since': past }, 200],
      [{ 'If-Unmodified-Since': past }, 412],
      [{ 'If-Unmodified-Since': future }, 200],
      // If-Match true wins over If-Unmodified-Since false.
      [{ 'If-Match': etag, 'If-Unmodified-Since': past }, 200],
      // If-None-Match false (no match) means If-Modified-Since is ignored.
      [{ 'If-None-Match': '"other"', 'If-Modified-Since': future }, 200],
      // If-None-Match true (a match) → 304 even when If-Modified-Since says modified.
      [{ 'If-None-Match': etag, 'If-Modified-Since': past }, 304],
      [{ 'If-Match': '"nope"', 'If-None-Match': etag }, 412],
    ];
    for (const [headers, status] of cases) {
      const res = await w.s3.fetch(path, { headers });
      expect(res.status, JSON.stringify(headers)).toBe(status);
      if (status === 304) {
        expect(res.headers.get('ETag')).toBe(etag);
        expect(await res.text()).toBe('');
      }
      if (status === 412) expect(xmlText(await res.text(), 'Code')).toBe('PreconditionFailed');
      if (status === 200) expect(await res.text()).toBe(body);
    }
  });

  it('applies response-* overrides', async () => {
    const { w, path } = await setup();
    const res = await w.s3.fetch(
      `${path}?response-content-type=image%2Fpng&response-content-disposition=inline&response-cache-control=no-cache&response-content-language=th&response-expires=Thu%2C%2001%20Dec%201994%2016%3A00%3A00%20GMT`,
    );
    expect(res.headers.get('Content-Type')).toBe('image/png');
    expect(res.headers.get('Content-Disposition')).toBe('inline');
    expect(res.headers.get('Cache-Control')).toBe('no-cache');
    expect(res.headers.get('Content-Language')).toBe('th');
    expect(res.headers.get('Expires')).toBe('Thu, 01 Dec 1994 16:00:00 GMT');
  });

  it('refuses a body of unknown length (plain HTTP chunked coding) with 411, whatever x-amz-decoded-content-length says', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode('hello'));
        c.close();
      },
    });
    const res = await w.s3.fetch(`/${b}/chunked`, {
      method: 'PUT',
      body,
      headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', 'x-amz-decoded-content-length': '5' },
      duplex: 'half',
    } as RequestInit);
    expect([res.status, xmlText(await res.text(), 'Code')]).toEqual([411, 'MissingContentLength']);
    expect(await env.R2_THAILAND_1.head(`${b}/chunked`)).toBeNull();
  });
});

describe('keys longer than a bucket can hold', () => {
  it('name no object (404, or 204 for DELETE); past S3’s 1024 bytes they are KeyTooLongError; never an R2 error', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const fitsS3 = 'k'.repeat(1020); // S3 would take it; this bucket's limit is 1023 − its name's length
    const pastS3 = 'k'.repeat(1100);
    const code = async (res: Response) => [res.status, xmlText(await res.text(), 'Code')];
    expect(await code(await w.s3.fetch(`/${b}/${fitsS3}`))).toEqual([404, 'NoSuchKey']);
    expect((await w.s3.fetch(`/${b}/${fitsS3}`, { method: 'HEAD' })).status).toBe(404);
    expect((await w.s3.fetch(`/${b}/${fitsS3}`, { method: 'DELETE' })).status).toBe(204);
    const copy = await w.s3.fetch(`/${b}/dst`, { method: 'PUT', headers: { 'x-amz-copy-source': `/${b}/${fitsS3}` } });
    expect(await code(copy)).toEqual([404, 'NoSuchKey']);
    expect(await code(await w.s3.fetch(`/${b}/${fitsS3}?acl`))).toEqual([404, 'NoSuchKey']);
    expect(await code(await w.s3.fetch(`/${b}/${fitsS3}`, { method: 'PUT', body: 'x' }))).toEqual([
      400,
      'KeyTooLongError',
    ]);
    for (const method of ['GET', 'DELETE']) {
      expect(await code(await w.s3.fetch(`/${b}/${pastS3}`, { method }))).toEqual([400, 'KeyTooLongError']);
    }
    expect((await w.s3.fetch(`/${b}/${pastS3}`, { method: 'HEAD' })).status).toBe(400);
  });
});
