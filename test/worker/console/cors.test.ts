import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { SITES, S3TestClient } from '../s3/s3-fixtures';
import { bucketWorld } from './objects-support';
import { ownKey, world } from './fixtures';

const APP = 'https://app.example.com';
const UPLOADS = {
  allowedOrigins: [APP],
  allowedMethods: ['GET', 'PUT', 'POST', 'HEAD'],
  allowedHeaders: ['*'],
  exposeHeaders: ['ETag'],
  maxAgeSeconds: 3000,
};

describe('console: a bucket’s CORS rules', () => {
  it('are read, set and removed as JSON, and are the rules S3 sees', async () => {
    const w = await bucketWorld();
    const c = w.member.client;
    expect((await c.get(`${w.base}/cors`)).body).toEqual({ rules: [] });

    const set = await c.call('PUT', `${w.base}/cors`, {
      rules: [
        { id: 'web app', ...UPLOADS },
        { allowedOrigins: ['*'], allowedMethods: ['GET'] },
      ],
    });
    const rules = [
      { id: 'web app', ...UPLOADS },
      { allowedOrigins: ['*'], allowedMethods: ['GET'], allowedHeaders: [], exposeHeaders: [] },
    ];
    expect([set.status, set.body]).toEqual([200, { rules }]);
    expect((await c.get(`${w.base}/cors`)).body).toEqual({ rules });

    // The same rules over S3, and at once in a preflight (this isolate forgot its cached row).
    const { key, secretAccessKey } = await ownKey(c, w.project);
    const s3 = new S3TestClient(key.accessKeyId, secretAccessKey, 'thailand-1');
    const xml = await (await s3.fetch(`/${w.bucket}?cors`)).text();
    expect(xml).toContain(
      `<CORSRule><AllowedHeader>*</AllowedHeader><AllowedMethod>GET</AllowedMethod><AllowedMethod>PUT</AllowedMethod><AllowedMethod>POST</AllowedMethod><AllowedMethod>HEAD</AllowedMethod><AllowedOrigin>${APP}</AllowedOrigin><ExposeHeader>ETag</ExposeHeader><ID>web app</ID><MaxAgeSeconds>3000</MaxAgeSeconds></CORSRule>`,
    );
    const preflight = await SELF.fetch(`${SITES['thailand-1'].endpoint}/${w.bucket}/photo.jpg`, {
      method: 'OPTIONS',
      headers: {
        Origin: APP,
        'Access-Control-Request-Method': 'PUT',
        'Access-Control-Request-Headers': 'content-type',
      },
    });
    expect([preflight.status, preflight.headers.get('Access-Control-Allow-Origin')]).toEqual([200, APP]);

    const removed = await c.delete(`${w.base}/cors`);
    expect(removed.status).toBe(204);
    expect((await c.get(`${w.base}/cors`)).body).toEqual({ rules: [] });
    expect((await s3.fetch(`/${w.bucket}?cors`)).status).toBe(404);
    expect((await c.delete(`${w.base}/cors`)).status).toBe(204);
  });

  it.each<[string, unknown, string, string?]>([
    ['no rules field', {}, 'invalid_input', '"rules" must be a list of CORS rules'],
    ['a rule that is no object', { rules: ['GET'] }, 'invalid_input', '"rules[0]" must be an object'],
    [
      "AWS's field names",
      { rules: [{ AllowedOrigins: ['*'], AllowedMethods: ['GET'] }] },
      'invalid_input',
      '"rules[0].AllowedOrigins" is not a field of a CORS rule (id, allowedOrigins, allowedMethods, allowedHeaders, exposeHeaders, maxAgeSeconds)',
    ],
    ['origins as one string', { rules: [{ allowedOrigins: '*', allowedMethods: ['GET'] }] }, 'invalid_input'],
    ['a numeric id', { rules: [{ id: 7, allowedOrigins: ['*'], allowedMethods: ['GET'] }] }, 'invalid_input'],
    [
      'max age as text',
      { rules: [{ allowedOrigins: ['*'], allowedMethods: ['GET'], maxAgeSeconds: '60' }] },
      'invalid_input',
    ],
    ['an empty list', { rules: [] }, 'malformed_cors', 'A CORS configuration has 1 to 100 rules, not 0'],
    [
      'no origins',
      { rules: [{ allowedOrigins: [], allowedMethods: ['GET'] }] },
      'malformed_cors',
      'CORS rule 1 has no AllowedOrigin',
    ],
    [
      'a fractional max age',
      { rules: [{ allowedOrigins: ['*'], allowedMethods: ['GET'], maxAgeSeconds: 1.5 }] },
      'malformed_cors',
    ],
    [
      'PATCH',
      { rules: [{ allowedOrigins: ['*'], allowedMethods: ['GET', 'PATCH'] }] },
      'invalid_cors_rule',
      'Found unsupported HTTP method in CORS config. Unsupported method is PATCH',
    ],
    [
      'two wildcards in an origin',
      { rules: [{ allowedOrigins: ['*.*'], allowedMethods: ['GET'] }] },
      'invalid_cors_rule',
      'AllowedOrigin "*.*" can not have more than one wildcard.',
    ],
    [
      'a line break in an expose header',
      { rules: [{ allowedOrigins: ['*'], allowedMethods: ['GET'], exposeHeaders: ['ETag\nX-Evil: 1'] }] },
      'invalid_cors_rule',
    ],
  ])('refuses %s with 400 and keeps the rules', async (_what, body, code, message) => {
    const w = await bucketWorld();
    const c = w.member.client;
    await c.call('PUT', `${w.base}/cors`, { rules: [UPLOADS] });
    const res = await c.call('PUT', `${w.base}/cors`, body);
    expect([res.status, res.body.error.code]).toEqual([400, code]);
    if (message) expect(res.body.error.message).toBe(message);
    expect((await c.get(`${w.base}/cors`)).body.rules).toHaveLength(1);
  });

  it('follows the own-key-at-site rule, and hides other projects’ buckets', async () => {
    const w = await bucketWorld();
    // The project admin of the bucket's project holds no key at thailand-1.
    expect((await w.padmin.client.get(`${w.base}/cors`)).body.error.code).toBe('no_key_for_site');
    expect((await w.outsider.client.call('PUT', `${w.base}/cors`, { rules: [UPLOADS] })).status).toBe(404);
    // Through another project (with a key at the site), the bucket is not there.
    const other = await world();
    await ownKey(other.member.client, other.project);
    const elsewhere = `/projects/${other.project}/buckets/thailand-1/${w.bucket}/cors`;
    expect((await other.member.client.call('PUT', elsewhere, { rules: [UPLOADS] })).status).toBe(404);
    expect((await w.member.client.get(`${w.base}/cors`)).body).toEqual({ rules: [] });
  });
});
