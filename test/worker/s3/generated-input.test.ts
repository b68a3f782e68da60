/**
 * Generated-input test of the S3 front door (issue 12, "never a 5xx on bad input"): fast-check builds random and
 * mutated requests in eight families and hands each to the Worker's fetch handler (../support/worker-fetch.ts) with
 * real local D1 and R2. Every answer must be below 500 (501 NotImplemented for an operation ROS does not offer is
 * allowed), every error must be AWS's XML <Error> with a Code, and a refused write must leave the site's R2 listing
 * and D1 tables exactly as they were once its waitUntil work has finished (snapshot before, compare after). A write
 * that succeeds may store; the fixtures are then put back (restoreFixtures) so the cases stay independent.
 *
 * Default: 1,000 cases per family from a fixed seed, as CI runs it (about a minute on two cores). A deeper run, or
 * another seed:
 *
 *   FUZZ_RUNS=10000 FUZZ_SEED=7 npx vitest run --project workers test/worker/s3/generated-input.test.ts
 *
 * The variables are read by vitest.config.ts and handed to the tests with Vitest's `provide` (the tests run inside
 * workerd, where process.env is not the shell's). A failure prints the seed and the shrunk case's path: rerun with
 * that FUZZ_SEED to reproduce it.
 */
import fc from 'fast-check';
import { env } from 'cloudflare:workers';
import { beforeAll, describe as suite, it } from 'vitest';
import { checksumOf } from '../../../src/checksums';
import { sha256Hex, toBase64, toHex } from '../../../src/crypto/encoding';
import { EMPTY_SHA256, deriveSigningKey, hmacHex, uriEncode } from '../../../src/s3/auth/sigv4';
import {
  type RawRequest,
  buildRequest,
  describe,
  forgetSnapshot,
  fuzzSettings,
  presignV4,
  send,
  signV2,
  signV4,
} from './fuzz-support';
import { bytes, s3World, xmlText, type S3World } from './s3-fixtures';

const { numRuns, seed } = fuzzSettings();
const RUN = { numRuns, seed, endOnFailure: false };
// Each family gets the time its runs need on a slow shared machine, however many are asked for (a case is a few ms
// on a quiet one; a multipart sequence is up to five requests).
const TIMEOUT = 60_000 + numRuns * 100;

let w: S3World;
let B: string;
/** The object fixtures: key → bytes. `mpu-obj` is also written as a one-part multipart upload. */
const OBJECTS: Record<string, Uint8Array> = {
  obj: bytes(1000, 1),
  empty: new Uint8Array(0),
  'dir/a': bytes(10, 2),
};
const fixture = {
  /** An upload in progress for key `open`, with part 1 uploaded. */
  upload: '',
  part1ETag: '',
  /** The stored ETag of each fixture object. */
  etags: {} as Record<string, string>,
  aclBody: '',
};

const objectPath = (key: string) => `/${B}/${uriEncode(key).replace(/%2F/g, '/')}`;
/** A key as one path segment (`/` as %2F): no dot segment for the URL parser to resolve. */
const keyPath = (bucket: string, key: string) => `/${bucket}/${uriEncode(key)}`;

async function s3(method: string, target: string, body?: BodyInit, headers: Record<string, string> = {}) {
  const res = await w.s3.fetch(target, { method, body, headers });
  const text = await res.text();
  return { status: res.status, text, headers: res.headers };
}

async function createOpenUpload() {
  const created = await s3('POST', `/${B}/open?uploads`);
  fixture.upload = xmlText(created.text, 'UploadId')!;
  const part = await s3('PUT', `/${B}/open?partNumber=1&uploadId=${fixture.upload}`, bytes(100, 3));
  fixture.part1ETag = part.headers.get('ETag')!;
}

async function putMultipartObject() {
  const created = await s3('POST', `/${B}/mpu-obj?uploads`);
  const id = xmlText(created.text, 'UploadId')!;
  const part = await s3('PUT', `/${B}/mpu-obj?partNumber=1&uploadId=${id}`, bytes(300, 4));
  const done = await s3(
    'POST',
    `/${B}/mpu-obj?uploadId=${id}`,
    `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${part.headers.get('ETag')}</ETag></Part></CompleteMultipartUpload>`,
  );
  if (done.status !== 200) throw new Error(`fixture mpu-obj: ${done.status} ${done.text}`);
}

/**
 * After a write that succeeded: the fixture bucket holds exactly the fixtures again (extra objects deleted, missing
 * or overwritten ones put back) and the open upload exists with its part; uploads the case created are aborted.
 */
async function restoreFixtures() {
  // The test's own writes make the snapshot send() remembers stale.
  forgetSnapshot();
  const listed = await env.R2_THAILAND_1.list({ prefix: `${B}/`, limit: 1000 });
  const present = new Map(listed.objects.map((o) => [o.key.slice(B.length + 1), o.etag]));
  for (const key of present.keys()) {
    if (key in OBJECTS || key === 'mpu-obj') continue;
    await s3('DELETE', keyPath(B, key));
  }
  for (const [key, data] of Object.entries(OBJECTS)) {
    if (present.get(key) !== fixture.etags[key]) {
      await s3('PUT', objectPath(key), data);
      fixture.etags[key] = (await env.R2_THAILAND_1.head(`${B}/${key}`))!.etag;
    }
  }
  if (present.get('mpu-obj') !== fixture.etags['mpu-obj']) {
    await putMultipartObject();
    fixture.etags['mpu-obj'] = (await env.R2_THAILAND_1.head(`${B}/mpu-obj`))!.etag;
  }
  const uploads = await env.DB.prepare('SELECT upload_id, bucket, key FROM multipart_uploads').all<{
    upload_id: string;
    bucket: string;
    key: string;
  }>();
  let open = false;
  for (const u of uploads.results) {
    if (u.upload_id === fixture.upload) open = true;
    else await s3('DELETE', `${keyPath(u.bucket, u.key)}?uploadId=${encodeURIComponent(u.upload_id)}`);
  }
  if (!open) await createOpenUpload();
}

beforeAll(async () => {
  w = await s3World();
  B = await w.newBucket('fuzz');
  for (const [key, data] of Object.entries(OBJECTS)) await s3('PUT', objectPath(key), data);
  await putMultipartObject();
  for (const key of [...Object.keys(OBJECTS), 'mpu-obj'])
    fixture.etags[key] = (await env.R2_THAILAND_1.head(`${B}/${key}`))!.etag;
  await createOpenUpload();
  fixture.aclBody = (await s3('GET', `/${B}?acl`)).text;
}, 60_000);

/** Placeholders a generated target may hold, filled in when the case runs (the fixtures exist only then). */
const fill = (text: string) => text.replaceAll('{B}', B).replaceAll('{upload}', fixture.upload);

type Auth = 'v4' | 'presign' | 'none';

/** Signs (or not) and sends one case; a write that succeeded puts the fixtures back. */
async function run(raw: RawRequest, auth: Auth = 'v4') {
  const filled: RawRequest = {
    ...raw,
    target: fill(raw.target),
    headers: raw.headers?.map(([n, v]) => [n, fill(v)]),
    body: typeof raw.body === 'string' ? fill(raw.body) : raw.body,
  };
  let request: Request | null;
  if (auth === 'v4') request = (await signV4(w.s3, filled))?.request ?? null;
  else if (auth === 'presign') {
    const target = await presignV4(w.s3, filled);
    request = target === null ? null : buildRequest({ ...filled, target });
  } else request = buildRequest(filled);
  // The runtime refuses to build some requests (a forbidden method, an unencodable header): nothing to send.
  if (!request) return null;
  const answer = await send(request, `${auth} ${describe(filled)}`);
  if (answer.status < 300 && request.method !== 'GET' && request.method !== 'HEAD') await restoreFixtures();
  return answer;
}

// ---------------------------------------------------------------------------------------------------------------
// Building blocks
// ---------------------------------------------------------------------------------------------------------------

/** Printable ASCII: what a header may carry without the runtime's warning on every non-ASCII value. */
const printable = (max: number) =>
  fc.string({
    unit: fc
      .integer({ min: 0x20, max: 0xff })
      .filter((c) => c !== 0x7f)
      .map((c) => String.fromCharCode(c)),
    maxLength: max,
  });
const anyText = (max: number) =>
  fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: max }),
    fc.string({ unit: 'binary', maxLength: max }),
    printable(max),
  );

const SEGMENTS = [
  '.',
  '..',
  '',
  'obj',
  'empty',
  'mpu-obj',
  'dir',
  'a',
  'open',
  '%2e',
  '%2E%2e',
  '%2F',
  '%2f..',
  '%',
  '%z',
  '%zz',
  '%4',
  '%E1%88',
  '%C0%AF',
  '%FF',
  '%00',
  '%0A',
  '%20',
  '+',
  '~',
  '*',
  '%25',
  '%u1234',
  '?',
  ';',
  ':',
  '@',
  '#',
  '\\',
  'ሴ',
  '\u0000',
  '\u001f',
  '\uffff',
];
const segment = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...SEGMENTS) },
  { weight: 2, arbitrary: anyText(12) },
  { weight: 1, arbitrary: fc.integer({ min: 990, max: 1100 }).map((n) => 'k'.repeat(n)) },
);
const bucketSegment = fc.oneof(
  { weight: 6, arbitrary: fc.constant('{B}') },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'fuzz-nothing-here',
      'A',
      'ab',
      'x'.repeat(64),
      '..',
      'a..b',
      '-a',
      'a_b',
      '192.168.0.1',
      'xn--a',
      '%62ucket',
      'bucket%zz',
      'ÄÖ',
    ),
  },
  { weight: 1, arbitrary: segment },
);
const path = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom('/', '//', '/?', '/%', '/%zz') },
  {
    weight: 9,
    arbitrary: fc
      .tuple(bucketSegment, fc.array(segment, { maxLength: 4 }), fc.boolean())
      .map(([b, segs, slash]) => `/${[b, ...segs].join('/')}${slash ? '/' : ''}`),
  },
);

const QUERY_NAMES = [
  'acl',
  'accelerate',
  'analytics',
  'attributes',
  'cors',
  'delete',
  'encryption',
  'intelligent-tiering',
  'inventory',
  'legal-hold',
  'lifecycle',
  'location',
  'logging',
  'metrics',
  'notification',
  'object-lock',
  'ownershipControls',
  'policy',
  'policyStatus',
  'publicAccessBlock',
  'replication',
  'requestPayment',
  'restore',
  'retention',
  'select',
  'session',
  'tagging',
  'torrent',
  'uploads',
  'uploadId',
  'partNumber',
  'versionId',
  'versioning',
  'versions',
  'website',
  'list-type',
  'max-keys',
  'prefix',
  'delimiter',
  'marker',
  'encoding-type',
  'continuation-token',
  'start-after',
  'fetch-owner',
  'max-uploads',
  'key-marker',
  'upload-id-marker',
  'max-parts',
  'part-number-marker',
  'response-content-type',
  'response-content-disposition',
  'response-cache-control',
  'response-expires',
  'response-content-language',
  'response-content-encoding',
  'x-id',
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-Expires',
  'X-Amz-SignedHeaders',
  'X-Amz-Signature',
  'X-Amz-Security-Token',
  'AWSAccessKeyId',
  'Signature',
  'Expires',
];
const NUMBERS = [
  '0',
  '1',
  '2',
  '-1',
  '1000',
  '1001',
  '10000',
  '10001',
  '99999999999999999999',
  '1e3',
  '0x10',
  '1.5',
  ' 1',
  'NaN',
];
const queryValue = fc.oneof(
  { weight: 2, arbitrary: fc.constant('') },
  {
    weight: 4,
    arbitrary: fc.constantFrom(...NUMBERS, 'url', 'true', '%', '%zz', '%E1', 'null', '{upload}', '/', 'obj'),
  },
  { weight: 3, arbitrary: anyText(10) },
);
/** One `name=value` pair as it goes on the wire: bare name, raw, or percent-encoded. */
const queryPair = fc
  .tuple(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...QUERY_NAMES) }, anyText(8)), queryValue, fc.nat(2))
  .map(([name, value, form]) => {
    if (form === 0) return name;
    if (form === 1) return `${name}=${value}`;
    try {
      return `${encodeURIComponent(name)}=${encodeURIComponent(value)}`;
    } catch {
      return `${name}=${value}`; // a lone surrogate: send it raw
    }
  });
const query = fc
  .array(queryPair, { maxLength: 5 })
  .chain((pairs) => fc.boolean().map((dup) => (dup && pairs.length ? [...pairs, pairs[0]] : pairs)))
  .map((pairs) => (pairs.length ? `?${pairs.join('&')}` : ''));

const METHODS = fc.oneof(
  { weight: 10, arbitrary: fc.constantFrom('GET', 'HEAD', 'PUT', 'POST', 'DELETE') },
  { weight: 1, arbitrary: fc.constantFrom('PATCH', 'OPTIONS', 'PROPFIND', 'get', 'put', 'Delete', 'X') },
);
const auth = fc.oneof(
  { weight: 6, arbitrary: fc.constant<Auth>('v4') },
  { weight: 2, arbitrary: fc.constant<Auth>('presign') },
  { weight: 2, arbitrary: fc.constant<Auth>('none') },
);
const smallBody = fc.option(anyText(64), { nil: undefined });

const md5Base64 = async (data: Uint8Array | string) =>
  toBase64(
    new Uint8Array(await crypto.subtle.digest('MD5', typeof data === 'string' ? new TextEncoder().encode(data) : data)),
  );

// ---------------------------------------------------------------------------------------------------------------
// Families
// ---------------------------------------------------------------------------------------------------------------

suite('generated input: the S3 front door never answers 5xx and a refused write stores nothing', () => {
  it(
    '(a) random methods × paths × query strings',
    async () => {
      await fc.assert(
        fc.asyncProperty(METHODS, path, query, smallBody, auth, async (method, p, q, body, a) => {
          await run({ method, target: `${p}${q}`, body }, a);
        }),
        RUN,
      );
    },
    TIMEOUT,
  );

  const HEADER_NAMES = [
    'Content-Length',
    'Content-MD5',
    'x-amz-content-sha256',
    'x-amz-decoded-content-length',
    'Content-Type',
    'Content-Encoding',
    'x-amz-copy-source',
    'x-amz-copy-source-range',
    'x-amz-metadata-directive',
    'If-Match',
    'If-None-Match',
    'If-Modified-Since',
    'If-Unmodified-Since',
    'x-amz-copy-source-if-match',
    'x-amz-copy-source-if-none-match',
    'x-amz-copy-source-if-modified-since',
    'x-amz-copy-source-if-unmodified-since',
    'x-amz-checksum-crc32',
    'x-amz-checksum-crc32c',
    'x-amz-checksum-crc64nvme',
    'x-amz-checksum-sha1',
    'x-amz-checksum-sha256',
    'x-amz-checksum-algorithm',
    'x-amz-sdk-checksum-algorithm',
    'x-amz-checksum-type',
    'x-amz-trailer',
    'x-amz-acl',
    'x-amz-grant-read',
    'x-amz-grant-full-control',
    'x-amz-tagging',
    'x-amz-tagging-directive',
    'x-amz-meta-a',
    'x-amz-meta-',
    'x-amz-storage-class',
    'x-amz-server-side-encryption',
    'x-amz-website-redirect-location',
    'Cache-Control',
    'Content-Disposition',
    'Expires',
    'Range',
    'x-amz-expected-bucket-owner',
    'x-amz-object-ownership',
    'x-amz-bucket-object-lock-enabled',
    'Origin',
    'Access-Control-Request-Method',
    'Expect',
    'Date',
    'x-amz-security-token',
    'x-amz-mp-object-size',
  ];
  const headerValue = fc.oneof(
    { weight: 2, arbitrary: fc.constant('') },
    {
      weight: 6,
      arbitrary: fc.constantFrom(
        ...NUMBERS,
        'UNSIGNED-PAYLOAD',
        'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
        'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
        'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD',
        EMPTY_SHA256,
        'aws-chunked',
        'gzip, aws-chunked',
        'multipart/form-data; boundary=x',
        'multipart/form-data',
        'application/xml',
        '{B}/obj',
        '/{B}/obj',
        '{B}/obj?versionId=null',
        '{B}/obj?versionId=x',
        '{B}/mpu-obj',
        '{B}/nope',
        '{B}/%zz',
        '{B}/',
        '{B}',
        'nobucket/x',
        '/',
        `{B}/${'k'.repeat(1100)}`,
        'bytes=0-9',
        'bytes=5-2',
        'bytes=-1',
        'bytes=0-99999999999999999999',
        'COPY',
        'REPLACE',
        'private',
        'public-read',
        'public-read-write',
        'authenticated-read',
        'bucket-owner-full-control',
        'log-delivery-write',
        'id="x"',
        'uri="http://acs.amazonaws.com/groups/global/AllUsers"',
        'emailAddress="a@b.c"',
        'a=b&c=d',
        'a=%zz',
        '=',
        'a=b&a=c',
        '"d41d8cd98f00b204e9800998ecf8427e"',
        '*',
        'W/"x"',
        'Mon, 01 Jan 2024 00:00:00 GMT',
        'Fri, 31 Dec 9999 23:59:59 GMT',
        'not a date',
        '1B2M2Y8AsgTpgAmY7PhCfg==',
        'AAAAAA==',
        '####',
        'CRC32',
        'CRC32C',
        'CRC64NVME',
        'SHA1',
        'SHA256',
        'MD5',
        'COMPOSITE',
        'FULL_OBJECT',
        'x-amz-checksum-crc32',
        'x-amz-meta-a',
        'GLACIER',
        'STANDARD',
        'AES256',
        'aws:kms',
        '100-continue',
        'http://example.com',
        'PUT',
      ),
    },
    { weight: 2, arbitrary: printable(40) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 32 }).map((b) => toBase64(b)) },
    { weight: 1, arbitrary: fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => toHex(b)) },
  );
  const headerSet = fc.array(fc.tuple(fc.constantFrom(...HEADER_NAMES), headerValue), { maxLength: 6 });
  /** The operations headers change: method, target (placeholders filled at run time), whether a body goes. */
  const OPERATIONS: [string, string, boolean][] = [
    ['PUT', '/{B}/fz-b', true],
    ['PUT', '/{B}/open?partNumber=2&uploadId={upload}', true],
    ['POST', '/{B}/fz-b?uploads', false],
    ['POST', '/{B}/open?uploadId={upload}', true],
    ['GET', '/{B}/obj', false],
    ['HEAD', '/{B}/obj', false],
    ['GET', '/{B}/mpu-obj?partNumber=1', false],
    ['DELETE', '/{B}/fz-b', false],
    ['PUT', '/{B}?cors', true],
    ['PUT', '/{B}?acl', true],
    ['PUT', '/{B}/obj?acl', true],
    ['PUT', '/{B}?publicAccessBlock', true],
    ['PUT', '/{B}/obj?tagging', true],
    ['POST', '/{B}?delete', true],
    ['PUT', '/{B}', false],
    ['POST', '/{B}', true],
    ['GET', '/{B}?list-type=2', false],
  ];

  it(
    '(b) random header sets on every kind of operation',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...OPERATIONS),
          headerSet,
          fc.option(fc.oneof(anyText(64), fc.uint8Array({ maxLength: 200 })), { nil: undefined }),
          fc.constantFrom<Auth>('v4', 'v4', 'v4', 'none'),
          async ([method, target, hasBody], headers, body, a) => {
            await run({ method, target, headers, body: hasBody ? (body ?? '') : undefined }, a);
          },
        ),
        RUN,
      );
    },
    TIMEOUT,
  );

  // SigV4: a valid signature, then fields dropped, reordered, duplicated, bent.
  const SIGNED_OPS: [string, string, string | undefined][] = [
    ['GET', '/{B}/obj', undefined],
    ['HEAD', '/{B}/obj', undefined],
    ['PUT', '/{B}/fz-c', 'data'],
    ['DELETE', '/{B}/fz-c', undefined],
    ['PUT', '/{B}/open?partNumber=2&uploadId={upload}', 'part'],
    ['GET', '/{B}?list-type=2', undefined],
    ['GET', '/', undefined],
  ];
  type AuthField = [string, string];
  const mutateAuthorization = fc.array(
    fc.oneof(
      fc.nat(3).map((i) => (f: AuthField[]) => f.filter((_, j) => j !== i)),
      fc.nat(3).map((i) => (f: AuthField[]) => (f[i] ? [...f, f[i]] : f)),
      fc.constant((f: AuthField[]) => [...f].reverse()),
      fc
        .tuple(
          fc.constantFrom('Credential', 'SignedHeaders', 'Signature', 'credential', 'Foo', ''),
          fc.oneof(
            fc.constantFrom(
              '',
              'x',
              'AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request',
              '{id}/20000101/auto/s3/aws4_request',
              '{id}/{date}/auto/s4/aws4_request',
              '{id}/{date}/auto/s3/aws5_request',
              '{id}/{date}/auto/s3',
              '{id}/{date}//s3/aws4_request',
              '{id}/{date}/auto/s3/aws4_request/extra',
              '{id}//auto/s3/aws4_request',
              '/{date}/auto/s3/aws4_request',
              '{id}/9999999/auto/s3/aws4_request',
              '{id}/{date}/%zz/s3/aws4_request',
              'host',
              'host;x-amz-date',
              'x-amz-date;host',
              'host;nonexistent;x-amz-content-sha256;x-amz-date',
              'HOST;X-AMZ-DATE',
              'host;host',
              ';',
              '{sig}0',
              '{sigshort}',
              '{sigupper}',
              'zz'.repeat(32),
            ),
            printable(20),
          ),
        )
        .map(([name, value]) => (f: AuthField[]): AuthField[] => {
          const i = f.findIndex(([n]) => n === name);
          return i >= 0
            ? f.map((x, j): AuthField => (j === i ? [name, value] : x))
            : [...f, [name, value] as AuthField];
        }),
    ),
    { maxLength: 3 },
  );
  const algorithm = fc.constantFrom(
    'AWS4-HMAC-SHA256',
    'AWS4-HMAC-SHA256',
    'AWS4-HMAC-SHA256',
    'aws4-hmac-sha256',
    'AWS4-HMAC-SHA1',
    'AWS4-ECDSA-P256-SHA256',
    'AWS',
    '',
  );
  const separator = fc.constantFrom(', ', ', ', ',', ' ', ' , ', ';', ',,');
  const QUERY_AUTH_NAMES = [
    'X-Amz-Algorithm',
    'X-Amz-Credential',
    'X-Amz-Date',
    'X-Amz-Expires',
    'X-Amz-SignedHeaders',
    'X-Amz-Signature',
  ];
  const QUERY_AUTH_VALUES = [
    '',
    '0',
    '-1',
    '604800',
    '604801',
    '1e30',
    'abc',
    'AWS4-HMAC-SHA1',
    '{id}/{date}/auto/s3/aws4_request',
    '{id}/20000101/auto/s3/aws4_request',
    '{id}/{date}/auto/s3',
    'x/y',
    '20000101T000000Z',
    '{hourago}',
    '99999999T999999Z',
    'host;x-amz-date',
    'x-amz-date',
    '{sig}',
    '{sigupper}',
    '{sigshort}',
  ];
  const amzDate = fc.option(
    fc.constantFrom(
      '',
      '20260101T000000Z',
      '20261301T000000Z',
      '99991231T235959Z',
      '2026-01-01T00:00:00Z',
      'x',
      '{hourago}',
    ),
    { nil: undefined },
  );

  it(
    '(c) SigV4 Authorization headers and presigned queries, valid then mutated',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...SIGNED_OPS),
          fc.boolean(),
          mutateAuthorization,
          algorithm,
          separator,
          amzDate,
          fc.array(
            fc.tuple(
              fc.constantFrom(...QUERY_AUTH_NAMES),
              fc.oneof(fc.constantFrom(...QUERY_AUTH_VALUES), printable(12)),
            ),
            { maxLength: 3 },
          ),
          fc.nat(2),
          async ([method, t, body], presigned, mutations, algo, sep, date, queryEdits, queryDrop) => {
            const raw: RawRequest = { method, target: fill(t), body };
            const now = new Date();
            const date8 = now.toISOString().slice(0, 10).replace(/-/g, '');
            const hourAgo = `${date8}T${String((now.getUTCHours() + 23) % 24).padStart(2, '0')}0000Z`;
            const fillAuth = (s: string, sig: string) =>
              s
                .replaceAll('{id}', w.s3.accessKeyId)
                .replaceAll('{date}', date8)
                .replaceAll('{sigshort}', sig.slice(0, 40))
                .replaceAll('{sigupper}', sig.toUpperCase())
                .replaceAll('{sig}', sig)
                .replaceAll('{hourago}', hourAgo);
            let request: Request | null;
            if (presigned) {
              const target = await presignV4(w.s3, raw);
              if (!target) return;
              const [p, q = ''] = target.split('?');
              let pairs = q.split('&');
              const sig = pairs.find((x) => x.startsWith('X-Amz-Signature='))!.slice(16);
              if (queryDrop > 0 && pairs.length > 1) pairs = pairs.filter((_, i) => i % 7 !== queryDrop);
              for (const [name, value] of queryEdits) {
                const v = fillAuth(value, sig);
                const i = pairs.findIndex((x) => x.startsWith(`${name}=`));
                if (i >= 0 && v.length % 2 === 0) pairs[i] = `${name}=${encodeURIComponent(v)}`;
                else pairs.push(`${name}=${encodeURIComponent(v)}`);
              }
              const headers: [string, string][] = date === undefined ? [] : [['x-amz-date', fillAuth(date, sig)]];
              request = buildRequest({ ...raw, target: `${p}?${pairs.join('&')}`, headers });
            } else {
              const signed = await signV4(w.s3, raw);
              if (!signed) return;
              const authz = signed.request.headers.get('Authorization')!;
              let fields: AuthField[] = authz
                .slice(authz.indexOf(' ') + 1)
                .split(', ')
                .map((f): AuthField => [f.slice(0, f.indexOf('=')), f.slice(f.indexOf('=') + 1)]);
              for (const m of mutations) fields = m(fields);
              const value = `${algo} ${fields.map(([n, v]) => `${n}=${fillAuth(v, signed.signature)}`).join(sep)}`;
              request = new Request(signed.request);
              try {
                request.headers.set('Authorization', value);
                if (date !== undefined) request.headers.set('x-amz-date', fillAuth(date, signed.signature));
              } catch {
                return;
              }
            }
            if (!request) return;
            const answer = await send(
              request,
              `${presigned ? 'presigned' : 'header'} ${request.method} ${request.url} ${request.headers.get('Authorization')}`,
            );
            if (answer.status < 300 && method !== 'GET' && method !== 'HEAD') await restoreFixtures();
          },
        ),
        RUN,
      );
    },
    TIMEOUT,
  );

  it(
    '(d) SigV2 Authorization headers and AWSAccessKeyId/Expires/Signature queries, random and mutated',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...SIGNED_OPS),
          fc.boolean(),
          fc.constantFrom('valid', 'valid', 'random', 'other', 'empty', 'malformed'),
          fc.constantFrom('valid', 'valid', 'flipped', 'random', 'empty', 'hex', 'long'),
          fc.constantFrom('now', 'now', 'past', 'future', 'junk', 'none', 'zero', 'negative', 'huge'),
          fc.array(
            fc.tuple(fc.constantFrom('AWSAccessKeyId', 'Expires', 'Signature', 'x-amz-date', 'Date'), printable(12)),
            { maxLength: 2 },
          ),
          fc.nat(3),
          async ([method, t, body], query, idKind, sigKind, timeKind, edits, drop) => {
            const target = fill(t);
            const nowS = Math.floor(Date.now() / 1000);
            const time = {
              now: query ? String(nowS + 300) : new Date().toUTCString(),
              past: query ? String(nowS - 3600) : new Date(Date.now() - 3600_000).toUTCString(),
              future: query ? String(nowS + 10 * 365 * 86400) : new Date(Date.now() + 3600_000).toUTCString(),
              junk: 'yesterday',
              none: '',
              zero: '0',
              negative: '-5',
              huge: '99999999999999999999',
            }[timeKind];
            const [p, q] = target.split('?');
            const sub = q ? `?${q}` : '';
            const contentType = body === undefined ? '' : 'text/plain';
            const stringToSign = `${method}\n\n${contentType}\n${time}\n${p}${sub}`;
            const valid = await signV2(w.s3.secretAccessKey, stringToSign);
            const id = {
              valid: w.s3.accessKeyId,
              random: 'AKIDEXAMPLE',
              other: `${w.s3.accessKeyId}x`,
              empty: '',
              malformed: ':',
            }[idKind];
            const sig = {
              valid,
              flipped: `${valid.slice(0, 3)}${valid[3] === 'A' ? 'B' : 'A'}${valid.slice(4)}`,
              random: 'bm90IGEgc2lnbmF0dXJl',
              empty: '',
              hex: 'ab'.repeat(20),
              long: 'A'.repeat(400),
            }[sigKind];
            const headers: [string, string][] = [];
            if (body !== undefined) headers.push(['Content-Type', contentType]);
            let wire = target;
            if (query) {
              const params = [
                `AWSAccessKeyId=${encodeURIComponent(id)}`,
                `Expires=${encodeURIComponent(time)}`,
                `Signature=${encodeURIComponent(sig)}`,
              ].filter((_, i) => i !== drop);
              wire = `${target}${q ? '&' : '?'}${params.join('&')}`;
            } else {
              if (time) headers.push(['Date', time]);
              if (drop !== 3) headers.push(['Authorization', drop === 2 ? `AWS ${id}` : `AWS ${id}:${sig}`]);
            }
            for (const [name, value] of edits) {
              if (query && name !== 'Date' && name !== 'x-amz-date') wire += `&${name}=${encodeURIComponent(value)}`;
              else headers.push([name, value]);
            }
            const request = buildRequest({ method, target: wire, headers, body });
            if (!request) return;
            const answer = await send(request, `sigv2 ${method} ${wire} ${JSON.stringify(headers)}`);
            if (answer.status < 300 && method !== 'GET' && method !== 'HEAD') await restoreFixtures();
          },
        ),
        RUN,
      );
    },
    TIMEOUT,
  );

  const rangeNumber = fc.oneof(
    { weight: 4, arbitrary: fc.nat(1100).map(String) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        '0',
        '299',
        '300',
        '999',
        '1000',
        '1001',
        '9007199254740993',
        '99999999999999999999999',
        '-1',
        '0x10',
        '1e3',
        ' 5',
        '',
        '+5',
        '1.0',
      ),
    },
  );
  const rangeSpec = fc.oneof(
    fc.tuple(rangeNumber, rangeNumber).map(([a, b]) => `${a}-${b}`),
    rangeNumber.map((n) => `-${n}`),
    rangeNumber.map((n) => `${n}-`),
    fc.constantFrom('-', '--', '', '1--2', '0-0', ' 0 - 1 '),
  );
  const rangeHeader = fc.oneof(
    { weight: 6, arbitrary: fc.array(rangeSpec, { minLength: 1, maxLength: 3 }).map((s) => `bytes=${s.join(',')}`) },
    { weight: 1, arbitrary: fc.array(rangeSpec, { minLength: 50, maxLength: 200 }).map((s) => `bytes=${s.join(',')}`) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom('Bytes', 'items', 'bytes ', ' bytes', ''), rangeSpec)
        .map(([u, s]) => `${u}=${s}`),
    },
    { weight: 1, arbitrary: printable(20) },
  );

  it(
    '(e) Range headers on GET and HEAD of existing objects',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom('GET', 'HEAD'),
          fc.constantFrom('obj', 'empty', 'mpu-obj', 'dir/a'),
          rangeHeader,
          fc.option(fc.constantFrom('1', '2', '0', '-1', 'x', '10001'), { nil: undefined }),
          fc.option(
            fc.tuple(fc.constantFrom('If-Match', 'If-None-Match', 'If-Range', 'If-Modified-Since'), headerValue),
            {
              nil: undefined,
            },
          ),
          fc.boolean(),
          async (method, key, range, partNumber, condition, presigned) => {
            const headers: [string, string][] = [['Range', range]];
            if (condition) headers.push(condition);
            const target = `/${B}/${key}${partNumber === undefined ? '' : `?partNumber=${partNumber}`}`;
            const answer = await run({ method, target, headers }, presigned ? 'presign' : 'v4');
            if (!answer) return;
            const size = key === 'mpu-obj' ? 300 : (OBJECTS[key]?.length ?? 0);
            if (answer.status === 206) {
              const m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(answer.headers.get('Content-Range') ?? '');
              if (!m || Number(m[3]) !== size || Number(m[1]) > Number(m[2]) || Number(m[2]) >= size) {
                throw new Error(
                  `206 with Content-Range ${answer.headers.get('Content-Range')} for ${range} on ${size} bytes`,
                );
              }
              if (method === 'GET' && answer.size !== Number(m[2]) - Number(m[1]) + 1) {
                throw new Error(`206 body of ${answer.size} bytes for ${answer.headers.get('Content-Range')}`);
              }
            }
          },
        ),
        RUN,
      );
    },
    TIMEOUT,
  );

  // XML bodies: each operation's valid document, then mutated.
  const XML_OPS: [string, string, () => string][] = [
    [
      'POST',
      '/{B}?delete',
      () =>
        '<Delete><Quiet>true</Quiet><Object><Key>fz-f</Key></Object><Object><Key>fz-g</Key><VersionId>null</VersionId></Object></Delete>',
    ],
    [
      'POST',
      '/{B}/open?uploadId={upload}',
      () =>
        `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${fixture.part1ETag}</ETag></Part></CompleteMultipartUpload>`,
    ],
    [
      'PUT',
      '/{B}?cors',
      () =>
        '<CORSConfiguration><CORSRule><ID>r</ID><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><AllowedHeader>*</AllowedHeader><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>3000</MaxAgeSeconds></CORSRule></CORSConfiguration>',
    ],
    ['PUT', '/{B}?acl', () => fixture.aclBody],
    ['PUT', '/{B}/obj?acl', () => fixture.aclBody],
    [
      'PUT',
      '/{B}?publicAccessBlock',
      () =>
        '<PublicAccessBlockConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><BlockPublicAcls>true</BlockPublicAcls><IgnorePublicAcls>false</IgnorePublicAcls><BlockPublicPolicy>true</BlockPublicPolicy><RestrictPublicBuckets>false</RestrictPublicBuckets></PublicAccessBlockConfiguration>',
    ],
    ['PUT', '/{B}/obj?tagging', () => '<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>'],
    ['PUT', '/{B}?tagging', () => '<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>'],
  ];
  const NAMES = [
    '__proto__',
    'constructor',
    'prototype',
    'hasOwnProperty',
    'toString',
    'valueOf',
    '__defineGetter__',
    'Object',
    'Key',
    'Part',
    'x:Key',
    'a-b',
    '_',
  ];
  const TEXTS = [
    '9'.repeat(400),
    '-1',
    '0',
    '10001',
    '1e308',
    'NaN',
    '',
    ' ',
    '&amp;',
    '&#0;',
    '&#xD800;',
    '&#x110000;',
    '&bogus;',
    '&e;',
    '<![CDATA[x]]>',
    '<![CDATA[',
    '<!-- c -->',
    '<?pi x?>',
    'ሴ',
    '\u0001',
    '"etag"',
    'true',
    'TRUE',
    'FULL_CONTROL',
    'READ',
    'PUT',
    'k'.repeat(1100),
  ];
  type XmlMutation = (doc: string) => string;
  const xmlMutation: fc.Arbitrary<XmlMutation> = fc.oneof(
    fc.nat().map((n) => (d: string) => d.slice(0, n % (d.length + 1))),
    fc
      .constantFrom(
        '<!DOCTYPE x [<!ENTITY e "expanded">]>',
        '<!DOCTYPE x SYSTEM "file:///etc/passwd">',
        '<!DOCTYPE x [<!ENTITY e SYSTEM "http://example.com/">]>',
        '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY e "&b;&b;&b;&b;&b;&b;&b;&b;">]>',
        '<?xml version="1.0" encoding="UTF-16"?>',
        '<?xml version="1.1"?>',
        '\ufeff',
        '<!-- before -->',
      )
      .map((prefix) => (d: string) => {
        const decl = d.startsWith('<?xml') ? d.slice(0, d.indexOf('?>') + 2) : '';
        return `${decl}${prefix}${d.slice(decl.length)}`;
      }),
    fc.integer({ min: 1, max: 400 }).map((n) => (d: string) => `${'<a>'.repeat(n)}${d}${'</a>'.repeat(n)}`),
    fc.tuple(fc.nat(), fc.integer({ min: 1, max: 300 })).map(([at, n]) => (d: string) => {
      const i = nthTag(d, at);
      return i < 0 ? d : `${d.slice(0, i)}${'<x>'.repeat(n)}${'</x>'.repeat(n)}${d.slice(i)}`;
    }),
    fc
      .tuple(fc.nat(), fc.oneof(fc.constantFrom(...NAMES), fc.string({ maxLength: 6 })))
      .map(([at, name]) => (d: string) => {
        const tags = [...d.matchAll(/<([A-Za-z_][\w:.-]*)[^>]*>/g)].filter((m) => !m[0].endsWith('/>'));
        if (!tags.length) return d;
        const old = tags[at % tags.length][1];
        return d.replaceAll(`<${old}>`, `<${name}>`).replaceAll(`</${old}>`, `</${name}>`);
      }),
    fc.tuple(fc.nat(), fc.oneof(fc.constantFrom(...TEXTS), anyText(10))).map(([at, text]) => (d: string) => {
      const texts = [...d.matchAll(/>([^<]+)</g)];
      if (!texts.length) return d;
      const m = texts[at % texts.length];
      const i = m.index! + 1;
      return `${d.slice(0, i)}${text}${d.slice(i + m[1].length)}`;
    }),
    fc.tuple(fc.nat(), anyText(8)).map(([at, junk]) => (d: string) => {
      const i = at % (d.length + 1);
      return `${d.slice(0, i)}${junk}${d.slice(i)}`;
    }),
    fc.nat().map((at) => (d: string) => {
      // An element duplicated in place.
      const m = [...d.matchAll(/<(\w+)>[^<]*<\/\1>/g)];
      if (!m.length) return d;
      const e = m[at % m.length];
      return `${d.slice(0, e.index!)}${e[0]}${d.slice(e.index!)}`;
    }),
    fc.nat().map((at) => (d: string) => {
      const m = [...d.matchAll(/<(\w+)>[^<]*<\/\1>/g)];
      if (!m.length) return d;
      const e = m[at % m.length];
      return `${d.slice(0, e.index!)}${d.slice(e.index! + e[0].length)}`;
    }),
    fc
      .constantFrom(' xmlns="urn:other"', ' a="1" a="2"', ' xmlns:p="x"', ' __proto__="x"')
      .map((attr) => (d: string) => {
        const i = nthTag(d, 0);
        if (i < 0) return d;
        const end = d.indexOf('>', i);
        return `${d.slice(0, end)}${attr}${d.slice(end)}`;
      }),
  );
  const badEncoding = fc.constantFrom<[string, number[]] | null>(
    null,
    null,
    null,
    ['invalid UTF-8', [0xff, 0xfe, 0xc0, 0xaf]],
    ['UTF-16 BOM', [0xfe, 0xff, 0x00, 0x3c]],
    ['NUL', [0x00]],
  );

  it(
    '(f) XML bodies of every operation that takes one, valid then mutated',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...XML_OPS),
          fc.array(xmlMutation, { maxLength: 3 }),
          badEncoding,
          fc.constantFrom('right', 'right', 'right', 'none', 'wrong'),
          async ([method, target, make], mutations, encoding, md5) => {
            let doc = make();
            for (const m of mutations) doc = m(doc);
            let body: Uint8Array = new TextEncoder().encode(doc);
            if (encoding) {
              const at = Math.floor(body.length / 2);
              body = new Uint8Array([...body.subarray(0, at), ...encoding[1], ...body.subarray(at)]);
            }
            const headers: [string, string][] = [['Content-Type', 'application/xml']];
            if (md5 === 'right') headers.push(['Content-MD5', await md5Base64(body)]);
            if (md5 === 'wrong') headers.push(['Content-MD5', '1B2M2Y8AsgTpgAmY7PhCfg==']);
            await run({ method, target, headers, body });
          },
        ),
        RUN,
      );
    },
    TIMEOUT,
  );

  // aws-chunked: valid framing of each STREAMING-* kind, then the bytes bent.
  type Framing = 'signed' | 'signed-trailer' | 'unsigned-trailer';
  type ChunkMutation = (framed: string) => string;
  const chunkMutation: fc.Arbitrary<ChunkMutation> = fc.oneof(
    fc
      .tuple(
        fc.nat(),
        fc.constantFrom(
          'zz',
          '-1',
          'ffffffffffffffff',
          '10000000000000000000',
          ' 10',
          '0x10',
          '',
          '2000',
          '1fff',
          '1',
          '0',
        ),
      )
      .map(([at, size]) => (f: string) => {
        const heads = [...f.matchAll(/(^|\r\n)([0-9a-f]+)(;|\r\n)/g)];
        if (!heads.length) return f;
        const h = heads[at % heads.length];
        const i = h.index! + h[1].length;
        return `${f.slice(0, i)}${size}${f.slice(i + h[2].length)}`;
      }),
    fc.nat().map((at) => (f: string) => {
      const crlfs = [...f.matchAll(/\r\n/g)];
      if (!crlfs.length) return f;
      const i = crlfs[at % crlfs.length].index!;
      return `${f.slice(0, i)}${f.slice(i + 2)}`;
    }),
    fc.nat().map((at) => (f: string) => {
      const sigs = [...f.matchAll(/signature=([0-9a-f]{64})/g)];
      if (!sigs.length) return f;
      const s = sigs[at % sigs.length];
      const i = s.index! + 'signature='.length + (at % 64);
      return `${f.slice(0, i)}${f[i] === '0' ? '1' : '0'}${f.slice(i + 1)}`;
    }),
    fc.nat().map((n) => (f: string) => f.slice(0, n % (f.length + 1))),
    fc
      .constantFrom('x', '\r\n', '0\r\n\r\n', '5\r\nhello\r\n', 'x-amz-checksum-crc32:AAAAAA==\r\n\r\n')
      .map((extra) => (f: string) => f + extra),
    fc
      .constantFrom(
        ['x-amz-checksum-crc32:', 'x-amz-checksum-crc32c:'],
        ['x-amz-checksum-crc32:', 'x-amz-checksum-crc32'],
        ['x-amz-checksum-crc32:', 'x-amz-meta-a:'],
        ['x-amz-checksum-crc32:', 'x-amz-checksum-crc32:####'],
        ['x-amz-checksum-crc32:', 'x-amz-checksum-crc32:AAAAAA==\r\nx-amz-checksum-crc32:'],
        ['x-amz-trailer-signature:', 'x-amz-trailer-signature:0'],
        ['x-amz-trailer-signature:', 'x-amz-nope:'],
        ['\r\n\r\n', '\r\n'],
        [';chunk-signature=', ';chunk-signatur='],
        [';chunk-signature=', ';a=b;chunk-signature='],
      )
      .map(([from, to]) => (f: string) => {
        const i = f.lastIndexOf(from);
        return i < 0 ? f : `${f.slice(0, i)}${to}${f.slice(i + from.length)}`;
      }),
  );
  const headerEdit = fc.option(
    fc.tuple(
      fc.constantFrom(
        'x-amz-decoded-content-length',
        'Content-Encoding',
        'x-amz-trailer',
        'x-amz-sdk-checksum-algorithm',
        'Content-MD5',
        'x-amz-checksum-crc32',
      ),
      fc.constantFrom(
        '',
        '0',
        '1',
        '-1',
        '99999999999',
        'abc',
        'x-amz-checksum-sha256',
        'x-amz-checksum-crc32, x-amz-checksum-crc32c',
        'gzip',
        'identity',
        'CRC32C',
        'AAAAAA==',
      ),
    ),
    { nil: undefined },
  );

  it(
    '(g) aws-chunked bodies, valid framing then mutated',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom<Framing>('signed', 'signed-trailer', 'unsigned-trailer'),
          fc.constantFrom(0, 1, 100, 8192, 8193, 20000),
          fc.constantFrom('/{B}/fz-g', '/{B}/open?partNumber=3&uploadId={upload}'),
          fc.array(chunkMutation, { maxLength: 3 }),
          headerEdit,
          async (framing, size, t, mutations, edit) => {
            const data = ascii(size);
            const token = {
              signed: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
              'signed-trailer': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER',
              'unsigned-trailer': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
            }[framing];
            const headers: [string, string][] = [
              ['x-amz-content-sha256', token],
              ['Content-Encoding', 'aws-chunked'],
              ['x-amz-decoded-content-length', String(size)],
            ];
            if (framing !== 'signed') headers.push(['x-amz-trailer', 'x-amz-checksum-crc32']);
            if (edit) {
              const i = headers.findIndex(([n]) => n === edit[0]);
              if (i >= 0) headers.splice(i, 1);
              if (edit[1] !== '') headers.push(edit);
            }
            const raw: RawRequest = { method: 'PUT', target: fill(t), headers };
            const signed = await signV4(w.s3, raw);
            if (!signed) return;
            const framed = await frame(framing, data, signed.signature, signed.amzDate);
            let body = framed;
            for (const m of mutations) body = m(body);
            const request = buildRequest({ ...raw, body: latin1Bytes(body) }, [
              ['x-amz-date', signed.amzDate],
              ['Authorization', signed.request.headers.get('Authorization')!],
            ]);
            // x-amz-content-sha256 is added by signV4 only when the case has none: here it always has one.
            if (!request) return;
            const answer = await send(
              request,
              `${framing} ${t} ${JSON.stringify(headers)} ${JSON.stringify(body.slice(0, 400))}`,
            );
            if (answer.status < 300) await restoreFixtures();
          },
        ),
        RUN,
      );
    },
    TIMEOUT,
  );

  async function frame(framing: Framing, data: string, seedSignature: string, amzDate: string): Promise<string> {
    const sizes: number[] = [];
    for (let at = 0; at < data.length; at += 8192) sizes.push(Math.min(8192, data.length - at));
    sizes.push(0);
    const crc = toBase64(await checksumOf('CRC32', latin1Bytes(data)));
    let out = '';
    let at = 0;
    if (framing === 'unsigned-trailer') {
      for (const n of sizes) {
        out += `${n.toString(16)}\r\n${n ? `${data.slice(at, at + n)}\r\n` : ''}`;
        at += n;
      }
      return `${out}x-amz-checksum-crc32:${crc}\r\n\r\n`;
    }
    const date = amzDate.slice(0, 8);
    const scope = `${date}/auto/s3/aws4_request`;
    const key = await deriveSigningKey(w.s3.secretAccessKey, date, 'auto', 's3');
    let previous = seedSignature;
    for (const n of sizes) {
      const chunk = data.slice(at, at + n);
      at += n;
      const sig = await hmacHex(
        key,
        `AWS4-HMAC-SHA256-PAYLOAD\n${amzDate}\n${scope}\n${previous}\n${EMPTY_SHA256}\n${await sha256Hex(latin1Bytes(chunk))}`,
      );
      out += `${n.toString(16)};chunk-signature=${sig}\r\n${n ? `${chunk}\r\n` : ''}`;
      previous = sig;
    }
    if (framing === 'signed') return `${out}\r\n`;
    const trailer = `x-amz-checksum-crc32:${crc}`;
    const trailerSig = await hmacHex(
      key,
      `AWS4-HMAC-SHA256-TRAILER\n${amzDate}\n${scope}\n${previous}\n${await sha256Hex(latin1Bytes(`${trailer}\n`))}`,
    );
    return `${out}${trailer}\r\nx-amz-trailer-signature:${trailerSig}\r\n\r\n`;
  }

  // Multipart sequences with bad part numbers, upload ids and ETags.
  const partNumber = fc.oneof(
    { weight: 3, arbitrary: fc.integer({ min: 1, max: 3 }).map(String) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        '0',
        '-1',
        '10000',
        '10001',
        '1.5',
        'abc',
        '',
        '01',
        '1e1',
        '99999999999999999999',
        ' 1',
        '0x1',
      ),
    },
  );
  const uploadRef = fc.constantFrom('mine', 'mine', 'mine', 'open', 'random', 'empty', 'garbage', 'other-key');
  const etagRef = fc.constantFrom('real', 'real', 'quoted-wrong', 'unquoted', 'empty', 'garbage', 'other-part');
  const step = fc.oneof(
    fc.record({ op: fc.constant('create' as const), key: fc.constantFrom('fz-h', 'fz-h', 'obj', 'k'.repeat(1100)) }),
    fc.record({ op: fc.constant('part' as const), upload: uploadRef, n: partNumber, size: fc.constantFrom(0, 1, 100) }),
    fc.record({
      op: fc.constant('complete' as const),
      upload: uploadRef,
      parts: fc.array(fc.tuple(partNumber, etagRef), { maxLength: 4 }),
      xml: fc.constantFrom('plain', 'plain', 'empty', 'none', 'checksums'),
    }),
    fc.record({ op: fc.constant('abort' as const), upload: uploadRef }),
    fc.record({
      op: fc.constant('list' as const),
      upload: uploadRef,
      params: fc.constantFrom(
        '',
        '&max-parts=0',
        '&max-parts=-1',
        '&max-parts=x',
        '&part-number-marker=2',
        '&part-number-marker=x',
        '&max-parts=99999999999999999999',
      ),
    }),
    fc.record({
      op: fc.constant('copy' as const),
      upload: uploadRef,
      n: partNumber,
      source: fc.constantFrom(
        '{B}/obj',
        '{B}/mpu-obj',
        '{B}/empty',
        '{B}/nope',
        '/{B}/obj?versionId=null',
        'x',
        `{B}/${'k'.repeat(1100)}`,
      ),
      range: fc.option(
        fc.constantFrom(
          'bytes=0-9',
          'bytes=0-999',
          'bytes=0-1000',
          'bytes=5-1',
          'bytes=-5',
          'bytes=a-b',
          'bytes=0-99999999999999999999',
          'bytes=0-0,1-1',
        ),
        { nil: undefined },
      ),
    }),
    fc.record({
      op: fc.constant('uploads' as const),
      params: fc.constantFrom(
        '',
        '&max-uploads=0',
        '&max-uploads=-1',
        '&max-uploads=x',
        '&key-marker=fz-h&upload-id-marker=x',
        '&upload-id-marker=x',
        '&prefix=fz&delimiter=-',
      ),
    }),
  );

  it(
    '(h) multipart sequences with bad part numbers, upload ids and ETags',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 5 }), async (steps) => {
          const state = { upload: '', key: 'fz-h', etags: new Map<string, string>() };
          /** Uploads this sequence created (aborted at its end) and whether it changed a fixture (restored then). */
          const created: [string, string][] = [];
          let touchedFixtures = false;
          const uploadOf = (ref: string) =>
            ({
              mine: state.upload || fixture.upload,
              open: fixture.upload,
              random: 'dGhpcyBpcyBub3QgYW4gdXBsb2Fk',
              empty: '',
              garbage: '%zz/../x',
              'other-key': state.upload || fixture.upload,
            })[ref]!;
          const keyOf = (ref: string) =>
            ref === 'open' ? 'open' : ref === 'other-key' ? 'dir/a' : state.upload ? state.key : 'open';
          for (const s of steps) {
            let raw: RawRequest;
            if (s.op === 'create') raw = { method: 'POST', target: `${keyPath(B, s.key)}?uploads` };
            else if (s.op === 'part')
              raw = {
                method: 'PUT',
                target: `${keyPath(B, keyOf(s.upload))}?partNumber=${encodeURIComponent(s.n)}&uploadId=${encodeURIComponent(uploadOf(s.upload))}`,
                body: ascii(s.size),
              };
            else if (s.op === 'complete') {
              const parts = s.parts
                .map(([n, e]) => {
                  const real = state.etags.get(n) ?? fixture.part1ETag;
                  const etag = {
                    real,
                    'quoted-wrong': '"0123456789abcdef0123456789abcdef"',
                    unquoted: real.replaceAll('"', ''),
                    empty: '',
                    garbage: '<&>',
                    'other-part': fixture.part1ETag,
                  }[e]!;
                  const checksum = s.xml === 'checksums' ? '<ChecksumCRC32>AAAAAA==</ChecksumCRC32>' : '';
                  return `<Part><PartNumber>${n}</PartNumber><ETag>${etag.replaceAll('&', '&amp;').replaceAll('<', '&lt;')}</ETag>${checksum}</Part>`;
                })
                .join('');
              const body =
                s.xml === 'none'
                  ? undefined
                  : s.xml === 'empty'
                    ? ''
                    : `<CompleteMultipartUpload>${parts}</CompleteMultipartUpload>`;
              raw = {
                method: 'POST',
                target: `${keyPath(B, keyOf(s.upload))}?uploadId=${encodeURIComponent(uploadOf(s.upload))}`,
                body,
              };
            } else if (s.op === 'abort')
              raw = {
                method: 'DELETE',
                target: `${keyPath(B, keyOf(s.upload))}?uploadId=${encodeURIComponent(uploadOf(s.upload))}`,
              };
            else if (s.op === 'list')
              raw = {
                method: 'GET',
                target: `${keyPath(B, keyOf(s.upload))}?uploadId=${encodeURIComponent(uploadOf(s.upload))}${s.params}`,
              };
            else if (s.op === 'copy') {
              const headers: [string, string][] = [['x-amz-copy-source', s.source.replaceAll('{B}', B)]];
              if (s.range) headers.push(['x-amz-copy-source-range', s.range]);
              raw = {
                method: 'PUT',
                target: `${keyPath(B, keyOf(s.upload))}?partNumber=${encodeURIComponent(s.n)}&uploadId=${encodeURIComponent(uploadOf(s.upload))}`,
                headers,
              };
            } else raw = { method: 'GET', target: `/${B}?uploads${s.params}` };
            const signed = await signV4(w.s3, raw);
            if (!signed) continue;
            const answer = await send(signed.request, `step ${JSON.stringify(s)}: ${describe(raw)}`);
            if (answer.status < 300 && raw.method !== 'GET') {
              if (s.op === 'create') {
                state.upload = xmlText(answer.body, 'UploadId') ?? '';
                state.key = s.key;
                state.etags.clear();
                created.push([s.key, state.upload]);
              } else if (s.op === 'complete' || s.op === 'abort') touchedFixtures = true;
              if ((s.op === 'part' || s.op === 'copy') && s.upload === 'mine' && state.upload) {
                state.etags.set(
                  s.n,
                  answer.headers.get('ETag') ?? xmlText(answer.body, 'ETag')?.replaceAll('&quot;', '"') ?? '',
                );
              }
            }
          }
          if (touchedFixtures) await restoreFixtures();
          else if (created.length) {
            forgetSnapshot();
            for (const [key, id] of created)
              await s3('DELETE', `${keyPath(B, key)}?uploadId=${encodeURIComponent(id)}`);
          }
        }),
        RUN,
      );
    },
    // A case here is up to five requests.
    TIMEOUT * 3,
  );
});

/** Index of the n-th (modulo) start tag in a document, -1 if there is none. */
function nthTag(doc: string, n: number): number {
  const tags = [...doc.matchAll(/<[A-Za-z_]/g)];
  return tags.length ? tags[n % tags.length].index! : -1;
}

/** Printable deterministic bytes as a string (aws-chunked framing is handled as text, one char per byte). */
function ascii(size: number): string {
  let out = '';
  for (let i = 0; i < size; i++) out += String.fromCharCode(0x21 + ((i * 7) % 90));
  return out;
}

function latin1Bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}
