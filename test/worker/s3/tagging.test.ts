import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { findBucket } from '../../../src/db/buckets';
import { SITES, s3World, xmlAll, xmlText, type S3World } from './s3-fixtures';

// Object and bucket tagging (src/s3/ops/tagging.ts, src/service/tagging.ts): the ?tagging operations,
// x-amz-tagging on writes, x-amz-tagging-count, AWS's limits, and tags tied to the object's version.

const NS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';
type Pairs = [string, string][];

const esc = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const tagging = (tags: Pairs) =>
  `<Tagging ${NS}><TagSet>${tags.map(([k, v]) => `<Tag><Key>${esc(k)}</Key><Value>${esc(v)}</Value></Tag>`).join('')}</TagSet></Tagging>`;
/** The exact document GetObjectTagging / GetBucketTagging answer for these tags. */
const answer = (tags: Pairs) => `<?xml version="1.0" encoding="UTF-8"?>\n${tagging(tags)}`;
const many = (n: number): Pairs => Array.from({ length: n }, (_, i) => [`key-${i}`, `v${i}`]);

async function errorOf(res: Response) {
  const xml = await res.text();
  return { status: res.status, code: xmlText(xml, 'Code'), message: xmlText(xml, 'Message'), xml };
}

/** The object's tags as GetObjectTagging lists them. */
async function tagsOf(w: S3World, path: string): Promise<Pairs> {
  const res = await w.s3.fetch(`${path}?tagging`);
  const xml = await res.text();
  expect(res.status, xml).toBe(200);
  const keys = xmlAll(xml, 'Key');
  const values = xmlAll(xml, 'Value');
  return keys.map((k, i) => [k, values[i]]);
}

const put = (w: S3World, path: string, body: string, headers: Record<string, string> = {}) =>
  w.s3.fetch(path, { method: 'PUT', body, headers });
const putTags = (w: S3World, path: string, body: string) => w.s3.fetch(`${path}?tagging`, { method: 'PUT', body });
const countOf = async (w: S3World, path: string, method = 'HEAD') =>
  (await w.s3.fetch(path, { method })).headers.get('x-amz-tagging-count');

describe('PutObjectTagging, GetObjectTagging, DeleteObjectTagging', () => {
  it('set, show and remove an object tag set, exactly as S3 writes it, with x-amz-tagging-count on GET/HEAD', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    expect((await put(w, `/${b}/k`, 'hello')).status).toBe(200);
    const empty = await w.s3.fetch(`/${b}/k?tagging`);
    expect([empty.status, empty.headers.get('Content-Type'), await empty.text()]).toEqual([
      200,
      'application/xml',
      answer([]),
    ]);
    expect(await countOf(w, `/${b}/k`)).toBeNull();

    const tags: Pairs = [
      ['project', 'Ridge Co'],
      ['a b', ''],
      ['ü', '文 = 1/2 + @x:y_z.-'],
    ];
    const set = await putTags(w, `/${b}/k`, tagging(tags));
    expect([set.status, await set.text()]).toEqual([200, '']);
    expect(await (await w.s3.fetch(`/${b}/k?tagging`)).text()).toBe(answer(tags));
    expect(await countOf(w, `/${b}/k`, 'HEAD')).toBe('3');
    const get = await w.s3.fetch(`/${b}/k`);
    expect([get.headers.get('x-amz-tagging-count'), await get.text()]).toEqual(['3', 'hello']);
    expect(await countOf(w, `/${b}/k`, 'GET')).toBe('3');
    // A range read and a conditional one carry it too.
    const ranged = await w.s3.fetch(`/${b}/k`, { headers: { Range: 'bytes=0-1' } });
    expect([ranged.status, ranged.headers.get('x-amz-tagging-count')]).toEqual([206, '3']);

    // Replaced whole, not merged.
    expect((await putTags(w, `/${b}/k`, tagging([['only', 'one']]))).status).toBe(200);
    expect(await tagsOf(w, `/${b}/k`)).toEqual([['only', 'one']]);

    const removed = await w.s3.fetch(`/${b}/k?tagging`, { method: 'DELETE' });
    expect([removed.status, await removed.text()]).toEqual([204, '']);
    expect(await tagsOf(w, `/${b}/k`)).toEqual([]);
    expect(await countOf(w, `/${b}/k`)).toBeNull();
    // An empty tag set removes them as well.
    await putTags(w, `/${b}/k`, tagging([['x', 'y']]));
    expect((await putTags(w, `/${b}/k`, `<Tagging><TagSet/></Tagging>`)).status).toBe(200);
    expect(await tagsOf(w, `/${b}/k`)).toEqual([]);
  });

  it('answer NoSuchKey for an object that does not exist, and NoSuchBucket for a bucket that does not', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const res = await w.s3.fetch(`/${b}/missing?tagging`, {
        method,
        ...(method === 'PUT' && { body: tagging([['a', '1']]) }),
      });
      const err = await errorOf(res);
      expect([err.status, err.code, xmlText(err.xml, 'Key')], method).toEqual([404, 'NoSuchKey', 'missing']);
    }
    expect((await errorOf(await w.s3.fetch(`/${b}-gone/k?tagging`))).code).toBe('NoSuchBucket');
    // A key this bucket cannot hold (within S3's 1024 bytes) is a missing object, never an R2 error.
    expect((await errorOf(await w.s3.fetch(`/${b}/${'k'.repeat(1020)}?tagging`))).code).toBe('NoSuchKey');
  });

  it('take versionId=null as the object, and refuse any other version id as GET does (nothing changes)', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    await put(w, `/${b}/v`, 'x');
    const set = await w.s3.fetch(`/${b}/v?versionId=null&tagging`, { method: 'PUT', body: tagging([['a', '1']]) });
    expect(set.status).toBe(200);
    const shown = await w.s3.fetch(`/${b}/v?tagging&versionId=null`);
    expect([shown.status, await shown.text()]).toEqual([200, answer([['a', '1']])]);
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const res = await w.s3.fetch(`/${b}/v?tagging&versionId=3HL4kqtJlcpXroDTDmJ%2BrmSpXd3dIbrH`, {
        method,
        ...(method === 'PUT' && { body: tagging([['b', '2']]) }),
      });
      const err = await errorOf(res);
      expect([err.status, err.code, err.message], method).toEqual([
        400,
        'InvalidArgument',
        'Invalid version id specified',
      ]);
    }
    expect(await tagsOf(w, `/${b}/v`)).toEqual([['a', '1']]);
  });

  it.each<[string, string, number, string, string, Record<string, string>]>([
    ['11 tags', tagging(many(11)), 400, 'BadRequest', 'Object tags cannot be greater than 10', {}],
    [
      'a key twice',
      tagging([
        ['a', '1'],
        ['a', '2'],
      ]),
      400,
      'InvalidTag',
      'Cannot provide multiple Tags with the same key',
      { TagKey: 'a' },
    ],
    [
      'an empty key',
      tagging([['', 'v']]),
      400,
      'InvalidTag',
      'The TagKey you have provided is invalid',
      { TagKey: '' },
    ],
    [
      'a key of 129 characters',
      tagging([['k'.repeat(129), 'v']]),
      400,
      'InvalidTag',
      'The TagKey you have provided is invalid',
      { TagKey: 'k'.repeat(129) },
    ],
    [
      'a value of 257 characters',
      tagging([['k', 'v'.repeat(257)]]),
      400,
      'InvalidTag',
      'The TagValue you have provided is invalid',
      { TagKey: 'k', TagValue: 'v'.repeat(257) },
    ],
    ...[',', ';', '?', '!', '*', '#', '%', '(', '\t', '😀', '&amp;'].flatMap(
      (bad): [string, string, number, string, string, Record<string, string>][] => [
        [
          `the key a${bad}b`,
          `<Tagging><TagSet><Tag><Key>a${bad}b</Key><Value>v</Value></Tag></TagSet></Tagging>`,
          400,
          'InvalidTag',
          'The TagKey you have provided is invalid',
          {},
        ],
        [
          `the value a${bad}b`,
          `<Tagging><TagSet><Tag><Key>k</Key><Value>a${bad}b</Value></Tag></TagSet></Tagging>`,
          400,
          'InvalidTag',
          'The TagValue you have provided is invalid',
          { TagKey: 'k' },
        ],
      ],
    ),
    [
      'the key aws:cost',
      tagging([['aws:cost', '1']]),
      400,
      'InvalidTag',
      'System tags cannot be added/updated by requester',
      { TagKey: 'aws:cost' },
    ],
    [
      'the key AWS:x',
      tagging([['AWS:x', '1']]),
      400,
      'InvalidTag',
      'System tags cannot be added/updated by requester',
      {},
    ],
    ['no TagSet', '<Tagging></Tagging>', 400, 'MalformedXML', '', {}],
    ['a Tag without Value', '<Tagging><TagSet><Tag><Key>a</Key></Tag></TagSet></Tagging>', 400, 'MalformedXML', '', {}],
    [
      'a Tag without Key',
      '<Tagging><TagSet><Tag><Value>a</Value></Tag></TagSet></Tagging>',
      400,
      'MalformedXML',
      '',
      {},
    ],
    [
      'two Keys in a Tag',
      '<Tagging><TagSet><Tag><Key>a</Key><Key>b</Key><Value/></Tag></TagSet></Tagging>',
      400,
      'MalformedXML',
      '',
      {},
    ],
    ['two TagSets', '<Tagging><TagSet/><TagSet/></Tagging>', 400, 'MalformedXML', '', {}],
    ['another root', '<Tags><TagSet/></Tags>', 400, 'MalformedXML', '', {}],
    ['a document with no end', '<Tagging><TagSet>', 400, 'MalformedXML', '', {}],
    [
      'a DOCTYPE',
      '<!DOCTYPE t [<!ENTITY x "y">]><Tagging><TagSet><Tag><Key>&x;</Key><Value/></Tag></TagSet></Tagging>',
      400,
      'MalformedXML',
      '',
      {},
    ],
    ['an element __proto__', '<Tagging><TagSet><__proto__/></TagSet></Tagging>', 400, 'MalformedXML', '', {}],
    ['no body', '', 400, 'MissingRequestBodyError', 'Request Body is empty', {}],
  ])('PutObjectTagging refuses %s and changes nothing', async (_name, body, status, code, message, fields) => {
    const w = await s3World();
    const b = await w.newBucket();
    await put(w, `/${b}/k`, 'hello');
    const before: Pairs = [['keep', 'me']];
    await putTags(w, `/${b}/k`, tagging(before));
    const err = await errorOf(await putTags(w, `/${b}/k`, body));
    expect([err.status, err.code], err.xml).toEqual([status, code]);
    if (message) expect(err.message).toBe(message);
    for (const [name, value] of Object.entries(fields)) expect(xmlText(err.xml, name)).toBe(value);
    expect(await tagsOf(w, `/${b}/k`)).toEqual(before);
  });

  it('takes the limits themselves: 10 tags, a 128-character key, a 256-character value, any letters', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    await put(w, `/${b}/k`, 'hello');
    for (const tags of [
      many(10),
      [['k'.repeat(128), 'v'.repeat(256)]] as Pairs,
      [
        ['Ωμέγα', 'Ελλάδα'],
        ['ภาษาไทย', '١٢٣'],
        ['tab-less space', ' '],
      ] as Pairs,
    ]) {
      const res = await putTags(w, `/${b}/k`, tagging(tags));
      expect(res.status, await res.text()).toBe(200);
      expect(await tagsOf(w, `/${b}/k`)).toEqual(tags);
    }
  });
});

describe('PutBucketTagging, GetBucketTagging, DeleteBucketTagging', () => {
  it('set, show and remove a bucket tag set; NoSuchTagSet when there is none', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const none = await errorOf(await w.s3.fetch(`/${b}?tagging`));
    expect([none.status, none.code, none.message, xmlText(none.xml, 'BucketName')]).toEqual([
      404,
      'NoSuchTagSet',
      'The TagSet does not exist',
      b,
    ]);
    const tags = many(50);
    const set = await w.s3.fetch(`/${b}?tagging`, { method: 'PUT', body: tagging(tags) });
    expect([set.status, await set.text()]).toEqual([204, '']);
    const got = await w.s3.fetch(`/${b}?tagging`);
    expect([got.status, await got.text()]).toEqual([200, answer(tags)]);

    const tooMany = await errorOf(await w.s3.fetch(`/${b}?tagging`, { method: 'PUT', body: tagging(many(51)) }));
    expect([tooMany.status, tooMany.code, tooMany.message]).toEqual([
      400,
      'BadRequest',
      'Bucket tags cannot be greater than 50',
    ]);
    const invalid = await errorOf(await w.s3.fetch(`/${b}?tagging`, { method: 'PUT', body: tagging([['a,b', '']]) }));
    expect([invalid.status, invalid.code]).toEqual([400, 'InvalidTag']);
    const malformed = await errorOf(await w.s3.fetch(`/${b}?tagging`, { method: 'PUT', body: '<Tagging>' }));
    expect(malformed.code).toBe('MalformedXML');
    expect(await (await w.s3.fetch(`/${b}?tagging`)).text()).toBe(answer(tags));

    const removed = await w.s3.fetch(`/${b}?tagging`, { method: 'DELETE' });
    expect([removed.status, await removed.text()]).toEqual([204, '']);
    expect((await errorOf(await w.s3.fetch(`/${b}?tagging`))).code).toBe('NoSuchTagSet');
    expect((await w.s3.fetch(`/${b}?tagging`, { method: 'DELETE' })).status).toBe(204);
    // An empty set leaves the bucket with none.
    await w.s3.fetch(`/${b}?tagging`, { method: 'PUT', body: tagging([['a', '1']]) });
    expect((await w.s3.fetch(`/${b}?tagging`, { method: 'PUT', body: tagging([]) })).status).toBe(204);
    expect((await errorOf(await w.s3.fetch(`/${b}?tagging`))).code).toBe('NoSuchTagSet');
  });

  it('go with the bucket: a bucket deleted and created again has no tags, and its objects’ rows are gone', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    await w.s3.fetch(`/${b}?tagging`, { method: 'PUT', body: tagging([['team', 'ops']]) });
    await put(w, `/${b}/k`, 'x', { 'x-amz-tagging': 'a=1' });
    await w.s3.fetch(`/${b}/k`, { method: 'DELETE' });
    // A row left behind by an object deleted outside S3 (the console) still goes with the bucket.
    await env.DB.prepare(`INSERT INTO object_tags VALUES ('thailand-1', ?, 'v', '[["a","1"]]')`)
      .bind(`${b}/other`)
      .run();
    expect((await w.s3.fetch(`/${b}`, { method: 'DELETE' })).status).toBe(204);
    const rows = await env.DB.prepare('SELECT count(*) AS n FROM object_tags WHERE r2_key LIKE ?')
      .bind(`${b}/%`)
      .first<{ n: number }>();
    expect(rows?.n).toBe(0);
    expect((await w.s3.fetch(`/${b}`, { method: 'PUT' })).status).toBe(200);
    expect((await errorOf(await w.s3.fetch(`/${b}?tagging`))).code).toBe('NoSuchTagSet');
  });
});

describe('x-amz-tagging on PutObject', () => {
  it.each<[string, Pairs]>([
    [
      'a=1&b=2',
      [
        ['a', '1'],
        ['b', '2'],
      ],
    ],
    [
      'a&b=',
      [
        ['a', ''],
        ['b', ''],
      ],
    ],
    [
      'a%20b=c%2Bd&e+f=g=h',
      [
        ['a b', 'c+d'],
        ['e f', 'g=h'],
      ],
    ],
    ['%C3%BC=%E6%96%87', [['ü', '文']]],
    ['', []],
  ])('stores the tags of %j', async (header, tags) => {
    const w = await s3World();
    const b = await w.newBucket();
    const res = await put(w, `/${b}/k`, 'hello', { 'x-amz-tagging': header });
    expect(res.status, await res.text()).toBe(200);
    expect(await tagsOf(w, `/${b}/k`)).toEqual(tags);
    expect(await countOf(w, `/${b}/k`)).toBe(tags.length ? String(tags.length) : null);
  });

  const headerRefusal = (value: string) => ({
    code: 'InvalidArgument',
    message:
      'The header &apos;x-amz-tagging&apos; shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.',
    ArgumentName: 'x-amz-tagging',
    ArgumentValue: value.replace(/&/g, '&amp;'),
  });
  it.each<[string, Record<string, string>]>([
    ['a=1&a=2', headerRefusal('a=1&a=2')],
    ['=1', headerRefusal('=1')],
    ['a=%FF', headerRefusal('a=%FF')],
    ['a=%zz', headerRefusal('a=%zz')],
    [
      many(11)
        .map(([k]) => `${k}=`)
        .join('&'),
      { code: 'BadRequest', message: 'Object tags cannot be greater than 10' },
    ],
    ['a,b=1', { code: 'InvalidTag', message: 'The TagKey you have provided is invalid', TagKey: 'a,b' }],
    [`k=${'v'.repeat(257)}`, { code: 'InvalidTag', message: 'The TagValue you have provided is invalid' }],
    ['aws:cost=1', { code: 'InvalidTag', TagKey: 'aws:cost' }],
  ])('refuses %j, and writes nothing', async (header, expected) => {
    const w = await s3World();
    const b = await w.newBucket();
    const res = await put(w, `/${b}/new`, 'hello', { 'x-amz-tagging': header });
    const xml = await res.text();
    expect(res.status, xml).toBe(400);
    for (const [name, value] of Object.entries(expected)) {
      expect(xmlText(xml, name === 'code' ? 'Code' : name === 'message' ? 'Message' : name), name).toBe(value);
    }
    expect((await w.s3.fetch(`/${b}/new`, { method: 'HEAD' })).status).toBe(404);
  });

  it('ties tags to the version: an overwrite starts with none unless it asks, a re-created object too', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const path = `/${b}/k`;
    await put(w, path, 'one', { 'x-amz-tagging': 'v=1' });
    expect(await tagsOf(w, path)).toEqual([['v', '1']]);
    await put(w, path, 'two');
    expect(await tagsOf(w, path)).toEqual([]);
    expect(await countOf(w, path)).toBeNull();
    await put(w, path, 'three', { 'x-amz-tagging': 'v=3' });
    expect(await tagsOf(w, path)).toEqual([['v', '3']]);

    expect((await w.s3.fetch(path, { method: 'DELETE' })).status).toBe(204);
    const row = () =>
      env.DB.prepare('SELECT tags FROM object_tags WHERE site_id = ? AND r2_key = ?')
        .bind('thailand-1', `${b}/k`)
        .first();
    // The row goes with the object (after the response: poll briefly).
    for (let i = 0; i < 50 && (await row()) !== null; i++) await new Promise((r) => setTimeout(r, 10));
    expect(await row()).toBeNull();
    await put(w, path, 'again');
    expect(await tagsOf(w, path)).toEqual([]);

    // DeleteObjects forgets them too.
    await put(w, path, 'four', { 'x-amz-tagging': 'v=4' });
    const del = await w.s3.fetch(`/${b}?delete`, {
      method: 'POST',
      body: `<Delete><Object><Key>k</Key></Object></Delete>`,
    });
    expect(del.status).toBe(200);
    for (let i = 0; i < 50 && (await row()) !== null; i++) await new Promise((r) => setTimeout(r, 10));
    expect(await row()).toBeNull();
  });

  it('a stale row of an older version never counts, even when a write replaced the object outside S3', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    await put(w, `/${b}/k`, 'one', { 'x-amz-tagging': 'v=1' });
    // The console writes objects without tags: the row stays but names the old version.
    await w.admin.put(`/projects/${w.project}/buckets/thailand-1/${b}/object?key=k&overwrite=true`, 'two');
    expect(await tagsOf(w, `/${b}/k`)).toEqual([]);
    expect(await countOf(w, `/${b}/k`, 'GET')).toBeNull();
  });

  it('marks the bucket once an object is tagged: untagged buckets look nothing up on reads', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const marked = async () => (await findBucket(env.DB, 'thailand-1', b))?.tagged_objects;
    await put(w, `/${b}/k`, 'x');
    await put(w, `/${b}/empty`, 'x', { 'x-amz-tagging': '' });
    expect(await marked()).toBe(0);
    await putTags(w, `/${b}/k`, tagging([['a', '1']]));
    expect(await marked()).toBe(1);
    // The isolate's cached row was forgotten: the count shows at once.
    expect(await countOf(w, `/${b}/k`)).toBe('1');
  });
});

describe('x-amz-tagging-directive on CopyObject', () => {
  it('copies the source’s tags by default, takes the request’s with REPLACE, and refuses another directive', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    await put(w, `/${b}/src`, 'data', { 'x-amz-tagging': 'a=1&b=2' });
    const copy = (to: string, headers: Record<string, string> = {}) =>
      w.s3.fetch(`/${b}/${to}`, { method: 'PUT', headers: { 'x-amz-copy-source': `/${b}/src`, ...headers } });

    expect((await copy('default')).status).toBe(200);
    expect(await tagsOf(w, `/${b}/default`)).toEqual([
      ['a', '1'],
      ['b', '2'],
    ]);
    // COPY ignores x-amz-tagging, as S3 does.
    expect((await copy('copied', { 'x-amz-tagging-directive': 'COPY', 'x-amz-tagging': 'x=9' })).status).toBe(200);
    expect(await tagsOf(w, `/${b}/copied`)).toEqual([
      ['a', '1'],
      ['b', '2'],
    ]);
    expect((await copy('replaced', { 'x-amz-tagging-directive': 'REPLACE', 'x-amz-tagging': 'c=3' })).status).toBe(200);
    expect(await tagsOf(w, `/${b}/replaced`)).toEqual([['c', '3']]);
    expect((await copy('bare', { 'x-amz-tagging-directive': 'replace' })).status).toBe(200);
    expect(await tagsOf(w, `/${b}/bare`)).toEqual([]);

    const bad = await errorOf(await copy('bad', { 'x-amz-tagging-directive': 'MERGE' }));
    expect([bad.status, bad.code, bad.message, xmlText(bad.xml, 'ArgumentName')]).toEqual([
      400,
      'InvalidArgument',
      'Unknown tagging directive.',
      'x-amz-tagging-directive',
    ]);
    const invalid = await errorOf(
      await copy('bad', { 'x-amz-tagging-directive': 'REPLACE', 'x-amz-tagging': 'a=1&a=2' }),
    );
    expect(invalid.code).toBe('InvalidArgument');
    expect((await w.s3.fetch(`/${b}/bad`, { method: 'HEAD' })).status).toBe(404);
    // Tags of an untagged source: none.
    await put(w, `/${b}/plain`, 'p');
    await w.s3.fetch(`/${b}/from-plain`, { method: 'PUT', headers: { 'x-amz-copy-source': `/${b}/plain` } });
    expect(await tagsOf(w, `/${b}/from-plain`)).toEqual([]);
  });
});

describe('x-amz-tagging on CreateMultipartUpload', () => {
  it('applies the tags asked for at creation when the upload completes; refuses bad ones before any upload exists', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const created = await w.s3.fetch(`/${b}/big?uploads`, {
      method: 'POST',
      headers: { 'x-amz-tagging': 'kind=big&n=1' },
    });
    const id = xmlText(await created.text(), 'UploadId');
    expect(created.status).toBe(200);
    const part = await w.s3.fetch(`/${b}/big?partNumber=1&uploadId=${id}`, { method: 'PUT', body: 'part one' });
    const etag = part.headers.get('ETag');
    // No object yet, so no tags either.
    expect((await w.s3.fetch(`/${b}/big?tagging`)).status).toBe(404);
    const done = await w.s3.fetch(`/${b}/big?uploadId=${id}`, {
      method: 'POST',
      body: `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${etag}</ETag></Part></CompleteMultipartUpload>`,
    });
    expect(done.status, await done.text()).toBe(200);
    expect(await tagsOf(w, `/${b}/big`)).toEqual([
      ['kind', 'big'],
      ['n', '1'],
    ]);
    expect(await countOf(w, `/${b}/big`)).toBe('2');

    const refused = await errorOf(
      await w.s3.fetch(`/${b}/other?uploads`, { method: 'POST', headers: { 'x-amz-tagging': 'a=1&a=2' } }),
    );
    expect([refused.status, refused.code]).toEqual([400, 'InvalidArgument']);
    const listed = await (await w.s3.fetch(`/${b}?uploads`)).text();
    expect(xmlAll(listed, 'Key')).toEqual([]);
  });
});

describe('who may tag', () => {
  it('only the bucket’s owner: not another project, not a writer the ACL lets in, and no count for readers', async () => {
    const w = await s3World();
    const other = await s3World();
    const b = `${await w.newBucket()}-open`;
    expect((await w.s3.fetch(`/${b}`, { method: 'PUT', headers: { 'x-amz-acl': 'public-read-write' } })).status).toBe(
      200,
    );
    await put(w, `/${b}/k`, 'hello', { 'x-amz-tagging': 'a=1' });
    for (const [method, body] of [
      ['GET', undefined],
      ['PUT', tagging([['b', '2']])],
      ['DELETE', undefined],
    ] as const) {
      expect((await errorOf(await other.s3.fetch(`/${b}/k?tagging`, { method, body }))).code).toBe('AccessDenied');
    }
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const res = await other.s3.fetch(`/${b}?tagging`, {
        method,
        ...(method === 'PUT' && { body: tagging([]) }),
      });
      expect((await errorOf(res)).code, method).toBe('AccessDenied');
    }
    const anonymous = (path: string, init: RequestInit = {}) =>
      SELF.fetch(`${SITES['thailand-1'].endpoint}${path}`, init);
    expect((await errorOf(await anonymous(`/${b}/k?tagging`))).code).toBe('AccessDenied');
    // Readers the ACL lets in read the object, without the count of its tags.
    const read = await anonymous(`/${b}/k`);
    expect([read.status, read.headers.get('x-amz-tagging-count')]).toEqual([200, null]);
    const otherRead = await other.s3.fetch(`/${b}/k`, { method: 'HEAD' });
    expect([otherRead.status, otherRead.headers.get('x-amz-tagging-count')]).toEqual([200, null]);
    // Writers the ACL lets in write objects, but may not tag them.
    const tagged = await anonymous(`/${b}/anon`, { method: 'PUT', body: 'x', headers: { 'x-amz-tagging': 'a=1' } });
    expect((await errorOf(tagged)).code).toBe('AccessDenied');
    expect((await w.s3.fetch(`/${b}/anon`, { method: 'HEAD' })).status).toBe(404);
    expect((await anonymous(`/${b}/anon`, { method: 'PUT', body: 'x' })).status).toBe(200);
    expect(await tagsOf(w, `/${b}/k`)).toEqual([['a', '1']]);
  });
});
