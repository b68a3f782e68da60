import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { s3World, xmlAll, xmlText } from './s3-fixtures';

const code = async (res: Response) => [res.status, xmlText(await res.text(), 'Code')];

describe('CopyObject', () => {
  it('copies within and across buckets, keeping metadata (COPY) or replacing it (REPLACE)', async () => {
    const w = await s3World();
    const a = await w.newBucket();
    const b = await w.newBucket();
    await w.s3.fetch(`/${a}/${encodeURIComponent('src key+1.txt')}`, {
      method: 'PUT',
      body: 'copy me',
      headers: { 'Content-Type': 'text/x-src', 'x-amz-meta-from': 'src' },
    });
    const source = encodeURIComponent(`${a}/src key+1.txt`);
    const same = await w.s3.fetch(`/${a}/dst`, { method: 'PUT', headers: { 'x-amz-copy-source': source } });
    const xml = await same.text();
    expect(same.status, xml).toBe(200);
    expect(xmlText(xml, 'ETag')).toBe(`&quot;${await md5hex('copy me')}&quot;`);
    expect(xmlText(xml, 'LastModified')).toMatch(/Z$/);
    const got = await w.s3.fetch(`/${a}/dst`);
    expect([await got.text(), got.headers.get('Content-Type'), got.headers.get('x-amz-meta-from')]).toEqual([
      'copy me',
      'text/x-src',
      'src',
    ]);

    const across = await w.s3.fetch(`/${b}/replaced`, {
      method: 'PUT',
      headers: {
        'x-amz-copy-source': `/${source}?versionId=null`,
        'x-amz-metadata-directive': 'REPLACE',
        'Content-Type': 'text/new',
        'x-amz-meta-new': '1',
      },
    });
    expect(across.status).toBe(200);
    const got2 = await w.s3.fetch(`/${b}/replaced`);
    expect([
      await got2.text(),
      got2.headers.get('Content-Type'),
      got2.headers.get('x-amz-meta-from'),
      got2.headers.get('x-amz-meta-new'),
    ]).toEqual(['copy me', 'text/new', null, '1']);
  });

  it('copies an object onto itself only with REPLACE, updating its metadata', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    await w.s3.fetch(`/${b}/self`, { method: 'PUT', body: 'me', headers: { 'Content-Type': 'text/old' } });
    const refused = await w.s3.fetch(`/${b}/self`, { method: 'PUT', headers: { 'x-amz-copy-source': `${b}/self` } });
    expect(await code(refused)).toEqual([400, 'InvalidRequest']);
    const ok = await w.s3.fetch(`/${b}/self`, {
      method: 'PUT',
      headers: { 'x-amz-copy-source': `${b}/self`, 'x-amz-metadata-directive': 'REPLACE', 'Content-Type': 'text/new' },
    });
    expect(ok.status).toBe(200);
    const got = await w.s3.fetch(`/${b}/self`);
    expect([await got.text(), got.headers.get('Content-Type')]).toEqual(['me', 'text/new']);
  });

  it('honours copy-source conditions and refuses missing or foreign sources', async () => {
    const w = await s3World();
    const other = await s3World();
    const b = await w.newBucket();
    const put = await w.s3.fetch(`/${b}/s`, { method: 'PUT', body: 's' });
    const etag = put.headers.get('ETag')!;
    const copy = (headers: Record<string, string>) =>
      w.s3.fetch(`/${b}/d`, { method: 'PUT', headers: { 'x-amz-copy-source': `${b}/s`, ...headers } });
    expect((await copy({ 'x-amz-copy-source-if-match': etag })).status).toBe(200);
    expect(await code(await copy({ 'x-amz-copy-source-if-match': '"nope"' }))).toEqual([412, 'PreconditionFailed']);
    expect(await code(await copy({ 'x-amz-copy-source-if-none-match': etag }))).toEqual([412, 'PreconditionFailed']);
    expect(
      await code(await copy({ 'x-amz-copy-source-if-unmodified-since': 'Sat, 01 Jan 2000 00:00:00 GMT' })),
    ).toEqual([412, 'PreconditionFailed']);
    expect(
      await code(await w.s3.fetch(`/${b}/d`, { method: 'PUT', headers: { 'x-amz-copy-source': `${b}/missing` } })),
    ).toEqual([404, 'NoSuchKey']);
    expect(
      await code(
        await w.s3.fetch(`/${b}/d`, { method: 'PUT', headers: { 'x-amz-copy-source': `no-such-bucket-x/s` } }),
      ),
    ).toEqual([404, 'NoSuchBucket']);
    // Another project's key can neither read our object as a source nor write into our bucket.
    const theirs = await other.newBucket();
    expect(
      await code(
        await other.s3.fetch(`/${theirs}/stolen`, { method: 'PUT', headers: { 'x-amz-copy-source': `${b}/s` } }),
      ),
    ).toEqual([403, 'AccessDenied']);
    expect(await env.R2_THAILAND_1.head(`${theirs}/stolen`)).toBeNull();
  });

  it('copies a multipart object into a plain object with its own MD5 ETag', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const init = await (await w.s3.fetch(`/${b}/mp?uploads`, { method: 'POST' })).text();
    const id = xmlText(init, 'UploadId')!;
    const e1 = (
      await w.s3.fetch(`/${b}/mp?partNumber=1&uploadId=${id}`, { method: 'PUT', body: 'only part' })
    ).headers.get('ETag');
    await w.s3.fetch(`/${b}/mp?uploadId=${id}`, {
      method: 'POST',
      body: `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${e1}</ETag></Part></CompleteMultipartUpload>`,
    });
    expect((await w.s3.fetch(`/${b}/mp`, { method: 'HEAD' })).headers.get('ETag')).toMatch(/-1"$/);
    await w.s3.fetch(`/${b}/copy`, { method: 'PUT', headers: { 'x-amz-copy-source': `${b}/mp` } });
    const head = await w.s3.fetch(`/${b}/copy`, { method: 'HEAD' });
    expect(head.headers.get('ETag')).toBe(`"${await md5hex('only part')}"`);
    expect((await env.R2_THAILAND_1.head(`${b}/copy`))!.customMetadata).toEqual({});
  });
});

describe('UploadPartCopy', () => {
  it('builds parts from ranges of existing objects', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const big = `${'x'.repeat(5 * 1024 * 1024)}TAIL`;
    await w.s3.fetch(`/${b}/src`, { method: 'PUT', body: big });
    const id = xmlText(await (await w.s3.fetch(`/${b}/dst?uploads`, { method: 'POST' })).text(), 'UploadId')!;
    const p1 = await w.s3.fetch(`/${b}/dst?partNumber=1&uploadId=${id}`, {
      method: 'PUT',
      headers: { 'x-amz-copy-source': `${b}/src`, 'x-amz-copy-source-range': `bytes=0-${5 * 1024 * 1024 - 1}` },
    });
    const x1 = await p1.text();
    expect(p1.status, x1).toBe(200);
    const p2 = await w.s3.fetch(`/${b}/dst?partNumber=2&uploadId=${id}`, {
      method: 'PUT',
      headers: {
        'x-amz-copy-source': `${b}/src`,
        'x-amz-copy-source-range': `bytes=${5 * 1024 * 1024}-${big.length - 1}`,
      },
    });
    const x2 = await p2.text();
    const bad = await w.s3.fetch(`/${b}/dst?partNumber=3&uploadId=${id}`, {
      method: 'PUT',
      headers: { 'x-amz-copy-source': `${b}/src`, 'x-amz-copy-source-range': `bytes=0-${big.length}` },
    });
    // Well-formed but past the source's end: 416 InvalidRange (ceph/s3-tests' test_multipart_copy_invalid_range);
    // not of the form bytes=first-last: InvalidArgument. Neither stores a part.
    const badXml = await bad.text();
    expect([bad.status, xmlText(badXml, 'Code'), xmlText(badXml, 'ActualObjectSize')]).toEqual([
      416,
      'InvalidRange',
      String(big.length),
    ]);
    for (const range of ['bytes=5-1', 'bytes=0-', 'items=0-1', 'bytes=-5']) {
      const malformed = await w.s3.fetch(`/${b}/dst?partNumber=3&uploadId=${id}`, {
        method: 'PUT',
        headers: { 'x-amz-copy-source': `${b}/src`, 'x-amz-copy-source-range': range },
      });
      expect(await code(malformed), range).toEqual([400, 'InvalidArgument']);
    }
    const listed = await (await w.s3.fetch(`/${b}/dst?uploadId=${id}`)).text();
    expect(listed).not.toContain('<PartNumber>3</PartNumber>');
    const done = await w.s3.fetch(`/${b}/dst?uploadId=${id}`, {
      method: 'POST',
      body: `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${xmlText(x1, 'ETag')!.replace(/&quot;/g, '"')}</ETag></Part><Part><PartNumber>2</PartNumber><ETag>${xmlText(x2, 'ETag')!.replace(/&quot;/g, '"')}</ETag></Part></CompleteMultipartUpload>`,
    });
    expect(done.status, await done.clone().text()).toBe(200);
    expect(await (await w.s3.fetch(`/${b}/dst`)).text()).toBe(big);
  });
});

describe('DeleteObjects', () => {
  const body = (keys: string[], quiet = false) =>
    `<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${quiet ? '<Quiet>true</Quiet>' : ''}${keys
      .map((k) => `<Object><Key>${k.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</Key></Object>`)
      .join('')}</Delete>`;

  it('deletes many keys, reporting each; Quiet reports only errors', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const keys = ['a', 'b/c', 'sp ace', 'amp&<lt', 'ไทย', 'missing'];
    for (const k of keys.slice(0, 5)) await env.R2_THAILAND_1.put(`${b}/${k}`, k);
    const res = await w.s3.fetch(`/${b}?delete`, {
      method: 'POST',
      body: body(keys),
      headers: { 'Content-MD5': await md5b64(body(keys)) },
    });
    const xml = await res.text();
    expect(res.status, xml).toBe(200);
    expect(xmlAll(xml, 'Key').map((k) => k.replace(/&amp;/g, '&').replace(/&lt;/g, '<'))).toEqual(keys);
    expect((await env.R2_THAILAND_1.list({ prefix: `${b}/` })).objects).toEqual([]);
    const quiet = await (await w.s3.fetch(`/${b}?delete`, { method: 'POST', body: body(['x', 'y'], true) })).text();
    expect(xmlAll(quiet, 'Deleted')).toEqual([]);
    expect(quiet).toContain('<DeleteResult');
  });

  it('refuses more than 1000 keys, malformed XML and a wrong Content-MD5, deleting nothing', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    await env.R2_THAILAND_1.put(`${b}/keep`, 'k');
    const many = Array.from({ length: 1001 }, (_, i) => `k${i}`);
    expect(await code(await w.s3.fetch(`/${b}?delete`, { method: 'POST', body: body(many) }))).toEqual([
      400,
      'MalformedXML',
    ]);
    expect(await code(await w.s3.fetch(`/${b}?delete`, { method: 'POST', body: '<Delete><Object>' }))).toEqual([
      400,
      'MalformedXML',
    ]);
    const wrongMd5 = await w.s3.fetch(`/${b}?delete`, {
      method: 'POST',
      body: body(['keep']),
      headers: { 'Content-MD5': await md5b64('other') },
    });
    expect(await code(wrongMd5)).toEqual([400, 'BadDigest']);
    expect(await env.R2_THAILAND_1.head(`${b}/keep`)).not.toBeNull();
    const exactly1000 = await w.s3.fetch(`/${b}?delete`, { method: 'POST', body: body(many.slice(0, 1000), true) });
    expect(exactly1000.status).toBe(200);
  });
});

describe('conditional writes', () => {
  it('If-None-Match: * creates only a new key', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const put = () => w.s3.fetch(`/${b}/once`, { method: 'PUT', body: 'first', headers: { 'If-None-Match': '*' } });
    expect((await put()).status).toBe(200);
    expect(await code(await put())).toEqual([412, 'PreconditionFailed']);
    expect(await (await w.s3.fetch(`/${b}/once`)).text()).toBe('first');
  });

  it('two racing conditional creates: exactly one wins', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const results = await Promise.all(
      ['one', 'two', 'three'].map((body) =>
        w.s3.fetch(`/${b}/race`, { method: 'PUT', body, headers: { 'If-None-Match': '*' } }),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 412, 412]);
    const winner = ['one', 'two', 'three'][results.findIndex((r) => r.status === 200)];
    expect(await (await w.s3.fetch(`/${b}/race`)).text()).toBe(winner);
  });

  it('If-Match overwrites only the named version; a missing key is 404', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const etag = (await w.s3.fetch(`/${b}/v`, { method: 'PUT', body: 'v1' })).headers.get('ETag')!;
    expect(
      await code(await w.s3.fetch(`/${b}/v`, { method: 'PUT', body: 'v2', headers: { 'If-Match': '"stale"' } })),
    ).toEqual([412, 'PreconditionFailed']);
    expect((await w.s3.fetch(`/${b}/v`, { method: 'PUT', body: 'v2', headers: { 'If-Match': etag } })).status).toBe(
      200,
    );
    expect(await (await w.s3.fetch(`/${b}/v`)).text()).toBe('v2');
    expect(
      await code(await w.s3.fetch(`/${b}/nope`, { method: 'PUT', body: 'x', headers: { 'If-Match': etag } })),
    ).toEqual([404, 'NoSuchKey']);
  });

  it('applies to CompleteMultipartUpload too', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    await w.s3.fetch(`/${b}/taken`, { method: 'PUT', body: 'x' });
    const id = xmlText(await (await w.s3.fetch(`/${b}/taken?uploads`, { method: 'POST' })).text(), 'UploadId')!;
    const e1 = (await w.s3.fetch(`/${b}/taken?partNumber=1&uploadId=${id}`, { method: 'PUT', body: 'y' })).headers.get(
      'ETag',
    );
    const res = await w.s3.fetch(`/${b}/taken?uploadId=${id}`, {
      method: 'POST',
      headers: { 'If-None-Match': '*' },
      body: `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${e1}</ETag></Part></CompleteMultipartUpload>`,
    });
    expect(await code(res)).toEqual([412, 'PreconditionFailed']);
    expect(await (await w.s3.fetch(`/${b}/taken`)).text()).toBe('x');
  });
});

async function md5hex(text: string) {
  return [...new Uint8Array(await crypto.subtle.digest('MD5', new TextEncoder().encode(text)))]
    .map((b) => b.toString(16).padStart(2, '0'))
    .join('');
}
async function md5b64(text: string) {
  return btoa(
    String.fromCharCode(...new Uint8Array(await crypto.subtle.digest('MD5', new TextEncoder().encode(text)))),
  );
}
