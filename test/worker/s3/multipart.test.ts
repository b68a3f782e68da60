import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { bytes, s3World, xmlAll, xmlText, type S3World } from './s3-fixtures';

const MiB = 1024 * 1024;

const hex = (buf: ArrayBuffer) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');

async function start(w: S3World, bucket: string, key: string, headers: Record<string, string> = {}) {
  const res = await w.s3.fetch(`/${bucket}/${key}?uploads`, { method: 'POST', headers });
  expect(res.status).toBe(200);
  const xml = await res.text();
  expect(xmlText(xml, 'Bucket')).toBe(bucket);
  expect(xmlText(xml, 'Key')).toBe(key);
  return xmlText(xml, 'UploadId')!;
}

async function putPart(w: S3World, bucket: string, key: string, uploadId: string, n: number, body: Uint8Array) {
  const res = await w.s3.fetch(`/${bucket}/${key}?partNumber=${n}&uploadId=${uploadId}`, { method: 'PUT', body });
  expect(res.status, await res.clone().text()).toBe(200);
  return res.headers.get('ETag')!;
}

const completeXml = (parts: [number, string][]) =>
  `<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${parts
    .map(([n, etag]) => `<Part><PartNumber>${n}</PartNumber><ETag>${etag}</ETag></Part>`)
    .join('')}</CompleteMultipartUpload>`;

async function complete(w: S3World, bucket: string, key: string, uploadId: string, parts: [number, string][]) {
  return w.s3.fetch(`/${bucket}/${key}?uploadId=${uploadId}`, { method: 'POST', body: completeXml(parts) });
}

async function multipartEtag(parts: Uint8Array[]) {
  const md5s = new Uint8Array(parts.length * 16);
  for (const [i, p] of parts.entries()) md5s.set(new Uint8Array(await crypto.subtle.digest('MD5', p)), i * 16);
  return `"${hex(await crypto.subtle.digest('MD5', md5s))}-${parts.length}"`;
}

describe('multipart upload', () => {
  it('parts of different sizes complete and read back byte-exact, with the S3 multipart ETag', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const parts = [bytes(5 * MiB + 1, 1), bytes(6 * MiB, 2), bytes(5 * MiB, 3), bytes(17, 4)];
    const id = await start(w, b, 'big/file.bin', { 'Content-Type': 'application/x-test', 'x-amz-meta-origin': 'mpu' });
    const etags: [number, string][] = [];
    for (const [i, p] of parts.entries()) etags.push([i + 1, await putPart(w, b, 'big/file.bin', id, i + 1, p)]);
    const res = await complete(w, b, 'big/file.bin', id, etags);
    const xml = await res.text();
    expect(res.status, xml).toBe(200);
    const etag = await multipartEtag(parts);
    expect(xmlText(xml, 'ETag')).toBe(etag.replace(/"/g, '&quot;'));
    expect(xmlText(xml, 'Key')).toBe('big/file.bin');

    const get = await w.s3.fetch(`/${b}/big/file.bin`);
    expect(get.headers.get('ETag')).toBe(etag);
    expect(get.headers.get('Content-Type')).toBe('application/x-test');
    expect(get.headers.get('x-amz-meta-origin')).toBe('mpu');
    const got = new Uint8Array(await get.arrayBuffer());
    const want = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      want.set(p, at);
      at += p.length;
    }
    expect(got.length).toBe(want.length);
    expect(hex(await crypto.subtle.digest('SHA-256', got))).toBe(hex(await crypto.subtle.digest('SHA-256', want)));

    // The listing shows the same ETag, and the staged parts are gone.
    const list = await (await w.s3.fetch(`/${b}?list-type=2`)).text();
    expect(xmlText(list, 'ETag')).toBe(etag.replace(/"/g, '&quot;'));
    await new Promise((r) => setTimeout(r, 50));
    expect((await env.R2_THAILAND_1.list({ prefix: `~mpu/${id}/` })).objects).toEqual([]);

    // GetObject/HeadObject by part number.
    const part2 = await w.s3.fetch(`/${b}/big/file.bin?partNumber=2`);
    expect(part2.status).toBe(206);
    expect(part2.headers.get('x-amz-mp-parts-count')).toBe('4');
    expect(part2.headers.get('Content-Range')).toBe(`bytes ${5 * MiB + 1}-${11 * MiB}/${want.length}`);
    expect(hex(await part2.arrayBuffer())).toBe(hex(parts[1].buffer as ArrayBuffer));
    const head5 = await w.s3.fetch(`/${b}/big/file.bin?partNumber=5`, { method: 'HEAD' });
    expect(head5.status).toBe(416);
  });

  it('GetObject partNumber: past the parts is 416 InvalidPartNumber, not a part number is 400 InvalidArgument', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    await w.s3.fetch(`/${b}/simple`, { method: 'PUT', body: 'one part' });
    // A simple object is one part.
    const one = await w.s3.fetch(`/${b}/simple?partNumber=1`);
    expect([one.status, one.headers.get('x-amz-mp-parts-count'), await one.text()]).toEqual([206, '1', 'one part']);
    const two = await w.s3.fetch(`/${b}/simple?partNumber=2`);
    const twoXml = await two.text();
    expect([two.status, xmlText(twoXml, 'Code'), xmlText(twoXml, 'Message')]).toEqual([
      416,
      'InvalidPartNumber',
      'The requested partnumber is not satisfiable',
    ]);
    expect([xmlText(twoXml, 'PartNumberRequested'), xmlText(twoXml, 'ActualPartCount')]).toEqual(['2', '1']);
    for (const n of ['0', '-1', 'abc', '10001', '1e0', '']) {
      const bad = await w.s3.fetch(`/${b}/simple?partNumber=${n}`);
      const badXml = await bad.text();
      expect([bad.status, xmlText(badXml, 'Code'), xmlText(badXml, 'ArgumentName')], n).toEqual([
        400,
        'InvalidArgument',
        'partNumber',
      ]);
    }
  });

  it('ListMultipartUploads with encoding-type=url encodes as the other listings do (space %20, / kept)', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const created = await w.s3.fetch(`/${b}/a%20b/c%2Bd~?uploads`, { method: 'POST' });
    expect(xmlText(await created.text(), 'Key')).toBe('a b/c+d~');
    const xml = await (await w.s3.fetch(`/${b}?uploads&encoding-type=url&prefix=a%20`)).text();
    expect([xmlText(xml, 'Key'), xmlText(xml, 'Prefix'), xmlText(xml, 'EncodingType')]).toEqual([
      'a%20b/c%2Bd%7E',
      'a%20',
      'url',
    ]);
  });

  it('re-uploading a part number replaces it', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const id = await start(w, b, 'k');
    await putPart(w, b, 'k', id, 1, bytes(100, 1));
    const e2 = await putPart(w, b, 'k', id, 1, bytes(50, 2));
    expect((await complete(w, b, 'k', id, [[1, e2]])).status).toBe(200);
    expect(new Uint8Array(await (await w.s3.fetch(`/${b}/k`)).arrayBuffer())).toEqual(bytes(50, 2));
  });

  it('refuses bad completions with InvalidPart, InvalidPartOrder, EntityTooSmall, MalformedXML and NoSuchUpload', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const id = await start(w, b, 'k');
    const e1 = await putPart(w, b, 'k', id, 1, bytes(1000, 1));
    const e2 = await putPart(w, b, 'k', id, 2, bytes(1000, 2));
    const code = async (res: Response) => [res.status, xmlText(await res.text(), 'Code')];
    expect(await code(await complete(w, b, 'k', id, [[1, '"0123456789abcdef0123456789abcdef"']]))).toEqual([
      400,
      'InvalidPart',
    ]);
    expect(await code(await complete(w, b, 'k', id, [[3, e1]]))).toEqual([400, 'InvalidPart']);
    expect(
      await code(
        await complete(w, b, 'k', id, [
          [2, e2],
          [1, e1],
        ]),
      ),
    ).toEqual([400, 'InvalidPartOrder']);
    expect(
      await code(
        await complete(w, b, 'k', id, [
          [1, e1],
          [2, e2],
        ]),
      ),
    ).toEqual([400, 'EntityTooSmall']);
    const malformed = await w.s3.fetch(`/${b}/k?uploadId=${id}`, { method: 'POST', body: '<CompleteMultipartUpload>' });
    expect(await code(malformed)).toEqual([400, 'MalformedXML']);
    expect(await code(await complete(w, b, 'k', 'nope', [[1, e1]]))).toEqual([404, 'NoSuchUpload']);
    // Nothing was written by any of them, and the upload is still there to complete.
    expect(await env.R2_THAILAND_1.head(`${b}/k`)).toBeNull();
    expect((await complete(w, b, 'k', id, [[2, e2]])).status).toBe(200);
  });

  it('refuses a bad part number and an unknown upload on UploadPart', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const id = await start(w, b, 'k');
    for (const n of ['0', '10001', 'x']) {
      const res = await w.s3.fetch(`/${b}/k?partNumber=${n}&uploadId=${id}`, { method: 'PUT', body: 'x' });
      expect([res.status, xmlText(await res.text(), 'Code')]).toEqual([400, 'InvalidArgument']);
    }
    const res = await w.s3.fetch(`/${b}/k?partNumber=1&uploadId=nope`, { method: 'PUT', body: 'x' });
    expect([res.status, xmlText(await res.text(), 'Code')]).toEqual([404, 'NoSuchUpload']);
    const otherKey = await w.s3.fetch(`/${b}/other?partNumber=1&uploadId=${id}`, { method: 'PUT', body: 'x' });
    expect(otherKey.status).toBe(404);
  });

  it('aborts an upload and deletes its parts', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const id = await start(w, b, 'k');
    await putPart(w, b, 'k', id, 1, bytes(10, 1));
    expect((await env.R2_THAILAND_1.list({ prefix: `~mpu/${id}/` })).objects).toHaveLength(1);
    expect((await w.s3.fetch(`/${b}/k?uploadId=${id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await env.R2_THAILAND_1.list({ prefix: `~mpu/${id}/` })).objects).toEqual([]);
    expect((await w.s3.fetch(`/${b}/k?uploadId=${id}`, { method: 'DELETE' })).status).toBe(404);
  });

  it('lists parts with paging', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const id = await start(w, b, 'k');
    for (let n = 1; n <= 5; n++) await putPart(w, b, 'k', id, n, bytes(n * 10, n));
    const page1 = await (await w.s3.fetch(`/${b}/k?uploadId=${id}&max-parts=2`)).text();
    expect(xmlAll(page1, 'PartNumber')).toEqual(['1', '2']);
    expect(xmlText(page1, 'IsTruncated')).toBe('true');
    expect(xmlText(page1, 'NextPartNumberMarker')).toBe('2');
    expect(xmlAll(page1, 'Size')).toEqual(['10', '20']);
    const page2 = await (await w.s3.fetch(`/${b}/k?uploadId=${id}&max-parts=10&part-number-marker=2`)).text();
    expect(xmlAll(page2, 'PartNumber')).toEqual(['3', '4', '5']);
    expect(xmlText(page2, 'IsTruncated')).toBe('false');
  });

  it('lists uploads with prefix, delimiter, markers and max-uploads', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const ids: Record<string, string> = {};
    for (const key of ['a/1', 'a/2', 'b', 'c/x/1', 'c/y', 'd']) ids[key] = await start(w, b, key);
    const all = await (await w.s3.fetch(`/${b}?uploads`)).text();
    expect(xmlAll(all, 'Key')).toEqual(['a/1', 'a/2', 'b', 'c/x/1', 'c/y', 'd']);
    const delimited = await (await w.s3.fetch(`/${b}?uploads&delimiter=/`)).text();
    expect(xmlAll(delimited, 'Key')).toEqual(['b', 'd']);
    expect(xmlAll(delimited, 'Prefix')).toEqual(['', 'a/', 'c/']);
    const prefixed = await (await w.s3.fetch(`/${b}?uploads&prefix=c/&delimiter=/`)).text();
    expect(xmlAll(prefixed, 'Key')).toEqual(['c/y']);
    expect(xmlAll(prefixed, 'Prefix')).toEqual(['c/', 'c/x/']);
    // Paging: two entries a page, a common prefix counting as one.
    const seen: string[] = [];
    let marker = '';
    let idMarker = '';
    for (let page = 0; page < 5; page++) {
      const q = `/${b}?uploads&delimiter=/&max-uploads=2${marker ? `&key-marker=${encodeURIComponent(marker)}&upload-id-marker=${idMarker}` : ''}`;
      const xml = await (await w.s3.fetch(q)).text();
      seen.push(...xmlAll(xml, 'Key'), ...xmlAll(xml, 'Prefix').slice(1));
      if (xmlText(xml, 'IsTruncated') !== 'true') break;
      marker = xmlText(xml, 'NextKeyMarker')!;
      idMarker = xmlText(xml, 'NextUploadIdMarker') ?? '';
    }
    expect(seen.sort()).toEqual(['a/', 'b', 'c/', 'd']);
  });

  it('keeps a bucket with an unfinished upload from being deleted', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const id = await start(w, b, 'k');
    const res = await w.s3.fetch(`/${b}`, { method: 'DELETE' });
    expect([res.status, xmlText(await res.text(), 'Code')]).toEqual([409, 'BucketNotEmpty']);
    await w.s3.fetch(`/${b}/k?uploadId=${id}`, { method: 'DELETE' });
    expect((await w.s3.fetch(`/${b}`, { method: 'DELETE' })).status).toBe(204);
  });
});
