// SigV4 request signing for the load generator, with node:crypto's synchronous HMAC and the signing key derived
// once per day. aws4fetch would do (and is what selfCheck compares against), but it signs through async WebCrypto
// and builds fetch Request objects: on a 2-core machine every microsecond the client spends is taken from the
// server being measured. Every target is signed the same way, so the client's cost is the same for all.
import { createHash, createHmac } from 'node:crypto';
import { AwsClient } from 'aws4fetch';

export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
export const EMPTY_SHA256 = createHash('sha256').update('').digest('hex');

/** RFC 3986 encoding, as SigV4 wants it (encodeURIComponent leaves !'()* alone). */
export const rfc3986 = (s) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** `a=1&b=2` from [[name, value], …] in canonical order: what is both sent and signed. */
export function canonicalQuery(params) {
  return params
    .map(([k, v]) => [rfc3986(k), rfc3986(v ?? '')])
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

const hmac = (key, data) => createHmac('sha256', key).update(data).digest();

/**
 * A signer for one access key. `sign()` returns the request's headers including Authorization; the path must
 * already be URI-encoded (the bench's keys need no encoding) and the query is given as canonical (see above).
 */
export function createSigner({ accessKeyId, secretAccessKey, region = 'us-east-1', service = 's3' }) {
  let keyDate = '';
  let signingKey;
  return function sign({
    method,
    host,
    path,
    query = '',
    headers = {},
    payloadHash = UNSIGNED_PAYLOAD,
    now = new Date(),
  }) {
    const amzDate = now.toISOString().replace(/[:-]|\.\d{3}/g, '');
    const date = amzDate.slice(0, 8);
    if (date !== keyDate) {
      signingKey = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, date), region), service), 'aws4_request');
      keyDate = date;
    }
    const all = { ...headers, host, 'x-amz-date': amzDate, 'x-amz-content-sha256': payloadHash };
    const names = Object.keys(all)
      .map((n) => n.toLowerCase())
      .sort();
    const lower = Object.fromEntries(Object.entries(all).map(([k, v]) => [k.toLowerCase(), String(v).trim()]));
    const signedHeaders = names.join(';');
    const canonical = [
      method,
      path,
      query,
      names.map((n) => `${n}:${lower[n]}\n`).join(''),
      signedHeaders,
      payloadHash,
    ].join('\n');
    const scope = `${date}/${region}/${service}/aws4_request`;
    const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(canonical).digest('hex')].join(
      '\n',
    );
    const signature = createHmac('sha256', signingKey).update(toSign).digest('hex');
    return {
      ...all,
      authorization: `AWS4-HMAC-SHA256 Credential=${accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
    };
  };
}

/** Throws unless this signer and aws4fetch sign a ListObjectsV2-like request identically. */
export async function selfCheck() {
  const creds = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
  const now = new Date('2026-01-02T03:04:05Z');
  const query = canonicalQuery([
    ['list-type', '2'],
    ['continuation-token', 'a+b/c='],
    ['max-keys', '1000'],
  ]);
  const ours = createSigner(creds)({
    method: 'GET',
    host: '127.0.0.2:8787',
    path: '/bucket',
    query,
    now,
    headers: { 'x-amz-checksum-mode': 'ENABLED' },
  });
  const theirs = await new AwsClient({ ...creds, service: 's3', region: 'us-east-1' }).sign(
    `http://127.0.0.2:8787/bucket?${query}`,
    {
      method: 'GET',
      headers: { 'x-amz-checksum-mode': 'ENABLED', 'x-amz-content-sha256': UNSIGNED_PAYLOAD },
      aws: { datetime: now.toISOString().replace(/[:-]|\.\d{3}/g, '') },
    },
  );
  if (theirs.headers.get('authorization') !== ours.authorization) {
    throw new Error(
      `bench signer disagrees with aws4fetch:\n  ours   ${ours.authorization}\n  theirs ${theirs.headers.get('authorization')}`,
    );
  }
}
