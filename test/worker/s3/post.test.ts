import { SELF } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { checksumOf } from '../../../src/checksums';
import { toBase64, toHex } from '../../../src/crypto/encoding';
import { hmacSha1 } from '../../../src/crypto/hmac';
import { clearKeyCache } from '../../../src/s3/auth/authenticate';
import { deriveSigningKey, formatAmzDate, hmacHex } from '../../../src/s3/auth/sigv4';
import { SITES, type S3TestClient, type S3World, bytes, concat, s3World, xmlText } from './s3-fixtures';

const utf8 = new TextEncoder();
const BOUNDARY = '----RosFormBoundary7MA4YWxkTrZu0gW';
// biome-ignore lint/suspicious/noTemplateCurlyInString: S3's own variable, written just so in forms.
const FILENAME = '${filename}';
const inAnHour = () => new Date(Date.now() + 3600_000).toISOString();
const b64 = (text: string) => toBase64(utf8.encode(text));
const md5Hex = async (data: Uint8Array) => toHex(await crypto.subtle.digest('MD5', data));

type Field = [name: string, value: string];
interface FilePart {
  name?: string;
  filename?: string;
  content: Uint8Array | string;
}

/** The signature fields (and policy) of a form signed by `client`, SigV4 as the SDKs sign it, or SigV2. */
async function signed(
  client: S3TestClient,
  conditions: unknown[],
  { version = 4, expiration = inAnHour(), secret = client.secretAccessKey } = {},
): Promise<Field[]> {
  if (version === 2) {
    const policy = b64(JSON.stringify({ expiration, conditions }));
    return [
      ['AWSAccessKeyId', client.accessKeyId],
      ['policy', policy],
      ['signature', toBase64(await hmacSha1(secret, policy))],
    ];
  }
  const date = formatAmzDate(Date.now());
  const credential = `${client.accessKeyId}/${date.slice(0, 8)}/auto/s3/aws4_request`;
  const scope: Field[] = [
    ['x-amz-algorithm', 'AWS4-HMAC-SHA256'],
    ['x-amz-credential', credential],
    ['x-amz-date', date],
  ];
  const all = [...conditions, ...scope.map(([name, value]) => ({ [name]: value }))];
  const policy = b64(JSON.stringify({ expiration, conditions: all }));
  const key = await deriveSigningKey(secret, date.slice(0, 8), 'auto', 's3');
  return [...scope, ['policy', policy], ['x-amz-signature', await hmacHex(key, policy)]];
}

/** A multipart/form-data body as browsers write it: the fields, the file, then `after` (which S3 ignores). */
function formBody(fields: Field[], file: FilePart | null, after: Field[] = []): Uint8Array {
  const part = (name: string, extra = '') =>
    utf8.encode(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"${extra}\r\n`);
  const chunks: Uint8Array[] = [];
  for (const [name, value] of fields) chunks.push(part(name), utf8.encode(`\r\n${value}\r\n`));
  if (file) {
    const filename = file.filename === undefined ? '' : `; filename="${file.filename}"`;
    chunks.push(part(file.name ?? 'file', filename), utf8.encode('Content-Type: application/octet-stream\r\n\r\n'));
    chunks.push(typeof file.content === 'string' ? utf8.encode(file.content) : file.content, utf8.encode('\r\n'));
  }
  for (const [name, value] of after) chunks.push(part(name), utf8.encode(`\r\n${value}\r\n`));
  chunks.push(utf8.encode(`--${BOUNDARY}--\r\n`));
  return concat(chunks);
}

const post = (url: string, body: Uint8Array | string, contentType = `multipart/form-data; boundary=${BOUNDARY}`) =>
  SELF.fetch(url, { method: 'POST', body, headers: { 'Content-Type': contentType }, redirect: 'manual' });

const bucketUrl = (bucket: string) => `${SITES['thailand-1'].endpoint}/${bucket}`;

/** The conditions a plain upload of `key` to `bucket` needs. */
const basic = (bucket: string, key: string, more: unknown[] = []) => [{ bucket }, { key }, ...more];

const XML_TEXT: Record<string, string> = { quot: '"', apos: "'", amp: '&', lt: '<', gt: '>' };

async function errorOf(res: Response) {
  const xml = await res.text();
  const message = xmlText(xml, 'Message')?.replace(/&(quot|apos|amp|lt|gt);/g, (_, e: string) => XML_TEXT[e]!);
  return { status: res.status, code: xmlText(xml, 'Code'), message, xml };
}

async function stored(w: S3World, bucket: string, key: string): Promise<Uint8Array | null> {
  const res = await w.s3.fetch(`/${bucket}/${encodeURIComponent(key)}`);
  return res.status === 200 ? new Uint8Array(await res.arrayBuffer()) : null;
}

describe('POST Object (browser form uploads)', () => {
  it('stores a SigV4-signed form: bytes, Content-Type, metadata; 204 with ETag and Location', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const data = bytes(5000, 1);
    const fields: Field[] = [
      ['key', 'docs/report one.bin'],
      ['Content-Type', 'application/x-report'],
      ['Cache-Control', 'max-age=60'],
      ['Content-Disposition', 'attachment; filename="Grüße.bin"'],
      ['x-amz-meta-Owner', 'Somchai 🐘'],
    ];
    const sig = await signed(
      w.s3,
      basic(b, 'docs/report one.bin', [
        ['starts-with', '$Content-Type', 'application/'],
        { 'cache-control': 'max-age=60' },
        ['starts-with', '$content-disposition', 'attachment'],
        ['eq', '$x-amz-meta-owner', 'Somchai 🐘'],
      ]),
    );
    const res = await post(bucketUrl(b), formBody([...fields, ...sig], { filename: 'r.bin', content: data }));
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    expect(res.headers.get('ETag')).toBe(`"${await md5Hex(data)}"`);
    expect(res.headers.get('Location')).toBe(`${bucketUrl(b)}/docs%2Freport%20one.bin`);

    const get = await w.s3.fetch(`/${b}/docs/report%20one.bin`);
    expect(new Uint8Array(await get.arrayBuffer())).toEqual(data);
    expect(get.headers.get('Content-Type')).toBe('application/x-report');
    expect(get.headers.get('Cache-Control')).toBe('max-age=60');
    expect(get.headers.get('ETag')).toBe(res.headers.get('ETag'));
    // Stored as a PUT with these headers stores them: the UTF-8 bytes, given back as they came.
    const raw = (name: string) =>
      new TextDecoder().decode(Uint8Array.from(get.headers.get(name)!, (c) => c.charCodeAt(0)));
    expect(raw('Content-Disposition')).toBe('attachment; filename="Grüße.bin"');
    expect(raw('x-amz-meta-owner')).toBe('Somchai 🐘');
  });

  it('stores a SigV2-signed form (AWSAccessKeyId, base64 HMAC-SHA1), as boto3 signs by default', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const sig = await signed(w.s3, basic(b, 'v2.txt'), { version: 2 });
    const res = await post(bucketUrl(b), formBody([['key', 'v2.txt'], ...sig], { content: 'signed the old way' }));
    expect(res.status).toBe(204);
    expect(new TextDecoder().decode((await stored(w, b, 'v2.txt'))!)).toBe('signed the old way');
  });

  it('answers virtual-host style, with the Location in that style', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const sig = await signed(w.s3, basic(b, 'v/h.txt'));
    const res = await SELF.fetch(`http://${b}.${SITES['thailand-1'].alias}/`, {
      method: 'POST',
      body: formBody([['key', 'v/h.txt'], ...sig], { content: 'hi' }),
      headers: { 'Content-Type': `multipart/form-data; boundary=${BOUNDARY}` },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('Location')).toBe(`http://${b}.${SITES['thailand-1'].alias}/v%2Fh.txt`);
    expect(await stored(w, b, 'v/h.txt')).toEqual(utf8.encode('hi'));
  });

  it('replaces the filename variable with the file name without its path, in every field, before the policy is checked', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const sig = await signed(w.s3, [
      { bucket: b },
      ['starts-with', '$key', 'user/eric/'],
      ['eq', '$Content-Disposition', 'inline; filename=cat.jpg'],
    ]);
    const fields: Field[] = [
      ['key', `user/eric/${FILENAME}`],
      ['Content-Disposition', `inline; filename=${FILENAME}`],
    ];
    const res = await post(
      bucketUrl(b),
      formBody([...fields, ...sig], { filename: 'C:\\Photos\\cat.jpg', content: 'meow' }),
    );
    expect(res.status).toBe(204);
    const get = await w.s3.fetch(`/${b}/user/eric/cat.jpg`);
    expect(await get.text()).toBe('meow');
    expect(get.headers.get('Content-Disposition')).toBe('inline; filename=cat.jpg');
  });

  it('answers success_action_status 200, 201 (PostResponse), 204 and anything else as 204', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const upload = async (status: string) => {
      const sig = await signed(w.s3, basic(b, 'a&b.txt', [{ success_action_status: status }]));
      return post(
        bucketUrl(b),
        formBody([['key', 'a&b.txt'], ['success_action_status', status], ...sig], { content: 'x' }),
      );
    };
    const ok = await upload('200');
    expect([ok.status, await ok.text()]).toEqual([200, '']);
    const created = await upload('201');
    expect(created.status).toBe(201);
    expect(created.headers.get('Content-Type')).toBe('application/xml');
    const xml = await created.text();
    expect(xml).toContain('<PostResponse');
    expect(xmlText(xml, 'Location')).toBe(`${bucketUrl(b)}/a%26b.txt`);
    expect(xmlText(xml, 'Bucket')).toBe(b);
    expect(xmlText(xml, 'Key')).toBe('a&amp;b.txt');
    expect(xmlText(xml, 'ETag')).toBe(`&quot;${await md5Hex(utf8.encode('x'))}&quot;`);
    expect((await upload('204')).status).toBe(204);
    expect((await upload('404')).status).toBe(204);
  });

  it('redirects (303) to success_action_redirect or redirect with bucket, key and etag; ignores what is no URL', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const etag = `"${await md5Hex(utf8.encode('x'))}"`;
    for (const field of ['success_action_redirect', 'redirect']) {
      const target = 'https://app.example/done?from=form';
      const sig = await signed(w.s3, basic(b, 'r.txt', [['starts-with', `$${field}`, 'https://app.example/']]));
      const res = await post(
        bucketUrl(b),
        formBody([['key', 'r.txt'], [field, target], ...sig], { content: 'x' }),
        undefined,
      );
      expect(res.status).toBe(303);
      const location = new URL(res.headers.get('Location')!);
      expect(`${location.origin}${location.pathname}`).toBe('https://app.example/done');
      expect(Object.fromEntries(location.searchParams)).toEqual({ from: 'form', bucket: b, key: 'r.txt', etag });
      expect(res.headers.get('ETag')).toBe(etag);
    }
    const sig = await signed(w.s3, basic(b, 'r.txt', [{ success_action_redirect: 'not a url' }]));
    const res = await post(
      bucketUrl(b),
      formBody([['key', 'r.txt'], ['success_action_redirect', 'not a url'], ...sig], { content: 'x' }),
    );
    expect(res.status).toBe(204);
  });

  it('reads field names in any case, in the form and in the policy; ignores x-ignore-* fields', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const sig = await signed(w.s3, [{ BUCKET: b }, ['StArTs-WiTh', '$KeY', 'case/'], { 'CONTENT-type': 'text/plain' }]);
    const fields: Field[] = [
      ['kEy', 'case/x.txt'],
      ['Content-TYPE', 'text/plain'],
      ['x-ignore-flash-filename', 'x.txt'],
    ];
    const res = await post(
      bucketUrl(b),
      formBody([...fields, ...sig.map(([n, v]): Field => [n.toUpperCase(), v])], { content: 'x' }),
    );
    expect(res.status).toBe(204);
    expect((await w.s3.fetch(`/${b}/case/x.txt`)).headers.get('Content-Type')).toBe('text/plain');
  });

  it.each<[string, (b: string) => unknown[], Field[], string]>([
    [
      'a key outside the prefix',
      (b) => [{ bucket: b }, ['starts-with', '$key', 'user/eric/']],
      [['key', 'user/bob/x']],
      'Policy Condition failed: ["starts-with", "$key", "user/eric/"]',
    ],
    ['another key', (b) => basic(b, 'a.txt'), [['key', 'b.txt']], 'Policy Condition failed: ["eq", "$key", "a.txt"]'],
    [
      'a policy for another bucket',
      () => basic('another-bucket', 'a.txt'),
      [['key', 'a.txt']],
      'Policy Condition failed: ["eq", "$bucket", "another-bucket"]',
    ],
    [
      'a Content-Type outside the prefix',
      (b) => basic(b, 'a.txt', [['starts-with', '$Content-Type', 'image/']]),
      [
        ['key', 'a.txt'],
        ['Content-Type', 'image/png,text/html'],
      ],
      'Policy Condition failed: ["starts-with", "$Content-Type", "image/"]',
    ],
    [
      'a metadata value the policy pins',
      (b) => basic(b, 'a.txt', [['eq', '$x-amz-meta-foo', '']]),
      [
        ['key', 'a.txt'],
        ['x-amz-meta-foo', 'barclamp'],
      ],
      'Policy Condition failed: ["eq", "$x-amz-meta-foo", ""]',
    ],
    [
      'a field no condition names',
      (b) => basic(b, 'a.txt'),
      [
        ['key', 'a.txt'],
        ['x-amz-meta-extra', '1'],
      ],
      'Extra input fields: x-amz-meta-extra',
    ],
    [
      'a policy that does not name the bucket',
      () => [{ key: 'a.txt' }],
      [['key', 'a.txt']],
      'Extra input fields: bucket',
    ],
  ])('refuses %s (403 AccessDenied) and stores nothing', async (_, conditions, fields, detail) => {
    const w = await s3World();
    const b = await w.newBucket();
    const sig = await signed(w.s3, conditions(b));
    const res = await post(bucketUrl(b), formBody([...fields, ...sig], { content: 'x' }));
    expect(await errorOf(res)).toMatchObject({
      status: 403,
      code: 'AccessDenied',
      message: `Invalid according to Policy: ${detail}`,
    });
    expect(await stored(w, b, fields[0]![1])).toBeNull();
  });

  it('refuses an expired policy, a wrong signature (both versions) and an unknown or foreign key', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const send = async (sig: Field[]) =>
      errorOf(await post(bucketUrl(b), formBody([['key', 'k'], ...sig], { content: 'x' })));
    const expired = await send(
      await signed(w.s3, basic(b, 'k'), { expiration: new Date(Date.now() - 1000).toISOString() }),
    );
    expect(expired).toMatchObject({
      status: 403,
      code: 'AccessDenied',
      message: 'Invalid according to Policy: Policy expired.',
    });
    for (const version of [4, 2]) {
      const wrong = await send(await signed(w.s3, basic(b, 'k'), { version, secret: 'w'.repeat(40) }));
      expect(wrong).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
      expect(xmlText(wrong.xml, 'AWSAccessKeyId')).toBe(w.s3.accessKeyId);
    }
    const unknown = { ...w.s3, accessKeyId: 'ROSUNKNOWNKEY0000000' } as S3TestClient;
    expect(await send(await signed(unknown, basic(b, 'k')))).toMatchObject({ status: 403, code: 'InvalidAccessKeyId' });
    const finland = await w.newKey('finland-1');
    expect(await send(await signed(finland, basic(b, 'k')))).toMatchObject({ status: 403, code: 'InvalidAccessKeyId' });
    const other = await s3World();
    expect(await send(await signed(other.s3, basic(b, 'k')))).toMatchObject({ status: 403, code: 'AccessDenied' });
    expect(await stored(w, b, 'k')).toBeNull();
  });

  it('refuses a form signed by an inactive key, and one for a bucket that does not exist', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const key = await w.newKey();
    await w.admin.patch(`/projects/${w.project}/keys/${key.accessKeyId}`, { status: 'inactive' });
    clearKeyCache();
    const sig = await signed(key, basic(b, 'k'));
    expect(await errorOf(await post(bucketUrl(b), formBody([['key', 'k'], ...sig], { content: 'x' })))).toMatchObject({
      status: 403,
      code: 'AccessDenied',
    });
    const missing = `${b}-gone`;
    const sig2 = await signed(w.s3, basic(missing, 'k'));
    const res = await post(bucketUrl(missing), formBody([['key', 'k'], ...sig2], { content: 'x' }));
    expect(await errorOf(res)).toMatchObject({ status: 404, code: 'NoSuchBucket' });
  });

  it('takes an unsigned form only where the bucket ACL lets anyone write, as S3 does', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const res = await post(bucketUrl(b), formBody([['key', 'anon.txt']], { content: 'x' }));
    expect(await errorOf(res)).toMatchObject({ status: 403, code: 'AccessDenied' });
    const open = `${b}-open`;
    expect(
      (await w.s3.fetch(`/${open}`, { method: 'PUT', headers: { 'x-amz-acl': 'public-read-write' } })).status,
    ).toBe(200);
    const anon = await post(
      bucketUrl(open),
      formBody(
        [
          ['key', 'anon.txt'],
          ['x-amz-meta-by', 'anyone'],
        ],
        { content: 'x' },
      ),
    );
    expect(anon.status).toBe(204);
    expect((await w.s3.fetch(`/${open}/anon.txt`)).headers.get('x-amz-meta-by')).toBe('anyone');
    // Another project's key signs for itself: the ACL's grant to everyone covers it.
    const other = await s3World();
    const sig = await signed(other.s3, basic(open, 'other.txt'));
    expect((await post(bucketUrl(open), formBody([['key', 'other.txt'], ...sig], { content: 'x' }))).status).toBe(204);
    // Fields that start a signature must come with the rest of it.
    const noSignature = formBody(
      [
        ['key', 'k'],
        ['AWSAccessKeyId', w.s3.accessKeyId],
        ['policy', b64('{}')],
      ],
      { content: 'x' },
    );
    expect(await errorOf(await post(bucketUrl(b), noSignature))).toMatchObject({
      status: 400,
      code: 'InvalidArgument',
      message:
        "Bucket POST must contain a field named 'Signature'.  If it is specified, please check the order of the fields.",
    });
  });

  it('applies the acl field as PutObject applies x-amz-acl', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const sig = await signed(w.s3, basic(b, 'shared.txt', [{ acl: 'public-read' }]));
    const res = await post(
      bucketUrl(b),
      formBody([['key', 'shared.txt'], ['acl', 'public-read'], ...sig], { content: 'hi' }),
    );
    expect(res.status).toBe(204);
    const acl = await (await w.s3.fetch(`/${b}/shared.txt?acl`)).text();
    expect(acl).toContain('http://acs.amazonaws.com/groups/global/AllUsers');
    expect(await (await SELF.fetch(`${bucketUrl(b)}/shared.txt`)).text()).toBe('hi');
  });

  it('applies the tagging field (a <Tagging> document) as PutObject applies x-amz-tagging; the owner’s alone', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const doc =
      '<Tagging><TagSet><Tag><Key>source</Key><Value>form</Value></Tag><Tag><Key>n</Key><Value>1</Value></Tag></TagSet></Tagging>';
    const send = async (bucket: string, key: string, tagging: string, sign = true) => {
      const sig = sign ? await signed(w.s3, basic(bucket, key, [{ tagging }])) : [];
      return post(bucketUrl(bucket), formBody([['key', key], ['tagging', tagging], ...sig], { content: 'hi' }));
    };
    expect((await send(b, 'tagged.txt', doc)).status).toBe(204);
    const tags = await (await w.s3.fetch(`/${b}/tagged.txt?tagging`)).text();
    expect(tags).toContain(
      '<TagSet><Tag><Key>source</Key><Value>form</Value></Tag><Tag><Key>n</Key><Value>1</Value></Tag></TagSet>',
    );
    expect((await w.s3.fetch(`/${b}/tagged.txt`, { method: 'HEAD' })).headers.get('x-amz-tagging-count')).toBe('2');

    const invalid = await errorOf(
      await send(b, 'bad.txt', '<Tagging><TagSet><Tag><Key>a,b</Key><Value/></Tag></TagSet></Tagging>'),
    );
    expect(invalid).toMatchObject({ status: 400, code: 'InvalidTag' });
    const malformed = await errorOf(await send(b, 'bad.txt', '<Tagging><TagSet>'));
    expect(malformed).toMatchObject({ status: 400, code: 'MalformedXML' });
    expect((await w.s3.fetch(`/${b}/bad.txt`, { method: 'HEAD' })).status).toBe(404);

    // Anyone may write to a public-read-write bucket, but not tag what they write.
    const open = `${b}-open`;
    await w.s3.fetch(`/${open}`, { method: 'PUT', headers: { 'x-amz-acl': 'public-read-write' } });
    expect(await errorOf(await send(open, 'anon.txt', doc, false))).toMatchObject({
      status: 403,
      code: 'AccessDenied',
    });
    expect((await w.s3.fetch(`/${open}/anon.txt`, { method: 'HEAD' })).status).toBe(404);
  });

  it('holds the file to content-length-range (EntityTooLarge / EntityTooSmall with the sizes)', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const send = async (size: number) => {
      const sig = await signed(w.s3, basic(b, 'sized', [['content-length-range', 10, 20]]));
      return post(bucketUrl(b), formBody([['key', 'sized'], ...sig], { content: bytes(size, 2) }));
    };
    const large = await errorOf(await send(21));
    expect(large).toMatchObject({ status: 400, code: 'EntityTooLarge' });
    expect([xmlText(large.xml, 'ProposedSize'), xmlText(large.xml, 'MaxSizeAllowed')]).toEqual(['21', '20']);
    const small = await errorOf(await send(9));
    expect(small).toMatchObject({ status: 400, code: 'EntityTooSmall' });
    expect([xmlText(small.xml, 'ProposedSize'), xmlText(small.xml, 'MinSizeAllowed')]).toEqual(['9', '10']);
    expect(await stored(w, b, 'sized')).toBeNull();
    expect((await send(10)).status).toBe(204);
    expect((await send(20)).status).toBe(204);
  });

  it('answers the form errors as S3 does', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const sig = await signed(w.s3, basic(b, 'k'));
    expect(await errorOf(await post(bucketUrl(b), formBody(sig, { content: 'x' })))).toMatchObject({
      status: 400,
      code: 'InvalidArgument',
      message:
        "Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields.",
    });
    // a key after the file is not read, so it is missing
    expect((await errorOf(await post(bucketUrl(b), formBody(sig, { content: 'x' }, [['key', 'k']])))).code).toBe(
      'InvalidArgument',
    );
    const noFile = await errorOf(await post(bucketUrl(b), formBody([['key', 'k'], ...sig], null)));
    expect(noFile).toMatchObject({
      status: 400,
      code: 'InvalidArgument',
      message: 'POST requires exactly one file upload per request.',
    });
    expect([xmlText(noFile.xml, 'ArgumentName'), xmlText(noFile.xml, 'ArgumentValue')]).toEqual(['file', '0']);

    const urlencoded = await errorOf(await post(bucketUrl(b), 'key=k', 'application/x-www-form-urlencoded'));
    expect(urlencoded).toMatchObject({ status: 412, code: 'PreconditionFailed' });
    expect(xmlText(urlencoded.xml, 'Condition')).toBe('Bucket POST must be of the enclosure-type multipart/form-data');
    expect(await errorOf(await post(bucketUrl(b), 'x', 'multipart/form-data'))).toMatchObject({
      status: 400,
      code: 'MalformedPOSTRequest',
    });
    const truncated = formBody([['key', 'k'], ...sig], { content: 'x' }).subarray(0, 200);
    expect((await errorOf(await post(bucketUrl(b), truncated))).code).toBe('MalformedPOSTRequest');
    const tooMuch = formBody([['key', 'k'], ['x-ignore-padding', 'p'.repeat(20 * 1024)], ...sig], { content: 'x' });
    expect(await errorOf(await post(bucketUrl(b), tooMuch))).toMatchObject({
      status: 400,
      code: 'MaxPostPreDataLengthExceededError',
      message: 'Your POST request fields preceding the upload file were too large.',
    });
  });

  it('refuses a key too long for the bucket, a tagging field without a tag set, an unknown canned ACL and metadata over 2 KB', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const send = async (fields: Field[], conditions: unknown[]) => {
      const sig = await signed(w.s3, [{ bucket: b }, ...conditions]);
      return errorOf(await post(bucketUrl(b), formBody([...fields, ...sig], { content: 'x' })));
    };
    const long = 'k'.repeat(1024);
    expect((await send([['key', long]], [{ key: long }])).code).toBe('KeyTooLongError');
    const tags = await send(
      [
        ['key', 'k'],
        ['tagging', '<Tagging/>'],
      ],
      [{ key: 'k' }, { tagging: '<Tagging/>' }],
    );
    expect(tags).toMatchObject({ status: 400, code: 'MalformedXML' });
    const acl = await send(
      [
        ['key', 'k'],
        ['acl', 'public-everything'],
      ],
      [{ key: 'k' }, { acl: 'public-everything' }],
    );
    expect(acl).toMatchObject({
      status: 400,
      code: 'InvalidArgument',
      message: 'Invalid canned ACL: public-everything',
    });
    const big = 'v'.repeat(2100);
    expect(
      (
        await send(
          [
            ['key', 'k'],
            ['x-amz-meta-big', big],
          ],
          [{ key: 'k' }, { 'x-amz-meta-big': big }],
        )
      ).code,
    ).toBe('MetadataTooLarge');
    expect(await stored(w, b, 'k')).toBeNull();
  });

  it('verifies x-amz-checksum-* and Content-MD5 fields while the file streams; a failed POST leaves the old object', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    await w.s3.fetch(`/${b}/c.bin`, { method: 'PUT', body: 'the old object' });
    const data = bytes(100_000, 3);
    const crc = toBase64(await checksumOf('CRC32', data));
    const send = async (name: string, value: string) => {
      const sig = await signed(w.s3, basic(b, 'c.bin', [{ [name]: value }]));
      return post(bucketUrl(b), formBody([['key', 'c.bin'], [name, value], ...sig], { content: data }));
    };
    const wrongCrc = await errorOf(await send('x-amz-checksum-crc32', 'AAAAAA=='));
    expect(wrongCrc).toMatchObject({ status: 400, code: 'BadDigest' });
    const wrongMd5 = await errorOf(await send('Content-MD5', toBase64(new Uint8Array(16))));
    expect(wrongMd5).toMatchObject({ status: 400, code: 'BadDigest' });
    expect(new TextDecoder().decode((await stored(w, b, 'c.bin'))!)).toBe('the old object');

    const ok = await send('x-amz-checksum-crc32', crc);
    expect(ok.status).toBe(204);
    expect(ok.headers.get('x-amz-checksum-crc32')).toBe(crc);
    const head = await w.s3.fetch(`/${b}/c.bin`, { method: 'HEAD', headers: { 'x-amz-checksum-mode': 'ENABLED' } });
    expect(head.headers.get('x-amz-checksum-crc32')).toBe(crc);
    expect(await stored(w, b, 'c.bin')).toEqual(data);
  });

  it('ignores the fields after the file, as S3 does', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const sig = await signed(w.s3, basic(b, 'after.txt'));
    const body = formBody([['key', 'after.txt'], ...sig], { content: 'data' }, [
      ['x-amz-meta-late', 'not stored'],
      ['Content-Type', 'text/late'],
    ]);
    const res = await post(bucketUrl(b), body);
    expect(res.status).toBe(204);
    const get = await w.s3.fetch(`/${b}/after.txt`);
    expect(await get.text()).toBe('data');
    expect(get.headers.get('x-amz-meta-late')).toBeNull();
    expect(get.headers.get('Content-Type')).toBe('binary/octet-stream');
  });

  it('stores an empty file', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const sig = await signed(w.s3, basic(b, 'empty'));
    expect((await post(bucketUrl(b), formBody([['key', 'empty'], ...sig], { content: '' }))).status).toBe(204);
    expect(await stored(w, b, 'empty')).toEqual(new Uint8Array(0));
  });

  it('streams a file over 8 MiB when it is the last part; refuses one followed by a field, storing nothing', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const data = bytes(9 * 1024 * 1024 + 123, 4);
    const sig = await signed(w.s3, basic(b, 'big.bin'));
    const res = await post(bucketUrl(b), formBody([['key', 'big.bin'], ...sig], { content: data }));
    expect(res.status).toBe(204);
    expect(res.headers.get('ETag')).toBe(`"${await md5Hex(data)}"`);
    const object = await env.R2_THAILAND_1.get(`${b}/big.bin`);
    expect(object?.size).toBe(data.length);

    const other = bytes(9 * 1024 * 1024, 5);
    const trailing = formBody([['key', 'big.bin'], ...sig], { content: other }, [['x-ignore-late', 'x']]);
    const refused = await errorOf(await post(bucketUrl(b), trailing));
    expect(refused).toMatchObject({ status: 400, code: 'MalformedPOSTRequest' });
    expect(refused.message).toContain('must be the last field');
    expect((await env.R2_THAILAND_1.head(`${b}/big.bin`))?.etag).toBe(object?.etag);
  });

  it('answers a browser on another origin with the bucket CORS rule for POST: preflight and the upload', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const app = 'https://app.example.com';
    const rules =
      '<CORSConfiguration><CORSRule><AllowedOrigin>https://app.example.com</AllowedOrigin>' +
      '<AllowedMethod>POST</AllowedMethod><ExposeHeader>ETag</ExposeHeader></CORSRule></CORSConfiguration>';
    expect((await w.s3.fetch(`/${b}?cors`, { method: 'PUT', body: rules })).status).toBe(200);
    const preflight = await SELF.fetch(bucketUrl(b), {
      method: 'OPTIONS',
      headers: { Origin: app, 'Access-Control-Request-Method': 'POST' },
    });
    expect(preflight.status).toBe(200);
    expect(preflight.headers.get('Access-Control-Allow-Origin')).toBe(app);
    const sig = await signed(w.s3, basic(b, 'cors.txt'));
    const res = await SELF.fetch(bucketUrl(b), {
      method: 'POST',
      body: formBody([['key', 'cors.txt'], ...sig], { content: 'from the app' }),
      headers: { 'Content-Type': `multipart/form-data; boundary=${BOUNDARY}`, Origin: app },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe(app);
    expect(res.headers.get('Access-Control-Expose-Headers')).toBe('ETag');
  });

  it('refuses server-side encryption ROS cannot honour', async () => {
    const w = await s3World();
    const b = await w.newBucket();
    const sig = await signed(w.s3, basic(b, 'k', [{ 'x-amz-server-side-encryption': 'aws:kms' }]));
    const fields: Field[] = [['key', 'k'], ['x-amz-server-side-encryption', 'aws:kms'], ...sig];
    expect((await errorOf(await post(bucketUrl(b), formBody(fields, { content: 'x' })))).status).toBe(501);
  });
});
