import { describe, expect, it } from 'vitest';
import { formSignature, verifyFormSignature } from '../../../src/s3/auth/post-signature';
import { S3Error } from '../../../src/s3/errors';
import { type PolicyInput, checkPolicy, parsePolicy } from '../../../src/s3/post-policy';

const b64 = (text: string) => btoa(String.fromCharCode(...new TextEncoder().encode(text)));
const policyOf = (doc: unknown) => parsePolicy(b64(JSON.stringify(doc)));
const NOW = Date.parse('2030-01-01T00:00:00Z');
const LATER = '2030-01-01T01:00:00.000Z';

function error(fn: () => unknown): { code: string; message: string; fields: Record<string, string> } {
  try {
    fn();
  } catch (err) {
    if (err instanceof S3Error) return { code: err.code, message: err.message, fields: err.fields };
    throw err;
  }
  throw new Error('expected an S3Error');
}

const input = (fields: Record<string, string>, size = 10, bucket = 'photos'): PolicyInput => ({
  fields: new Map(Object.entries(fields)),
  bucket,
  size,
});

describe('parsePolicy', () => {
  it('reads expiration (with or without milliseconds) and the three kinds of condition, in any case', () => {
    const policy = policyOf({
      expiration: '2030-01-01T01:00:00Z',
      conditions: [
        { Bucket: 'photos' },
        ['EQ', '$Key', 'a.txt'],
        ['Starts-With', '$Content-Type', 'image/'],
        ['content-length-range', 1, '1048576'],
      ],
    });
    expect(policy.expiration).toBe(Date.parse(LATER));
    expect(policy.conditions).toEqual([
      { op: 'eq', field: 'bucket', value: 'photos', text: '["eq", "$Bucket", "photos"]' },
      { op: 'eq', field: 'key', value: 'a.txt', text: '["eq", "$Key", "a.txt"]' },
      { op: 'starts-with', field: 'content-type', value: 'image/', text: '["starts-with", "$Content-Type", "image/"]' },
      { op: 'content-length-range', min: 1, max: 1048576 },
    ]);
  });

  it.each<[string, string]>([
    ['not base64', 'not base64!'],
    ['not JSON', b64('{"expiration":')],
    ['a JSON list', b64('[]')],
    ['no expiration', b64(JSON.stringify({ conditions: [] }))],
    [
      'EXPIRATION in capitals (names outside conditions are case-sensitive)',
      b64(JSON.stringify({ EXPIRATION: LATER, conditions: [] })),
    ],
    ['no conditions', b64(JSON.stringify({ expiration: LATER }))],
    [
      'an expiration that is no ISO 8601 UTC time',
      b64(JSON.stringify({ expiration: '2030-01-01 01:00:00+00:00', conditions: [] })),
    ],
    ['conditions that are no list', b64(JSON.stringify({ expiration: LATER, conditions: {} }))],
    ['an empty condition object', b64(JSON.stringify({ expiration: LATER, conditions: [{}] }))],
    [
      'a condition object with two fields',
      b64(JSON.stringify({ expiration: LATER, conditions: [{ a: '1', b: '2' }] })),
    ],
    [
      'a condition value that is no string',
      b64(JSON.stringify({ expiration: LATER, conditions: [{ success_action_status: 201 }] })),
    ],
    ['an unknown operation', b64(JSON.stringify({ expiration: LATER, conditions: [['ends-with', '$key', 'x']] }))],
    ['a field without $', b64(JSON.stringify({ expiration: LATER, conditions: [['eq', 'key', 'x']] }))],
    [
      'a content-length-range with one bound',
      b64(JSON.stringify({ expiration: LATER, conditions: [['content-length-range', 0]] })),
    ],
    [
      'a negative content-length-range',
      b64(JSON.stringify({ expiration: LATER, conditions: [['content-length-range', -1, 0]] })),
    ],
  ])('refuses %s as InvalidPolicyDocument', (_, base64) => {
    const e = error(() => parsePolicy(base64));
    expect(e.code).toBe('InvalidPolicyDocument');
    expect(e.message).toMatch(/^Invalid Policy: /);
  });
});

describe('checkPolicy', () => {
  const policy = policyOf({
    expiration: LATER,
    conditions: [
      { bucket: 'photos' },
      ['starts-with', '$key', 'user/eric/'],
      { acl: 'public-read' },
      ['starts-with', '$Content-Type', 'image/'],
      ['starts-with', '$x-amz-meta-tag', ''],
      ['content-length-range', 5, 100],
    ],
  });
  const good = {
    key: 'user/eric/cat.jpg',
    acl: 'public-read',
    'content-type': 'image/jpeg',
    'x-amz-meta-tag': 'anything',
    'x-amz-credential': 'AKID/20300101/auto/s3/aws4_request',
    policy: 'eyJ...',
    'x-amz-signature': 'abc',
    'x-ignore-flash': 'yes',
  };
  /** The form without the field no condition names. */
  const { 'x-amz-credential': _credential, ...conditions } = good;

  it('accepts a form that meets every condition, names no other field, and is on time', () => {
    expect(() => checkPolicy(policy, input(conditions), NOW)).not.toThrow();
    // starts-with "" matches anything, also an absent field
    const { 'x-amz-meta-tag': _, ...withoutTag } = conditions;
    expect(() => checkPolicy(policy, input(withoutTag), NOW)).not.toThrow();
  });

  it('refuses an expired policy', () => {
    expect(error(() => checkPolicy(policy, input(conditions), Date.parse(LATER)))).toEqual({
      code: 'AccessDenied',
      message: 'Invalid according to Policy: Policy expired.',
      fields: {},
    });
  });

  it.each<[string, Record<string, string>, string, string]>([
    ['another bucket', conditions, 'videos', '["eq", "$bucket", "photos"]'],
    [
      'a key outside the prefix',
      { ...conditions, key: 'user/bob/cat.jpg' },
      'photos',
      '["starts-with", "$key", "user/eric/"]',
    ],
    ['another acl', { ...conditions, acl: 'private' }, 'photos', '["eq", "$acl", "public-read"]'],
    ['a missing acl', { ...conditions, acl: '' }, 'photos', '["eq", "$acl", "public-read"]'],
    [
      'a Content-Type list with one type outside',
      { ...conditions, 'content-type': 'image/png, text/plain' },
      'photos',
      '["starts-with", "$Content-Type", "image/"]',
    ],
  ])('refuses %s with the condition that failed, as S3 quotes it', (_, fields, bucket, text) => {
    expect(error(() => checkPolicy(policy, input(fields, 10, bucket), NOW))).toEqual({
      code: 'AccessDenied',
      message: `Invalid according to Policy: Policy Condition failed: ${text}`,
      fields: {},
    });
  });

  it('reads a Content-Type list as S3 does: each type must match', () => {
    expect(() =>
      checkPolicy(policy, input({ ...conditions, 'content-type': 'image/png,image/gif' }), NOW),
    ).not.toThrow();
  });

  it('refuses a field that no condition names, and a policy that does not name the bucket', () => {
    expect(error(() => checkPolicy(policy, input(good), NOW)).message).toBe(
      'Invalid according to Policy: Extra input fields: x-amz-credential',
    );
    const noBucket = policyOf({ expiration: LATER, conditions: [['starts-with', '$key', '']] });
    expect(error(() => checkPolicy(noBucket, input({ key: 'k' }), NOW)).message).toBe(
      'Invalid according to Policy: Extra input fields: bucket',
    );
  });

  it('allows only exact matches on the fields S3 allows only them for', () => {
    const startsWith = policyOf({
      expiration: LATER,
      conditions: [
        ['starts-with', '$bucket', ''],
        ['starts-with', '$key', ''],
      ],
    });
    expect(error(() => checkPolicy(startsWith, input({ key: 'k' }), NOW)).message).toBe(
      'Invalid according to Policy: Policy Condition failed: ["starts-with", "$bucket", ""]',
    );
  });

  it('holds the file to content-length-range with the sizes in the error', () => {
    expect(error(() => checkPolicy(policy, input(conditions, 4), NOW))).toEqual({
      code: 'EntityTooSmall',
      message: 'Your proposed upload is smaller than the minimum allowed size',
      fields: { ProposedSize: '4', MinSizeAllowed: '5' },
    });
    expect(error(() => checkPolicy(policy, input(conditions, 101), NOW))).toEqual({
      code: 'EntityTooLarge',
      message: 'Your proposed upload exceeds the maximum allowed size',
      fields: { ProposedSize: '101', MaxSizeAllowed: '100' },
    });
    expect(() => checkPolicy(policy, input(conditions, 5), NOW)).not.toThrow();
    expect(() => checkPolicy(policy, input(conditions, 100), NOW)).not.toThrow();
  });
});

describe('form signatures', () => {
  // Computed with Python's hmac module for AWS's example key (sigv4-post-example.html): an independent signer.
  const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
  const POLICY =
    'eyJleHBpcmF0aW9uIjogIjIwMTUtMTItMzBUMTI6MDA6MDAuMDAwWiIsICJjb25kaXRpb25zIjogW3siYnVja2V0IjogInNpZ3Y0ZXhhbXBsZWJ1Y2tldCJ9LCBbInN0YXJ0cy13aXRoIiwgIiRrZXkiLCAidXNlci91c2VyMS8iXV19';
  const V4 = 'd45045268feb0d6f083076769fc0b9ba068dc1ab344d20a042427c3631b931f1';
  const V2 = 'DbOEFzwAb/zpgr6/PHnEsVv/N+8=';
  const v4Fields = {
    'x-amz-algorithm': 'AWS4-HMAC-SHA256',
    'x-amz-credential': 'AKIAIOSFODNN7EXAMPLE/20151229/us-east-1/s3/aws4_request',
    'x-amz-date': '20151229T000000Z',
    'x-amz-signature': V4,
    policy: POLICY,
  };
  const fieldsOf = (o: Record<string, string>) => new Map(Object.entries(o));

  it('verifies Signature Version 4 (hex HMAC-SHA256 with the signing key) and 2 (base64 HMAC-SHA1)', async () => {
    const v4 = formSignature(fieldsOf(v4Fields))!;
    expect(v4).toEqual({
      version: 4,
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      date: '20151229',
      region: 'us-east-1',
      signature: V4,
    });
    await verifyFormSignature(v4, POLICY, SECRET);
    const v2 = formSignature(fieldsOf({ awsaccesskeyid: 'AKIAIOSFODNN7EXAMPLE', signature: V2, policy: POLICY }))!;
    expect(v2).toEqual({ version: 2, accessKeyId: 'AKIAIOSFODNN7EXAMPLE', signature: V2 });
    await verifyFormSignature(v2, POLICY, SECRET);
  });

  it('refuses a wrong signature with what AWS shows', async () => {
    const sig = formSignature(fieldsOf({ ...v4Fields, 'x-amz-signature': V4.replace('d', 'e') }))!;
    await expect(verifyFormSignature(sig, POLICY, SECRET)).rejects.toMatchObject({
      code: 'SignatureDoesNotMatch',
      fields: { AWSAccessKeyId: 'AKIAIOSFODNN7EXAMPLE', StringToSign: POLICY },
    });
    const v2 = formSignature(fieldsOf({ awsaccesskeyid: 'AKIAIOSFODNN7EXAMPLE', signature: V2, policy: POLICY }))!;
    await expect(verifyFormSignature(v2, `${POLICY}x`, SECRET)).rejects.toMatchObject({
      code: 'SignatureDoesNotMatch',
    });
  });

  it('takes a form without signature fields as anonymous, and names the field a signed one lacks', () => {
    expect(formSignature(fieldsOf({ key: 'k', acl: 'public-read' }))).toBeNull();
    const missing = (fields: Record<string, string>) => error(() => formSignature(fieldsOf(fields)));
    expect(missing({ awsaccesskeyid: 'AKID', policy: POLICY })).toEqual({
      code: 'InvalidArgument',
      message:
        "Bucket POST must contain a field named 'Signature'.  If it is specified, please check the order of the fields.",
      fields: { ArgumentName: 'Signature', ArgumentValue: '' },
    });
    expect(missing({ policy: POLICY }).fields.ArgumentName).toBe('AWSAccessKeyId');
    const { 'x-amz-date': _, ...noDate } = v4Fields;
    expect(missing(noDate).fields.ArgumentName).toBe('X-Amz-Date');
    expect(missing({ ...v4Fields, 'x-amz-algorithm': 'AWS4-HMAC-SHA512' }).code).toBe('InvalidArgument');
    expect(missing({ ...v4Fields, 'x-amz-credential': 'AKID/20151229/us-east-1/s3' }).code).toBe(
      'AuthorizationQueryParametersError',
    );
  });
});
