import { env } from 'cloudflare:workers';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { s3World, xmlAll, xmlText, type S3TestClient } from './s3-fixtures';

// ListObjectVersions and versionId=null, as AWS answers them for a bucket that was never versioned:
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectVersions.html

const parser = new XMLParser({
  parseTagValue: false,
  trimValues: false,
  isArray: (name) => name === 'Version' || name === 'CommonPrefixes',
});

/** RFC 3986 encoding of query values (what SigV4 canonicalizes to). */
const q = (params: Record<string, string>) =>
  Object.entries(params)
    .map(
      ([k, v]) =>
        `${k}=${encodeURIComponent(v).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`,
    )
    .join('&');

async function versions(s3: S3TestClient, bucket: string, params: Record<string, string> = {}) {
  const res = await s3.fetch(`/${bucket}?versions${Object.keys(params).length ? `&${q(params)}` : ''}`);
  const raw = await res.text();
  expect(res.status, raw).toBe(200);
  expect(raw).toMatch(
    /^<\?xml version="1.0" encoding="UTF-8"\?>\n<ListVersionsResult xmlns="http:\/\/s3.amazonaws.com\/doc\/2006-03-01\/">/,
  );
  const r = parser.parse(raw).ListVersionsResult;
  const list: any[] = r.Version ?? [];
  return {
    raw,
    r,
    keys: list.map((v) => v.Key as string),
    versions: list,
    prefixes: ((r.CommonPrefixes ?? []) as any[]).map((p) => p.Prefix as string),
  };
}

async function bucketWith(keys: string[]) {
  const w = await s3World();
  const bucket = await w.newBucket('ver');
  await Promise.all(keys.map((key) => env.R2_THAILAND_1.put(`${bucket}/${key}`, `body of ${key}`)));
  return { w, bucket };
}

describe('ListObjectVersions', () => {
  it('lists every object once, as its only version: VersionId null, IsLatest true, no delete markers', async () => {
    const { w, bucket } = await bucketWith(['b', 'a', 'c/d']);
    const l = await versions(w.s3, bucket);
    expect(l.keys).toEqual(['a', 'b', 'c/d']);
    expect(l.raw).not.toContain('DeleteMarker');
    const a = l.versions[0];
    expect(a).toMatchObject({
      Key: 'a',
      VersionId: 'null',
      IsLatest: 'true',
      ETag: `"${(await env.R2_THAILAND_1.head(`${bucket}/a`))!.etag}"`,
      Size: String('body of a'.length),
      StorageClass: 'STANDARD',
      Owner: { ID: w.project, DisplayName: w.project },
    });
    expect(new Date(a.LastModified).toISOString()).toBe(a.LastModified);
    expect(l.r).toMatchObject({
      Name: bucket,
      Prefix: '',
      KeyMarker: '',
      VersionIdMarker: '',
      MaxKeys: '1000',
      IsTruncated: 'false',
    });
    expect(l.r.NextKeyMarker).toBeUndefined();
    // The element order of AWS's document.
    const order = [...l.raw.matchAll(/<(Name|Prefix|KeyMarker|VersionIdMarker|MaxKeys|IsTruncated|Version)>/g)]
      .map((m) => m[1])
      .filter((n, i, all) => all.indexOf(n) === i);
    expect(order).toEqual(['Name', 'Prefix', 'KeyMarker', 'VersionIdMarker', 'MaxKeys', 'IsTruncated', 'Version']);
  });

  it('pages with key-marker / version-id-marker, NextKeyMarker / NextVersionIdMarker, through every key once', async () => {
    const keys = Array.from({ length: 7 }, (_, i) => `k${i}`);
    const { w, bucket } = await bucketWith(keys);
    const seen: string[] = [];
    let params: Record<string, string> = { 'max-keys': '3' };
    for (let page = 0; page < 5; page++) {
      const l = await versions(w.s3, bucket, params);
      seen.push(...l.keys);
      if (l.r.IsTruncated === 'false') {
        expect(l.r.NextKeyMarker).toBeUndefined();
        break;
      }
      expect(l.r.NextKeyMarker).toBe(l.keys[l.keys.length - 1]);
      expect(l.r.NextVersionIdMarker).toBe('null');
      params = { 'max-keys': '3', 'key-marker': l.r.NextKeyMarker, 'version-id-marker': l.r.NextVersionIdMarker };
    }
    expect(seen).toEqual(keys);
    // key-marker alone resumes after that key too.
    expect((await versions(w.s3, bucket, { 'key-marker': 'k4' })).keys).toEqual(['k5', 'k6']);
    const echoed = await versions(w.s3, bucket, { 'key-marker': 'k4', 'version-id-marker': 'null' });
    expect([echoed.r.KeyMarker, echoed.r.VersionIdMarker]).toEqual(['k4', 'null']);
    // max-keys=0: an empty page, not truncated.
    const none = await versions(w.s3, bucket, { 'max-keys': '0' });
    expect([none.keys, none.r.IsTruncated]).toEqual([[], 'false']);
  });

  it('prefix, delimiter and CommonPrefixes as ListObjects; a page may end on a common prefix', async () => {
    const { w, bucket } = await bucketWith(['a/1', 'a/2', 'b', 'c/1', 'c/2', 'd']);
    const l = await versions(w.s3, bucket, { delimiter: '/' });
    expect([l.keys, l.prefixes, l.r.Delimiter]).toEqual([['b', 'd'], ['a/', 'c/'], '/']);
    const p1 = await versions(w.s3, bucket, { delimiter: '/', 'max-keys': '1' });
    expect([p1.prefixes, p1.r.NextKeyMarker, p1.r.NextVersionIdMarker]).toEqual([['a/'], 'a/', undefined]);
    const p2 = await versions(w.s3, bucket, { delimiter: '/', 'max-keys': '2', 'key-marker': 'a/' });
    expect([p2.keys, p2.prefixes]).toEqual([['b'], ['c/']]);
    const prefixed = await versions(w.s3, bucket, { prefix: 'c/' });
    expect([prefixed.keys, prefixed.r.Prefix]).toEqual([['c/1', 'c/2'], 'c/']);
  });

  it('encoding-type=url encodes Key, Prefix, KeyMarker, Delimiter and CommonPrefixes', async () => {
    const { w, bucket } = await bucketWith(['a b/ä+1', 'a b/x', 'z']);
    const l = await versions(w.s3, bucket, { 'encoding-type': 'url', delimiter: ' ', 'key-marker': 'a', prefix: 'a' });
    expect(l.r.EncodingType).toBe('url');
    expect([l.prefixes, l.r.Delimiter, l.r.KeyMarker, l.r.Prefix]).toEqual([['a%20'], '%20', 'a', 'a']);
    const flat = await versions(w.s3, bucket, { 'encoding-type': 'url' });
    expect(flat.keys).toEqual(['a%20b/x', 'a%20b/%C3%A4%2B1', 'z']);
  });

  it('refuses bad parameters as AWS does', async () => {
    const { w, bucket } = await bucketWith(['a']);
    const refused = async (params: string) => {
      const res = await w.s3.fetch(`/${bucket}?versions&${params}`);
      const xml = await res.text();
      return [res.status, xmlText(xml, 'Code'), xmlText(xml, 'ArgumentName')];
    };
    expect(await refused('version-id-marker=null')).toEqual([400, 'InvalidArgument', 'version-id-marker']);
    expect(await refused('key-marker=a&version-id-marker=abc')).toEqual([400, 'InvalidArgument', 'version-id-marker']);
    expect(await refused('max-keys=x')).toEqual([400, 'InvalidArgument', 'max-keys']);
    expect(await refused('max-keys=-1')).toEqual([400, 'InvalidArgument', 'maxKeys']);
    expect(await refused('encoding-type=base64')).toEqual([400, 'InvalidArgument', 'encoding-type']);
    // On an object, ?versions is no operation ROS offers.
    expect((await w.s3.fetch(`/${bucket}/a?versions`)).status).toBe(501);
  });

  it('is granted by READ on the bucket, as listing is', async () => {
    const { w, bucket } = await bucketWith(['a']);
    const other = await s3World();
    expect((await other.s3.fetch(`/${bucket}?versions`)).status).toBe(403);
    await w.s3.fetch(`/${bucket}?acl`, { method: 'PUT', headers: { 'x-amz-acl': 'authenticated-read' } });
    expect((await versions(other.s3, bucket)).keys).toEqual(['a']);
  });
});

describe('versionId on object requests', () => {
  it('versionId=null addresses the object on GET, HEAD, DELETE, copy sources and ACLs; any other id is refused', async () => {
    const { w, bucket } = await bucketWith(['k', 'gone']);
    const code = async (res: Response) => [res.status, xmlText(await res.text(), 'Code')];
    expect(await (await w.s3.fetch(`/${bucket}/k?versionId=null`)).text()).toBe('body of k');
    expect((await w.s3.fetch(`/${bucket}/k?versionId=null`, { method: 'HEAD' })).status).toBe(200);
    expect((await w.s3.fetch(`/${bucket}/k?versionId=null&acl`)).status).toBe(200);
    const copy = await w.s3.fetch(`/${bucket}/copy`, {
      method: 'PUT',
      headers: { 'x-amz-copy-source': `/${bucket}/k?versionId=null` },
    });
    expect(copy.status).toBe(200);

    const bogus = await w.s3.fetch(`/${bucket}/k?versionId=3HL4kqtJlcpXroDTDmJ%2Brmq`);
    const bogusXml = await bogus.text();
    expect([
      bogus.status,
      xmlText(bogusXml, 'Code'),
      xmlText(bogusXml, 'Message'),
      xmlText(bogusXml, 'ArgumentName'),
    ]).toEqual([400, 'InvalidArgument', 'Invalid version id specified', 'versionId']);
    expect((await w.s3.fetch(`/${bucket}/k?versionId=abc`, { method: 'HEAD' })).status).toBe(400);
    expect(await code(await w.s3.fetch(`/${bucket}/k?versionId=abc`, { method: 'DELETE' }))).toEqual([
      400,
      'InvalidArgument',
    ]);
    expect(await code(await w.s3.fetch(`/${bucket}/k?versionId=abc&acl`))).toEqual([400, 'InvalidArgument']);
    expect(
      await code(
        await w.s3.fetch(`/${bucket}/copy2`, {
          method: 'PUT',
          headers: { 'x-amz-copy-source': `/${bucket}/k?versionId=abc` },
        }),
      ),
    ).toEqual([400, 'InvalidArgument']);
    expect(await env.R2_THAILAND_1.head(`${bucket}/k`)).not.toBeNull();
    expect(await env.R2_THAILAND_1.head(`${bucket}/copy2`)).toBeNull();

    expect((await w.s3.fetch(`/${bucket}/gone?versionId=null`, { method: 'DELETE' })).status).toBe(204);
    expect(await env.R2_THAILAND_1.head(`${bucket}/gone`)).toBeNull();
  });

  it('DeleteObjects takes VersionId null (what version-walking tools send) and echoes it; another id is a per-key error', async () => {
    const { w, bucket } = await bucketWith(['a', 'b', 'c']);
    const body =
      '<Delete><Object><Key>a</Key><VersionId>null</VersionId></Object><Object><Key>b</Key></Object>' +
      '<Object><Key>c</Key><VersionId>xyz</VersionId></Object></Delete>';
    const md5 = btoa(
      String.fromCharCode(...new Uint8Array(await crypto.subtle.digest('MD5', new TextEncoder().encode(body)))),
    );
    const res = await w.s3.fetch(`/${bucket}?delete`, { method: 'POST', body, headers: { 'Content-MD5': md5 } });
    const xml = await res.text();
    expect(res.status, xml).toBe(200);
    expect(xmlAll(xml, 'Deleted')).toEqual(['<Key>a</Key><VersionId>null</VersionId>', '<Key>b</Key>']);
    expect(xmlAll(xml, 'Error')).toEqual([
      '<Key>c</Key><VersionId>xyz</VersionId><Code>InvalidArgument</Code><Message>Invalid version id specified</Message>',
    ]);
    expect(await env.R2_THAILAND_1.head(`${bucket}/a`)).toBeNull();
    expect(await env.R2_THAILAND_1.head(`${bucket}/c`)).not.toBeNull();
  });
});

describe('GetBucketVersioning', () => {
  it('answers the empty configuration of a never-versioned bucket, exactly as AWS', async () => {
    const { w, bucket } = await bucketWith([]);
    const res = await w.s3.fetch(`/${bucket}?versioning`);
    expect([res.status, res.headers.get('Content-Type'), await res.text()]).toEqual([
      200,
      'application/xml',
      '<?xml version="1.0" encoding="UTF-8"?>\n<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></VersioningConfiguration>',
    ]);
  });
});
