import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { parseAuth, type RequestLike } from '../../../src/s3/auth/parse';
import { checkSigV2Time, parseSigV2, stringsToSign, verifySigV2 } from '../../../src/s3/auth/sigv2';
import { SigV4Error } from '../../../src/s3/auth/errors';
import { S3TestClient, SITES, s3World, xmlText } from './s3-fixtures';

// ---------------------------------------------------------------------------------------------------------------
// AWS's own worked examples (RESTAuthentication, "Authentication examples"): the key pair below, each request,
// the StringToSign AWS prints and the signature it shows.
// ---------------------------------------------------------------------------------------------------------------
const EXAMPLE_KEY = 'AKIAIOSFODNN7EXAMPLE';
const EXAMPLE_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

function v2Request(
  method: string,
  url: string,
  headers: Array<[string, string]>,
  signature: string,
  hostBucket: string | null,
) {
  const request: RequestLike = {
    method,
    url,
    headers: [...headers, ['Authorization', `AWS ${EXAMPLE_KEY}:${signature}`]],
  };
  const attempt = parseAuth(request);
  if (attempt.kind !== 'sigv2') throw new Error(`expected SigV2, got ${attempt.kind}`);
  return parseSigV2(attempt, hostBucket);
}

describe('AWS documented SigV2 examples', () => {
  const examples: Array<{
    name: string;
    method: string;
    url: string;
    headers: Array<[string, string]>;
    hostBucket: string | null;
    stringToSign: string;
    signature: string;
  }> = [
    {
      name: 'Object GET (virtual host)',
      method: 'GET',
      url: 'https://awsexamplebucket1.us-west-1.s3.amazonaws.com/photos/puppy.jpg',
      headers: [['Date', 'Tue, 27 Mar 2007 19:36:42 +0000']],
      hostBucket: 'awsexamplebucket1',
      stringToSign: 'GET\n\n\nTue, 27 Mar 2007 19:36:42 +0000\n/awsexamplebucket1/photos/puppy.jpg',
      signature: 'qgk2+6Sv9/oM7G3qLEjTH1a1l1g=',
    },
    {
      name: 'Object PUT',
      method: 'PUT',
      url: 'https://awsexamplebucket1.s3.us-west-1.amazonaws.com/photos/puppy.jpg',
      headers: [
        ['Content-Type', 'image/jpeg'],
        ['Content-Length', '94328'],
        ['Date', 'Tue, 27 Mar 2007 21:15:45 +0000'],
      ],
      hostBucket: 'awsexamplebucket1',
      stringToSign: 'PUT\n\nimage/jpeg\nTue, 27 Mar 2007 21:15:45 +0000\n/awsexamplebucket1/photos/puppy.jpg',
      signature: 'iqRzw+ileNPu1fhspnRs8nOjjIA=',
    },
    {
      name: 'List (query parameters that are not sub-resources are not signed)',
      method: 'GET',
      url: 'https://awsexamplebucket1.s3.us-west-1.amazonaws.com/?prefix=photos&max-keys=50&marker=puppy',
      headers: [
        ['User-Agent', 'Mozilla/5.0'],
        ['Date', 'Tue, 27 Mar 2007 19:42:41 +0000'],
      ],
      hostBucket: 'awsexamplebucket1',
      stringToSign: 'GET\n\n\nTue, 27 Mar 2007 19:42:41 +0000\n/awsexamplebucket1/',
      signature: 'm0WP8eCtspQl5Ahe6L1SozdX9YA=',
    },
    {
      name: 'Fetch (?acl sub-resource)',
      method: 'GET',
      url: 'https://awsexamplebucket1.s3.us-west-1.amazonaws.com/?acl',
      headers: [['Date', 'Tue, 27 Mar 2007 19:44:46 +0000']],
      hostBucket: 'awsexamplebucket1',
      stringToSign: 'GET\n\n\nTue, 27 Mar 2007 19:44:46 +0000\n/awsexamplebucket1/?acl',
      signature: '82ZHiFIjc+WbcwFKGUVEQspPn+0=',
    },
    {
      name: 'Upload (CNAME bucket, Content-MD5, x-amz-* headers sorted, repeated header joined)',
      method: 'PUT',
      url: 'http://static.example.com:8080/db-backup.dat.gz',
      headers: [
        ['User-Agent', 'curl/7.15.5'],
        ['Date', 'Tue, 27 Mar 2007 21:06:08 +0000'],
        ['x-amz-acl', 'public-read'],
        ['content-type', 'application/x-download'],
        ['Content-MD5', '4gJE4saaMU4BqNR0kLY+lw=='],
        ['X-Amz-Meta-ReviewedBy', 'joe@example.com'],
        ['X-Amz-Meta-ReviewedBy', 'jane@example.com'],
        ['X-Amz-Meta-FileChecksum', '0x02661779'],
        ['X-Amz-Meta-ChecksumAlgorithm', 'crc32'],
        ['Content-Disposition', 'attachment; filename=database.dat'],
        ['Content-Encoding', 'gzip'],
        ['Content-Length', '5913339'],
      ],
      hostBucket: 'static.example.com',
      stringToSign:
        'PUT\n4gJE4saaMU4BqNR0kLY+lw==\napplication/x-download\nTue, 27 Mar 2007 21:06:08 +0000\n' +
        'x-amz-acl:public-read\nx-amz-meta-checksumalgorithm:crc32\nx-amz-meta-filechecksum:0x02661779\n' +
        'x-amz-meta-reviewedby:joe@example.com,jane@example.com\n/static.example.com/db-backup.dat.gz',
      signature: 'jtBQa0Aq+DkULFI8qrpwIjGEx0E=',
    },
    {
      name: 'List all my buckets',
      method: 'GET',
      url: 'https://s3.us-west-1.amazonaws.com/',
      headers: [['Date', 'Wed, 28 Mar 2007 01:29:59 +0000']],
      hostBucket: null,
      stringToSign: 'GET\n\n\nWed, 28 Mar 2007 01:29:59 +0000\n/',
      signature: 'qGdzdERIC03wnaRNKh6OqZehG9s=',
    },
    {
      name: 'Unicode keys (path style, the path as sent)',
      method: 'GET',
      url: 'https://s3.us-west-1.amazonaws.com/dictionary/fran%C3%A7ais/pr%c3%a9f%c3%a8re',
      headers: [['Date', 'Wed, 28 Mar 2007 01:49:49 +0000']],
      hostBucket: null,
      stringToSign: 'GET\n\n\nWed, 28 Mar 2007 01:49:49 +0000\n/dictionary/fran%C3%A7ais/pr%c3%a9f%c3%a8re',
      signature: 'DNEZGsoieTZ92F3bUfSPQcbGmlM=',
    },
  ];
  for (const ex of examples) {
    it(`${ex.name}: AWS's StringToSign and signature`, async () => {
      const auth = v2Request(ex.method, ex.url, ex.headers, ex.signature, ex.hostBucket);
      expect(auth).toMatchObject({ accessKeyId: EXAMPLE_KEY, signature: ex.signature, via: 'header' });
      expect(stringsToSign(auth)[0]).toBe(ex.stringToSign);
      await verifySigV2(auth, EXAMPLE_SECRET);
    });
  }

  it('Upload, its repeated header arriving joined with ", " (as a Worker receives it)', async () => {
    const headers = new Headers();
    for (const [n, v] of examples[4]!.headers) headers.append(n, v);
    expect(headers.get('x-amz-meta-reviewedby')).toBe('joe@example.com, jane@example.com');
    const auth = v2Request('PUT', examples[4]!.url, [...headers], examples[4]!.signature, 'static.example.com');
    await verifySigV2(auth, EXAMPLE_SECRET);
  });

  it('Delete with x-amz-date: the spec form (empty Date line) and the form of AWS’s own example both verify', async () => {
    // AWS's example signs the x-amz-date value on the Date line (signature XbyT…); the text above it says to
    // leave the Date line empty and sign x-amz-date as a header, which is what s3cmd and the Java SDK do.
    const headers: Array<[string, string]> = [
      ['User-Agent', 'dotnet'],
      ['Date', 'Tue, 27 Mar 2007 21:20:27 +0000'],
      ['x-amz-date', 'Tue, 27 Mar 2007 21:20:26 +0000'],
    ];
    const url = 'https://s3.us-west-1.amazonaws.com/awsexamplebucket1/photos/puppy.jpg';
    const documented = v2Request('DELETE', url, headers, 'XbyTlbQdu9Xw5o8P4iMwPktxQd8=', null);
    expect(stringsToSign(documented)).toEqual([
      'DELETE\n\n\n\nx-amz-date:Tue, 27 Mar 2007 21:20:26 +0000\n/awsexamplebucket1/photos/puppy.jpg',
      'DELETE\n\n\nTue, 27 Mar 2007 21:20:26 +0000\n/awsexamplebucket1/photos/puppy.jpg',
    ]);
    await verifySigV2(documented, EXAMPLE_SECRET);
    await verifySigV2(v2Request('DELETE', url, headers, 'Ri1hpB1zpS9pGqR7y8kuNFCl4sE=', null), EXAMPLE_SECRET);
    // The Date header's value is not what x-amz-date's presence lets anyone sign.
    const withDate = await sign('DELETE\n\n\nTue, 27 Mar 2007 21:20:27 +0000\n/awsexamplebucket1/photos/puppy.jpg');
    await expect(verifySigV2(v2Request('DELETE', url, headers, withDate, null), EXAMPLE_SECRET)).rejects.toThrow(
      SigV4Error,
    );
  });

  it('Query string authentication: StringToSign with Expires on the Date line', async () => {
    // AWS's page shows this request with a signature computed for its older bucket name (johnsmith), so the string
    // is checked, and the signature is recomputed for it.
    const url =
      'https://awsexamplebucket1.s3.us-west-1.amazonaws.com/photos/puppy.jpg?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE' +
      '&Signature=NpgCjnDzrM%2BWFzoENXmpNDUsSn8%3D&Expires=1175139620';
    const attempt = parseAuth({ method: 'GET', url, headers: [] });
    if (attempt.kind !== 'sigv2') throw new Error('not SigV2');
    const auth = parseSigV2(attempt, 'awsexamplebucket1');
    expect(auth).toMatchObject({ via: 'query', accessKeyId: EXAMPLE_KEY, signature: 'NpgCjnDzrM+WFzoENXmpNDUsSn8=' });
    expect(stringsToSign(auth)).toEqual(['GET\n\n\n1175139620\n/awsexamplebucket1/photos/puppy.jpg']);
    // The johnsmith form of the same request gives AWS's printed signature.
    expect(await sign('GET\n\n\n1175139620\n/johnsmith/photos/puppy.jpg')).toBe('NpgCjnDzrM+WFzoENXmpNDUsSn8=');
    await expect(verifySigV2(auth, EXAMPLE_SECRET)).rejects.toThrow(/does not match/);
    // Valid until Expires, inclusive; then "Request has expired" with AWS's Expires and ServerTime.
    expect(() => checkSigV2Time(auth, 1175139620_000)).not.toThrow();
    try {
      checkSigV2Time(auth, 1175139621_000);
      expect.unreachable();
    } catch (err) {
      expect(err).toMatchObject({ code: 'AccessDenied', message: 'Request has expired', status: 403 });
      expect((err as SigV4Error).fields).toEqual({
        Expires: '2007-03-29T03:40:20Z',
        ServerTime: '2007-03-29T03:40:21Z',
      });
    }
  });
});

describe('the string to sign, where signers differ', () => {
  const parsed = (url: string, headers: Array<[string, string]> = [['Date', 'Tue, 27 Mar 2007 19:36:42 +0000']]) =>
    v2Request('GET', url, headers, 'x', null);

  it('a newer sub-resource (tagging) is signed as botocore signs it, then as s3cmd and AWS’s list do', () => {
    expect(stringsToSign(parsed('https://h/b/k?tagging&versionId=3'))).toEqual([
      'GET\n\n\nTue, 27 Mar 2007 19:36:42 +0000\n/b/k?tagging&versionId=3',
      'GET\n\n\nTue, 27 Mar 2007 19:36:42 +0000\n/b/k?versionId=3',
    ]);
  });

  it('a sub-resource sent as `name=` is signed bare, then as sent', () => {
    expect(stringsToSign(parsed('https://h/b/k?acl='))).toEqual([
      'GET\n\n\nTue, 27 Mar 2007 19:36:42 +0000\n/b/k?acl',
      'GET\n\n\nTue, 27 Mar 2007 19:36:42 +0000\n/b/k?acl=',
    ]);
  });

  it('a bucket addressed path style without a trailing slash is /bucket/ (botocore), then as sent', () => {
    expect(stringsToSign(parsed('https://h/b?list-type=2&prefix=p'))).toEqual([
      'GET\n\n\nTue, 27 Mar 2007 19:36:42 +0000\n/b/',
      'GET\n\n\nTue, 27 Mar 2007 19:36:42 +0000\n/b',
    ]);
  });

  it('query auth: x-amz-* parameters (botocore moves x-amz-security-token there) are signed as headers', () => {
    const attempt = parseAuth({
      method: 'GET',
      url: 'https://h/b/k?AWSAccessKeyId=A&Signature=s&Expires=9&x-amz-security-token=t%2Bk&prefix=p',
      headers: [],
    });
    if (attempt.kind !== 'sigv2') throw new Error('not SigV2');
    expect(stringsToSign(parseSigV2(attempt, null))).toEqual(['GET\n\n\n9\nx-amz-security-token:t+k\n/b/k']);
  });

  it('header values are trimmed and unfolded; names lower-cased and sorted', () => {
    const auth = parsed('https://h/b/k', [
      ['Date', 'Tue, 27 Mar 2007 19:36:42 +0000'],
      ['X-Amz-Meta-B', '  two\r\n  lines '],
      ['x-amz-meta-a', '1'],
    ]);
    expect(stringsToSign(auth)[0]).toBe(
      'GET\n\n\nTue, 27 Mar 2007 19:36:42 +0000\nx-amz-meta-a:1\nx-amz-meta-b:two lines\n/b/k',
    );
  });
});

/** base64 HMAC-SHA1 of a string to sign under `secret` (written here again, independently of src/). */
async function sign(stringToSign: string, secret = EXAMPLE_SECRET): Promise<string> {
  const enc = new TextEncoder();
  const key = await crypto.subtle.importKey('raw', enc.encode(secret), { name: 'HMAC', hash: 'SHA-1' }, false, [
    'sign',
  ]);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, enc.encode(stringToSign)));
  return btoa(String.fromCharCode(...mac));
}

// ---------------------------------------------------------------------------------------------------------------
// Through the Worker: a small SigV2 signer, as s3cmd and botocore's HmacV1Auth sign.
// ---------------------------------------------------------------------------------------------------------------

interface V2Options {
  method?: string;
  /** Path and query as sent, e.g. `/bucket/key?acl`. */
  path: string;
  /** The CanonicalizedResource to sign; default: the path without its query. */
  resource?: string;
  headers?: Record<string, string>;
  body?: BodyInit;
  /** Host for virtual-host style (`<bucket>.<alias>`). */
  host?: string;
  /** What to put on the Date line; default: the Date header (or '' when x-amz-date is sent). */
  dateLine?: string;
  /** Sign with this secret instead of the client's. */
  secret?: string;
}

const httpDate = (ms: number) => new Date(ms).toUTCString();

function stringToSignFor(method: string, headers: Headers, dateLine: string, resource: string) {
  const amz = [...headers]
    .filter(([n]) => n.startsWith('x-amz-'))
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([n, v]) => `${n}:${v.trim()}\n`)
    .join('');
  return `${method}\n${headers.get('content-md5') ?? ''}\n${headers.get('content-type') ?? ''}\n${dateLine}\n${amz}${resource}`;
}

async function v2Fetch(client: S3TestClient, opts: V2Options): Promise<Response> {
  const method = opts.method ?? 'GET';
  const headers = new Headers(opts.headers);
  if (!headers.has('date') && !headers.has('x-amz-date')) headers.set('date', httpDate(Date.now()));
  const dateLine = opts.dateLine ?? (headers.has('x-amz-date') ? '' : headers.get('date')!);
  const resource = opts.resource ?? opts.path.split('?')[0]!;
  const toSign = stringToSignFor(method, headers, dateLine, resource);
  headers.set(
    'authorization',
    `AWS ${client.accessKeyId}:${await sign(toSign, opts.secret ?? client.secretAccessKey)}`,
  );
  const base = opts.host ? `http://${opts.host}` : client.endpoint;
  return SELF.fetch(`${base}${opts.path}`, { method, headers, body: opts.body });
}

/** A SigV2 query-string URL (what boto3's default generate_presigned_url makes). */
async function v2Url(
  client: S3TestClient,
  opts: { method?: string; path: string; resource?: string; expires: number; contentType?: string; host?: string },
) {
  const method = opts.method ?? 'GET';
  const resource = opts.resource ?? opts.path.split('?')[0]!;
  const toSign = `${method}\n\n${opts.contentType ?? ''}\n${opts.expires}\n${resource}`;
  const signature = await sign(toSign, client.secretAccessKey);
  const sep = opts.path.includes('?') ? '&' : '?';
  const base = opts.host ? `http://${opts.host}` : client.endpoint;
  return `${base}${opts.path}${sep}AWSAccessKeyId=${client.accessKeyId}&Signature=${encodeURIComponent(signature)}&Expires=${opts.expires}`;
}

const bytesOf = (text: string) => new TextEncoder().encode(text);
const md5Base64 = async (data: Uint8Array) =>
  btoa(String.fromCharCode(...new Uint8Array(await crypto.subtle.digest('MD5', data))));

describe('SigV2 header authentication', () => {
  it('PUT, GET, HEAD, list and DELETE of an object, path style', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const body = bytesOf('signed the old way');
    const put = await v2Fetch(w.s3, {
      method: 'PUT',
      path: `/${b}/dir/a%20file.txt`,
      headers: {
        'content-type': 'text/plain',
        'content-md5': await md5Base64(body),
        'x-amz-meta-colour': 'blue',
        'x-amz-meta-Shape': ' round ',
      },
      body,
    });
    expect(put.status, await put.clone().text()).toBe(200);

    const get = await v2Fetch(w.s3, { path: `/${b}/dir/a%20file.txt` });
    expect(get.status).toBe(200);
    expect(await get.text()).toBe('signed the old way');
    expect(get.headers.get('x-amz-meta-colour')).toBe('blue');

    const head = await v2Fetch(w.s3, { method: 'HEAD', path: `/${b}/dir/a%20file.txt` });
    expect([head.status, head.headers.get('content-type')]).toEqual([200, 'text/plain']);

    // Query parameters that are not sub-resources are not signed.
    const list = await v2Fetch(w.s3, { path: `/${b}?list-type=2&prefix=dir%2F`, resource: `/${b}` });
    expect(list.status).toBe(200);
    expect(xmlText(await list.text(), 'Key')).toBe('dir/a file.txt');

    const buckets = await v2Fetch(w.s3, { path: '/' });
    expect(buckets.status).toBe(200);
    expect(await buckets.text()).toContain(`<Name>${b}</Name>`);

    const del = await v2Fetch(w.s3, { method: 'DELETE', path: `/${b}/dir/a%20file.txt` });
    expect(del.status).toBe(204);
    expect((await v2Fetch(w.s3, { path: `/${b}/dir/a%20file.txt` })).status).toBe(404);
  });

  it('a plus in the path is signed as sent (and stored as a space, as on AWS)', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    expect((await v2Fetch(w.s3, { method: 'PUT', path: `/${b}/a+b`, body: bytesOf('p') })).status).toBe(200);
    expect(await (await v2Fetch(w.s3, { path: `/${b}/a%20b` })).text()).toBe('p');
  });

  it('virtual-host style: the bucket from the Host heads the signed resource', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const host = `${b}.${SITES['thailand-1'].alias}`;
    const put = await v2Fetch(w.s3, {
      method: 'PUT',
      host,
      path: '/vh.txt',
      resource: `/${b}/vh.txt`,
      body: bytesOf('v'),
    });
    expect(put.status).toBe(200);
    expect(await (await v2Fetch(w.s3, { host, path: '/vh.txt', resource: `/${b}/vh.txt` })).text()).toBe('v');
    expect((await v2Fetch(w.s3, { host, path: '/?list-type=2', resource: `/${b}/` })).status).toBe(200);
    // Signed as if path style (without the bucket): refused.
    const wrong = await v2Fetch(w.s3, { host, path: '/vh.txt', resource: '/vh.txt' });
    expect([wrong.status, xmlText(await wrong.text(), 'StringToSign')]).toEqual([
      403,
      expect.stringMatching(new RegExp(`\\n/${b}/vh\\.txt$`)) as unknown as string,
    ]);
  });

  it('sub-resources are signed: acl, uploads, partNumber + uploadId, uploadId, response-* overrides', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const k = `/${b}/mp.bin`;
    const create = await v2Fetch(w.s3, { method: 'POST', path: `${k}?uploads`, resource: `${k}?uploads` });
    expect(create.status).toBe(200);
    const uploadId = xmlText(await create.text(), 'UploadId')!;
    const part = await v2Fetch(w.s3, {
      method: 'PUT',
      path: `${k}?partNumber=1&uploadId=${encodeURIComponent(uploadId)}`,
      resource: `${k}?partNumber=1&uploadId=${uploadId}`,
      body: bytesOf('only part'),
    });
    expect(part.status, await part.clone().text()).toBe(200);
    const parts = await v2Fetch(w.s3, {
      path: `${k}?uploadId=${encodeURIComponent(uploadId)}`,
      resource: `${k}?uploadId=${uploadId}`,
    });
    expect(parts.status).toBe(200);
    const done = await v2Fetch(w.s3, {
      method: 'POST',
      path: `${k}?uploadId=${encodeURIComponent(uploadId)}`,
      resource: `${k}?uploadId=${uploadId}`,
      headers: { 'content-type': 'application/xml' },
      body: `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${part.headers.get('etag')}</ETag></Part></CompleteMultipartUpload>`,
    });
    expect(done.status, await done.clone().text()).toBe(200);

    const acl = await v2Fetch(w.s3, { path: `${k}?acl`, resource: `${k}?acl` });
    expect(acl.status).toBe(200);
    expect(await acl.text()).toContain('<AccessControlPolicy');
    const putAcl = await v2Fetch(w.s3, {
      method: 'PUT',
      path: `/${b}?acl`,
      resource: `/${b}?acl`,
      headers: { 'x-amz-acl': 'private' },
    });
    expect(putAcl.status).toBe(200);

    // The override's value is signed decoded, and sub-resources sort by name.
    const overridden = await v2Fetch(w.s3, {
      path: `${k}?response-content-type=text%2Fcsv&response-cache-control=no-cache`,
      resource: `${k}?response-cache-control=no-cache&response-content-type=text/csv`,
    });
    expect([overridden.status, overridden.headers.get('content-type')]).toEqual([200, 'text/csv']);
    expect(overridden.headers.get('cache-control')).toBe('no-cache');

    // A sub-resource left out of the signature: that is another request than the one signed.
    const unsigned = await v2Fetch(w.s3, { path: `${k}?acl`, resource: k });
    expect([unsigned.status, xmlText(await unsigned.text(), 'Code')]).toEqual([403, 'SignatureDoesNotMatch']);
  });

  it('a wrong signature is SignatureDoesNotMatch with AWS’s StringToSign, StringToSignBytes and SignatureProvided', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const date = httpDate(Date.now());
    const res = await v2Fetch(w.s3, {
      path: `/${b}/x`,
      headers: { date, 'x-amz-meta-a': '1' },
      secret: 'x'.repeat(40),
    });
    const xml = await res.text();
    expect([res.status, xmlText(xml, 'Code')]).toEqual([403, 'SignatureDoesNotMatch']);
    const expected = `GET\n\n\n${date}\nx-amz-meta-a:1\n/${b}/x`;
    expect(xmlText(xml, 'StringToSign')).toBe(expected);
    expect(xmlText(xml, 'StringToSignBytes')).toBe(
      [...new TextEncoder().encode(expected)].map((x) => x.toString(16).padStart(2, '0')).join(' '),
    );
    expect(xmlText(xml, 'AWSAccessKeyId')).toBe(w.s3.accessKeyId);
    expect(xmlText(xml, 'SignatureProvided')).toBe(await sign(expected, 'x'.repeat(40)));
    expect(xml).not.toContain('<CanonicalRequest>');
    // The AWS element order: AWSAccessKeyId, StringToSign, SignatureProvided, StringToSignBytes.
    expect(xml.indexOf('<SignatureProvided>')).toBeLessThan(xml.indexOf('<StringToSignBytes>'));
  });

  it('an unknown key and another site’s key are InvalidAccessKeyId; another project’s key is AccessDenied', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const unknown = new S3TestClient('ROSAAAAAAAAAAAAAAAAA', 'x'.repeat(40), 'thailand-1');
    const res = await v2Fetch(unknown, { path: `/${b}/x` });
    expect([res.status, xmlText(await res.text(), 'Code')]).toEqual([403, 'InvalidAccessKeyId']);

    const finland = await w.newKey('finland-1');
    const misdirected = new S3TestClient(finland.accessKeyId, finland.secretAccessKey, 'thailand-1');
    const other = await v2Fetch(misdirected, { path: `/${b}/x` });
    expect([other.status, xmlText(await other.text(), 'Code')]).toEqual([403, 'InvalidAccessKeyId']);

    const stranger = await s3World();
    const denied = await v2Fetch(stranger.s3, { method: 'PUT', path: `/${b}/x`, body: bytesOf('no') });
    expect([denied.status, xmlText(await denied.text(), 'Code')]).toEqual([403, 'AccessDenied']);
  });

  it('more than 15 minutes off is RequestTimeTooSkewed, either way; 10 minutes is fine', async () => {
    const w = await s3World();
    for (const offset of [-16 * 60_000, 16 * 60_000]) {
      const date = httpDate(Date.now() + offset);
      const res = await v2Fetch(w.s3, { path: '/', headers: { date } });
      const xml = await res.text();
      expect([res.status, xmlText(xml, 'Code')]).toEqual([403, 'RequestTimeTooSkewed']);
      expect([xmlText(xml, 'RequestTime'), xmlText(xml, 'MaxAllowedSkewMilliseconds')]).toEqual([date, '900000']);
    }
    expect((await v2Fetch(w.s3, { path: '/', headers: { date: httpDate(Date.now() - 10 * 60_000) } })).status).toBe(
      200,
    );
  });

  it('x-amz-date instead of Date: it sets the time and is signed as a header, with an empty Date line', async () => {
    const w = await s3World();
    const now = httpDate(Date.now()).replace('GMT', '+0000');
    const stale = httpDate(Date.now() - 3_600_000);
    // The stale Date header is ignored: x-amz-date is the request's time.
    const res = await v2Fetch(w.s3, { path: '/', headers: { date: stale, 'x-amz-date': now } });
    expect(res.status, await res.clone().text()).toBe(200);
    // Signing the Date header's value instead is another string to sign.
    const wrong = await v2Fetch(w.s3, { path: '/', headers: { date: stale, 'x-amz-date': now }, dateLine: stale });
    expect([wrong.status, xmlText(await wrong.text(), 'StringToSign')]).toEqual([
      403,
      `GET\n\n\n\nx-amz-date:${now}\n/`,
    ]);
    // A stale x-amz-date is skewed even with a current Date.
    const skewed = await v2Fetch(w.s3, { path: '/', headers: { date: httpDate(Date.now()), 'x-amz-date': stale } });
    expect(xmlText(await skewed.text(), 'Code')).toBe('RequestTimeTooSkewed');
  });

  it('no usable date is AccessDenied; a malformed AWS header is InvalidArgument', async () => {
    const w = await s3World();
    const noDate = await SELF.fetch(`${w.s3.endpoint}/`, {
      headers: { authorization: `AWS ${w.s3.accessKeyId}:abc=` },
    });
    expect([noDate.status, xmlText(await noDate.text(), 'Message')]).toEqual([
      403,
      'AWS authentication requires a valid Date or x-amz-date header',
    ]);
    const garbled = await SELF.fetch(`${w.s3.endpoint}/`, {
      headers: { authorization: `AWS ${w.s3.accessKeyId}:abc=`, date: 'yesterday' },
    });
    expect(garbled.status).toBe(403);
    for (const value of ['AWS', `AWS ${w.s3.accessKeyId}`, `AWS ${w.s3.accessKeyId}:`, 'AWS :abc=']) {
      const res = await SELF.fetch(`${w.s3.endpoint}/`, {
        headers: { authorization: value, date: httpDate(Date.now()) },
      });
      const xml = await res.text();
      expect([res.status, xmlText(xml, 'Code'), xmlText(xml, 'ArgumentName')], value).toEqual([
        400,
        'InvalidArgument',
        'Authorization',
      ]);
      expect(xmlText(xml, 'Message')).toBe('AWS authorization header is invalid.  Expected AwsAccessKeyId:signature');
    }
  });

  it('the body is unsigned: a wrong Content-MD5 is BadDigest and stores nothing; signed aws-chunked is refused', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const bad = await v2Fetch(w.s3, {
      method: 'PUT',
      path: `/${b}/md5`,
      headers: { 'content-md5': await md5Base64(bytesOf('something else')) },
      body: bytesOf('the body'),
    });
    expect([bad.status, xmlText(await bad.text(), 'Code')]).toEqual([400, 'BadDigest']);
    expect((await v2Fetch(w.s3, { method: 'HEAD', path: `/${b}/md5` })).status).toBe(404);

    const chunked = await v2Fetch(w.s3, {
      method: 'PUT',
      path: `/${b}/chunked`,
      headers: { 'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD', 'x-amz-decoded-content-length': '1' },
      body: bytesOf('1;chunk-signature=00\r\nx\r\n0;chunk-signature=00\r\n\r\n'),
    });
    expect([chunked.status, xmlText(await chunked.text(), 'Code')]).toEqual([403, 'AccessDenied']);
    expect((await v2Fetch(w.s3, { method: 'HEAD', path: `/${b}/chunked` })).status).toBe(404);
  });

  it('HeadBucket of a SigV2 request reports us-east-1 (SigV2 names no region)', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const res = await v2Fetch(w.s3, { method: 'HEAD', path: `/${b}` });
    expect([res.status, res.headers.get('x-amz-bucket-region')]).toEqual([200, 'us-east-1']);
  });
});

describe('SigV2 query authentication', () => {
  const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;

  it('presigned PUT (with its Content-Type) and GET by plain fetch, path and virtual-host style', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const putUrl = await v2Url(w.s3, {
      method: 'PUT',
      path: `/${b}/q.txt`,
      expires: inAnHour(),
      contentType: 'text/plain',
    });
    const put = await SELF.fetch(putUrl, {
      method: 'PUT',
      body: bytesOf('by query'),
      headers: { 'content-type': 'text/plain' },
    });
    expect(put.status, await put.clone().text()).toBe(200);
    const get = await SELF.fetch(await v2Url(w.s3, { path: `/${b}/q.txt`, expires: inAnHour() }));
    expect([get.status, await get.text()]).toEqual([200, 'by query']);
    const host = `${b}.${SITES['thailand-1'].alias}`;
    const vh = await SELF.fetch(
      await v2Url(w.s3, { host, path: '/q.txt', resource: `/${b}/q.txt`, expires: inAnHour() }),
    );
    expect([vh.status, await vh.text()]).toEqual([200, 'by query']);
    // With a response-* override, signed with its decoded value.
    const csv = await SELF.fetch(
      await v2Url(w.s3, {
        path: `/${b}/q.txt?response-content-type=text%2Fcsv`,
        resource: `/${b}/q.txt?response-content-type=text/csv`,
        expires: inAnHour(),
      }),
    );
    expect([csv.status, csv.headers.get('content-type')]).toEqual([200, 'text/csv']);
  });

  it('botocore’s form: Content-Type it signed travels in the query when the request sends none', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const expires = inAnHour();
    const signature = await sign(`PUT\n\ntext/plain\n${expires}\n/${b}/bc.txt`, w.s3.secretAccessKey);
    const url =
      `${w.s3.endpoint}/${b}/bc.txt?AWSAccessKeyId=${w.s3.accessKeyId}&Signature=${encodeURIComponent(signature)}` +
      `&content-type=text%2Fplain&Expires=${expires}`;
    expect((await SELF.fetch(url, { method: 'PUT', body: bytesOf('q') })).status).toBe(200);
  });

  it('Expires in the past is 403 AccessDenied "Request has expired" with Expires and ServerTime', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const expires = Math.floor(Date.now() / 1000) - 5;
    const res = await SELF.fetch(await v2Url(w.s3, { path: `/${b}/x`, expires }));
    const xml = await res.text();
    expect([res.status, xmlText(xml, 'Code'), xmlText(xml, 'Message')]).toEqual([
      403,
      'AccessDenied',
      'Request has expired',
    ]);
    expect(xmlText(xml, 'Expires')).toBe(new Date(expires * 1000).toISOString().replace('.000Z', 'Z'));
    expect(xmlText(xml, 'ServerTime')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('a tampered URL, a missing parameter, a bad Expires, an unknown key', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const good = await v2Url(w.s3, { path: `/${b}/x`, expires: inAnHour() });
    const tampered = await SELF.fetch(good.replace(`/${b}/x`, `/${b}/y`));
    const xml = await tampered.text();
    expect([tampered.status, xmlText(xml, 'Code')]).toEqual([403, 'SignatureDoesNotMatch']);
    expect(xmlText(xml, 'StringToSign')).toMatch(new RegExp(`^GET\\n\\n\\n\\d+\\n/${b}/y$`));

    const stretched = await SELF.fetch(good.replace(/Expires=\d+/, `Expires=${inAnHour() + 999}`));
    expect(xmlText(await stretched.text(), 'Code')).toBe('SignatureDoesNotMatch');

    const missing = await SELF.fetch(good.replace(/&Expires=\d+/, ''));
    expect([missing.status, xmlText(await missing.text(), 'Message')]).toEqual([
      403,
      'Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters',
    ]);
    const notANumber = await SELF.fetch(good.replace(/Expires=\d+/, 'Expires=soon'));
    expect([notANumber.status, xmlText(await notANumber.text(), 'Message')]).toEqual([
      403,
      'Invalid date (should be seconds since epoch): soon',
    ]);
    const unknown = new S3TestClient('ROSAAAAAAAAAAAAAAAAA', 'x'.repeat(40), 'thailand-1');
    const res = await SELF.fetch(await v2Url(unknown, { path: `/${b}/x`, expires: inAnHour() }));
    expect(xmlText(await res.text(), 'Code')).toBe('InvalidAccessKeyId');
  });

  it('SigV2 query with an Authorization header too is "only one auth mechanism"', async () => {
    const w = await s3World();
    const url = await v2Url(w.s3, { path: '/', expires: inAnHour() });
    const res = await SELF.fetch(url, { headers: { authorization: `AWS ${w.s3.accessKeyId}:abc=` } });
    expect([res.status, xmlText(await res.text(), 'Code')]).toEqual([400, 'InvalidArgument']);
  });
});

describe('SigV4 presigned expiry, as AWS answers it', () => {
  it('X-Amz-Expires 0: 403 Request has expired; negative and over 604800: 400 AuthorizationQueryParametersError', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    await w.s3.fetch(`/${b}/x`, { method: 'PUT', body: 'x' });

    const zero = await SELF.fetch(await w.s3.presign(`/${b}/x`, 'GET', 0));
    const zeroXml = await zero.text();
    expect([zero.status, xmlText(zeroXml, 'Code'), xmlText(zeroXml, 'Message')]).toEqual([
      403,
      'AccessDenied',
      'Request has expired',
    ]);
    expect(xmlText(zeroXml, 'X-Amz-Expires')).toBe('0');

    const negative = await SELF.fetch(await w.s3.presign(`/${b}/x`, 'GET', -1));
    const negXml = await negative.text();
    expect([negative.status, xmlText(negXml, 'Code'), xmlText(negXml, 'Message')]).toEqual([
      400,
      'AuthorizationQueryParametersError',
      'X-Amz-Expires must be non-negative',
    ]);

    const long = await SELF.fetch(await w.s3.presign(`/${b}/x`, 'GET', 604801));
    const longXml = await long.text();
    expect([long.status, xmlText(longXml, 'Code'), xmlText(longXml, 'Message')]).toEqual([
      400,
      'AuthorizationQueryParametersError',
      'X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds',
    ]);

    expect((await SELF.fetch(await w.s3.presign(`/${b}/x`, 'GET', 604800))).status).toBe(200);
  });
});
