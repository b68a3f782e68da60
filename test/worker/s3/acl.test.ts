import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { findBucket } from '../../../src/db/buckets';
import type { S3Call } from '../../../src/s3/call';
import { handlers } from '../../../src/s3/ops';
import { services } from '../../../src/service/context';
import { SITES, s3World, xmlAll, xmlText, type S3World } from './s3-fixtures';

// Canned ACLs, anonymous access and Block Public Access (src/service/acl.ts, src/s3/authorize.ts).

const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
const AUTHENTICATED = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers';

/** An unsigned request, as a browser or curl sends it. */
const anonymous = (path: string, init: RequestInit = {}) => SELF.fetch(`${SITES['thailand-1'].endpoint}${path}`, init);
const code = async (res: Response) => [res.status, xmlText(await res.text(), 'Code')];

/** A new bucket with one object `k`; with `acl`, the bucket is created with that canned ACL (CreateBucket x-amz-acl). */
async function bucketWithObject(w: S3World, acl?: string) {
  let b = await w.newBucket();
  if (acl) {
    b = `${b}-${acl}`;
    expect((await w.s3.fetch(`/${b}`, { method: 'PUT', headers: { 'x-amz-acl': acl } })).status).toBe(200);
  }
  expect((await w.s3.fetch(`/${b}/k`, { method: 'PUT', body: 'hello' })).status).toBe(200);
  return b;
}

describe('GetBucketAcl, GetObjectAcl, GetBucketVersioning', () => {
  it('show the owner with FULL_CONTROL, and nothing else for a private bucket', async () => {
    const w = await s3World();
    const b = await bucketWithObject(w);
    for (const path of [`/${b}?acl`, `/${b}/k?acl`]) {
      const res = await w.s3.fetch(path);
      const xml = await res.text();
      expect(res.status, xml).toBe(200);
      expect(xml).toContain('<AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner>');
      expect(xml).toContain('<Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser">');
      expect(xmlAll(xml, 'ID')).toEqual([w.project, w.project]);
      expect(xmlAll(xml, 'Permission')).toEqual(['FULL_CONTROL']);
    }
    expect(await code(await w.s3.fetch(`/${b}/nope?acl`))).toEqual([404, 'NoSuchKey']);
    const versioning = await w.s3.fetch(`/${b}?versioning`);
    expect([versioning.status, await versioning.text()]).toEqual([
      200,
      '<?xml version="1.0" encoding="UTF-8"?>\n<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></VersioningConfiguration>',
    ]);
  });

  it.each([
    ['public-read', [[ALL_USERS, 'READ']]],
    [
      'public-read-write',
      [
        [ALL_USERS, 'READ'],
        [ALL_USERS, 'WRITE'],
      ],
    ],
    ['authenticated-read', [[AUTHENTICATED, 'READ']]],
    ['bucket-owner-full-control', []],
    ['private', []],
  ])('PutBucketAcl %s shows its group grants', async (acl, grants) => {
    const w = await s3World();
    const b = await w.newBucket();
    expect((await w.s3.fetch(`/${b}?acl`, { method: 'PUT', headers: { 'x-amz-acl': acl } })).status).toBe(200);
    const xml = await (await w.s3.fetch(`/${b}?acl`)).text();
    expect(xmlAll(xml, 'URI').map((uri, i) => [uri, xmlAll(xml, 'Permission')[i + 1]])).toEqual(grants);
    expect(xml).toContain(grants.length ? 'xsi:type="Group"' : 'CanonicalUser');
  });

  it('takes an AccessControlPolicy body that says a canned ACL, and refuses grants it cannot keep', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const body = (group: string, permission = 'READ', id = w.project) =>
      `<AccessControlPolicy><Owner><ID>${id}</ID></Owner><AccessControlList>` +
      `<Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><ID>${id}</ID></Grantee><Permission>FULL_CONTROL</Permission></Grant>` +
      (group
        ? `<Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Group"><URI>${group}</URI></Grantee><Permission>${permission}</Permission></Grant>`
        : '') +
      '</AccessControlList></AccessControlPolicy>';
    expect((await w.s3.fetch(`/${b}?acl`, { method: 'PUT', body: body(ALL_USERS) })).status).toBe(200);
    expect((await anonymous(`/${b}`)).status).toBe(200);
    expect((await w.s3.fetch(`/${b}?acl`, { method: 'PUT', body: body('') })).status).toBe(200);
    expect((await anonymous(`/${b}`)).status).toBe(403);

    expect(await code(await w.s3.fetch(`/${b}?acl`, { method: 'PUT', body: body(ALL_USERS, 'WRITE') }))).toEqual([
      501,
      'NotImplemented',
    ]);
    expect(
      await code(await w.s3.fetch(`/${b}?acl`, { method: 'PUT', body: body('', 'READ', 'someone-else') })),
    ).toEqual([501, 'NotImplemented']);
    expect(await code(await w.s3.fetch(`/${b}?acl`, { method: 'PUT', body: '<AccessControlPolicy><oops' }))).toEqual([
      400,
      'MalformedACLError',
    ]);
    expect(await code(await w.s3.fetch(`/${b}?acl`, { method: 'PUT' }))).toEqual([400, 'MissingSecurityHeader']);
    expect(
      await code(await w.s3.fetch(`/${b}?acl`, { method: 'PUT', headers: { 'x-amz-acl': 'public-everything' } })),
    ).toEqual([400, 'InvalidArgument']);
    expect(
      await code(
        await w.s3.fetch(`/${b}?acl`, { method: 'PUT', headers: { 'x-amz-grant-read': `id="${w.project}"` } }),
      ),
    ).toEqual([501, 'NotImplemented']);
    // Nothing of that changed the ACL.
    expect((await anonymous(`/${b}`)).status).toBe(403);
  });

  it('are the owner project’s alone to read and set', async () => {
    const w = await s3World();
    const other = await s3World();
    const b = await w.newBucket();
    for (const [path, method] of [
      [`/${b}?acl`, 'GET'],
      [`/${b}?acl`, 'PUT'],
      [`/${b}?versioning`, 'GET'],
      [`/${b}?publicAccessBlock`, 'GET'],
    ]) {
      const res = await other.s3.fetch(path, { method, headers: { 'x-amz-acl': 'public-read' } });
      expect(await code(res)).toEqual([403, 'AccessDenied']);
    }
  });
});

describe('anonymous and cross-project access follows the ACLs', () => {
  it('a private bucket: nothing for anyone but its project; an unknown bucket is NoSuchBucket', async () => {
    const w = await s3World();
    const other = await s3World();
    const b = await bucketWithObject(w);
    for (const res of [
      await anonymous(`/${b}/k`),
      await anonymous(`/${b}/k`, { method: 'HEAD' }),
      await anonymous(`/${b}`),
      await anonymous(`/${b}/new`, { method: 'PUT', body: 'x' }),
      await other.s3.fetch(`/${b}/k`),
    ]) {
      expect(res.status).toBe(403);
    }
    expect(await code(await anonymous(`/${b}-nope/k`))).toEqual([404, 'NoSuchBucket']);
    expect(await code(await anonymous('/'))).toEqual([403, 'AccessDenied']);
    expect(await code(await anonymous(`/${b}-new`, { method: 'PUT' }))).toEqual([403, 'AccessDenied']);
  });

  it('public-read: anyone reads and lists, nobody else writes', async () => {
    const w = await s3World();
    const b = await bucketWithObject(w, 'public-read');
    const get = await anonymous(`/${b}/k`);
    expect([get.status, await get.text()]).toEqual([200, 'hello']);
    expect((await anonymous(`/${b}/k`, { method: 'HEAD' })).status).toBe(200);
    const list = await anonymous(`/${b}?list-type=2`);
    expect(xmlAll(await list.text(), 'Key')).toEqual(['k']);
    expect((await anonymous(`/${b}`, { method: 'HEAD' })).status).toBe(200);
    expect((await anonymous(`/${b}/x`, { method: 'PUT', body: 'x' })).status).toBe(403);
    expect((await anonymous(`/${b}/k`, { method: 'DELETE' })).status).toBe(403);
    expect(await env.R2_THAILAND_1.head(`${b}/x`)).toBeNull();
    // Reading and listing only: the owner's settings stay the owner's.
    expect((await anonymous(`/${b}?acl`)).status).toBe(403);
  });

  it('public-read-write: anyone also writes and deletes, unsigned or with an unsigned trailer', async () => {
    const w = await s3World();
    const b = await bucketWithObject(w, 'public-read-write');
    expect((await anonymous(`/${b}/anon.txt`, { method: 'PUT', body: 'from anyone' })).status).toBe(200);
    expect(await (await w.s3.fetch(`/${b}/anon.txt`)).text()).toBe('from anyone');
    expect((await anonymous(`/${b}/anon.txt`, { method: 'DELETE' })).status).toBe(204);
    expect(await env.R2_THAILAND_1.head(`${b}/anon.txt`)).toBeNull();
    // A body whose SHA-256 is declared is checked, signed or not.
    const wrong = await anonymous(`/${b}/h`, {
      method: 'PUT',
      body: 'abc',
      headers: { 'x-amz-content-sha256': '0'.repeat(64) },
    });
    expect(await code(wrong)).toEqual([400, 'XAmzContentSHA256Mismatch']);
    // A signed payload kind cannot be verified without a signature.
    const signedKind = await anonymous(`/${b}/s`, {
      method: 'PUT',
      body: 'abc',
      headers: { 'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD' },
    });
    expect(signedKind.status).toBe(403);
    // Still the owner's alone: settings, copies.
    expect((await anonymous(`/${b}?acl`, { method: 'PUT', headers: { 'x-amz-acl': 'private' } })).status).toBe(403);
  });

  it('authenticated-read: any valid key of any project reads and lists; unsigned requests do not', async () => {
    const w = await s3World();
    const other = await s3World();
    const b = await bucketWithObject(w, 'authenticated-read');
    expect(await (await other.s3.fetch(`/${b}/k`)).text()).toBe('hello');
    expect(xmlAll(await (await other.s3.fetch(`/${b}?list-type=2`)).text(), 'Key')).toEqual(['k']);
    expect((await other.s3.fetch(`/${b}/x`, { method: 'PUT', body: 'x' })).status).toBe(403);
    expect((await anonymous(`/${b}/k`)).status).toBe(403);
  });

  it('an object’s own ACL: that object only, that version only', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    await w.s3.fetch(`/${b}/open`, { method: 'PUT', body: 'public', headers: { 'x-amz-acl': 'public-read' } });
    await w.s3.fetch(`/${b}/closed`, { method: 'PUT', body: 'private' });
    expect(await (await anonymous(`/${b}/open`)).text()).toBe('public');
    expect((await anonymous(`/${b}/open`, { method: 'HEAD' })).status).toBe(200);
    expect((await anonymous(`/${b}/closed`)).status).toBe(403);
    expect((await anonymous(`/${b}`)).status).toBe(403);
    const acl = await (await w.s3.fetch(`/${b}/open?acl`)).text();
    expect(xmlAll(acl, 'URI')).toEqual([ALL_USERS]);
    // A new version starts private, as a new S3 object does.
    await w.s3.fetch(`/${b}/open`, { method: 'PUT', body: 'replaced' });
    expect((await anonymous(`/${b}/open`)).status).toBe(403);
    // PutObjectAcl sets it for the version there is.
    expect(
      (await w.s3.fetch(`/${b}/open?acl`, { method: 'PUT', headers: { 'x-amz-acl': 'public-read' } })).status,
    ).toBe(200);
    expect(await (await anonymous(`/${b}/open`)).text()).toBe('replaced');
    expect(
      await code(await w.s3.fetch(`/${b}/missing?acl`, { method: 'PUT', headers: { 'x-amz-acl': 'private' } })),
    ).toEqual([404, 'NoSuchKey']);
  });

  it('x-amz-acl on CopyObject and CreateMultipartUpload applies to the new object', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    await w.s3.fetch(`/${b}/src`, { method: 'PUT', body: 'copied' });
    const copy = await w.s3.fetch(`/${b}/dst`, {
      method: 'PUT',
      headers: { 'x-amz-copy-source': `/${b}/src`, 'x-amz-acl': 'public-read' },
    });
    expect(copy.status).toBe(200);
    expect(await (await anonymous(`/${b}/dst`)).text()).toBe('copied');
    expect((await anonymous(`/${b}/src`)).status).toBe(403);

    const created = await (
      await w.s3.fetch(`/${b}/mpu?uploads`, { method: 'POST', headers: { 'x-amz-acl': 'public-read' } })
    ).text();
    const uploadId = xmlText(created, 'UploadId');
    const part = await w.s3.fetch(`/${b}/mpu?partNumber=1&uploadId=${uploadId}`, { method: 'PUT', body: 'parts' });
    const etag = part.headers.get('ETag');
    const done = await w.s3.fetch(`/${b}/mpu?uploadId=${uploadId}`, {
      method: 'POST',
      body: `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${etag}</ETag></Part></CompleteMultipartUpload>`,
    });
    expect(done.status).toBe(200);
    expect(await (await anonymous(`/${b}/mpu`)).text()).toBe('parts');
  });
});

describe('Block Public Access', () => {
  it('round-trips the four flags; none set is NoSuchPublicAccessBlockConfiguration', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    expect(await code(await w.s3.fetch(`/${b}?publicAccessBlock`))).toEqual([
      404,
      'NoSuchPublicAccessBlockConfiguration',
    ]);
    const put = await w.s3.fetch(`/${b}?publicAccessBlock`, {
      method: 'PUT',
      body: '<PublicAccessBlockConfiguration><BlockPublicAcls>true</BlockPublicAcls><RestrictPublicBuckets>true</RestrictPublicBuckets></PublicAccessBlockConfiguration>',
    });
    expect(put.status).toBe(200);
    const xml = await (await w.s3.fetch(`/${b}?publicAccessBlock`)).text();
    expect([
      xmlText(xml, 'BlockPublicAcls'),
      xmlText(xml, 'IgnorePublicAcls'),
      xmlText(xml, 'BlockPublicPolicy'),
      xmlText(xml, 'RestrictPublicBuckets'),
    ]).toEqual(['true', 'false', 'false', 'true']);
    const bad = await w.s3.fetch(`/${b}?publicAccessBlock`, {
      method: 'PUT',
      body: '<PublicAccessBlockConfiguration><BlockPublicAcls>yes</BlockPublicAcls></PublicAccessBlockConfiguration>',
    });
    expect(await code(bad)).toEqual([400, 'MalformedXML']);
    expect((await w.s3.fetch(`/${b}?publicAccessBlock`, { method: 'DELETE' })).status).toBe(204);
    expect((await w.s3.fetch(`/${b}?publicAccessBlock`)).status).toBe(404);
  });

  it('BlockPublicAcls refuses public ACLs and writes nothing; private ones still go', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    await w.s3.fetch(`/${b}?publicAccessBlock`, {
      method: 'PUT',
      body: '<PublicAccessBlockConfiguration><BlockPublicAcls>true</BlockPublicAcls></PublicAccessBlockConfiguration>',
    });
    for (const acl of ['public-read', 'public-read-write', 'authenticated-read']) {
      expect(await code(await w.s3.fetch(`/${b}?acl`, { method: 'PUT', headers: { 'x-amz-acl': acl } }))).toEqual([
        403,
        'AccessDenied',
      ]);
    }
    const put = await w.s3.fetch(`/${b}/k`, { method: 'PUT', body: 'x', headers: { 'x-amz-acl': 'public-read' } });
    expect(await code(put)).toEqual([403, 'AccessDenied']);
    expect(await env.R2_THAILAND_1.head(`${b}/k`)).toBeNull();
    expect(
      (await w.s3.fetch(`/${b}/k`, { method: 'PUT', body: 'x', headers: { 'x-amz-acl': 'private' } })).status,
    ).toBe(200);
  });

  it('IgnorePublicAcls makes public ACLs grant nothing, until it is lifted', async () => {
    const w = await s3World();
    const b = await bucketWithObject(w, 'public-read');
    await w.s3.fetch(`/${b}/own`, { method: 'PUT', body: 'o', headers: { 'x-amz-acl': 'public-read' } });
    expect((await anonymous(`/${b}/k`)).status).toBe(200);
    await w.s3.fetch(`/${b}?publicAccessBlock`, {
      method: 'PUT',
      body: '<PublicAccessBlockConfiguration><IgnorePublicAcls>true</IgnorePublicAcls></PublicAccessBlockConfiguration>',
    });
    expect((await anonymous(`/${b}/k`)).status).toBe(403);
    expect((await anonymous(`/${b}/own`)).status).toBe(403);
    expect((await anonymous(`/${b}`)).status).toBe(403);
    await w.s3.fetch(`/${b}?publicAccessBlock`, { method: 'DELETE' });
    expect((await anonymous(`/${b}/k`)).status).toBe(200);
  });

  it("the project's switch blocks and ignores public ACLs in all its buckets", async () => {
    const w = await s3World();
    const b = await bucketWithObject(w, 'public-read');
    expect((await anonymous(`/${b}/k`)).status).toBe(200);
    expect((await w.admin.put(`/projects/${w.project}/public-access`, { blockPublicAccess: true })).status).toBe(200);
    // Other isolates see it within the bucket cache's few seconds; this one at once.
    expect((await anonymous(`/${b}/k`)).status).toBe(403);
    expect(
      await code(await w.s3.fetch(`/${b}?acl`, { method: 'PUT', headers: { 'x-amz-acl': 'public-read' } })),
    ).toEqual([403, 'AccessDenied']);
    const created = await w.s3.fetch(`/${b}-2`, { method: 'PUT', headers: { 'x-amz-acl': 'public-read' } });
    expect(await code(created)).toEqual([403, 'AccessDenied']);
    expect((await w.s3.fetch(`/${b}-2`, { method: 'HEAD' })).status).toBe(404);
    expect((await w.admin.put(`/projects/${w.project}/public-access`, { blockPublicAccess: false })).status).toBe(200);
    expect((await anonymous(`/${b}/k`)).status).toBe(200);
  });
});

describe('an object readable only through its own ACL', () => {
  it('is read only in the version that ACL is for (one written since is refused)', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    await w.s3.fetch(`/${b}/k`, { method: 'PUT', body: 'v1', headers: { 'x-amz-acl': 'public-read' } });
    const version = (await env.R2_THAILAND_1.head(`${b}/k`))!.version;
    const s = services(env);
    const bucket = (await findBucket(env.DB, 'thailand-1', b))!;
    // The handler as the pipeline calls it for an unsigned GET that authorize() granted through the object's ACL.
    const call = (readableVersion: string, name: 'GetObject' | 'HeadObject') =>
      ({
        request: new Request(`${SITES['thailand-1'].endpoint}/${b}/k`, {
          method: name === 'GetObject' ? 'GET' : 'HEAD',
        }),
        op: { name, bucket: b, key: 'k' },
        query: new URLSearchParams(),
        site: s.sites.get('thailand-1')!,
        s,
        key: null,
        bucket,
        auth: { kind: 'anonymous', payload: 'unsigned', payloadHash: '', region: 'us-east-1' },
        requestId: 'TEST',
        waitUntil: () => {},
        readableVersion,
      }) as unknown as S3Call<never>;
    expect(await (await handlers.GetObject(call(version, 'GetObject'))).text()).toBe('v1');
    for (const name of ['GetObject', 'HeadObject'] as const) {
      await expect(handlers[name](call('a-version-written-since', name))).rejects.toMatchObject({
        code: 'AccessDenied',
      });
    }
  });
});
