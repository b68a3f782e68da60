import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { checksumOf, type ChecksumAlgorithm } from '../../../src/checksums';
import { fromBase64, toBase64 } from '../../../src/crypto/encoding';
import { bytes, concat, s3World, xmlAll, xmlText, type S3World } from './s3-fixtures';

// Checksums that outlive the upload: trailer checksums of simple PUTs (kept in D1, tied to the object version)
// and the COMPOSITE / FULL_OBJECT checksums of multipart objects, as AWS computes and returns them.

const MiB = 1024 * 1024;
const enc = new TextEncoder();

const b64 = async (alg: ChecksumAlgorithm, data: Uint8Array) => toBase64(await checksumOf(alg, data));
const code = async (res: Response) => [res.status, xmlText(await res.text(), 'Code')];

/** An SDK-style STREAMING-UNSIGNED-PAYLOAD-TRAILER body with an x-amz-checksum-<alg> trailer. */
function trailerInit(data: Uint8Array, alg: string, value: string): RequestInit {
  const body = concat([
    enc.encode(`${data.length.toString(16)}\r\n`),
    data,
    enc.encode(`\r\n0\r\nx-amz-checksum-${alg}:${value}\r\n\r\n`),
  ]);
  return {
    method: 'PUT',
    body,
    headers: {
      'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
      'Content-Encoding': 'aws-chunked',
      'x-amz-decoded-content-length': String(data.length),
      'x-amz-trailer': `x-amz-checksum-${alg}`,
    },
  };
}

const checked = (w: S3World, path: string, method = 'HEAD') =>
  w.s3.fetch(path, { method, headers: { 'x-amz-checksum-mode': 'ENABLED' } });

describe('trailer checksums of simple uploads', () => {
  it('are stored, returned with x-amz-checksum-mode, carried by a copy, and forgotten on overwrite and delete', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const data = bytes(70_000, 1);
    const crc = await b64('CRC32C', data);
    const put = await w.s3.fetch(`/${b}/t`, trailerInit(data, 'crc32c', crc));
    expect(put.status, await put.clone().text()).toBe(200);
    expect(put.headers.get('x-amz-checksum-crc32c')).toBe(crc);

    for (const method of ['HEAD', 'GET']) {
      const res = await checked(w, `/${b}/t`, method);
      expect([res.headers.get('x-amz-checksum-crc32c'), res.headers.get('x-amz-checksum-type')]).toEqual([
        crc,
        'FULL_OBJECT',
      ]);
      await res.arrayBuffer();
    }
    // Not without the mode, and not for a range (the value would not describe those bytes).
    expect((await w.s3.fetch(`/${b}/t`, { method: 'HEAD' })).headers.get('x-amz-checksum-crc32c')).toBeNull();
    const ranged = await w.s3.fetch(`/${b}/t`, { headers: { 'x-amz-checksum-mode': 'ENABLED', Range: 'bytes=0-9' } });
    expect([ranged.status, ranged.headers.get('x-amz-checksum-crc32c')]).toEqual([206, null]);
    await ranged.arrayBuffer();

    const copy = await w.s3.fetch(`/${b}/copy`, { method: 'PUT', headers: { 'x-amz-copy-source': `/${b}/t` } });
    const copyXml = await copy.text();
    expect([copy.status, xmlText(copyXml, 'ChecksumCRC32C'), xmlText(copyXml, 'ChecksumType')]).toEqual([
      200,
      crc,
      'FULL_OBJECT',
    ]);
    expect((await checked(w, `/${b}/copy`)).headers.get('x-amz-checksum-crc32c')).toBe(crc);

    // A new version without a checksum: the recorded value (of the old version) is not returned for it.
    await w.s3.fetch(`/${b}/t`, { method: 'PUT', body: 'plain' });
    expect((await checked(w, `/${b}/t`)).headers.get('x-amz-checksum-crc32c')).toBeNull();

    const again = await w.s3.fetch(`/${b}/t`, trailerInit(data, 'crc32c', crc));
    expect(again.status).toBe(200);
    expect(
      await env.DB.prepare('SELECT COUNT(*) AS n FROM object_checksums WHERE r2_key = ?').bind(`${b}/t`).first('n'),
    ).toBe(1);
    expect((await w.s3.fetch(`/${b}/t`, { method: 'DELETE' })).status).toBe(204);
    await expect
      .poll(() =>
        env.DB.prepare('SELECT COUNT(*) AS n FROM object_checksums WHERE r2_key = ?').bind(`${b}/t`).first('n'),
      )
      .toBe(0);
  });

  it('a wrong trailer stores neither the object nor a checksum', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const res = await w.s3.fetch(
      `/${b}/bad`,
      trailerInit(bytes(1000, 2), 'sha256', await b64('SHA256', bytes(1000, 3))),
    );
    expect(await code(res)).toEqual([400, 'BadDigest']);
    expect(await env.R2_THAILAND_1.head(`${b}/bad`)).toBeNull();
    expect(
      await env.DB.prepare('SELECT COUNT(*) AS n FROM object_checksums WHERE r2_key = ?').bind(`${b}/bad`).first('n'),
    ).toBe(0);
  });
});

async function create(w: S3World, path: string, headers: Record<string, string>) {
  const res = await w.s3.fetch(`${path}?uploads`, { method: 'POST', headers });
  const xml = await res.text();
  expect(res.status, xml).toBe(200);
  return { id: xmlText(xml, 'UploadId')!, headers: res.headers };
}

const completeXml = (parts: { n: number; etag: string; checksum?: [string, string] }[]) =>
  `<CompleteMultipartUpload>${parts
    .map(
      (p) =>
        `<Part><PartNumber>${p.n}</PartNumber><ETag>${p.etag}</ETag>${p.checksum ? `<${p.checksum[0]}>${p.checksum[1]}</${p.checksum[0]}>` : ''}</Part>`,
    )
    .join('')}</CompleteMultipartUpload>`;

describe('multipart checksums', () => {
  const parts = [bytes(5 * MiB, 10), bytes(5 * MiB + 3, 11), bytes(1234, 12)];

  it('COMPOSITE CRC32: part checksums (sent or computed), ListParts, the "-N" object checksum, HEAD', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const path = `/${b}/composite`;
    const up = await create(w, path, { 'x-amz-checksum-algorithm': 'crc32' });
    expect([up.headers.get('x-amz-checksum-algorithm'), up.headers.get('x-amz-checksum-type')]).toEqual([
      'CRC32',
      'COMPOSITE',
    ]);

    const sent = [];
    for (const [i, data] of parts.entries()) {
      // Part 2 comes without a checksum: S3 computes the upload's algorithm itself.
      const headers: Record<string, string> = i === 1 ? {} : { 'x-amz-checksum-crc32': await b64('CRC32', data) };
      const res = await w.s3.fetch(`${path}?partNumber=${i + 1}&uploadId=${up.id}`, {
        method: 'PUT',
        body: data,
        headers,
      });
      expect(res.status, await res.clone().text()).toBe(200);
      expect(res.headers.get('x-amz-checksum-crc32')).toBe(await b64('CRC32', data));
      sent.push({
        n: i + 1,
        etag: res.headers.get('ETag')!,
        checksum: ['ChecksumCRC32', res.headers.get('x-amz-checksum-crc32')!] as [string, string],
      });
    }
    const wrongAlg = await w.s3.fetch(`${path}?partNumber=9&uploadId=${up.id}`, {
      method: 'PUT',
      body: parts[2],
      headers: { 'x-amz-checksum-sha1': await b64('SHA1', parts[2]) },
    });
    expect(await code(wrongAlg)).toEqual([400, 'InvalidRequest']);

    const listed = await (await w.s3.fetch(`${path}?uploadId=${up.id}`)).text();
    expect([xmlText(listed, 'ChecksumAlgorithm'), xmlText(listed, 'ChecksumType')]).toEqual(['CRC32', 'COMPOSITE']);
    expect(xmlAll(listed, 'ChecksumCRC32')).toEqual(sent.map((p) => p.checksum[1]));
    const uploads = await (await w.s3.fetch(`/${b}?uploads`)).text();
    expect(xmlText(uploads, 'ChecksumAlgorithm')).toBe('CRC32');

    // A COMPOSITE upload's completion must list every part's checksum, and list it right.
    const missing = await w.s3.fetch(`${path}?uploadId=${up.id}`, {
      method: 'POST',
      body: completeXml(sent.map(({ n, etag }) => ({ n, etag }))),
    });
    expect(await code(missing)).toEqual([400, 'InvalidRequest']);
    const wrong = sent.map((p, i) =>
      i === 0 ? { ...p, checksum: ['ChecksumCRC32', 'AAAAAA=='] as [string, string] } : p,
    );
    expect(
      await code(await w.s3.fetch(`${path}?uploadId=${up.id}`, { method: 'POST', body: completeXml(wrong) })),
    ).toEqual([400, 'InvalidPart']);

    const digests = await Promise.all(parts.map((p) => checksumOf('CRC32', p)));
    const expected = `${await b64('CRC32', concat(digests))}-3`;
    const done = await w.s3.fetch(`${path}?uploadId=${up.id}`, { method: 'POST', body: completeXml(sent) });
    const xml = await done.text();
    expect([done.status, xmlText(xml, 'ChecksumCRC32'), xmlText(xml, 'ChecksumType')], xml).toEqual([
      200,
      expected,
      'COMPOSITE',
    ]);
    const head = await checked(w, path);
    expect([head.headers.get('x-amz-checksum-crc32'), head.headers.get('x-amz-checksum-type')]).toEqual([
      expected,
      'COMPOSITE',
    ]);
    // A copy is one new object: a COMPOSITE checksum (of the source's parts) does not describe it.
    await w.s3.fetch(`/${b}/copied`, { method: 'PUT', headers: { 'x-amz-copy-source': `/${b}/composite` } });
    expect((await checked(w, `/${b}/copied`)).headers.get('x-amz-checksum-crc32')).toBeNull();
  });

  it('FULL_OBJECT CRC64NVME: combined from the parts, checked against the header at completion', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const path = `/${b}/full`;
    const whole = await b64('CRC64NVME', concat(parts));
    const up = await create(w, path, { 'x-amz-checksum-algorithm': 'CRC64NVME' });
    expect(up.headers.get('x-amz-checksum-type')).toBe('FULL_OBJECT');
    const sent = [];
    for (const [i, data] of parts.entries()) {
      const res = await w.s3.fetch(`${path}?partNumber=${i + 1}&uploadId=${up.id}`, {
        method: 'PUT',
        body: data,
        headers: { 'x-amz-checksum-crc64nvme': await b64('CRC64NVME', data) },
      });
      expect(res.status).toBe(200);
      sent.push({ n: i + 1, etag: res.headers.get('ETag')! });
    }
    const wrongHeader = await w.s3.fetch(`${path}?uploadId=${up.id}`, {
      method: 'POST',
      body: completeXml(sent),
      headers: { 'x-amz-checksum-crc64nvme': await b64('CRC64NVME', parts[0]), 'x-amz-checksum-type': 'FULL_OBJECT' },
    });
    expect(await code(wrongHeader)).toEqual([400, 'BadDigest']);
    expect(await env.R2_THAILAND_1.head(`${b}/full`)).toBeNull();
    const wrongMode = await w.s3.fetch(`${path}?uploadId=${up.id}`, {
      method: 'POST',
      body: completeXml(sent),
      headers: { 'x-amz-checksum-type': 'COMPOSITE' },
    });
    expect(await code(wrongMode)).toEqual([400, 'InvalidRequest']);

    const done = await w.s3.fetch(`${path}?uploadId=${up.id}`, {
      method: 'POST',
      body: completeXml(sent),
      headers: { 'x-amz-checksum-crc64nvme': whole, 'x-amz-checksum-type': 'FULL_OBJECT' },
    });
    const xml = await done.text();
    expect([done.status, xmlText(xml, 'ChecksumCRC64NVME'), xmlText(xml, 'ChecksumType')], xml).toEqual([
      200,
      whole,
      'FULL_OBJECT',
    ]);
    const got = await checked(w, path, 'GET');
    expect([got.headers.get('x-amz-checksum-crc64nvme'), got.headers.get('x-amz-checksum-type')]).toEqual([
      whole,
      'FULL_OBJECT',
    ]);
    expect(await b64('CRC64NVME', new Uint8Array(await got.arrayBuffer()))).toBe(whole);
    // A FULL_OBJECT checksum describes the bytes, so a copy keeps it.
    await w.s3.fetch(`/${b}/copied`, { method: 'PUT', headers: { 'x-amz-copy-source': `/${b}/full` } });
    expect((await checked(w, `/${b}/copied`)).headers.get('x-amz-checksum-crc64nvme')).toBe(whole);
  });

  it('UploadPartCopy computes the part checksum of an upload created with an algorithm', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const source = bytes(300_000, 20);
    await w.s3.fetch(`/${b}/src`, { method: 'PUT', body: source });
    const up = await create(w, `/${b}/dst`, { 'x-amz-checksum-algorithm': 'SHA256' });
    const res = await w.s3.fetch(`/${b}/dst?partNumber=1&uploadId=${up.id}`, {
      method: 'PUT',
      headers: { 'x-amz-copy-source': `/${b}/src`, 'x-amz-copy-source-range': 'bytes=1000-200999' },
    });
    const xml = await res.text();
    expect([res.status, xmlText(xml, 'ChecksumSHA256')], xml).toEqual([
      200,
      await b64('SHA256', source.subarray(1000, 201000)),
    ]);
    const done = await w.s3.fetch(`/${b}/dst?uploadId=${up.id}`, {
      method: 'POST',
      body: completeXml([
        { n: 1, etag: xmlText(xml, 'ETag')!, checksum: ['ChecksumSHA256', xmlText(xml, 'ChecksumSHA256')!] },
      ]),
    });
    const doneXml = await done.text();
    const expected = `${toBase64(await checksumOf('SHA256', fromBase64(xmlText(xml, 'ChecksumSHA256')!)!))}-1`;
    expect([done.status, xmlText(doneXml, 'ChecksumSHA256')], doneXml).toEqual([200, expected]);
  });

  it('refuses checksum settings S3 refuses', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const refused = async (headers: Record<string, string>) =>
      code(await w.s3.fetch(`/${b}/k?uploads`, { method: 'POST', headers }));
    expect(await refused({ 'x-amz-checksum-algorithm': 'SHA256', 'x-amz-checksum-type': 'FULL_OBJECT' })).toEqual([
      400,
      'InvalidRequest',
    ]);
    expect(await refused({ 'x-amz-checksum-algorithm': 'CRC64NVME', 'x-amz-checksum-type': 'COMPOSITE' })).toEqual([
      400,
      'InvalidRequest',
    ]);
    expect(await refused({ 'x-amz-checksum-algorithm': 'MD5' })).toEqual([400, 'InvalidRequest']);
    expect(await refused({ 'x-amz-checksum-type': 'COMPOSITE' })).toEqual([400, 'InvalidRequest']);
    expect(await refused({ 'x-amz-checksum-algorithm': 'CRC32', 'x-amz-checksum-type': 'PARTIAL' })).toEqual([
      400,
      'InvalidRequest',
    ]);
    // No upload was created by any of them.
    expect(xmlAll(await (await w.s3.fetch(`/${b}?uploads`)).text(), 'UploadId')).toEqual([]);
    // An upload without an algorithm may not be completed with a checksum mode.
    const up = await create(w, `/${b}/plain`, {});
    const part = await w.s3.fetch(`/${b}/plain?partNumber=1&uploadId=${up.id}`, { method: 'PUT', body: 'x' });
    const res = await w.s3.fetch(`/${b}/plain?uploadId=${up.id}`, {
      method: 'POST',
      body: completeXml([{ n: 1, etag: part.headers.get('ETag')! }]),
      headers: { 'x-amz-checksum-type': 'FULL_OBJECT' },
    });
    expect(await code(res)).toEqual([400, 'InvalidRequest']);
  });

  it('a wrong x-amz-checksum-* header is 400 BadDigest in AWS words, on PutObject and UploadPart, storing nothing', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const data = bytes(3000, 4);
    const wrong = await b64('SHA256', bytes(3000, 5));
    const put = await w.s3.fetch(`/${b}/wrong`, {
      method: 'PUT',
      body: data,
      headers: { 'x-amz-checksum-sha256': wrong },
    });
    const putXml = await put.text();
    expect([put.status, xmlText(putXml, 'Code'), xmlText(putXml, 'Message')]).toEqual([
      400,
      'BadDigest',
      'The SHA256 you specified did not match the calculated checksum.',
    ]);
    expect(await env.R2_THAILAND_1.head(`${b}/wrong`)).toBeNull();

    const up = await create(w, `/${b}/mp`, { 'x-amz-checksum-algorithm': 'CRC32' });
    const part = await w.s3.fetch(`/${b}/mp?partNumber=1&uploadId=${up.id}`, {
      method: 'PUT',
      body: data,
      headers: { 'x-amz-checksum-crc32': await b64('CRC32', bytes(3000, 5)) },
    });
    const partXml = await part.text();
    expect([part.status, xmlText(partXml, 'Code'), xmlText(partXml, 'Message')]).toEqual([
      400,
      'BadDigest',
      'The CRC32 you specified did not match the calculated checksum.',
    ]);
    expect(await (await w.s3.fetch(`/${b}/mp?uploadId=${up.id}`)).text()).not.toContain('<Part>');
  });
});
