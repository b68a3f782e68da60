import { SELF } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { SITES, s3World, xmlText } from './s3-fixtures';

// Keys with characters XML 1.0 cannot carry: refused when written, and never written raw into a response, so that
// every listing and error parses with a strict XML parser. docs/s3.md, "Keys".

/** XML 1.0 §2.2: what no document may hold, raw or as a character reference. */
const NOT_XML =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to find them.
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const NOT_XML_REFERENCE =
  /&#(?:x0*(?:[0-8bBcC]|1[0-9a-fA-F]|[fF]{3}[eEfF])|0*(?:[0-8]|1[1-2]|1[4-9]|2[0-9]|3[0-1]|6553[45]));/;

/** What a strict XML 1.0 parser (expat, libxml2, the SDKs') requires: well-formed, and only XML characters. */
function expectStrictXml(doc: string) {
  expect(XMLValidator.validate(doc), doc).toBe(true);
  expect(NOT_XML.test(doc), JSON.stringify(doc)).toBe(false);
  expect(NOT_XML_REFERENCE.test(doc), doc).toBe(false);
}

/** Every character XML 1.0 refuses, one of each kind (a lone surrogate cannot travel in a URL: see below). */
const BAD = ['\u0000', '\u0001', '\u0008', '\u000B', '\u000C', '\u000E', '\u001F', '\uFFFE', '\uFFFF'];
const path = (bucket: string, key: string) => `/${bucket}/${encodeURIComponent(key)}`;

describe('keys XML cannot carry', () => {
  it('are refused with 400 InvalidArgument by PutObject, CopyObject, CreateMultipartUpload and POST, storing nothing', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    await w.s3.fetch(`/${b}/src`, { method: 'PUT', body: 'x' });
    for (const c of BAD) {
      const key = `bad${c}key`;
      const put = await w.s3.fetch(path(b, key), { method: 'PUT', body: 'x' });
      const xml = await put.text();
      expect([put.status, xmlText(xml, 'Code')], JSON.stringify(c)).toEqual([400, 'InvalidArgument']);
      expect(xmlText(xml, 'Message')).toMatch(/^Object keys cannot contain U\+[0-9A-F]{4}: XML 1\.0 cannot carry it/);
      expectStrictXml(xml);
      const copy = await w.s3.fetch(path(b, key), { method: 'PUT', headers: { 'x-amz-copy-source': `/${b}/src` } });
      expect(copy.status).toBe(400);
      expectStrictXml(await copy.text());
      const mpu = await w.s3.fetch(`${path(b, key)}?uploads`, { method: 'POST' });
      expect(mpu.status).toBe(400);
      expectStrictXml(await mpu.text());
      expect(await env.R2_THAILAND_1.head(`${b}/${key}`)).toBeNull();
    }
    // Tab, line feed and carriage return are XML characters: such keys are fine.
    for (const c of ['\t', '\n', '\r']) {
      expect((await w.s3.fetch(path(b, `ok${c}key`), { method: 'PUT', body: 'x' })).status).toBe(200);
    }
    const uploads = await (await w.s3.fetch(`/${b}?uploads`)).text();
    expect(xmlText(uploads, 'Upload')).toBeNull();

    // A browser form (unsigned, to a public-read-write bucket).
    await w.s3.fetch(`/${b}?acl`, { method: 'PUT', headers: { 'x-amz-acl': 'public-read-write' } });
    const boundary = 'xyzBoundary';
    const form =
      `--${boundary}\r\nContent-Disposition: form-data; name="key"\r\n\r\nform\u0001key\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nhello\r\n--${boundary}--\r\n`;
    const post = await SELF.fetch(`${SITES['thailand-1'].endpoint}/${b}`, {
      method: 'POST',
      body: form,
      headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` },
    });
    const postXml = await post.text();
    expect([post.status, xmlText(postXml, 'Code')]).toEqual([400, 'InvalidArgument']);
    expectStrictXml(postXml);
    expect(await env.R2_THAILAND_1.head(`${b}/form\u0001key`)).toBeNull();
  });

  it('every listing, result and error parses strictly, even for objects stored before the rule', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    // Objects written straight to R2, as before the rule: one per bad character, plus ordinary ones.
    const legacy = BAD.map((c) => `legacy/${c}/k`);
    await Promise.all([...legacy, 'plain', 'a&b<c>'].map((k) => env.R2_THAILAND_1.put(`${b}/${k}`, 'x')));
    const bad = '\u0001\uFFFE';
    const get = async (p: string) => {
      const res = await w.s3.fetch(p);
      const text = await res.text();
      expect(res.status, text).toBeLessThan(500);
      expectStrictXml(text);
      return text;
    };
    const q = encodeURIComponent;
    // Listings, echoing a prefix / delimiter / marker with such characters too.
    const v2 = await get(`/${b}?list-type=2`);
    expect(v2).toContain('<Key>legacy/\uFFFD/k</Key>');
    await get(`/${b}?list-type=2&prefix=${q(bad)}&delimiter=${q(bad)}&start-after=${q(bad)}`);
    await get(`/${b}?list-type=2&delimiter=/&prefix=legacy/`);
    await get(`/${b}?marker=${q(bad)}&prefix=${q(bad)}`);
    await get(`/${b}`);
    await get(`/${b}?versions`);
    await get(`/${b}?versions&key-marker=${q(bad)}&prefix=${q(bad)}`);
    await get(`/${b}?uploads&prefix=${q(bad)}&key-marker=${q(bad)}&delimiter=${q(bad)}`);
    // encoding-type=url shows the stored keys exactly.
    const encoded = await get(`/${b}?list-type=2&encoding-type=url&prefix=legacy/`);
    expect(encoded).toContain('<Key>legacy/%01/k</Key>');
    expect(encoded).toContain('<Key>legacy/%EF%BF%BE/k</Key>');
    // ListParts and errors that name such a key.
    await get(`${path(b, `x${bad}`)}?uploadId=nope`);
    const missing = await get(path(b, `missing${bad}`));
    expect(xmlText(missing, 'Code')).toBe('NoSuchKey');
    await get(`${path(b, `x${bad}`)}?attributes`);
    // DeleteObjects names each key in its result: a U+FFFE in the request's XML comes back as U+FFFD.
    const body = `<Delete><Object><Key>legacy/\uFFFE/k</Key></Object><Object><Key>gone\uFFFF</Key></Object></Delete>`;
    const md5 = btoa(
      String.fromCharCode(...new Uint8Array(await crypto.subtle.digest('MD5', new TextEncoder().encode(body)))),
    );
    const del = await w.s3.fetch(`/${b}?delete`, { method: 'POST', body, headers: { 'Content-MD5': md5 } });
    const delXml = await del.text();
    expect(del.status, delXml).toBe(200);
    expectStrictXml(delXml);
    expect(await env.R2_THAILAND_1.head(`${b}/legacy/\uFFFE/k`)).toBeNull();
  });
});
