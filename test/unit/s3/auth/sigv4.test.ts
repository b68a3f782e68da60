import { Sha256 } from '@aws-crypto/sha256-js';
import { S3RequestPresigner } from '@aws-sdk/s3-request-presigner';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { AwsClient } from 'aws4fetch';
import { describe, expect, it, vi } from 'vitest';
import {
  CHUNK_ALGORITHM,
  EMPTY_SHA256,
  type AuthAttempt,
  type RequestLike,
  type SignedAuth,
  SigV4Error,
  SigningKeyCache,
  canonicalQuery,
  canonicalRequest,
  canonicalUri,
  checkRequestTime,
  credentialScope,
  deriveSigningKey,
  hmacHex,
  parseAuth,
  splitRawUrl,
  stringToSign,
  uriEncode,
  verify,
} from '../../../../src/s3/auth/sigv4';
import { timingSafeEqualFallback, timingSafeEqualStrings } from '../../../../src/crypto/compare';
import { sha256Hex } from '../../../../src/crypto/encoding';
import { HEADER_VECTORS, PRESIGN_VECTORS, S3_DOCS, SUITE, type SuiteVector } from './fixtures/aws-sigv4-vectors';

// ---------------------------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------------------------

const AKID = 'AKIAROSTESTKEY000001';
const SECRET = 'r0s/Test+Secret/Key0000000000000000000000';
const DATETIME = '20260501T120000Z';
const NOW = Date.UTC(2026, 4, 1, 12, 0, 0);
const MIN = 60_000;

function signed(auth: AuthAttempt): SignedAuth {
  if (auth.kind === 'anonymous' || auth.kind === 'sigv2') throw new Error('expected a SigV4-signed request');
  return auth;
}

/** Runs `fn` and returns the SigV4Error it throws (failing the test if it throws nothing else). */
async function sigv4Error(fn: () => unknown): Promise<SigV4Error> {
  try {
    await fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SigV4Error);
    return error as SigV4Error;
  }
  throw new Error('expected a SigV4Error');
}

async function parseAndVerify(request: RequestLike, secret = SECRET, now = NOW, cache = new SigningKeyCache()) {
  return verify(signed(parseAuth(request)), secret, { now, cache });
}

const aws4 = (region = 'auto') => new AwsClient({ accessKeyId: AKID, secretAccessKey: SECRET, service: 's3', region });

async function aws4Sign(url: string, init: RequestInit = {}, opts: { presign?: boolean; region?: string } = {}) {
  return aws4(opts.region).sign(url, { ...init, aws: { datetime: DATETIME, signQuery: opts.presign ?? false } });
}

/** Same request with one header replaced (or added). */
function withHeader(request: Request, name: string, value: string): Request {
  const headers = new Headers(request.headers);
  headers.set(name, value);
  return new Request(request.url, { method: request.method, headers });
}

/** Percent-encodes like the AWS SDK's S3 serializer (encodeURIComponent + !'()*). */
const sdkEncode = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const sdkPath = (bucket: string, key: string) => `/${bucket}/${key.split('/').map(sdkEncode).join('/')}`;

/** Turns a smithy HttpRequest into the fetch Request a server would receive. */
function toFetch(r: HttpRequest, body?: string): Request {
  const query = Object.entries(r.query ?? {})
    .flatMap(([k, v]) =>
      (Array.isArray(v) ? v : [v]).map((x) => (x === null ? sdkEncode(k) : `${sdkEncode(k)}=${sdkEncode(x)}`)),
    )
    .join('&');
  const url = `${r.protocol}//${r.hostname}${r.port ? `:${r.port}` : ''}${r.path}${query ? `?${query}` : ''}`;
  return new Request(url, { method: r.method, headers: r.headers, ...(body !== undefined ? { body } : {}) });
}

const sdkSigner = (region = 'auto') =>
  new SignatureV4({
    credentials: { accessKeyId: AKID, secretAccessKey: SECRET },
    region,
    service: 's3',
    sha256: Sha256,
    uriEscapePath: false, // S3: single encoding, no normalization
    applyChecksum: true,
  });

// ---------------------------------------------------------------------------------------------
// AWS SigV4 test suite: the generic vectors (service "service"), fed to the low-level functions
// ---------------------------------------------------------------------------------------------

async function checkVector(v: SuiteVector, omit?: string) {
  const canonical = canonicalRequest(v, omit ? { omit } : {});
  expect(canonical).toBe(v.canonical.join('\n'));
  const hash = await sha256Hex(canonical);
  if (v.stsHash) expect(hash).toBe(v.stsHash);
  const scope = credentialScope(SUITE.date, SUITE.region, SUITE.service);
  const toSign = stringToSign(SUITE.amzDate, scope, hash);
  const key = await deriveSigningKey(SUITE.secret, SUITE.date, SUITE.region, SUITE.service);
  expect(await hmacHex(key, toSign)).toBe(v.signature);
}

describe('aws-sig-v4-test-suite vectors (header form)', () => {
  for (const vector of HEADER_VECTORS) {
    it(vector.name, () => checkVector(vector));
  }
});

describe('aws-sig-v4-test-suite vectors (presigned form)', () => {
  for (const vector of PRESIGN_VECTORS) {
    it(`${vector.name}: X-Amz-Signature is left out of the canonical query`, () =>
      checkVector(vector, 'X-Amz-Signature'));
  }
});

// ---------------------------------------------------------------------------------------------
// Amazon S3 API reference worked examples, end to end through parseAuth + verify
// ---------------------------------------------------------------------------------------------

describe('S3 API reference examples', () => {
  const host = 'examplebucket.s3.amazonaws.com';
  const scope = 'AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request';
  const headerRequest = (path: string, signedHeaders: string, signature: string, extra: Record<string, string> = {}) =>
    new Request(`https://${host}${path}`, {
      method: extra.method ?? 'GET',
      headers: {
        Host: host,
        'x-amz-date': '20130524T000000Z',
        'x-amz-content-sha256': EMPTY_SHA256,
        Authorization: `AWS4-HMAC-SHA256 Credential=${scope},SignedHeaders=${signedHeaders},Signature=${signature}`,
        ...Object.fromEntries(Object.entries(extra).filter(([k]) => k !== 'method')),
      },
    });

  it('GET Object with Range', async () => {
    const request = headerRequest(
      '/test.txt',
      'host;range;x-amz-content-sha256;x-amz-date',
      S3_DOCS.getObject.signature,
      {
        Range: 'bytes=0-9',
      },
    );
    const auth = signed(parseAuth(request));
    expect(auth).toMatchObject({
      kind: 'header',
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      region: 'us-east-1',
      date: '20130524',
    });
    expect(
      await sha256Hex(
        canonicalRequest({ ...auth.request, signedHeaders: auth.signedHeaders, payloadHash: auth.payloadHash }),
      ),
    ).toBe(S3_DOCS.getObject.canonicalRequestSha256);
    const verified = await verify(auth, S3_DOCS.secret, { now: S3_DOCS.now });
    expect(verified).toMatchObject({ kind: 'header', scope: '20130524/us-east-1/s3/aws4_request', payload: 'signed' });
  });

  it('PUT Object ($ in the key, Date header signed, storage class)', async () => {
    const request = headerRequest(
      '/test$file.text',
      'date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class',
      S3_DOCS.putObject.signature,
      {
        method: 'PUT',
        Date: 'Fri, 24 May 2013 00:00:00 GMT',
        'x-amz-storage-class': 'REDUCED_REDUNDANCY',
        'x-amz-content-sha256': S3_DOCS.putObject.payloadHash,
      },
    );
    expect(await sha256Hex('Welcome to Amazon S3.')).toBe(S3_DOCS.putObject.payloadHash);
    await parseAndVerify(request, S3_DOCS.secret, S3_DOCS.now);
  });

  it('GET Bucket Lifecycle (?lifecycle, a valueless parameter)', async () => {
    const request = headerRequest(
      '/?lifecycle',
      'host;x-amz-content-sha256;x-amz-date',
      S3_DOCS.getBucketLifecycle.signature,
    );
    await parseAndVerify(request, S3_DOCS.secret, S3_DOCS.now);
  });

  it('GET Bucket, list objects (?max-keys=2&prefix=J)', async () => {
    const request = headerRequest(
      '/?max-keys=2&prefix=J',
      'host;x-amz-content-sha256;x-amz-date',
      S3_DOCS.listObjects.signature,
    );
    await parseAndVerify(request, S3_DOCS.secret, S3_DOCS.now);
  });

  it('presigned GET Object URL', async () => {
    const url =
      `https://${host}/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request` +
      `&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=${S3_DOCS.presignedGet.signature}`;
    const auth = signed(parseAuth(new Request(url, { headers: { Host: host } })));
    expect(auth).toMatchObject({
      kind: 'presigned',
      expiresSeconds: 86400,
      payloadHash: 'UNSIGNED-PAYLOAD',
      payload: 'unsigned',
    });
    await verify(auth, S3_DOCS.secret, { now: S3_DOCS.now + 86400 * 1000 });
  });

  it('chunked upload: the seed signature verifies and the exposed key signs the documented chunks', async () => {
    const request: RequestLike = {
      method: 'PUT',
      url: 'https://s3.amazonaws.com/examplebucket/chunkObject.txt',
      headers: [
        ['Host', 's3.amazonaws.com'],
        ['x-amz-date', '20130524T000000Z'],
        ['x-amz-storage-class', 'REDUCED_REDUNDANCY'],
        [
          'Authorization',
          `AWS4-HMAC-SHA256 Credential=${scope},SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;` +
            `x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,Signature=${S3_DOCS.chunked.seedSignature}`,
        ],
        ['x-amz-content-sha256', 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD'],
        ['Content-Encoding', 'aws-chunked'],
        ['x-amz-decoded-content-length', '66560'],
        ['Content-Length', '66824'],
      ],
    };
    const verified = await parseAndVerify(request, S3_DOCS.secret, S3_DOCS.now);
    expect(verified.payload).toBe('streaming-signed');
    expect(verified.seedSignature).toBe(S3_DOCS.chunked.seedSignature);

    // What the future aws-chunked decoder will do with the exported values.
    let previous = verified.seedSignature;
    const chunks = [new Uint8Array(65536).fill(0x61), new Uint8Array(1024).fill(0x61), new Uint8Array(0)];
    for (const [i, chunk] of chunks.entries()) {
      const toSign = [
        CHUNK_ALGORITHM,
        verified.amzDate,
        verified.scope,
        previous,
        EMPTY_SHA256,
        await sha256Hex(chunk),
      ].join('\n');
      previous = await hmacHex(verified.signingKey, toSign);
      expect(previous).toBe(S3_DOCS.chunked.chunkSignatures[i]);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Real clients: aws4fetch
// ---------------------------------------------------------------------------------------------

describe('requests signed by aws4fetch', () => {
  const PATH_STYLE = 'http://127.0.0.2:8787'; // non-default port: the Host signed is host:port
  const VHOST = 'https://photos.thailand-1.ros.rdgto.com';
  const urls: Array<[string, string]> = [
    ['path-style object', `${PATH_STYLE}/photos/cat.jpg`],
    ['virtual-host object', `${VHOST}/cat.jpg`],
    ['key with spaces', `${PATH_STYLE}/photos/${encodeURIComponent('my holiday photo.jpg')}`],
    ['key with a plus (sent as %2B)', `${PATH_STYLE}/photos/${encodeURIComponent('a+b=c.txt')}`],
    ['unicode key', `${VHOST}/${encodeURI('ünïcødé/日本語.txt')}`],
    ['key with a percent sign', `${PATH_STYLE}/photos/${encodeURIComponent('100% real.txt')}`],
    ['key with sub-delims encodeURIComponent leaves alone', `${VHOST}/it's(1)*!.txt`],
    ['key with //', `${PATH_STYLE}/photos/a//b//c.txt`],
    ['key with a trailing /', `${PATH_STYLE}/photos/folder/`],
    ['key with an encoded slash', `${PATH_STYLE}/photos/a%2Fb.txt`],
    ['bucket root', `${VHOST}/`],
    ['list with empty and encoded values', `${PATH_STYLE}/photos?list-type=2&prefix=&delimiter=%2F&start-after=a%20b`],
    ['valueless parameter', `${VHOST}/big.bin?uploads`],
    ['repeated parameter', `${VHOST}/?prefix=a&prefix=b&max-keys=5`],
    ['+ and %20 in a query value', `${VHOST}/x?response-content-disposition=attachment%3B%20filename%3D%22a+b.txt%22`],
  ];

  for (const [name, url] of urls) {
    it(`header auth: ${name}`, async () => {
      const verified = await parseAndVerify(await aws4Sign(url));
      expect(verified).toMatchObject({ kind: 'header', accessKeyId: AKID, region: 'auto', payload: 'unsigned' });
    });
    it(`presigned: ${name}`, async () => {
      const verified = await parseAndVerify(await aws4Sign(url, {}, { presign: true }));
      expect(verified).toMatchObject({ kind: 'presigned', accessKeyId: AKID, payloadHash: 'UNSIGNED-PAYLOAD' });
    });
  }

  it('a literal + in a path means +; aws4fetch signs it as a space (legacy AWS), see plusInPathIsSpace', async () => {
    const request = await aws4Sign(`${PATH_STYLE}/photos/a+b.txt`);
    expect((await sigv4Error(() => parseAndVerify(request))).code).toBe('SignatureDoesNotMatch');
    await verify(signed(parseAuth(request)), SECRET, {
      now: NOW,
      plusInPathIsSpace: true,
      cache: new SigningKeyCache(),
    });
  });

  it('folds and trims whitespace in signed header values', async () => {
    const request = await aws4Sign(`${VHOST}/note.txt`, {
      method: 'PUT',
      body: 'hi',
      headers: { 'x-amz-meta-note': '  several   spaces \t and\ttabs  ', 'x-amz-meta-other': 'a  b' },
    });
    expect(request.headers.get('authorization')).toContain('x-amz-meta-note');
    await parseAndVerify(request);
  });

  it('PUT with a signed body hash', async () => {
    const body = 'hello, world';
    const request = await aws4Sign(`${PATH_STYLE}/photos/hello.txt`, {
      method: 'PUT',
      body,
      headers: { 'x-amz-content-sha256': await sha256Hex(body), 'content-type': 'text/plain' },
    });
    const verified = await parseAndVerify(request);
    expect(verified).toMatchObject({ payload: 'signed', payloadHash: await sha256Hex(body) });
  });

  it('presigned URL with a custom X-Amz-Expires', async () => {
    const request = await aws4Sign(`${VHOST}/cat.jpg?X-Amz-Expires=60`, {}, { presign: true });
    const auth = signed(parseAuth(request));
    expect(auth).toMatchObject({ kind: 'presigned', expiresSeconds: 60 });
    await verify(auth, SECRET, { now: NOW + 60_000, cache: new SigningKeyCache() });
  });

  for (const region of ['auto', 'us-east-1', 'eu-weird-9']) {
    it(`accepts any region in the scope: ${region}`, async () => {
      const verified = await parseAndVerify(await aws4Sign(`${VHOST}/cat.jpg`, {}, { region }));
      expect(verified.region).toBe(region);
      expect(verified.scope).toBe(`20260501/${region}/s3/aws4_request`);
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Real clients: the AWS SDK's signer (@smithy/signature-v4) and S3 presigner
// ---------------------------------------------------------------------------------------------

describe('requests signed by the AWS SDK (smithy SignatureV4)', () => {
  const signingDate = new Date(NOW);
  const request = (init: Partial<ConstructorParameters<typeof HttpRequest>[0]>) =>
    new HttpRequest({
      method: 'GET',
      protocol: 'http:',
      hostname: '127.0.0.2',
      port: 8787,
      path: '/',
      ...init,
      headers: { host: '127.0.0.2:8787', ...init.headers },
    });

  for (const key of [
    'plain.txt',
    'with space/and+plus.txt',
    'ünï/日本語 (1).txt',
    "100%/it's*!~.txt",
    'a//b/',
    'trail/',
  ]) {
    it(`GetObject: ${JSON.stringify(key)}`, async () => {
      const r = await sdkSigner().sign(request({ path: sdkPath('photos', key) }), { signingDate });
      const verified = await parseAndVerify(toFetch(r as HttpRequest));
      expect(verified).toMatchObject({ kind: 'header', payload: 'signed', payloadHash: EMPTY_SHA256 });
    });
  }

  it('PutObject with a signed payload and metadata', async () => {
    const body = 'payload bytes';
    const r = await sdkSigner().sign(
      request({
        method: 'PUT',
        path: sdkPath('photos', 'doc.txt'),
        body,
        headers: { 'x-amz-meta-author': 'Ann  Lee', 'content-type': 'text/plain' },
      }),
      { signingDate },
    );
    const verified = await parseAndVerify(toFetch(r as HttpRequest, body));
    expect(verified).toMatchObject({ payload: 'signed', payloadHash: await sha256Hex(body) });
  });

  it('ListObjectsV2 with an encoded prefix and delimiter', async () => {
    const r = await sdkSigner('us-east-1').sign(
      request({
        path: '/photos',
        query: { 'list-type': '2', prefix: 'a b/ü+', delimiter: '/', 'continuation-token': '' },
      }),
      { signingDate },
    );
    await parseAndVerify(toFetch(r as HttpRequest));
  });

  it('a path the signer left as %2F (the encoded-slash fallback)', async () => {
    const r = await sdkSigner().sign(request({ path: '/photos/a%2Fb.txt' }), { signingDate });
    await parseAndVerify(toFetch(r as HttpRequest));
  });

  it('S3RequestPresigner (what getSignedUrl uses)', async () => {
    const presigner = new S3RequestPresigner({
      credentials: { accessKeyId: AKID, secretAccessKey: SECRET },
      region: 'auto',
      sha256: Sha256,
    });
    const r = await presigner.presign(
      request({ path: sdkPath('photos', 'my file+1.txt'), query: { versionId: 'v1' } }),
      {
        expiresIn: 900,
        signingDate,
      },
    );
    const auth = signed(parseAuth(toFetch(r as HttpRequest)));
    expect(auth).toMatchObject({ kind: 'presigned', expiresSeconds: 900, payloadHash: 'UNSIGNED-PAYLOAD' });
    await verify(auth, SECRET, { now: NOW + 5 * MIN, cache: new SigningKeyCache() });
  });

  it('SignatureV4.presign with the UNSIGNED-PAYLOAD header hoisted into the query', async () => {
    const r = await sdkSigner('eu-weird-9').presign(
      request({
        method: 'PUT',
        path: sdkPath('photos', 'up.bin'),
        headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
      }),
      { signingDate, expiresIn: 3600 },
    );
    const verified = await parseAndVerify(toFetch(r as HttpRequest));
    expect(verified).toMatchObject({ kind: 'presigned', region: 'eu-weird-9', payload: 'unsigned' });
  });
});

// ---------------------------------------------------------------------------------------------
// Failure paths
// ---------------------------------------------------------------------------------------------

describe('signature failures', () => {
  it("wrong secret: SignatureDoesNotMatch with AWS's diagnostic fields", async () => {
    const request = await aws4Sign('https://h.example/bucket/key?x=1');
    const error = await sigv4Error(() => parseAndVerify(request, 'not-the-secret'));
    expect(error.code).toBe('SignatureDoesNotMatch');
    expect(error.status).toBe(403);
    expect(error.extra.AWSAccessKeyId).toBe(AKID);
    expect(error.extra.SignatureProvided).toMatch(/^[0-9a-f]{64}$/);
    expect(error.extra.StringToSign).toMatch(
      /^AWS4-HMAC-SHA256\n20260501T120000Z\n20260501\/auto\/s3\/aws4_request\n[0-9a-f]{64}$/,
    );
    expect(error.extra.CanonicalRequest).toBe(
      [
        'GET',
        '/bucket/key',
        'x=1',
        'host:h.example',
        'x-amz-content-sha256:UNSIGNED-PAYLOAD',
        'x-amz-date:20260501T120000Z',
        '',
        'host;x-amz-content-sha256;x-amz-date',
        'UNSIGNED-PAYLOAD',
      ].join('\n'),
    );
    expect(error.extra.StringToSignBytes).toMatch(/^41 57 53 34 /);
  });

  it('tampered query, path, method and signed header', async () => {
    const original = await aws4Sign('https://h.example/bucket/key?prefix=a', { headers: { 'x-amz-meta-a': '1' } });
    const variants = [
      new Request(original.url.replace('prefix=a', 'prefix=b'), original),
      new Request(original.url.replace('prefix=a', 'prefix=a&extra='), original),
      new Request(original.url.replace('/key', '/other'), original),
      new Request(original.url, { method: 'DELETE', headers: original.headers }),
      withHeader(original, 'x-amz-meta-a', '2'),
      withHeader(original, 'host', 'evil.example'),
    ];
    for (const request of variants) {
      expect((await sigv4Error(() => parseAndVerify(request))).code).toBe('SignatureDoesNotMatch');
    }
  });

  it('tampered presigned URL (expiry stretched)', async () => {
    const original = await aws4Sign('https://h.example/bucket/key', {}, { presign: true });
    const request = new Request(original.url.replace('X-Amz-Expires=86400', 'X-Amz-Expires=604800'));
    expect((await sigv4Error(() => parseAndVerify(request))).code).toBe('SignatureDoesNotMatch');
  });

  it('an x-amz-* header added after signing is refused as unsigned', async () => {
    const request = withHeader(await aws4Sign('https://h.example/bucket/key'), 'x-amz-acl', 'public-read');
    const error = await sigv4Error(() => parseAuth(request));
    expect(error).toMatchObject({
      code: 'AccessDenied',
      message: 'There were headers present in the request which were not signed',
    });
    expect(error.extra).toEqual({ HeadersNotSigned: 'x-amz-acl' });
  });

  it('a signature that does not cover host is refused', async () => {
    const request = {
      method: 'GET',
      url: 'https://h.example/b/k',
      headers: [
        ['Host', 'h.example'],
        ['x-amz-date', DATETIME],
        ['x-amz-content-sha256', 'UNSIGNED-PAYLOAD'],
        [
          'Authorization',
          `AWS4-HMAC-SHA256 Credential=${AKID}/20260501/auto/s3/aws4_request, SignedHeaders=x-amz-content-sha256;x-amz-date, Signature=00`,
        ],
      ],
    } satisfies RequestLike;
    const error = await sigv4Error(() => parseAuth(request));
    expect(error).toMatchObject({ code: 'AccessDenied', extra: { HeadersNotSigned: 'host' } });
  });
});

describe('time checks', () => {
  it('header auth: 15 minutes of skew either way, RequestTimeTooSkewed beyond', async () => {
    const request = await aws4Sign('https://h.example/bucket/key');
    await parseAndVerify(request, SECRET, NOW + 15 * MIN);
    await parseAndVerify(request, SECRET, NOW - 15 * MIN);
    for (const now of [NOW + 16 * MIN, NOW - 16 * MIN]) {
      const error = await sigv4Error(() => parseAndVerify(request, SECRET, now));
      expect(error.code).toBe('RequestTimeTooSkewed');
      expect(error.status).toBe(403);
      expect(error.extra).toEqual({
        RequestTime: DATETIME,
        ServerTime: new Date(now).toISOString().replace('.000Z', 'Z'),
        MaxAllowedSkewMilliseconds: '900000',
      });
    }
  });

  it("presigned: valid until X-Amz-Date + X-Amz-Expires, then 'Request has expired'", async () => {
    const request = await aws4Sign('https://h.example/bucket/key?X-Amz-Expires=3600', {}, { presign: true });
    await parseAndVerify(request, SECRET, NOW + 3600 * 1000);
    const error = await sigv4Error(() => parseAndVerify(request, SECRET, NOW + 3601 * 1000));
    expect(error).toMatchObject({ code: 'AccessDenied', message: 'Request has expired' });
    expect(error.extra).toEqual({
      'X-Amz-Expires': '3600',
      Expires: '2026-05-01T13:00:00Z',
      ServerTime: '2026-05-01T13:00:01Z',
    });
  });

  it("presigned: X-Amz-Expires=0 is 'Request has expired' even at X-Amz-Date itself, as on AWS", async () => {
    const request = await aws4Sign('https://h.example/bucket/key?X-Amz-Expires=0', {}, { presign: true });
    const error = await sigv4Error(() => parseAndVerify(request, SECRET, NOW));
    expect(error).toMatchObject({ code: 'AccessDenied', message: 'Request has expired', status: 403 });
    expect(error.extra).toEqual({
      'X-Amz-Expires': '0',
      Expires: '2026-05-01T12:00:00Z',
      ServerTime: '2026-05-01T12:00:00Z',
    });
  });

  it("presigned: more than 15 minutes in the future is 'Request is not yet valid'", async () => {
    const request = await aws4Sign('https://h.example/bucket/key', {}, { presign: true });
    await parseAndVerify(request, SECRET, NOW - 14 * MIN);
    const error = await sigv4Error(() => parseAndVerify(request, SECRET, NOW - 16 * MIN));
    expect(error).toMatchObject({ code: 'AccessDenied', message: 'Request is not yet valid' });
    expect(error.extra.ServerTime).toBe('2026-05-01T11:44:00Z');
  });

  it('checkRequestTime can run before the secret is looked up', async () => {
    const auth = signed(parseAuth(await aws4Sign('https://h.example/bucket/key')));
    expect(() => checkRequestTime(auth, NOW)).not.toThrow();
    expect(() => checkRequestTime(auth, new Date(NOW + 20 * MIN))).toThrow(SigV4Error);
  });

  it('falls back to the Date header when there is no x-amz-date', async () => {
    const date = 'Fri, 01 May 2026 12:00:00 GMT';
    const scope = credentialScope('20260501', 'auto', 's3');
    const parts = {
      method: 'GET',
      rawPath: '/b/k',
      rawQuery: '',
      headers: [
        ['host', 'h.example'],
        ['date', date],
        ['x-amz-content-sha256', 'UNSIGNED-PAYLOAD'],
      ] as Array<[string, string]>,
      signedHeaders: ['date', 'host', 'x-amz-content-sha256'],
      payloadHash: 'UNSIGNED-PAYLOAD',
    };
    const key = await deriveSigningKey(SECRET, '20260501', 'auto', 's3');
    const signature = await hmacHex(key, stringToSign(DATETIME, scope, await sha256Hex(canonicalRequest(parts))));
    const request: RequestLike = {
      method: 'GET',
      url: 'https://h.example/b/k',
      headers: [
        ...parts.headers,
        [
          'authorization',
          `AWS4-HMAC-SHA256 Credential=${AKID}/${scope}, SignedHeaders=date;host;x-amz-content-sha256, Signature=${signature}`,
        ],
      ],
    };
    const auth = signed(parseAuth(request));
    expect(auth).toMatchObject({ amzDate: DATETIME, requestTime: NOW });
    await verify(auth, SECRET, { now: NOW });
  });
});

describe('malformed authentication', () => {
  const CRED = `${AKID}/20260501/auto/s3/aws4_request`;
  const headerRequest = (authorization: string): RequestLike => ({
    method: 'GET',
    url: 'https://h.example/b/k',
    headers: [
      ['x-amz-date', DATETIME],
      ['x-amz-content-sha256', 'UNSIGNED-PAYLOAD'],
      ['authorization', authorization],
    ],
  });
  const auth = (credential = CRED, rest = 'SignedHeaders=host;x-amz-date, Signature=abc') =>
    `AWS4-HMAC-SHA256 Credential=${credential}, ${rest}`;

  const cases: Array<[string, RequestLike, string, RegExp]> = [
    [
      'missing Signature',
      headerRequest(auth(CRED, 'SignedHeaders=host')),
      'AuthorizationHeaderMalformed',
      /requires three components/,
    ],
    [
      'no components at all',
      headerRequest('AWS4-HMAC-SHA256'),
      'AuthorizationHeaderMalformed',
      /requires three components/,
    ],
    [
      'credential with 4 parts',
      headerRequest(auth(`${AKID}/20260501/auto/s3`)),
      'AuthorizationHeaderMalformed',
      /Credential is mal-formed/,
    ],
    [
      'credential with an empty part',
      headerRequest(auth(`${AKID}//auto/s3/aws4_request`)),
      'AuthorizationHeaderMalformed',
      /Credential is mal-formed/,
    ],
    [
      'bad date in the scope',
      headerRequest(auth(`${AKID}/2026-05-01/auto/s3/aws4_request`)),
      'AuthorizationHeaderMalformed',
      /Credential is mal-formed/,
    ],
    [
      'scope date not the request date',
      headerRequest(auth(`${AKID}/20260502/auto/s3/aws4_request`)),
      'AuthorizationHeaderMalformed',
      /Date is not the same as X-Amz-Date/,
    ],
    [
      'service other than s3',
      headerRequest(auth(`${AKID}/20260501/auto/iam/aws4_request`)),
      'AuthorizationHeaderMalformed',
      /incorrect service "iam"/,
    ],
    [
      'wrong terminator',
      headerRequest(auth(`${AKID}/20260501/auto/s3/aws5_request`)),
      'AuthorizationHeaderMalformed',
      /incorrect terminal "aws5_request"/,
    ],
    [
      'empty SignedHeaders entry',
      headerRequest(auth(CRED, 'SignedHeaders=host;;x-amz-date, Signature=abc')),
      'AuthorizationHeaderMalformed',
      /SignedHeaders/,
    ],
    ['unknown scheme', headerRequest('Bearer abc.def'), 'InvalidArgument', /^Unsupported Authorization Type$/],
    [
      'near-miss algorithm',
      headerRequest(auth().replace('SHA256', 'SHA25')),
      'InvalidArgument',
      /^Unsupported Authorization Type$/,
    ],
    [
      'no x-amz-date nor Date',
      {
        method: 'GET',
        url: 'https://h.example/b/k',
        headers: [
          ['x-amz-content-sha256', 'UNSIGNED-PAYLOAD'],
          ['authorization', auth()],
        ],
      },
      'AccessDenied',
      /valid Date or x-amz-date/,
    ],
    [
      'garbled x-amz-date',
      {
        method: 'GET',
        url: 'https://h.example/b/k',
        headers: [
          ['x-amz-date', '2026-05-01T12:00:00Z'],
          ['x-amz-content-sha256', 'UNSIGNED-PAYLOAD'],
          ['authorization', auth()],
        ],
      },
      'AccessDenied',
      /valid Date or x-amz-date/,
    ],
    [
      'missing x-amz-content-sha256',
      {
        method: 'GET',
        url: 'https://h.example/b/k',
        headers: [
          ['x-amz-date', DATETIME],
          ['authorization', auth()],
        ],
      },
      'InvalidRequest',
      /Missing required header for this request: x-amz-content-sha256/,
    ],
    [
      'bad x-amz-content-sha256',
      {
        method: 'GET',
        url: 'https://h.example/b/k',
        headers: [
          ['x-amz-date', DATETIME],
          ['x-amz-content-sha256', 'nope'],
          ['authorization', auth()],
        ],
      },
      'InvalidArgument',
      /must be UNSIGNED-PAYLOAD/,
    ],
    [
      'header and query auth together',
      { ...headerRequest(auth()), url: 'https://h.example/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256' },
      'InvalidArgument',
      /Only one auth mechanism allowed/,
    ],
  ];
  for (const [name, request, code, message] of cases) {
    it(name, async () => {
      const error = await sigv4Error(() => parseAuth(request));
      expect(error.code).toBe(code);
      expect(error.message).toMatch(message);
    });
  }

  const presign = (params: Record<string, string>): RequestLike => ({
    method: 'GET',
    url: `https://h.example/b/k?${new URLSearchParams(params)}`,
    headers: [['host', 'h.example']],
  });
  const good = {
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Credential': CRED,
    'X-Amz-Date': DATETIME,
    'X-Amz-Expires': '300',
    'X-Amz-SignedHeaders': 'host',
    'X-Amz-Signature': 'abc',
  };
  const presignCases: Array<[string, Record<string, string>, string, RegExp]> = [
    [
      'missing X-Amz-Signature',
      { ...good, 'X-Amz-Signature': '' },
      'AuthorizationQueryParametersError',
      /requires the X-Amz-Algorithm/,
    ],
    [
      'missing X-Amz-Date',
      Object.fromEntries(Object.entries(good).filter(([k]) => k !== 'X-Amz-Date')),
      'AuthorizationQueryParametersError',
      /requires the X-Amz-Algorithm/,
    ],
    [
      'other algorithm',
      { ...good, 'X-Amz-Algorithm': 'AWS4-HMAC-SHA512' },
      'AuthorizationQueryParametersError',
      /only supports "AWS4-HMAC-SHA256"/,
    ],
    [
      'X-Amz-Expires 604801',
      { ...good, 'X-Amz-Expires': '604801' },
      'AuthorizationQueryParametersError',
      /must be less than a week/,
    ],
    ['X-Amz-Expires negative', { ...good, 'X-Amz-Expires': '-5' }, 'AuthorizationQueryParametersError', /non-negative/],
    [
      'X-Amz-Expires not a number',
      { ...good, 'X-Amz-Expires': '1.5' },
      'AuthorizationQueryParametersError',
      /should be a number/,
    ],
    [
      'bad X-Amz-Date',
      { ...good, 'X-Amz-Date': '20260501T250000Z' },
      'AuthorizationQueryParametersError',
      /ISO8601 Long Format/,
    ],
    [
      'credential date mismatch',
      { ...good, 'X-Amz-Credential': `${AKID}/20260430/auto/s3/aws4_request` },
      'AuthorizationQueryParametersError',
      /Date is not the same as X-Amz-Date/,
    ],
    [
      'service other than s3',
      { ...good, 'X-Amz-Credential': `${AKID}/20260501/auto/sts/aws4_request` },
      'AuthorizationQueryParametersError',
      /incorrect service "sts"/,
    ],
    ['host not signed', { ...good, 'X-Amz-SignedHeaders': 'x-amz-date' }, 'AccessDenied', /not signed/],
  ];
  for (const [name, params, code, message] of presignCases) {
    it(`presigned: ${name}`, async () => {
      const error = await sigv4Error(() => parseAuth(presign(params)));
      expect(error.code).toBe(code);
      expect(error.message).toMatch(message);
    });
  }

  it('X-Amz-Expires 604800 (7 days) is accepted', () => {
    expect(signed(parseAuth(presign({ ...good, 'X-Amz-Expires': '604800' }))).kind).toBe('presigned');
  });

  it('Signature Version 2 (header or query) is recognised and left to sigv2.ts', () => {
    expect(parseAuth(headerRequest('AWS AKIAIOSFODNN7EXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg=')).kind).toBe('sigv2');
    const query = parseAuth(presign({ AWSAccessKeyId: AKID, Expires: '1700000000', Signature: 'abc=' }));
    expect(query).toMatchObject({ kind: 'sigv2', via: 'query' });
  });

  it('X-Amz-Expires 0 parses: the URL has expired from the start (checkRequestTime)', () => {
    const auth = signed(parseAuth(presign({ ...good, 'X-Amz-Expires': '0' })));
    expect(auth.kind).toBe('presigned');
  });

  it('a request with no authentication is anonymous', async () => {
    expect(parseAuth(new Request('https://h.example/b/k?list-type=2'))).toEqual({ kind: 'anonymous' });
  });

  it("errors carry AWS's HTTP status", () => {
    expect(new SigV4Error('AuthorizationHeaderMalformed', 'x').status).toBe(400);
    expect(new SigV4Error('AccessDenied', 'x').status).toBe(403);
  });
});

// ---------------------------------------------------------------------------------------------
// Building blocks
// ---------------------------------------------------------------------------------------------

describe('canonicalization details', () => {
  it('decodes then re-encodes the path once, never normalizing it', () => {
    expect(canonicalUri('/b/a%20b/c d/%E2%82%AC/€')).toBe('/b/a%20b/c%20d/%E2%82%AC/%E2%82%AC');
    expect(canonicalUri('/b/./../x//y/')).toBe('/b/./../x//y/');
    expect(canonicalUri('/b/a%2fb')).toBe('/b/a/b');
    expect(canonicalUri('/b/a%2Fb', { keepEncodedSlash: true })).toBe('/b/a%2Fb');
    expect(canonicalUri('/b/a+b')).toBe('/b/a%2Bb');
    expect(canonicalUri('/b/a+b', { plusIsSpace: true })).toBe('/b/a%20b');
    expect(canonicalUri('/b/100%')).toBe('/b/100%25');
    expect(canonicalUri('/b/%7euser/%41')).toBe('/b/~user/A');
    expect(canonicalUri('')).toBe('/');
  });

  it('builds the canonical query per the spec', () => {
    expect(canonicalQuery('b=2&a=&c&a=1')).toBe('a=&a=1&b=2&c=');
    expect(canonicalQuery('k=a+b%2Bc%2f')).toBe('k=a%20b%2Bc%2F');
    expect(canonicalQuery('b=1&a=2&a=1', { firstValueOnly: true })).toBe('a=2&b=1');
    expect(canonicalQuery('X-Amz-Signature=abc&a=1', { omit: 'X-Amz-Signature' })).toBe('a=1');
    expect(canonicalQuery('&&=x&a=1')).toBe('a=1');
  });

  it('encodes everything but the unreserved set, with upper-case hex', () => {
    expect(uriEncode("aZ09-._~ /!*'()+=&$")).toBe('aZ09-._~%20%2F%21%2A%27%28%29%2B%3D%26%24');
    expect(uriEncode('a/b', true)).toBe('a/b');
  });

  it("reads the raw path without the URL parser's dot-segment resolution", () => {
    expect(splitRawUrl('http://h:8787/b/../k/./x?a=1#frag')).toEqual({
      authority: 'h:8787',
      path: '/b/../k/./x',
      query: 'a=1',
    });
    expect(splitRawUrl('https://h.example')).toEqual({ authority: 'h.example', path: '/', query: '' });
  });
});

describe('signing-key cache', () => {
  it('derives a key once per (secret, date, region) and reuses it', async () => {
    const cache = new SigningKeyCache();
    const request = await aws4Sign('https://h.example/bucket/key');
    await parseAndVerify(request, SECRET, NOW, cache);
    await parseAndVerify(request, SECRET, NOW, cache);
    await parseAndVerify(await aws4Sign('https://h.example/bucket/other'), SECRET, NOW, cache);
    expect(cache.derivations).toBe(1);
    await parseAndVerify(
      await aws4Sign('https://h.example/bucket/key', {}, { region: 'us-east-1' }),
      SECRET,
      NOW,
      cache,
    );
    expect(cache.derivations).toBe(2);
    // A rotated secret never reuses the old key.
    await expect(parseAndVerify(request, 'rotated', NOW, cache)).rejects.toThrow(SigV4Error);
    expect(cache.derivations).toBe(3);
  });

  it('is a bounded LRU', async () => {
    const cache = new SigningKeyCache(2);
    await cache.get('s', '20260501', 'a', 's3');
    await cache.get('s', '20260501', 'b', 's3');
    await cache.get('s', '20260501', 'a', 's3'); // a is now the most recent
    await cache.get('s', '20260501', 'c', 's3'); // evicts b
    expect(cache.size).toBe(2);
    expect(cache.derivations).toBe(3);
    await cache.get('s', '20260501', 'a', 's3');
    expect(cache.derivations).toBe(3);
    await cache.get('s', '20260501', 'b', 's3');
    expect(cache.derivations).toBe(4);
  });

  it('caches the same key deriveSigningKey produces', async () => {
    const cache = new SigningKeyCache();
    const [cached, fresh] = await Promise.all([
      cache.get(SUITE.secret, SUITE.date, SUITE.region, SUITE.service),
      deriveSigningKey(SUITE.secret, SUITE.date, SUITE.region, SUITE.service),
    ]);
    expect(await hmacHex(cached, 'x')).toBe(await hmacHex(fresh, 'x'));
  });
});

describe('constant-time comparison', () => {
  const bytes = (s: string) => new TextEncoder().encode(s);

  it('fallback: equal, unequal, different lengths', () => {
    expect(timingSafeEqualFallback(bytes('abcdef'), bytes('abcdef'))).toBe(true);
    expect(timingSafeEqualFallback(bytes('abcdef'), bytes('abcdeF'))).toBe(false);
    expect(timingSafeEqualFallback(bytes('Xbcdef'), bytes('abcdef'))).toBe(false);
    expect(timingSafeEqualFallback(bytes('abc'), bytes('abcdef'))).toBe(false);
    expect(timingSafeEqualFallback(bytes(''), bytes(''))).toBe(true);
  });

  it('string comparison (native timingSafeEqual in workerd, fallback elsewhere)', () => {
    const sig = '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31';
    expect(timingSafeEqualStrings(sig, sig)).toBe(true);
    expect(timingSafeEqualStrings(sig, sig.replace(/1$/, '0'))).toBe(false);
    expect(timingSafeEqualStrings(sig, sig.slice(1))).toBe(false);
  });

  const subtle = crypto.subtle as SubtleCrypto & {
    timingSafeEqual?: (a: ArrayBufferView, b: ArrayBufferView) => boolean;
  };
  it.skipIf(typeof subtle.timingSafeEqual !== 'function')(
    "uses workerd's crypto.subtle.timingSafeEqual when present",
    () => {
      const spy = vi.spyOn(subtle as Required<typeof subtle>, 'timingSafeEqual');
      try {
        expect(timingSafeEqualStrings('abc', 'abd')).toBe(false);
        expect(spy).toHaveBeenCalledOnce();
      } finally {
        spy.mockRestore();
      }
    },
  );
});
