import { env } from 'cloudflare:workers';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { s3World, xmlText, type S3TestClient } from './s3-fixtures';

/**
 * ListObjects (v1) and ListObjectsV2 through the Worker, signed. Objects are written straight to R2 under
 * "<bucket>/<key>" (exactly where PutObject stores them), so these tests depend on the listing alone.
 */

let shared: ReturnType<typeof s3World> | undefined;
/** One project and key for the whole file (fresh buckets per test). */
const world = () => (shared ??= s3World());

/** Puts objects into a bucket's R2 storage, 100 at a time. */
async function putAll(bucket: string, keys: string[], body = 'x') {
  for (let i = 0; i < keys.length; i += 100) {
    await Promise.all(keys.slice(i, i + 100).map((key) => env.R2_THAILAND_1.put(`${bucket}/${key}`, body)));
  }
}

async function bucketWith(keys: string[], body = 'x') {
  const w = await world();
  const bucket = await w.newBucket('list');
  await putAll(bucket, keys, body);
  return { w, bucket };
}

/** RFC 3986 encoding of a query value (what SigV4 canonicalizes to), so odd keys survive the round trip. */
const q = (params: Record<string, string>) =>
  Object.entries(params)
    .map(
      ([k, v]) =>
        `${k}=${encodeURIComponent(v).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`,
    )
    .join('&');

const parser = new XMLParser({
  ignoreAttributes: false,
  parseTagValue: false,
  trimValues: false,
  processEntities: true,
  isArray: (name) => name === 'Contents' || name === 'CommonPrefixes',
});

interface Listing {
  raw: string;
  r: Record<string, any>;
  keys: string[];
  prefixes: string[];
  truncated: boolean;
  /** The top-level element names, in document order. */
  order: string[];
}

async function list(
  s3: S3TestClient,
  bucket: string,
  params: Record<string, string> = {},
  v2 = true,
): Promise<Listing> {
  const query = q(v2 ? { 'list-type': '2', ...params } : params);
  const res = await s3.fetch(`/${bucket}${query ? `?${query}` : ''}`);
  const raw = await res.text();
  expect(res.status, raw).toBe(200);
  expect(res.headers.get('Content-Type')).toBe('application/xml');
  expect(raw).toMatch(
    /^<\?xml version="1.0" encoding="UTF-8"\?>\n<ListBucketResult xmlns="http:\/\/s3.amazonaws.com\/doc\/2006-03-01\/">/,
  );
  const r = parser.parse(raw).ListBucketResult;
  const contents: any[] = r.Contents ?? [];
  const cps: any[] = r.CommonPrefixes ?? [];
  const inner = raw.slice(raw.indexOf('>', raw.indexOf('<ListBucketResult')) + 1);
  const order: string[] = [];
  // Top-level children: walk the elements, skipping each one's content.
  for (let i = 0; i < inner.length; ) {
    const m = /^<([A-Za-z]+)>/.exec(inner.slice(i));
    if (!m) break;
    order.push(m[1]);
    const close = `</${m[1]}>`;
    // Contents/CommonPrefixes nest no element of their own name, so the first close tag ends it.
    i = inner.indexOf(close, i) + close.length;
  }
  return {
    raw,
    r,
    keys: contents.map((c) => c.Key),
    prefixes: cps.map((c) => c.Prefix),
    truncated: r.IsTruncated === 'true',
    order,
  };
}

async function expectError(
  s3: S3TestClient,
  path: string,
  code: string,
  message: string,
  fields: Record<string, string | null> = {},
) {
  const res = await s3.fetch(path);
  const body = await res.text();
  expect(res.status, body).toBe(400);
  expect(xmlText(body, 'Code')).toBe(code);
  expect(xmlText(body, 'Message')).toBe(message);
  for (const [name, value] of Object.entries(fields)) expect(xmlText(body, name), name).toBe(value);
}

/** Every entry of a listing, page by page (v2 tokens or v1 NextMarker / last Key). */
async function pageAll(s3: S3TestClient, bucket: string, params: Record<string, string>, v2: boolean) {
  const entries: string[] = [];
  const pages: Listing[] = [];
  let resume: Record<string, string> = {};
  for (let n = 0; n < 1000; n++) {
    const page = await list(s3, bucket, { ...params, ...resume }, v2);
    pages.push(page);
    // Contents then CommonPrefixes in the document; key order is the merge of the two.
    const names = [...page.keys, ...page.prefixes].sort(byteOrder);
    entries.push(...names);
    if (!page.truncated) return { entries, pages };
    if (v2) resume = { 'continuation-token': page.r.NextContinuationToken };
    else resume = { marker: page.r.NextMarker ?? page.keys[page.keys.length - 1] };
  }
  throw new Error('listing did not end');
}

const utf8 = new TextEncoder();
function byteOrder(a: string, b: string): number {
  const x = utf8.encode(a);
  const y = utf8.encode(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

describe('ListObjectsV2', () => {
  it('lists keys in order with AWS element order and Contents fields', async () => {
    const { w, bucket } = await bucketWith([
      'photos/2024/jan.jpg',
      'a.txt',
      'photos/2024/feb.jpg',
      'z',
      'photos/readme',
      'photos/2025/x.jpg',
    ]);
    const stored = await env.R2_THAILAND_1.head(`${bucket}/a.txt`);
    const l = await list(w.s3, bucket);
    expect(l.keys).toEqual([
      'a.txt',
      'photos/2024/feb.jpg',
      'photos/2024/jan.jpg',
      'photos/2025/x.jpg',
      'photos/readme',
      'z',
    ]);
    expect(l.order).toEqual(['Name', 'Prefix', 'KeyCount', 'MaxKeys', 'IsTruncated', ...Array(6).fill('Contents')]);
    expect(l.r.Name).toBe(bucket);
    expect(l.r.Prefix).toBe('');
    expect(l.r.KeyCount).toBe('6');
    expect(l.r.MaxKeys).toBe('1000');
    expect(l.r.IsTruncated).toBe('false');
    const first = l.r.Contents[0];
    expect(Object.keys(first)).toEqual(['Key', 'LastModified', 'ETag', 'Size', 'StorageClass']);
    expect(first.LastModified).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(first.LastModified).toBe(stored!.uploaded.toISOString());
    expect(first.ETag).toBe(stored!.httpEtag);
    expect(first.ETag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(l.raw).toContain('<ETag>&quot;');
    expect(first.Size).toBe('1');
    expect(first.StorageClass).toBe('STANDARD');
    expect(l.raw).not.toContain('<Owner>');
    expect(l.raw).not.toContain('<Delimiter>');
    expect(l.raw).not.toContain('ContinuationToken');
  });

  it('rolls keys up into CommonPrefixes with prefix and delimiter', async () => {
    const { w, bucket } = await bucketWith([
      'photos/2024/jan.jpg',
      'a.txt',
      'photos/2024/feb.jpg',
      'z',
      'photos/readme',
      'photos/2025/x.jpg',
    ]);
    const root = await list(w.s3, bucket, { delimiter: '/' });
    expect(root.keys).toEqual(['a.txt', 'z']);
    expect(root.prefixes).toEqual(['photos/']);
    expect(root.r.KeyCount).toBe('3');
    expect(root.r.Delimiter).toBe('/');
    expect(root.order).toEqual([
      'Name',
      'Prefix',
      'KeyCount',
      'MaxKeys',
      'Delimiter',
      'IsTruncated',
      'Contents',
      'Contents',
      'CommonPrefixes',
    ]);

    const photos = await list(w.s3, bucket, { prefix: 'photos/', delimiter: '/' });
    expect(photos.r.Prefix).toBe('photos/');
    expect(photos.keys).toEqual(['photos/readme']);
    expect(photos.prefixes).toEqual(['photos/2024/', 'photos/2025/']);

    const flat = await list(w.s3, bucket, { prefix: 'photos/2024/' });
    expect(flat.keys).toEqual(['photos/2024/feb.jpg', 'photos/2024/jan.jpg']);
    const partial = await list(w.s3, bucket, { prefix: 'photos/20', delimiter: '/' });
    expect(partial.prefixes).toEqual(['photos/2024/', 'photos/2025/']);
    const none = await list(w.s3, bucket, { prefix: 'nope/', delimiter: '/' });
    expect(none.keys).toEqual([]);
    expect(none.prefixes).toEqual([]);
    expect(none.r.KeyCount).toBe('0');
    expect(none.order).toEqual(['Name', 'Prefix', 'KeyCount', 'MaxKeys', 'Delimiter', 'IsTruncated']);
  });

  it('pages with continuation tokens; start-after seeds the first page only', async () => {
    const keys = ['k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7'];
    const { w, bucket } = await bucketWith(keys);
    const p1 = await list(w.s3, bucket, { 'max-keys': '3', 'start-after': 'k1' });
    expect(p1.keys).toEqual(['k2', 'k3', 'k4']);
    expect(p1.truncated).toBe(true);
    expect(p1.r.StartAfter).toBe('k1');
    expect(p1.r.KeyCount).toBe('3');
    const token = p1.r.NextContinuationToken as string;
    expect(token).toBeTruthy();
    expect(p1.order.slice(0, 7)).toEqual([
      'Name',
      'Prefix',
      'StartAfter',
      'NextContinuationToken',
      'KeyCount',
      'MaxKeys',
      'IsTruncated',
    ]);

    // A client resends start-after with the token (SDK paginators do): the token wins, and StartAfter is echoed
    // beside it ("If StartAfter was sent with the request, it is included in the response").
    const p2 = await list(w.s3, bucket, { 'max-keys': '3', 'start-after': 'k1', 'continuation-token': token });
    expect(p2.keys).toEqual(['k5', 'k6', 'k7']);
    expect(p2.truncated).toBe(false); // exactly the rest: not truncated
    expect(p2.r.ContinuationToken).toBe(token);
    expect(p2.r.NextContinuationToken).toBeUndefined();
    expect(p2.r.StartAfter).toBe('k1');
    expect(p2.order.slice(0, 6)).toEqual(['Name', 'Prefix', 'StartAfter', 'ContinuationToken', 'KeyCount', 'MaxKeys']);

    const all = await pageAll(w.s3, bucket, { 'max-keys': '2' }, true);
    expect(all.entries).toEqual(keys);
    expect(all.pages.map((p) => p.keys.length)).toEqual([2, 2, 2, 1]);

    // An empty start-after is echoed, and lists from the start.
    const empty = await list(w.s3, bucket, { 'start-after': '' });
    expect(empty.raw).toContain('<StartAfter></StartAfter>');
    expect(empty.keys).toEqual(keys);

    // An empty continuation-token is no token: the listing starts at the beginning, and the token is echoed.
    const emptyToken = await list(w.s3, bucket, { 'continuation-token': '', 'max-keys': '2' });
    expect(emptyToken.keys).toEqual(['k1', 'k2']);
    expect(emptyToken.raw).toContain('<ContinuationToken></ContinuationToken>');
    const emptyTokenAfter = await list(w.s3, bucket, { 'continuation-token': '', 'start-after': 'k5' });
    expect([emptyTokenAfter.keys, emptyTokenAfter.r.StartAfter]).toEqual([['k6', 'k7'], 'k5']);
  });

  it('resumes exactly after a page that ends inside a common prefix', async () => {
    const { w, bucket } = await bucketWith([
      'photos/2024',
      'photos/2024/a.jpg',
      'photos/2024/b.jpg',
      'photos/2024/c.jpg',
      'photos/20240',
      'photos/2025/a.jpg',
      'photos/z',
    ]);
    const p1 = await list(w.s3, bucket, { prefix: 'photos/', delimiter: '/', 'max-keys': '2' });
    expect(p1.keys).toEqual(['photos/2024']);
    expect(p1.prefixes).toEqual(['photos/2024/']);
    expect(p1.truncated).toBe(true);
    const p2 = await list(w.s3, bucket, {
      prefix: 'photos/',
      delimiter: '/',
      'max-keys': '2',
      'continuation-token': p1.r.NextContinuationToken,
    });
    expect(p2.keys).toEqual(['photos/20240']);
    expect(p2.prefixes).toEqual(['photos/2025/']);
    expect(p2.truncated).toBe(true);
    const p3 = await list(w.s3, bucket, {
      prefix: 'photos/',
      delimiter: '/',
      'max-keys': '2',
      'continuation-token': p2.r.NextContinuationToken,
    });
    expect(p3.keys).toEqual(['photos/z']);
    expect(p3.truncated).toBe(false);

    // Page size 1: the prefix alone on a page.
    const ones = await pageAll(w.s3, bucket, { prefix: 'photos/', delimiter: '/', 'max-keys': '1' }, true);
    expect(ones.entries).toEqual(['photos/2024', 'photos/2024/', 'photos/20240', 'photos/2025/', 'photos/z']);
  });

  it('answers max-keys as AWS does: 0, 1, default, above 1000, and refuses -1 and abc', async () => {
    const { w, bucket } = await bucketWith(['a', 'b', 'c']);
    const zero = await list(w.s3, bucket, { 'max-keys': '0' });
    expect(zero.keys).toEqual([]);
    expect(zero.r.KeyCount).toBe('0');
    expect(zero.r.MaxKeys).toBe('0');
    expect(zero.truncated).toBe(false);
    expect(zero.r.NextContinuationToken).toBeUndefined();

    const one = await list(w.s3, bucket, { 'max-keys': '1' });
    expect(one.keys).toEqual(['a']);
    expect(one.truncated).toBe(true);
    expect(one.r.MaxKeys).toBe('1');

    expect((await list(w.s3, bucket, { 'max-keys': '' })).r.MaxKeys).toBe('1000');
    expect((await list(w.s3, bucket, { 'max-keys': '05' })).r.MaxKeys).toBe('5');
    const exact = await list(w.s3, bucket, { 'max-keys': '3' });
    expect(exact.truncated).toBe(false);

    for (const v2 of [true, false]) {
      const lt = v2 ? 'list-type=2&' : '';
      await expectError(
        w.s3,
        `/${bucket}?${lt}max-keys=-1`,
        'InvalidArgument',
        'Argument maxKeys must be an integer between 0 and 2147483647',
        {
          ArgumentName: 'maxKeys',
          ArgumentValue: '-1',
        },
      );
      for (const bad of ['abc', '1.5', '2147483648']) {
        await expectError(
          w.s3,
          `/${bucket}?${lt}max-keys=${bad}`,
          'InvalidArgument',
          'Provided max-keys not an integer or within integer range',
          {
            ArgumentName: 'max-keys',
            ArgumentValue: bad,
          },
        );
      }
    }
  });

  it('includes Owner with fetch-owner=true only', async () => {
    const { w, bucket } = await bucketWith(['a']);
    const withOwner = await list(w.s3, bucket, { 'fetch-owner': 'true' });
    expect(Object.keys(withOwner.r.Contents[0])).toEqual([
      'Key',
      'LastModified',
      'ETag',
      'Size',
      'Owner',
      'StorageClass',
    ]);
    expect(withOwner.r.Contents[0].Owner).toEqual({ ID: w.project, DisplayName: w.project });
    expect((await list(w.s3, bucket, { 'fetch-owner': 'false' })).raw).not.toContain('<Owner>');
  });

  it('refuses v1 parameters, a bad continuation token and an unknown encoding-type', async () => {
    const { w, bucket } = await bucketWith(['a']);
    await expectError(
      w.s3,
      `/${bucket}?list-type=2&marker=a`,
      'InvalidArgument',
      'Marker unsupported with REST.GET.BUCKET in list-type=2',
      {
        ArgumentName: 'marker',
      },
    );
    for (const token of ['garbage!', 'abc', 'AAAA']) {
      await expectError(
        w.s3,
        `/${bucket}?list-type=2&${q({ 'continuation-token': token })}`,
        'InvalidArgument',
        'The continuation token provided is incorrect',
        {
          ArgumentName: 'continuation-token',
          ArgumentValue: null,
        },
      );
    }
    await expectError(
      w.s3,
      `/${bucket}?list-type=2&encoding-type=base64`,
      'InvalidArgument',
      'Invalid Encoding Method specified in Request',
      {
        ArgumentName: 'encoding-type',
        ArgumentValue: 'base64',
      },
    );
  });
});

describe('ListObjects (v1)', () => {
  it('has Marker, Owner, and AWS element order', async () => {
    const { w, bucket } = await bucketWith(['b', 'a', 'dir/x']);
    const l = await list(w.s3, bucket, {}, false);
    expect(l.keys).toEqual(['a', 'b', 'dir/x']);
    expect(l.order).toEqual(['Name', 'Prefix', 'Marker', 'MaxKeys', 'IsTruncated', 'Contents', 'Contents', 'Contents']);
    expect(l.r.Marker).toBe('');
    expect(l.raw).not.toContain('KeyCount');
    expect(Object.keys(l.r.Contents[0])).toEqual(['Key', 'LastModified', 'ETag', 'Size', 'Owner', 'StorageClass']);
    expect(l.r.Contents[0].Owner).toEqual({ ID: w.project, DisplayName: w.project });
  });

  it('gives NextMarker only with a delimiter; marker resumes after a key or a whole common prefix', async () => {
    const { w, bucket } = await bucketWith(['k1', 'k2', 'k3', 'k4', 'p/1', 'p/2', 'p0']);
    const flat = await list(w.s3, bucket, { 'max-keys': '2' }, false);
    expect(flat.keys).toEqual(['k1', 'k2']);
    expect(flat.truncated).toBe(true);
    expect(flat.r.NextMarker).toBeUndefined();
    const next = await list(w.s3, bucket, { 'max-keys': '2', marker: 'k2' }, false);
    expect(next.keys).toEqual(['k3', 'k4']);
    expect(next.r.Marker).toBe('k2');

    const d1 = await list(w.s3, bucket, { 'max-keys': '2', delimiter: '/', marker: 'k3' }, false);
    expect(d1.keys).toEqual(['k4']);
    expect(d1.prefixes).toEqual(['p/']);
    expect(d1.truncated).toBe(true);
    expect(d1.r.NextMarker).toBe('p/'); // the last entry, a common prefix
    expect(d1.order).toEqual([
      'Name',
      'Prefix',
      'Marker',
      'NextMarker',
      'MaxKeys',
      'Delimiter',
      'IsTruncated',
      'Contents',
      'CommonPrefixes',
    ]);
    for (const marker of ['p/', 'p/1']) {
      const d2 = await list(w.s3, bucket, { 'max-keys': '2', delimiter: '/', marker }, false);
      expect(d2.keys, marker).toEqual(['p0']);
      expect(d2.prefixes, marker).toEqual([]);
      expect(d2.truncated).toBe(false);
      expect(d2.r.NextMarker).toBeUndefined();
    }
    // A page that is not truncated has no NextMarker even with a delimiter.
    expect((await list(w.s3, bucket, { delimiter: '/' }, false)).r.NextMarker).toBeUndefined();
  });

  it('pages a common prefix that ends a page exactly once', async () => {
    const { w, bucket } = await bucketWith([
      'photos/2024',
      'photos/2024/a',
      'photos/2024/b',
      'photos/20240',
      'photos/2025/a',
    ]);
    const all = await pageAll(w.s3, bucket, { prefix: 'photos/', delimiter: '/', 'max-keys': '2' }, false);
    expect(all.entries).toEqual(['photos/2024', 'photos/2024/', 'photos/20240', 'photos/2025/']);
    expect(all.pages[0].r.NextMarker).toBe('photos/2024/');
  });

  it('refuses v2 parameters', async () => {
    const { w, bucket } = await bucketWith(['a']);
    await expectError(
      w.s3,
      `/${bucket}?start-after=a`,
      'InvalidArgument',
      'startAfter only supported in REST.GET.BUCKET with list-type=2',
      {
        ArgumentName: 'start-after',
      },
    );
    await expectError(
      w.s3,
      `/${bucket}?continuation-token=x`,
      'InvalidArgument',
      'continuation-token only supported in REST.GET.BUCKET with list-type=2',
      {
        ArgumentName: 'continuation-token',
      },
    );
  });
});

describe('keys, prefixes and delimiters', () => {
  const odd = ['a b', 'c+d', '100%', 'é', '𝄞', 'x//y/', 'tilde~', "q'(x)!*", 'dir/sub dir/f', 'amp&<>"'];

  it('URL-encodes every key-like element with encoding-type=url', async () => {
    const { w, bucket } = await bucketWith(odd);
    const l = await list(w.s3, bucket, { 'encoding-type': 'url' });
    expect(l.r.EncodingType).toBe('url');
    expect(l.order.slice(0, 6)).toEqual(['Name', 'Prefix', 'KeyCount', 'MaxKeys', 'EncodingType', 'IsTruncated']);
    expect(l.keys).toEqual([
      '100%25',
      'a%20b',
      'amp%26%3C%3E%22',
      'c%2Bd',
      'dir/sub%20dir/f',
      'q%27%28x%29%21*',
      'tilde%7E',
      'x//y/',
      '%C3%A9',
      '%F0%9D%84%9E',
    ]);
    // A space is %20 (ceph/s3-tests' test_bucket_list_encoding_basic), never +: both form decoding (botocore's
    // unquote_plus) and plain percent-decoding (decodeURIComponent) give the keys back.
    expect(l.raw).not.toMatch(/<Key>[^<]*\+/);
    const unquotePlus = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
    expect(l.keys.map(unquotePlus)).toEqual([...odd].sort(byteOrder));
    expect(l.keys.map(decodeURIComponent)).toEqual([...odd].sort(byteOrder));

    const d = await list(w.s3, bucket, {
      'encoding-type': 'url',
      prefix: 'dir/',
      delimiter: ' ',
      'start-after': 'dir/ä',
    });
    expect(d.r.Prefix).toBe('dir/');
    expect(d.r.Delimiter).toBe('%20');
    expect(d.r.StartAfter).toBe('dir/%C3%A4');
    expect(d.keys).toEqual([]);
    const d2 = await list(w.s3, bucket, { 'encoding-type': 'URL', prefix: 'dir/sub ', delimiter: ' ' });
    expect(d2.r.EncodingType).toBe('URL');
    expect(d2.r.Prefix).toBe('dir/sub%20');
    expect(d2.keys).toEqual(['dir/sub%20dir/f']);
    const d3 = await list(w.s3, bucket, { 'encoding-type': 'url', delimiter: ' ' });
    expect(d3.prefixes).toEqual(['a%20', 'dir/sub%20']);

    const v1 = await list(
      w.s3,
      bucket,
      { 'encoding-type': 'url', delimiter: '/', marker: 'a b', 'max-keys': '3' },
      false,
    );
    expect(v1.r.Marker).toBe('a%20b');
    expect(v1.keys).toEqual(['amp%26%3C%3E%22', 'c%2Bd']);
    expect(v1.prefixes).toEqual(['dir/']);
    expect(v1.r.NextMarker).toBe('dir/');
    const v1b = await list(w.s3, bucket, { 'encoding-type': 'url', delimiter: '%', marker: 'é' }, false);
    expect(v1b.r.Marker).toBe('%C3%A9');
    expect(v1b.r.Delimiter).toBe('%25');
    expect(v1b.keys).toEqual(['%F0%9D%84%9E']);

    // Without encoding-type the keys come back as they are, XML-escaped.
    const plain = await list(w.s3, bucket);
    expect(plain.keys).toEqual([...odd].sort(byteOrder));
    expect(plain.raw).toContain('<Key>amp&amp;&lt;&gt;&quot;</Key>');
  });

  it('orders keys as UTF-8 bytes (astral characters after U+FFFD), paging included', async () => {
    const keys = ['a', '\uFFFD', '𝄞', '\uE000', 'z', 'é', '中', '😀', '\uFFFD/x', '𝄞/y', '\uE000/z', 'zz/'];
    const { w, bucket } = await bucketWith(keys);
    const expected = [...keys].sort(byteOrder);
    expect(expected.indexOf('𝄞')).toBeGreaterThan(expected.indexOf('\uFFFD')); // the case UTF-16 order gets wrong
    expect((await list(w.s3, bucket)).keys).toEqual(expected);
    expect((await pageAll(w.s3, bucket, { 'max-keys': '1' }, true)).entries).toEqual(expected);
    expect((await pageAll(w.s3, bucket, { 'max-keys': '2' }, false)).entries).toEqual(expected);

    // With a delimiter, keys and common prefixes interleave in UTF-8 order across pages.
    const grouped = ['a', 'z', 'zz/', 'é', '中', '\uE000', '\uE000/', '\uFFFD', '\uFFFD/', '𝄞', '𝄞/', '😀'];
    expect((await pageAll(w.s3, bucket, { delimiter: '/', 'max-keys': '1' }, true)).entries).toEqual(grouped);
    expect((await pageAll(w.s3, bucket, { delimiter: '/', 'max-keys': '3' }, false)).entries).toEqual(grouped);
    const startAfter = await list(w.s3, bucket, { 'start-after': '\uFFFD', delimiter: '/' });
    expect([...startAfter.keys, ...startAfter.prefixes].sort(byteOrder)).toEqual(['\uFFFD/', '𝄞', '𝄞/', '😀']);
  });

  it('handles multi-character delimiters, leading delimiters, // and trailing /', async () => {
    const { w, bucket } = await bucketWith([
      'a--b--c',
      'a--d',
      'a-e',
      '--lead',
      'x',
      '/root',
      '//double',
      'trail/',
      'a//b',
      'a//c/d',
    ]);
    const dd = await list(w.s3, bucket, { delimiter: '--' });
    expect(dd.prefixes).toEqual(['--', 'a--']);
    expect(dd.keys).toEqual(['//double', '/root', 'a-e', 'a//b', 'a//c/d', 'trail/', 'x']);
    const inner = await list(w.s3, bucket, { prefix: 'a--', delimiter: '--' });
    expect(inner.prefixes).toEqual(['a--b--']);
    expect(inner.keys).toEqual(['a--d']);

    const slash = await list(w.s3, bucket, { delimiter: '/' });
    expect(slash.prefixes).toEqual(['/', 'a/', 'trail/']);
    expect(slash.keys).toEqual(['--lead', 'a--b--c', 'a--d', 'a-e', 'x']);
    const root = await list(w.s3, bucket, { prefix: '/', delimiter: '/' });
    expect(root.prefixes).toEqual(['//']);
    expect(root.keys).toEqual(['/root']);
    const ab = await list(w.s3, bucket, { prefix: 'a/', delimiter: '/' });
    expect(ab.prefixes).toEqual(['a//']);
    const abb = await list(w.s3, bucket, { prefix: 'a//', delimiter: '/' });
    expect(abb.keys).toEqual(['a//b']);
    expect(abb.prefixes).toEqual(['a//c/']);
    const trail = await list(w.s3, bucket, { prefix: 'trail/', delimiter: '/' });
    expect(trail.keys).toEqual(['trail/']);
  });

  it('combines prefix and start-after before, inside and after the prefix', async () => {
    const { w, bucket } = await bucketWith(['a/1', 'p/1', 'p/2', 'p/3/x', 'q/1']);
    const run = async (startAfter: string, extra: Record<string, string> = {}) => {
      const l = await list(w.s3, bucket, { prefix: 'p/', 'start-after': startAfter, ...extra });
      return [...l.keys, ...l.prefixes];
    };
    expect(await run('a')).toEqual(['p/1', 'p/2', 'p/3/x']);
    expect(await run('p/')).toEqual(['p/1', 'p/2', 'p/3/x']);
    expect(await run('p/1')).toEqual(['p/2', 'p/3/x']);
    expect(await run('p0')).toEqual([]);
    expect(await run('zzz')).toEqual([]);
    expect(await run('p/1', { delimiter: '/' })).toEqual(['p/2', 'p/3/']);
    expect(await run('p/3/', { delimiter: '/' })).toEqual([]);
    expect(await run('p/3', { delimiter: '/' })).toEqual(['p/3/']);
  });

  it("never lists another bucket's objects, even one whose name extends this one", async () => {
    const { w, bucket } = await bucketWith(['in/1', 'in2']);
    for (const other of [
      `${bucket}-other/a`,
      `${bucket}x/a`,
      `${bucket}.x/a`,
      `${bucket}0/a`,
      bucket,
      `${bucket}-other`,
    ]) {
      await env.R2_THAILAND_1.put(other, 'x');
    }
    for (const v2 of [true, false]) {
      expect((await list(w.s3, bucket, {}, v2)).keys).toEqual(['in/1', 'in2']);
      const d = await list(w.s3, bucket, { delimiter: '/' }, v2);
      expect(d.keys).toEqual(['in2']);
      expect(d.prefixes).toEqual(['in/']);
      expect((await list(w.s3, bucket, { delimiter: '-' }, v2)).prefixes).toEqual([]);
    }
    expect((await list(w.s3, bucket, { 'start-after': 'in2' })).keys).toEqual([]);
    expect((await pageAll(w.s3, bucket, { 'max-keys': '1' }, true)).entries).toEqual(['in/1', 'in2']);
  });
});

describe('large listings', () => {
  it('pages 10,000 keys exactly once, in order (v2 by 1000, v1 with a delimiter by 333)', async () => {
    const keys: string[] = [];
    const pad = (n: number) => String(n).padStart(5, '0');
    // Four folders; every 10th name is a sub-folder of three keys, so pages end on common prefixes too.
    for (let n = 0; keys.length < 10_000; n++) {
      const folder = `f${n % 4}/`;
      if (n % 10 === 0) for (const c of ['a', 'b', 'c']) keys.push(`${folder}${pad(n)}/${c}`);
      else keys.push(`${folder}${pad(n)}`);
    }
    keys.length = 10_000;
    const { w, bucket } = await bucketWith(keys, ''); // empty bodies: local R2 puts are the slow part
    const sorted = [...keys].sort(byteOrder);

    const v2 = await pageAll(w.s3, bucket, { 'max-keys': '1000' }, true);
    expect(v2.pages.map((p) => p.keys.length)).toEqual(Array(10).fill(1000));
    expect(v2.pages.map((p) => p.truncated)).toEqual([...Array(9).fill(true), false]);
    expect(v2.entries).toEqual(sorted);

    let total = 0;
    let endedOnPrefix = false;
    for (const folder of ['f0/', 'f1/', 'f2/', 'f3/']) {
      const v1 = await pageAll(w.s3, bucket, { prefix: folder, delimiter: '/', 'max-keys': '333' }, false);
      const under = sorted.filter((k) => k.startsWith(folder));
      const expected = [
        ...new Set(
          under.map((k) => (k.indexOf('/', folder.length) < 0 ? k : k.slice(0, k.indexOf('/', folder.length) + 1))),
        ),
      ];
      expect(v1.entries).toEqual(expected);
      expect(v1.pages.slice(0, -1).every((p) => p.keys.length + p.prefixes.length === 333 && p.truncated)).toBe(true);
      endedOnPrefix ||= v1.pages.some((p) => p.r.NextMarker?.endsWith('/'));
      total += v1.entries.reduce(
        (sum, e) => sum + (e.endsWith('/') ? under.filter((k) => k.startsWith(e)).length : 1),
        0,
      );
    }
    expect(total).toBe(10_000);
    expect(endedOnPrefix).toBe(true); // some page ended on a common prefix

    // max-keys above 1000 is served as 1000 (and echoed as sent); the default is 1000.
    const big = await list(w.s3, bucket, { 'max-keys': '1001' });
    expect(big.keys).toHaveLength(1000);
    expect(big.r.MaxKeys).toBe('1001');
    expect(big.truncated).toBe(true);
    const dflt = await list(w.s3, bucket, {}, false);
    expect(dflt.keys).toHaveLength(1000);
    expect(dflt.truncated).toBe(true);
    const root = await list(w.s3, bucket, { delimiter: '/' });
    expect(root.prefixes).toEqual(['f0/', 'f1/', 'f2/', 'f3/']);
    expect(root.truncated).toBe(false);
  }, 120_000);
});
