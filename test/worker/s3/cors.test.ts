import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { CONSOLE } from '../console-client';
import { SITES, s3World, xmlAll, xmlText, type S3World } from './s3-fixtures';

const APP = 'https://app.example.com';
const VARY = 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method';
const NOT_ALLOWED =
  "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.";

const rule = (inner: string) => `<CORSRule>${inner}</CORSRule>`;
const config = (...rules: string[]) =>
  `<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${rules.join('')}</CORSConfiguration>`;
const GET_ANY = rule('<AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod>');

/** Three rules: the app (first, so it wins), any subdomain of example.org, and anyone for reads. */
const RULES = config(
  rule(
    `<ID>app</ID><AllowedOrigin>${APP}</AllowedOrigin><AllowedMethod>GET</AllowedMethod><AllowedMethod>PUT</AllowedMethod>` +
      '<AllowedHeader>Content-Type</AllowedHeader><AllowedHeader>x-amz-*</AllowedHeader>' +
      '<ExposeHeader>ETag</ExposeHeader><ExposeHeader>x-amz-request-id</ExposeHeader><MaxAgeSeconds>3000</MaxAgeSeconds>',
  ),
  rule('<AllowedOrigin>http://*.example.org</AllowedOrigin><AllowedMethod>GET</AllowedMethod>'),
  rule('<AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><AllowedMethod>HEAD</AllowedMethod>'),
);

const putCors = (w: S3World, bucket: string, body: string) => w.s3.fetch(`/${bucket}?cors`, { method: 'PUT', body });

async function withRules(rules = RULES) {
  const w = await s3World();
  const bucket = await w.newBucket('cors');
  const res = await putCors(w, bucket, rules);
  expect(res.status, await res.text()).toBe(200);
  return { w, bucket };
}

/** An unsigned OPTIONS request, as a browser sends it. */
const options = (url: string, headers: Record<string, string>) => SELF.fetch(url, { method: 'OPTIONS', headers });
const endpoint = SITES['thailand-1'].endpoint;

/** The CORS headers of a response, for exact comparison. */
const corsHeaders = (res: Response) =>
  Object.fromEntries([...res.headers].filter(([name]) => name.startsWith('access-control-') || name === 'vary'));

async function refusal(res: Response) {
  const xml = await res.text();
  return {
    status: res.status,
    code: xmlText(xml, 'Code'),
    message: xmlText(xml, 'Message'),
    method: xmlText(xml, 'Method'),
    resourceType: xmlText(xml, 'ResourceType'),
  };
}

describe('PutBucketCors, GetBucketCors, DeleteBucketCors', () => {
  it('round-trip the rules, as S3 lists them', async () => {
    const { w, bucket } = await withRules();
    const got = await w.s3.fetch(`/${bucket}?cors`);
    const xml = await got.text();
    expect(got.status, xml).toBe(200);
    expect(got.headers.get('Content-Type')).toBe('application/xml');
    expect(xml).toContain('<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><CORSRule>');
    expect(xmlAll(xml, 'CORSRule')[0]).toBe(
      '<AllowedHeader>Content-Type</AllowedHeader><AllowedHeader>x-amz-*</AllowedHeader>' +
        `<AllowedMethod>GET</AllowedMethod><AllowedMethod>PUT</AllowedMethod><AllowedOrigin>${APP}</AllowedOrigin>` +
        '<ExposeHeader>ETag</ExposeHeader><ExposeHeader>x-amz-request-id</ExposeHeader><ID>app</ID>' +
        '<MaxAgeSeconds>3000</MaxAgeSeconds>',
    );
    expect(xmlAll(xml, 'AllowedOrigin')).toEqual([APP, 'http://*.example.org', '*']);

    // A second PUT replaces the configuration whole.
    expect((await putCors(w, bucket, config(GET_ANY))).status).toBe(200);
    expect(xmlAll(await (await w.s3.fetch(`/${bucket}?cors`)).text(), 'CORSRule')).toEqual([
      '<AllowedMethod>GET</AllowedMethod><AllowedOrigin>*</AllowedOrigin>',
    ]);

    const deleted = await w.s3.fetch(`/${bucket}?cors`, { method: 'DELETE' });
    expect([deleted.status, await deleted.text()]).toEqual([204, '']);
    const none = await w.s3.fetch(`/${bucket}?cors`);
    const noneXml = await none.text();
    expect([
      none.status,
      xmlText(noneXml, 'Code'),
      xmlText(noneXml, 'Message'),
      xmlText(noneXml, 'BucketName'),
    ]).toEqual([404, 'NoSuchCORSConfiguration', 'The CORS configuration does not exist', bucket]);
    // Deleting what is not there is no error, as on S3.
    expect((await w.s3.fetch(`/${bucket}?cors`, { method: 'DELETE' })).status).toBe(204);
  });

  it('answers NoSuchCORSConfiguration for a bucket never configured, NoSuchBucket for none', async () => {
    const w = await s3World();
    const bucket = await w.newBucket();
    expect((await refusal(await w.s3.fetch(`/${bucket}?cors`))).code).toBe('NoSuchCORSConfiguration');
    expect((await refusal(await w.s3.fetch('/no-such-bucket-here?cors'))).code).toBe('NoSuchBucket');
    expect((await refusal(await putCors(w, 'no-such-bucket-here', config(GET_ANY)))).code).toBe('NoSuchBucket');
  });

  it("refuses another project's bucket", async () => {
    const { bucket } = await withRules();
    const other = await s3World();
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const res = await other.s3.fetch(`/${bucket}?cors`, { method, body: method === 'PUT' ? RULES : undefined });
      expect([method, (await refusal(res)).code]).toEqual([method, 'AccessDenied']);
    }
  });

  const ORIGIN = '<AllowedOrigin>*</AllowedOrigin>';
  const METHOD = '<AllowedMethod>GET</AllowedMethod>';
  it.each<[string, string, string, string?]>([
    ['not XML', 'CORS please', 'MalformedXML'],
    ['another document', '<Delete><Object><Key>k</Key></Object></Delete>', 'MalformedXML'],
    ['no rules', config(), 'MalformedXML'],
    ['101 rules', config(...Array(101).fill(GET_ANY)), 'MalformedXML'],
    ['an empty rule', config('<CORSRule/>'), 'MalformedXML'],
    ['a rule without AllowedOrigin', config(rule(METHOD)), 'MalformedXML'],
    ['a rule without AllowedMethod', config(rule(ORIGIN)), 'MalformedXML'],
    ['an unknown element', config(rule(`${ORIGIN}${METHOD}<AllowedOrigins>x</AllowedOrigins>`)), 'MalformedXML'],
    ['text beside the rules', `<CORSConfiguration>hello${GET_ANY}</CORSConfiguration>`, 'MalformedXML'],
    [
      'an element inside AllowedOrigin',
      config(rule(`<AllowedOrigin><a>x</a></AllowedOrigin>${METHOD}`)),
      'MalformedXML',
    ],
    ['two IDs', config(rule(`<ID>a</ID><ID>b</ID>${ORIGIN}${METHOD}`)), 'MalformedXML'],
    ['an ID of 256 characters', config(rule(`<ID>${'i'.repeat(256)}</ID>${ORIGIN}${METHOD}`)), 'MalformedXML'],
    [
      'MaxAgeSeconds not a number',
      config(rule(`${ORIGIN}${METHOD}<MaxAgeSeconds>soon</MaxAgeSeconds>`)),
      'MalformedXML',
    ],
    ['a negative MaxAgeSeconds', config(rule(`${ORIGIN}${METHOD}<MaxAgeSeconds>-1</MaxAgeSeconds>`)), 'MalformedXML'],
    [
      'MaxAgeSeconds past an int',
      config(rule(`${ORIGIN}${METHOD}<MaxAgeSeconds>2147483648</MaxAgeSeconds>`)),
      'MalformedXML',
    ],
    [
      'an unsupported method',
      config(rule(`${ORIGIN}${METHOD}<AllowedMethod>PATCH</AllowedMethod>`)),
      'InvalidRequest',
      'Found unsupported HTTP method in CORS config. Unsupported method is PATCH',
    ],
    [
      'a lower-case method',
      config(rule(`${ORIGIN}<AllowedMethod>get</AllowedMethod>`)),
      'InvalidRequest',
      'Found unsupported HTTP method in CORS config. Unsupported method is get',
    ],
    [
      'an origin with two wildcards',
      config(rule(`<AllowedOrigin>https://*.example.*</AllowedOrigin>${METHOD}`)),
      'InvalidRequest',
      'AllowedOrigin "https://*.example.*" can not have more than one wildcard.',
    ],
    [
      'a header with two wildcards',
      config(rule(`${ORIGIN}${METHOD}<AllowedHeader>x-*-*</AllowedHeader>`)),
      'InvalidRequest',
      'AllowedHeader "x-*-*" can not have more than one wildcard.',
    ],
    [
      'a wildcard ExposeHeader',
      config(rule(`${ORIGIN}${METHOD}<ExposeHeader>x-amz-*</ExposeHeader>`)),
      'InvalidRequest',
      'ExposeHeader "x-amz-*" contains wildcard. We currently do not support wildcard for ExposeHeader.',
    ],
    [
      'an ExposeHeader that is no header name',
      config(rule(`${ORIGIN}${METHOD}<ExposeHeader>ETag, Date</ExposeHeader>`)),
      'InvalidRequest',
      'ExposeHeader "ETag, Date" is not an HTTP header name.',
    ],
    [
      // The shape is checked before the values, so the later fault decides.
      'an unsupported method and a later rule without origin',
      config(rule(`${ORIGIN}<AllowedMethod>PATCH</AllowedMethod>`), rule(METHOD)),
      'MalformedXML',
    ],
  ])('refuses %s and keeps the rules it had', async (_what, body, code, message) => {
    const { w, bucket } = await withRules(config(GET_ANY));
    const res = await putCors(w, bucket, body);
    const xml = await res.text();
    expect([res.status, xmlText(xml, 'Code')], xml).toEqual([400, code]);
    if (message) expect(xmlText(xml, 'Message')).toBe(message.replace(/"/g, '&quot;'));
    expect(xmlAll(await (await w.s3.fetch(`/${bucket}?cors`)).text(), 'CORSRule')).toHaveLength(1);
  });

  it('takes up to 100 rules, an empty origin and ID, and a document over 64 KB not at all', async () => {
    const { w, bucket } = await withRules(config(...Array(100).fill(GET_ANY)));
    expect(xmlAll(await (await w.s3.fetch(`/${bucket}?cors`)).text(), 'CORSRule')).toHaveLength(100);
    expect((await putCors(w, bucket, config(rule(`<ID></ID><AllowedOrigin></AllowedOrigin>${METHOD}`)))).status).toBe(
      200,
    );
    const huge = config(rule(`${ORIGIN}${METHOD}<AllowedHeader>${'h'.repeat(70_000)}</AllowedHeader>`));
    expect((await refusal(await putCors(w, bucket, huge))).code).toBe('MalformedXML');
  });

  it('checks Content-MD5 and the signed payload hash, as every small body', async () => {
    const w = await s3World();
    const bucket = await w.newBucket();
    const res = await putCors(w, bucket, config(GET_ANY)).then(() =>
      w.s3.fetch(`/${bucket}?cors`, {
        method: 'PUT',
        body: config(GET_ANY),
        headers: { 'Content-MD5': 'AAAAAAAAAAAAAAAAAAAAAA==' },
      }),
    );
    expect((await refusal(res)).code).toBe('BadDigest');
  });
});

describe('preflight (OPTIONS)', () => {
  it('answers from the first matching rule, with the headers S3 sends', async () => {
    const { bucket } = await withRules();
    const res = await options(`${endpoint}/${bucket}/photos/cat.jpg`, {
      Origin: APP,
      'Access-Control-Request-Method': 'PUT',
      'Access-Control-Request-Headers': 'Content-Type,X-Amz-Meta-Name, x-amz-checksum-crc32',
    });
    expect([res.status, await res.text()]).toEqual([200, '']);
    expect(corsHeaders(res)).toEqual({
      'access-control-allow-origin': APP,
      'access-control-allow-methods': 'GET, PUT',
      'access-control-allow-headers': 'content-type, x-amz-meta-name, x-amz-checksum-crc32',
      'access-control-expose-headers': 'ETag, x-amz-request-id',
      'access-control-max-age': '3000',
      'access-control-allow-credentials': 'true',
      vary: VARY,
    });
    expect(res.headers.get('x-amz-request-id')).toMatch(/^[0-9A-F]{16}$/);

    // The app's GET matches the first rule too, although the third also allows it.
    const get = await options(`${endpoint}/${bucket}/k`, { Origin: APP, 'Access-Control-Request-Method': 'GET' });
    expect(corsHeaders(get)['access-control-allow-methods']).toBe('GET, PUT');
  });

  it('matches an origin with a wildcard, and answers * to anyone only through the * origin', async () => {
    const { bucket } = await withRules();
    const sub = await options(`${endpoint}/${bucket}/k`, {
      Origin: 'http://shop.example.org',
      'Access-Control-Request-Method': 'GET',
    });
    expect(corsHeaders(sub)).toEqual({
      'access-control-allow-origin': 'http://shop.example.org',
      'access-control-allow-methods': 'GET',
      'access-control-allow-credentials': 'true',
      vary: VARY,
    });
    const anyone = await options(`${endpoint}/${bucket}/k`, {
      Origin: 'https://elsewhere.test',
      'Access-Control-Request-Method': 'HEAD',
    });
    expect(corsHeaders(anyone)).toEqual({
      'access-control-allow-origin': '*',
      'access-control-allow-methods': 'GET, HEAD',
      vary: VARY,
    });
  });

  it.each<[string, Record<string, string>]>([
    ['a method no rule allows', { Origin: 'https://elsewhere.test', 'Access-Control-Request-Method': 'PUT' }],
    ['DELETE from the app', { Origin: APP, 'Access-Control-Request-Method': 'DELETE' }],
    [
      'a header the rule does not allow',
      { Origin: APP, 'Access-Control-Request-Method': 'PUT', 'Access-Control-Request-Headers': 'authorization' },
    ],
    [
      // A rule without AllowedHeader admits no requested header.
      'any header where the rule names none',
      {
        Origin: 'https://elsewhere.test',
        'Access-Control-Request-Method': 'GET',
        'Access-Control-Request-Headers': 'range',
      },
    ],
    [
      'an origin in other letters (origins compare exactly)',
      { Origin: 'https://APP.example.com', 'Access-Control-Request-Method': 'PUT' },
    ],
    ['an origin with a trailing slash', { Origin: `${APP}/`, 'Access-Control-Request-Method': 'PUT' }],
    [
      'a subdomain pattern met by another scheme',
      { Origin: 'https://shop.example.org', 'Access-Control-Request-Method': 'PUT' },
    ],
  ])('refuses %s with 403 AccessForbidden and no CORS headers', async (_what, headers) => {
    const { bucket } = await withRules();
    const res = await options(`${endpoint}/${bucket}/k`, headers);
    expect(corsHeaders(res)).toEqual({});
    expect(await refusal(res)).toEqual({
      status: 403,
      code: 'AccessForbidden',
      message: NOT_ALLOWED.replace(/'/g, '&apos;'),
      method: headers['Access-Control-Request-Method'],
      resourceType: 'OBJECT',
    });
  });

  it('matches requested headers without regard to case, against wildcard patterns', async () => {
    const { bucket } = await withRules(
      config(
        rule(
          `<AllowedOrigin>${APP}</AllowedOrigin><AllowedMethod>POST</AllowedMethod><AllowedHeader>*</AllowedHeader>`,
        ),
      ),
    );
    const res = await options(`${endpoint}/${bucket}`, {
      Origin: APP,
      'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Headers': 'Authorization, X-Anything',
    });
    expect(corsHeaders(res)['access-control-allow-headers']).toBe('authorization, x-anything');

    const { bucket: prefixed } = await withRules();
    const upper = await options(`${endpoint}/${prefixed}/k`, {
      Origin: APP,
      'Access-Control-Request-Method': 'PUT',
      'Access-Control-Request-Headers': 'CONTENT-TYPE,X-AMZ-DATE',
    });
    expect([upper.status, corsHeaders(upper)['access-control-allow-headers']]).toEqual([
      200,
      'content-type, x-amz-date',
    ]);
  });

  it('answers in virtual-host style, on the bucket itself, and on a presigned URL without checking it', async () => {
    const { bucket } = await withRules();
    const ask = { Origin: APP, 'Access-Control-Request-Method': 'PUT' };
    for (const url of [
      `http://${bucket}.${SITES['thailand-1'].alias}/k`,
      `http://${bucket}.${SITES['thailand-1'].alias}/`,
      `${endpoint}/${bucket}`,
      `${endpoint}/${bucket}/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=nobody&X-Amz-Signature=00`,
    ]) {
      const res = await options(url, ask);
      expect([url, res.status, res.headers.get('access-control-allow-origin')]).toEqual([url, 200, APP]);
    }
    const refused = await options(`${endpoint}/${bucket}`, { Origin: APP, 'Access-Control-Request-Method': 'DELETE' });
    expect((await refusal(refused)).resourceType).toBe('BUCKET');
  });

  it('refuses a bucket without rules, and one that does not exist, as S3 does', async () => {
    const w = await s3World();
    const bucket = await w.newBucket();
    const ask = { Origin: APP, 'Access-Control-Request-Method': 'GET' };
    expect(await refusal(await options(`${endpoint}/${bucket}/k`, ask))).toEqual({
      status: 403,
      code: 'AccessForbidden',
      message: 'CORSResponse: CORS is not enabled for this bucket.',
      method: 'GET',
      resourceType: 'BUCKET',
    });
    expect((await refusal(await options(`${endpoint}/${bucket}/k`, { Origin: APP }))).method).toBe('OPTIONS');
    for (const url of [`${endpoint}/no-such-bucket-here/k`, `${endpoint}/`]) {
      expect(await refusal(await options(url, ask))).toEqual({
        status: 403,
        code: 'AccessForbidden',
        message: 'CORSResponse: Bucket not found',
        method: 'GET',
        resourceType: 'BUCKET',
      });
    }
  });

  it('needs an Origin (checked first) and, on a configured bucket, Access-Control-Request-Method', async () => {
    const { bucket } = await withRules();
    for (const url of [`${endpoint}/${bucket}/k`, `${endpoint}/no-such-bucket-here/k`]) {
      const res = await options(url, { 'Access-Control-Request-Method': 'GET' });
      expect(await refusal(res)).toMatchObject({
        status: 400,
        code: 'BadRequest',
        message: 'Insufficient information. Origin request header needed.',
      });
    }
    expect(await refusal(await options(`${endpoint}/${bucket}/k`, { Origin: APP }))).toMatchObject({
      status: 400,
      code: 'BadRequest',
      message: 'Invalid Access-Control-Request-Method: null',
    });
  });

  it('sees a change made through this isolate at once', async () => {
    const w = await s3World();
    const bucket = await w.newBucket();
    const ask = { Origin: APP, 'Access-Control-Request-Method': 'GET' };
    expect((await options(`${endpoint}/${bucket}/k`, ask)).status).toBe(403); // the row is cached now
    await putCors(w, bucket, config(GET_ANY));
    expect((await options(`${endpoint}/${bucket}/k`, ask)).status).toBe(200);
    await w.s3.fetch(`/${bucket}?cors`, { method: 'DELETE' });
    expect((await options(`${endpoint}/${bucket}/k`, ask)).status).toBe(403);
  });
});

describe('actual requests from an origin', () => {
  const ACTUAL = {
    'access-control-allow-origin': APP,
    'access-control-allow-methods': 'GET, PUT',
    'access-control-expose-headers': 'ETag, x-amz-request-id',
    'access-control-max-age': '3000',
    'access-control-allow-credentials': 'true',
    vary: VARY,
  };

  it('carry the matching rule’s headers on signed and presigned answers', async () => {
    const { w, bucket } = await withRules();
    const put = await w.s3.fetch(`/${bucket}/k`, { method: 'PUT', body: 'hello', headers: { Origin: APP } });
    expect(put.status).toBe(200);
    expect(corsHeaders(put)).toEqual(ACTUAL);

    const url = await w.s3.presign(`/${bucket}/k`);
    const get = await SELF.fetch(url, { headers: { Origin: APP } });
    expect([get.status, await get.text()]).toEqual([200, 'hello']);
    expect(corsHeaders(get)).toEqual(ACTUAL);

    const virtual = await w.s3.fetchVirtual(bucket, '/k', { headers: { Origin: 'http://a.example.org' } });
    await virtual.arrayBuffer();
    expect(corsHeaders(virtual)['access-control-allow-origin']).toBe('http://a.example.org');
  });

  it('carry them on errors too: a missing key, an anonymous request, a bad signature', async () => {
    const { w, bucket } = await withRules();
    const missing = await w.s3.fetch(`/${bucket}/nope`, { headers: { Origin: APP } });
    expect([(await refusal(missing)).code, corsHeaders(missing)]).toEqual(['NoSuchKey', ACTUAL]);

    // Refused before the bucket's row was read: it is looked up for the headers.
    const anonymous = await SELF.fetch(`${endpoint}/${bucket}/k`, { headers: { Origin: 'https://elsewhere.test' } });
    const ANYONE = { 'access-control-allow-origin': '*', 'access-control-allow-methods': 'GET, HEAD', vary: VARY };
    expect([(await refusal(anonymous)).code, corsHeaders(anonymous)]).toEqual(['AccessDenied', ANYONE]);

    const url = `${(await w.s3.presign(`/${bucket}/k`)).slice(0, -4)}0000`;
    const forged = await SELF.fetch(url, { headers: { Origin: APP } });
    expect([(await refusal(forged)).code, corsHeaders(forged)]).toEqual(['SignatureDoesNotMatch', ACTUAL]);

    const head = await w.s3.fetch(`/${bucket}/nope`, { method: 'HEAD', headers: { Origin: APP } });
    // The app's rule allows no HEAD: the rule for anyone answers.
    expect([head.status, corsHeaders(head)['access-control-allow-origin']]).toEqual([404, '*']);
  });

  it('carry none without an Origin, from an origin no rule admits, or for a method no rule allows', async () => {
    const { w, bucket } = await withRules();
    await w.s3.fetch(`/${bucket}/k`, { method: 'PUT', body: 'x' });
    const cases: [string, Promise<Response>][] = [
      ['no Origin', w.s3.fetch(`/${bucket}/k`)],
      [
        'another origin',
        w.s3.fetch(`/${bucket}/k`, { method: 'PUT', body: 'x', headers: { Origin: 'https://evil.test' } }),
      ],
      ['DELETE from the app', w.s3.fetch(`/${bucket}/gone`, { method: 'DELETE', headers: { Origin: APP } })],
      [
        // S3 matches the method a preflight would name, when one is sent along.
        'a GET that names PUT from elsewhere',
        w.s3.fetch(`/${bucket}/k`, {
          headers: { Origin: 'https://elsewhere.test', 'Access-Control-Request-Method': 'PUT' },
        }),
      ],
      ['a bucket that does not exist', w.s3.fetch('/no-such-bucket-here/k', { headers: { Origin: APP } })],
    ];
    for (const [what, pending] of cases) {
      const res = await pending;
      await res.arrayBuffer();
      expect([what, corsHeaders(res)]).toEqual([what, {}]);
    }
    const bare = await w.newBucket();
    const unconfigured = await w.s3.fetch(`/${bare}`, { headers: { Origin: APP } });
    expect([unconfigured.status, corsHeaders(unconfigured)]).toEqual([200, {}]);
  });

  it('never reach the console host', async () => {
    await withRules(config(GET_ANY));
    const res = await SELF.fetch(`${CONSOLE}/api/health`, { headers: { Origin: APP } });
    expect([res.status, corsHeaders(res)]).toEqual([200, {}]);
  });
});
