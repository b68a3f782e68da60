import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { type StrictOptions, md5Hex, strictWorker } from '../support/strict-r2';
import { bytes, s3World, xmlText, type S3World } from './s3-fixtures';

/**
 * Multipart uploads straight into R2's own multipart upload (migrations/0008_native_multipart.sql), with
 * thailand-1's bucket behind production R2's rules and a count of R2 writes (../support/strict-r2.ts).
 */
const MiB = 1024 * 1024;
const hex = (buf: ArrayBuffer) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');
const sha = async (data: ArrayBuffer | Uint8Array) => hex(await crypto.subtle.digest('SHA-256', data));

async function multipartEtag(parts: Uint8Array[]) {
  const md5s = new Uint8Array(parts.length * 16);
  for (const [i, p] of parts.entries()) md5s.set(new Uint8Array(await crypto.subtle.digest('MD5', p)), i * 16);
  return `"${hex(await crypto.subtle.digest('MD5', md5s))}-${parts.length}"`;
}

const joined = (parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

const completeXml = (parts: [number, string][]) =>
  `<CompleteMultipartUpload>${parts
    .map(([n, etag]) => `<Part><PartNumber>${n}</PartNumber><ETag>${etag}</ETag></Part>`)
    .join('')}</CompleteMultipartUpload>`;

async function setup(options: StrictOptions = {}) {
  const w = await s3World();
  const b = await w.newBucket();
  const strict = strictWorker(w.s3, options);
  const start = async (key: string, headers: Record<string, string> = {}) => {
    const res = await strict.fetch(`/${b}/${key}?uploads`, { method: 'POST', headers });
    expect(res.status).toBe(200);
    return xmlText(await res.text(), 'UploadId')!;
  };
  const put = async (key: string, id: string, n: number, body: Uint8Array) => {
    const res = await strict.fetch(`/${b}/${key}?partNumber=${n}&uploadId=${id}`, { method: 'PUT', body });
    expect(res.status, await res.clone().text()).toBe(200);
    return res.headers.get('ETag')!;
  };
  const complete = (key: string, id: string, parts: [number, string][], headers: Record<string, string> = {}) =>
    strict.fetch(`/${b}/${key}?uploadId=${id}`, { method: 'POST', body: completeXml(parts), headers });
  /** Reads the object back and checks its bytes, ETag (GET, HEAD, listing) and part layout. */
  const check = async (key: string, parts: Uint8Array[]) => {
    const etag = await multipartEtag(parts);
    const get = await strict.fetch(`/${b}/${key}`);
    expect(get.status).toBe(200);
    expect(get.headers.get('ETag')).toBe(etag);
    expect(await sha(await get.arrayBuffer())).toBe(await sha(joined(parts)));
    expect((await strict.fetch(`/${b}/${key}`, { method: 'HEAD' })).headers.get('ETag')).toBe(etag);
    const list = await (await strict.fetch(`/${b}?list-type=2&prefix=${encodeURIComponent(key)}`)).text();
    expect(xmlText(list, 'ETag')).toBe(etag.replace(/"/g, '&quot;'));
    const n = parts.length > 1 ? 2 : 1;
    const part = await strict.fetch(`/${b}/${key}?partNumber=${n}`);
    expect(part.status).toBe(206);
    expect(part.headers.get('x-amz-mp-parts-count')).toBe(String(parts.length));
    expect(part.headers.get('ETag')).toBe(etag);
    expect(await sha(await part.arrayBuffer())).toBe(await sha(parts[n - 1]));
    return etag;
  };
  return { w, b, strict, start, put, complete, check };
}

describe('multipart straight into R2 multipart', () => {
  it('N uniform parts cost N + 1 R2 writes (N parts, one completion) and read back exactly', async () => {
    const t = await setup();
    const parts = [bytes(5 * MiB, 1), bytes(5 * MiB, 2), bytes(5 * MiB, 3), bytes(MiB + 7, 4)];
    const id = await t.start('uniform.bin', { 'Content-Type': 'application/x-test', 'x-amz-meta-origin': 'mpu' });
    t.strict.ledger.reset();
    const etags: [number, string][] = [];
    for (const [i, p] of parts.entries()) etags.push([i + 1, await t.put('uniform.bin', id, i + 1, p)]);
    const res = await t.complete('uniform.bin', id, etags);
    expect(res.status, await res.clone().text()).toBe(200);
    const { ledger } = t.strict;
    expect(ledger.writes).toBe(parts.length + 1);
    expect([ledger.parts, ledger.completes, ledger.puts, ledger.deletes]).toEqual([parts.length, 1, 0, 0]);
    expect(ledger.open.size).toBe(0);
    const etag = await t.check('uniform.bin', parts);
    expect(xmlText(await res.text(), 'ETag')).toBe(etag.replace(/"/g, '&quot;'));
    const head = await t.strict.fetch(`/${t.b}/uniform.bin`, { method: 'HEAD' });
    expect(head.headers.get('Content-Type')).toBe('application/x-test');
    expect(head.headers.get('x-amz-meta-origin')).toBe('mpu');
    // Nothing of ROS's bookkeeping shows as user metadata.
    expect([...head.headers.keys()].filter((h) => h.startsWith('x-amz-meta-'))).toEqual(['x-amz-meta-origin']);
  });

  it('a native part sent with Content-MD5 has that MD5 as its ETag; a wrong one is BadDigest and keeps nothing', async () => {
    const t = await setup();
    const parts = [bytes(5 * MiB, 5), bytes(MiB, 6)];
    const id = await t.start('md5.bin');
    const md5 = async (p: Uint8Array) => new Uint8Array(await crypto.subtle.digest('MD5', p));
    const base64 = (b: Uint8Array) => btoa(String.fromCharCode(...b));
    const etags: [number, string][] = [];
    for (const [i, p] of parts.entries()) {
      const n = i + 1;
      const path = `/${t.b}/md5.bin?partNumber=${n}&uploadId=${id}`;
      const wrong = await t.strict.fetch(path, {
        method: 'PUT',
        body: p,
        headers: { 'Content-MD5': base64(await md5(bytes(16, n))) },
      });
      expect([wrong.status, xmlText(await wrong.text(), 'Code')]).toEqual([400, 'BadDigest']);
      const res = await t.strict.fetch(path, {
        method: 'PUT',
        body: p,
        headers: { 'Content-MD5': base64(await md5(p)) },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('ETag')).toBe(`"${hex((await md5(p)).buffer as ArrayBuffer)}"`);
      etags.push([n, res.headers.get('ETag')!]);
    }
    const listed = await (await t.strict.fetch(`/${t.b}/md5.bin?uploadId=${id}`)).text();
    expect(xmlText(listed, 'ETag')).toBe(etags[0][1].replace(/"/g, '&quot;'));
    expect((await t.complete('md5.bin', id, etags)).status).toBe(200);
    await t.check('md5.bin', parts);
  });

  it('a last part between 5 MiB and the part size is staged and copied once into the R2 upload', async () => {
    const t = await setup();
    const parts = [bytes(6 * MiB, 1), bytes(6 * MiB, 2), bytes(5 * MiB + 3, 3)];
    const id = await t.start('tail.bin');
    t.strict.ledger.reset();
    const etags: [number, string][] = [];
    for (const [i, p] of parts.entries()) etags.push([i + 1, await t.put('tail.bin', id, i + 1, p)]);
    const res = await t.complete('tail.bin', id, etags);
    expect(res.status, await res.clone().text()).toBe(200);
    const { ledger } = t.strict;
    // Two native parts, the staged one (a put), its copy into the R2 upload, the completion.
    expect([ledger.parts, ledger.puts, ledger.completes]).toEqual([3, 1, 1]);
    expect(ledger.completions).toEqual([[6 * MiB, 6 * MiB, 5 * MiB + 3]]);
    expect(ledger.refused).toEqual([]);
    await t.check('tail.bin', parts);
    await new Promise((r) => setTimeout(r, 50));
    expect((await env.R2_THAILAND_1.list({ prefix: `~mpu/${id}/` })).objects).toEqual([]);
  });

  it('uneven parts in order: the odd tail is re-cut into the R2 upload, byte-exact, with the S3 ETag', async () => {
    const t = await setup();
    const parts = [bytes(5 * MiB + 1, 1), bytes(6 * MiB, 2), bytes(5 * MiB, 3), bytes(17, 4)];
    const id = await t.start('uneven.bin');
    const etags: [number, string][] = [];
    for (const [i, p] of parts.entries()) etags.push([i + 1, await t.put('uneven.bin', id, i + 1, p)]);
    t.strict.ledger.reset();
    const res = await t.complete('uneven.bin', id, etags);
    expect(res.status, await res.clone().text()).toBe(200);
    expect(t.strict.ledger.refused).toEqual([]);
    expect(t.strict.ledger.completions).toEqual([[5 * MiB + 1, 5 * MiB + 1, 5 * MiB + 1, MiB + 15]]);
    await t.check('uneven.bin', parts);
    expect(t.strict.ledger.open.size).toBe(0);
  });

  it('uneven parts out of order (a native part behind a staged one) complete byte-exact through the fallback', async () => {
    const t = await setup();
    const parts = [bytes(6 * MiB, 1), bytes(5 * MiB, 2), bytes(5 * MiB, 3), bytes(1000, 4)];
    const id = await t.start('late.bin');
    const etags: [number, string][] = [];
    // Part 2 arrives first and sets the part size; part 1, larger, can only be staged.
    for (const n of [2, 3, 4, 1]) etags.push([n, await t.put('late.bin', id, n, parts[n - 1])]);
    etags.sort((a, b) => a[0] - b[0]);
    t.strict.ledger.reset();
    const res = await t.complete('late.bin', id, etags);
    expect(res.status, await res.clone().text()).toBe(200);
    expect(t.strict.ledger.refused).toEqual([]);
    await t.check('late.bin', parts);
    expect(t.strict.ledger.open.size).toBe(0);
  });

  it('only staged parts chosen: assembled once, and the R2 upload is aborted', async () => {
    const t = await setup();
    const id = await t.start('staged.bin');
    const e1 = await t.put('staged.bin', id, 1, bytes(5 * MiB, 1));
    const e2 = await t.put('staged.bin', id, 2, bytes(6 * MiB, 2));
    const e3 = await t.put('staged.bin', id, 3, bytes(7 * MiB, 3));
    expect(e1).toBeTruthy();
    t.strict.ledger.reset();
    const res = await t.complete('staged.bin', id, [
      [2, e2],
      [3, e3],
    ]);
    expect(res.status, await res.clone().text()).toBe(200);
    expect(t.strict.ledger.refused).toEqual([]);
    await t.check('staged.bin', [bytes(6 * MiB, 2), bytes(7 * MiB, 3)]);
    expect(t.strict.ledger.open.size).toBe(0);
  });

  it('a part sent again with another size, and a subset of parts, still complete right', async () => {
    const t = await setup();
    const id = await t.start('resent.bin');
    const e1 = await t.put('resent.bin', id, 1, bytes(5 * MiB, 1));
    await t.put('resent.bin', id, 2, bytes(5 * MiB, 2));
    await t.put('resent.bin', id, 3, bytes(5 * MiB, 3));
    const e2 = await t.put('resent.bin', id, 2, bytes(3 * MiB, 9));
    const res = await t.complete('resent.bin', id, [
      [1, e1],
      [2, e2],
    ]);
    expect(res.status, await res.clone().text()).toBe(200);
    expect(t.strict.ledger.refused).toEqual([]);
    await t.check('resent.bin', [bytes(5 * MiB, 1), bytes(3 * MiB, 9)]);
  });

  it('UploadPartCopy streams the source range into a native part', async () => {
    const t = await setup();
    const source = bytes(11 * MiB, 5);
    expect((await t.strict.fetch(`/${t.b}/source`, { method: 'PUT', body: source })).status).toBe(200);
    const id = await t.start('copied.bin');
    t.strict.ledger.reset();
    const copy = async (n: number, range: string) => {
      const res = await t.strict.fetch(`/${t.b}/copied.bin?partNumber=${n}&uploadId=${id}`, {
        method: 'PUT',
        headers: { 'x-amz-copy-source': `/${t.b}/source`, 'x-amz-copy-source-range': range },
      });
      expect(res.status, await res.clone().text()).toBe(200);
      return xmlText(await res.text(), 'ETag')!.replace(/&quot;/g, '"');
    };
    const e1 = await copy(1, `bytes=0-${5 * MiB - 1}`);
    const e2 = await copy(2, `bytes=${5 * MiB}-${11 * MiB - 1}`);
    const e2b = await copy(2, `bytes=${5 * MiB}-${6 * MiB - 1}`);
    expect(e2).not.toBe(e2b);
    expect(t.strict.ledger.puts).toBe(1); // the 6 MiB copy did not fit the part size: staged
    const res = await t.complete('copied.bin', id, [
      [1, e1],
      [2, e2b],
    ]);
    expect(res.status, await res.clone().text()).toBe(200);
    await t.check('copied.bin', [source.slice(0, 5 * MiB), source.slice(5 * MiB, 6 * MiB)]);
  });

  it('a CompleteMultipartUpload retried after it succeeded answers the same 200, ETag and checksum', async () => {
    const t = await setup();
    const id = await t.start('again.bin', { 'x-amz-checksum-algorithm': 'CRC32' });
    const part = bytes(1000, 1);
    const res1 = await t.strict.fetch(`/${t.b}/again.bin?partNumber=1&uploadId=${id}`, { method: 'PUT', body: part });
    expect(res1.status).toBe(200);
    const crc = res1.headers.get('x-amz-checksum-crc32')!;
    const body = `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${res1.headers.get('ETag')}</ETag><ChecksumCRC32>${crc}</ChecksumCRC32></Part></CompleteMultipartUpload>`;
    const first = await t.strict.fetch(`/${t.b}/again.bin?uploadId=${id}`, { method: 'POST', body });
    const firstXml = await first.text();
    expect(first.status, firstXml).toBe(200);
    const again = await t.strict.fetch(`/${t.b}/again.bin?uploadId=${id}`, { method: 'POST', body });
    const againXml = await again.text();
    expect(again.status, againXml).toBe(200);
    expect(xmlText(againXml, 'ETag')).toBe(xmlText(firstXml, 'ETag'));
    expect(xmlText(againXml, 'ChecksumCRC32')).toBe(xmlText(firstXml, 'ChecksumCRC32'));
    expect(xmlText(againXml, 'ChecksumCRC32')).toBeTruthy();
    // Other parts than the completed ones: the upload is gone.
    const other = await t.complete('again.bin', id, [[2, '"0123456789abcdef0123456789abcdef"']]);
    expect([other.status, xmlText(await other.text(), 'Code')]).toEqual([404, 'NoSuchUpload']);
    // It is no unfinished upload any more.
    expect((await t.strict.fetch(`/${t.b}/again.bin?uploadId=${id}`)).status).toBe(404);
    const list = await (await t.strict.fetch(`/${t.b}?uploads`)).text();
    expect(list).not.toContain(id);
  });

  for (const kind of ['native', 'staged'] as const) {
    it(`aborting while a ${kind} part is on its way: the part answers NoSuchUpload and nothing is left`, async () => {
      const t = await setup();
      const id = await t.start('inflight.bin');
      // A first part of 5 MiB sets the part size; a 6 MiB part is then staged, a 4 MiB one goes native.
      await t.put('inflight.bin', id, 1, bytes(5 * MiB, 1));
      const size = kind === 'native' ? 4 * MiB : 6 * MiB;
      const body = new FixedLengthStream(size);
      const writer = body.writable.getWriter();
      const sending = t.strict.fetch(`/${t.b}/inflight.bin?partNumber=2&uploadId=${id}`, {
        method: 'PUT',
        body: body.readable,
        headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', 'Content-Length': String(size) },
      });
      const data = bytes(size, 2);
      await writer.write(data.subarray(0, MiB));
      await new Promise((r) => setTimeout(r, 200));
      const abort = await t.strict.fetch(`/${t.b}/inflight.bin?uploadId=${id}`, { method: 'DELETE' });
      expect(abort.status).toBe(204);
      await writer.write(data.subarray(MiB));
      await writer.close();
      const res = await sending;
      expect([res.status, xmlText(await res.text(), 'Code')]).toEqual([404, 'NoSuchUpload']);
      await new Promise((r) => setTimeout(r, 100));
      expect((await env.R2_THAILAND_1.list({ prefix: `~mpu/${id}/` })).objects).toEqual([]);
      expect(t.strict.ledger.open.size).toBe(0);
      expect(await env.DB.prepare('SELECT 1 FROM multipart_parts WHERE upload_id = ?').bind(id).first()).toBeNull();
      expect(await env.R2_THAILAND_1.head(`${t.b}/inflight.bin`)).toBeNull();
    });
  }
});

describe("an R2 that answers each part's MD5 as its part ETag, as production R2 does", () => {
  const reversed = (hexText: string) => [...hexText].reverse().join('');

  it("after one part digested and found equal, ROS answers R2's part ETag and digests no more", async () => {
    // The first part's ETag is its MD5; later ones answer another well-formed MD5 (the reversed hex), so a part
    // ETag equal to it shows that ROS took R2's answer rather than digesting the bytes itself.
    const t = await setup({ partEtag: (md5, call) => (call === 0 ? md5 : reversed(md5)) });
    const parts = [bytes(5 * MiB, 21), bytes(5 * MiB, 22), bytes(MiB, 23)];
    const id = await t.start('trusted.bin');
    const etags: [number, string][] = [];
    for (const [i, p] of parts.entries()) etags.push([i + 1, await t.put('trusted.bin', id, i + 1, p)]);
    expect(etags.map(([, e]) => e)).toEqual([
      `"${await md5Hex(parts[0])}"`,
      `"${reversed(await md5Hex(parts[1]))}"`,
      `"${reversed(await md5Hex(parts[2]))}"`,
    ]);
    expect((await t.complete('trusted.bin', id, etags)).status).toBe(200);
    const get = await t.strict.fetch(`/${t.b}/trusted.bin`);
    expect(await sha(await get.arrayBuffer())).toBe(await sha(joined(parts)));
  });

  it("UploadPartCopy once R2 is trusted: the copied part's ETag is R2's answer, the object exact", async () => {
    const t = await setup({ partEtag: (md5, call) => (call === 0 ? md5 : reversed(md5)) });
    const source = bytes(10 * MiB, 29);
    expect((await t.strict.fetch(`/${t.b}/copy-source`, { method: 'PUT', body: source })).status).toBe(200);
    const id = await t.start('trusted-copy.bin');
    const first = await t.put('trusted-copy.bin', id, 1, source.subarray(0, 5 * MiB)); // digested, found equal
    const res = await t.strict.fetch(`/${t.b}/trusted-copy.bin?partNumber=2&uploadId=${id}`, {
      method: 'PUT',
      headers: {
        'x-amz-copy-source': `/${t.b}/copy-source`,
        'x-amz-copy-source-range': `bytes=${5 * MiB}-${10 * MiB - 1}`,
      },
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const second = xmlText(await res.text(), 'ETag')!.replace(/&quot;/g, '"');
    expect(second).toBe(`"${reversed(await md5Hex(source.subarray(5 * MiB)))}"`);
    const etags: [number, string][] = [
      [1, first],
      [2, second],
    ];
    expect((await t.complete('trusted-copy.bin', id, etags)).status).toBe(200);
    const get = await t.strict.fetch(`/${t.b}/trusted-copy.bin`);
    expect(await sha(await get.arrayBuffer())).toBe(await sha(source));
  });

  it('a binding whose part ETags are not MD5s (the local simulation) keeps every part digested', async () => {
    const t = await setup({ partEtag: (md5) => `r2-${md5}` });
    const parts = [bytes(5 * MiB, 24), bytes(5 * MiB, 25), bytes(MiB, 26)];
    const id = await t.start('digested.bin');
    const etags: [number, string][] = [];
    for (const [i, p] of parts.entries()) etags.push([i + 1, await t.put('digested.bin', id, i + 1, p)]);
    for (const [i, p] of parts.entries()) expect(etags[i][1]).toBe(`"${await md5Hex(p)}"`);
    expect((await t.complete('digested.bin', id, etags)).status).toBe(200);
    await t.check('digested.bin', parts);
  });

  it('a part ETag that is not an MD5 after all: that part fails (500, not recorded), and the next is digested', async () => {
    const t = await setup({ partEtag: (md5, call) => (call === 0 ? md5 : `not-an-md5-${call}`) });
    const parts = [bytes(5 * MiB, 27), bytes(5 * MiB, 28)];
    const id = await t.start('revoked.bin');
    const first = await t.put('revoked.bin', id, 1, parts[0]);
    const path = `/${t.b}/revoked.bin?partNumber=2&uploadId=${id}`;
    const refused = await t.strict.fetch(path, { method: 'PUT', body: parts[1] });
    expect([refused.status, xmlText(await refused.text(), 'Code')]).toEqual([500, 'InternalError']);
    const listed = await (await t.strict.fetch(`/${t.b}/revoked.bin?uploadId=${id}`)).text();
    expect(listed.match(/<Part>/g)?.length).toBe(1);
    // The client's retry: digested by ROS again, its ETag the MD5.
    const second = await t.put('revoked.bin', id, 2, parts[1]);
    expect(second).toBe(`"${await md5Hex(parts[1])}"`);
    const etags: [number, string][] = [
      [1, first],
      [2, second],
    ];
    expect((await t.complete('revoked.bin', id, etags)).status).toBe(200);
    await t.check('revoked.bin', parts);
  });
});

describe('uploads begun before migration 0008 (staged parts only)', () => {
  /** An upload as the staged design left it: rows without an R2 upload, each part its own R2 object. */
  async function oldUpload(w: S3World, bucket: string, key: string, parts: Uint8Array[]) {
    const uploadId = `old${crypto.randomUUID().replace(/-/g, '')}`;
    await env.DB.prepare(
      `INSERT INTO multipart_uploads (upload_id, site_id, bucket, key, metadata, checksum_algorithm, checksum_type,
         created_at, acl) VALUES (?, 'thailand-1', ?, ?, ?, NULL, NULL, ?, NULL)`,
    )
      .bind(
        uploadId,
        bucket,
        key,
        JSON.stringify({ httpMetadata: { contentType: 'text/old' }, customMetadata: {} }),
        Date.now(),
      )
      .run();
    const etags: [number, string][] = [];
    for (const [i, p] of parts.entries()) {
      const r2key = `~mpu/${uploadId}/${i + 1}.abcdefgh`;
      const object = (await env.R2_THAILAND_1.put(r2key, p))!;
      await env.DB.prepare(
        `INSERT INTO multipart_parts (upload_id, part_number, size, etag, checksum, r2_key, uploaded_at)
         VALUES (?, ?, ?, ?, NULL, ?, ?)`,
      )
        .bind(uploadId, i + 1, p.length, object.etag, r2key, Date.now())
        .run();
      etags.push([i + 1, `"${object.etag}"`]);
    }
    expect(w).toBeTruthy();
    return { uploadId, etags };
  }

  it('list, complete (assembled as before, under the production rules) and abort', async () => {
    const t = await setup();
    const parts = [bytes(5 * MiB, 1), bytes(6 * MiB, 2), bytes(100, 3)];
    const old = await oldUpload(t.w, t.b, 'old.bin', parts);
    const uploads = await (await t.strict.fetch(`/${t.b}?uploads`)).text();
    expect(uploads).toContain(old.uploadId);
    const listed = await (await t.strict.fetch(`/${t.b}/old.bin?uploadId=${old.uploadId}`)).text();
    expect(xmlText(listed, 'Size')).toBe(String(5 * MiB));
    // A part sent after the upgrade is staged too.
    const e4 = await t.put('old.bin', old.uploadId, 4, bytes(50, 4));
    expect(e4).toBeTruthy();
    const res = await t.complete('old.bin', old.uploadId, old.etags);
    expect(res.status, await res.clone().text()).toBe(200);
    await t.check('old.bin', parts);
    expect((await t.strict.fetch(`/${t.b}/old.bin`, { method: 'HEAD' })).headers.get('Content-Type')).toBe('text/old');
    await new Promise((r) => setTimeout(r, 50));
    expect((await env.R2_THAILAND_1.list({ prefix: `~mpu/${old.uploadId}/` })).objects).toEqual([]);

    const gone = await oldUpload(t.w, t.b, 'gone.bin', [bytes(10, 1)]);
    expect((await t.strict.fetch(`/${t.b}/gone.bin?uploadId=${gone.uploadId}`, { method: 'DELETE' })).status).toBe(204);
    expect((await env.R2_THAILAND_1.list({ prefix: `~mpu/${gone.uploadId}/` })).objects).toEqual([]);
  });
});
