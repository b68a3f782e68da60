import { SELF } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { checksumOf, type ChecksumAlgorithm } from '../../../src/checksums';
import { toBase64 } from '../../../src/crypto/encoding';
import { bytes, concat, s3World, xmlText, type S3World } from './s3-fixtures';

// GetObjectAttributes (GET /key?attributes), as AWS answers it:
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectAttributes.html

const MiB = 1024 * 1024;
const ALL = 'ETag,Checksum,ObjectParts,StorageClass,ObjectSize';
const b64 = async (alg: ChecksumAlgorithm, data: Uint8Array) => toBase64(await checksumOf(alg, data));
const hex = (buf: ArrayBuffer) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');

const attributes = (w: S3World, path: string, names: string | null, query = '') =>
  w.s3.fetch(`${path}?attributes${query}`, { headers: names === null ? {} : { 'x-amz-object-attributes': names } });

/** A completed multipart upload of `parts`, created with `headers` (a checksum algorithm, say). */
async function multipart(w: S3World, path: string, parts: Uint8Array[], headers: Record<string, string> = {}) {
  const created = await w.s3.fetch(`${path}?uploads`, { method: 'POST', headers });
  const id = xmlText(await created.text(), 'UploadId')!;
  let body = '<CompleteMultipartUpload>';
  for (const [i, data] of parts.entries()) {
    const res = await w.s3.fetch(`${path}?partNumber=${i + 1}&uploadId=${id}`, { method: 'PUT', body: data });
    expect(res.status).toBe(200);
    const sum = res.headers.get('x-amz-checksum-crc32');
    body += `<Part><PartNumber>${i + 1}</PartNumber><ETag>${res.headers.get('ETag')}</ETag>${sum ? `<ChecksumCRC32>${sum}</ChecksumCRC32>` : ''}</Part>`;
  }
  const done = await w.s3.fetch(`${path}?uploadId=${id}`, {
    method: 'POST',
    body: `${body}</CompleteMultipartUpload>`,
  });
  expect(done.status, await done.clone().text()).toBe(200);
}

describe('GetObjectAttributes', () => {
  it('a simple object: ETag (unquoted), Checksum, StorageClass, ObjectSize, Last-Modified; no ObjectParts', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const data = bytes(1000, 1);
    const put = await w.s3.fetch(`/${b}/one`, {
      method: 'PUT',
      body: data,
      headers: { 'x-amz-checksum-sha256': await b64('SHA256', data) },
    });
    expect(put.status).toBe(200);
    const md5 = hex(await crypto.subtle.digest('MD5', data));

    const res = await attributes(w, `/${b}/one`, ALL);
    const xml = await res.text();
    expect(res.status, xml).toBe(200);
    const head = await w.s3.fetch(`/${b}/one`, { method: 'HEAD' });
    expect(res.headers.get('Last-Modified')).toBe(head.headers.get('Last-Modified'));
    expect(new Date(res.headers.get('Last-Modified')!).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(res.headers.get('Content-Type')).toBe('application/xml');
    expect(xml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<GetObjectAttributesResponse xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
        `<ETag>${md5}</ETag>` +
        `<Checksum><ChecksumSHA256>${await b64('SHA256', data)}</ChecksumSHA256><ChecksumType>FULL_OBJECT</ChecksumType></Checksum>` +
        '<StorageClass>STANDARD</StorageClass><ObjectSize>1000</ObjectSize></GetObjectAttributesResponse>',
    );

    // Only what is asked for; an object without a checksum has no Checksum element.
    await w.s3.fetch(`/${b}/plain`, { method: 'PUT', body: 'abc' });
    const some = await (await attributes(w, `/${b}/plain`, 'ObjectSize, Checksum')).text();
    expect(some).toContain(
      '<GetObjectAttributesResponse xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><ObjectSize>3</ObjectSize></GetObjectAttributesResponse>',
    );
  });

  it('a multipart object: its part count (PartsCount) and its COMPOSITE checksum as HEAD reports it', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const parts = [bytes(5 * MiB, 1), bytes(5 * MiB, 2), bytes(1234, 3)];
    await multipart(w, `/${b}/mp`, parts, { 'x-amz-checksum-algorithm': 'CRC32' });
    const head = await w.s3.fetch(`/${b}/mp`, { method: 'HEAD', headers: { 'x-amz-checksum-mode': 'ENABLED' } });
    const digests = await Promise.all(parts.map((p) => checksumOf('CRC32', p)));
    const composite = `${await b64('CRC32', concat(digests))}-3`;
    expect(head.headers.get('x-amz-checksum-crc32')).toBe(composite);

    const res = await attributes(w, `/${b}/mp`, ALL, '');
    const xml = await res.text();
    expect(res.status, xml).toBe(200);
    expect(xmlText(xml, 'ETag')).toBe(head.headers.get('ETag')!.replace(/"/g, ''));
    expect(xmlText(xml, 'ETag')).toMatch(/^[0-9a-f]{32}-3$/);
    expect(xmlText(xml, 'Checksum')).toBe(
      `<ChecksumCRC32>${composite}</ChecksumCRC32><ChecksumType>COMPOSITE</ChecksumType>`,
    );
    // No per-part checksums are kept once an upload completes: as AWS does then, the count alone, whatever the
    // paging asked for.
    expect(xmlText(xml, 'ObjectParts')).toBe('<PartsCount>3</PartsCount>');
    expect(xmlText(xml, 'ObjectSize')).toBe(String(10 * MiB + 1234));
    const paged = await w.s3.fetch(`/${b}/mp?attributes`, {
      headers: { 'x-amz-object-attributes': 'ObjectParts', 'x-amz-max-parts': '1', 'x-amz-part-number-marker': '1' },
    });
    expect(xmlText(await paged.text(), 'ObjectParts')).toBe('<PartsCount>3</PartsCount>');

    // The part count agrees with GetObject's partNumber reads, which use the same layout.
    const last = await w.s3.fetch(`/${b}/mp?partNumber=3`, { method: 'HEAD' });
    expect([last.status, last.headers.get('Content-Length'), last.headers.get('x-amz-mp-parts-count')]).toEqual([
      206,
      '1234',
      '3',
    ]);
  });

  it('a multipart object whose part sizes were not recorded still reports its part count', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    // As a completion with too many different part sizes leaves it: the S3 ETag, no ros:parts.
    await env.R2_THAILAND_1.put(`${b}/many`, 'xyz', {
      customMetadata: { 'ros:etag': '0123456789abcdef0123456789abcdef-700' },
    });
    const xml = await (await attributes(w, `/${b}/many`, 'ObjectParts,ETag')).text();
    expect(xmlText(xml, 'ObjectParts')).toBe('<PartsCount>700</PartsCount>');
    expect(xmlText(xml, 'ETag')).toBe('0123456789abcdef0123456789abcdef-700');
    // GetObject by part number cannot cut such an object into parts: a clear 400, never the whole object as "part 1".
    const part = await w.s3.fetch(`/${b}/many?partNumber=1`);
    expect([part.status, xmlText(await part.text(), 'Code')]).toEqual([400, 'InvalidRequest']);
  });

  it('refuses a missing or unknown attribute name, and answers NoSuchKey and versionId as AWS', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    await w.s3.fetch(`/${b}/k`, { method: 'PUT', body: 'x' });
    const code = async (res: Response) => [res.status, xmlText(await res.text(), 'Code')];
    expect(await code(await attributes(w, `/${b}/k`, null))).toEqual([400, 'InvalidRequest']);
    expect(await code(await attributes(w, `/${b}/k`, ' , '))).toEqual([400, 'InvalidRequest']);
    const unknown = await attributes(w, `/${b}/k`, 'ETag,Size');
    const unknownXml = await unknown.text();
    expect([unknown.status, xmlText(unknownXml, 'Code'), xmlText(unknownXml, 'Message')]).toEqual([
      400,
      'InvalidArgument',
      'Invalid attribute name specified.',
    ]);
    expect(await code(await attributes(w, `/${b}/nope`, 'ETag'))).toEqual([404, 'NoSuchKey']);
    expect((await attributes(w, `/${b}/k`, 'ObjectSize', '&versionId=null')).status).toBe(200);
    expect(await code(await attributes(w, `/${b}/k`, 'ObjectSize', '&versionId=3HL4kqtJlcpXroDTDmJ'))).toEqual([
      400,
      'InvalidArgument',
    ]);
  });

  it("is the owner's, or granted by READ on the bucket or the object (as GetObject)", async () => {
    const w = await s3World();
    const other = await s3World();
    const b = await w.newBucket();
    await w.s3.fetch(`/${b}/private`, { method: 'PUT', body: 'x' });
    await w.s3.fetch(`/${b}/public`, { method: 'PUT', body: 'xy', headers: { 'x-amz-acl': 'public-read' } });
    const unsigned = (key: string) =>
      SELF.fetch(`${w.s3.endpoint}/${b}/${key}?attributes`, { headers: { 'x-amz-object-attributes': 'ObjectSize' } });
    expect((await attributes(other, `/${b}/private`, 'ObjectSize')).status).toBe(403);
    const pub = await attributes(other, `/${b}/public`, 'ObjectSize');
    expect([pub.status, xmlText(await pub.text(), 'ObjectSize')]).toEqual([200, '2']);
    expect((await unsigned('private')).status).toBe(403);
    expect((await unsigned('public')).status).toBe(200);
  });
});
