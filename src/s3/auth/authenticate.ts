import { findKeyWithBucket, touchKey, type KeyRow } from '../../db/keys';
import type { BucketRow } from '../../db/buckets';
import { clearBucketCache, loadBucket, rememberBucket } from '../../service/bucket-cache';
import { limitsOf } from '../../service/key-limits';
import { keySecret } from '../../service/keys';
import type { Services } from '../../service/context';
import type { Site } from '../../sites';
import { PLUS_IS_SPACE } from '../addressing';
import { S3Error } from '../errors';
import type { AnonymousAuth, CallerKey, RequestAuth } from '../call';
import { type FormSignature, verifyFormSignature } from './post-signature';
import { checkRequestTime, parseAuth, payloadKind, verify } from './sigv4';
import { checkSigV2Time, parseSigV2, verifySigV2 } from './sigv2';

/**
 * Who signed the request, and the bucket it names, in at most one D1 read, and none when both are cached.
 *
 * Keys (with their decrypted secret) are cached in the isolate for KEY_CACHE_MS: a key deleted or deactivated
 * in the console stops working within that time everywhere. (A key's expiry needs no refresh: authorize() compares
 * it with the request's time, so an expired key stops at once.) Bucket rows are cached for BUCKET_CACHE_MS (the
 * same 5 s; see src/service/bucket-cache.ts for why a stale one is harmless); a miss on either is one read, the
 * key joined with the bucket.
 */
export const KEY_CACHE_MS = 5_000;
const TOUCH_EVERY_MS = 60_000;

interface CachedKey {
  key: KeyRow;
  secret: string;
  until: number;
}
const keyCache = new Map<string, CachedKey>();
const lastTouched = new Map<string, number>();

export interface Authenticated {
  /** null for an anonymous request: authorize() decides what the ACLs allow it. */
  key: CallerKey | null;
  bucket: BucketRow | null;
  auth: RequestAuth;
}

const invalidKey = () =>
  new S3Error('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.');

export async function authenticate(
  request: Request,
  s: Services,
  site: Site,
  bucketName: string | null,
  waitUntil: (p: Promise<unknown>) => void,
  /** The bucket named by the Host header (virtual-host style), which a SigV2 signature covers. */
  hostBucket: string | null = null,
): Promise<Authenticated> {
  const attempt = parseAuth(request);
  const now = s.now();
  if (attempt.kind === 'anonymous') {
    const bucket = bucketName === null ? null : await loadBucket(s.db, site.id, bucketName, now);
    return { key: null, bucket, auth: anonymousAuth(request.headers) };
  }
  if (attempt.kind === 'sigv2') {
    const v2 = parseSigV2(attempt, hostBucket);
    checkSigV2Time(v2, now);
    const { key, secret, bucket } = await lookUpKey(s, site, v2.accessKeyId, bucketName, now);
    await verifySigV2(v2, secret);
    touch(s, key.id, now, waitUntil);
    // SigV2 signs no payload: the body is checked as an unsigned request's is.
    const { payload, payloadHash } = anonymousAuth(
      request.headers,
      'A signed aws-chunked payload needs a Signature Version 4 request: Signature Version 2 signs no payload.',
    );
    return {
      key: callerKey(key),
      bucket,
      auth: { kind: 'sigv2', via: v2.via, accessKeyId: v2.accessKeyId, payload, payloadHash, region: 'us-east-1' },
    };
  }
  // Stale requests are refused before any lookup.
  checkRequestTime(attempt, now);
  const { key, secret, bucket } = await lookUpKey(s, site, attempt.accessKeyId, bucketName, now);
  const auth = await verify(attempt, secret, { now, plusInPathIsSpace: PLUS_IS_SPACE });
  touch(s, key.id, now, waitUntil);
  return { key: callerKey(key), bucket, auth };
}

/**
 * The key that signed a POST form, and the bucket the request names: the key found as for any request (lookUpKey),
 * the signature checked over the form's policy field (./post-signature.ts).
 */
export async function authenticateForm(
  s: Services,
  site: Site,
  bucketName: string,
  signature: FormSignature,
  policy: string,
  waitUntil: (p: Promise<unknown>) => void,
): Promise<{ key: CallerKey; bucket: BucketRow | null }> {
  const now = s.now();
  const { key, secret, bucket } = await lookUpKey(s, site, signature.accessKeyId, bucketName, now);
  await verifyFormSignature(signature, policy, secret);
  touch(s, key.id, now, waitUntil);
  return { key: callerKey(key), bucket };
}

/**
 * An unsigned request's payload: a hex SHA-256 or an unsigned aws-chunked trailer can still be checked. `refusal`
 * words why a signed aws-chunked payload cannot be.
 */
function anonymousAuth(
  headers: Headers,
  refusal = 'A signed payload needs a signed request: sign it with an access key.',
): AnonymousAuth {
  const declared = headers.get('x-amz-content-sha256');
  const payload = declared === null ? 'unsigned' : payloadKind(declared);
  if (payload !== 'unsigned' && payload !== 'signed' && payload !== 'streaming-unsigned-trailer') {
    throw new S3Error('AccessDenied', refusal);
  }
  return { kind: 'anonymous', payload, payloadHash: declared ?? '', region: 'us-east-1' };
}

/** The access key as handlers may see it: never the secret; its limits for authorize(). */
export const callerKey = (key: KeyRow): CallerKey => ({
  id: key.id,
  project_id: key.project_id,
  site_id: key.site_id,
  status: key.status,
  limits: limitsOf(key),
});

/**
 * An access key of this site with its secret, and the bucket the request names (null when it names none or the
 * bucket does not exist): for every way a request can be signed (headers, query, a POST form's fields).
 * InvalidAccessKeyId when the key does not exist at this site.
 */
export async function lookUpKey(
  s: Services,
  site: Site,
  accessKeyId: string,
  bucketName: string | null,
  now: number,
): Promise<{ key: KeyRow; secret: string; bucket: BucketRow | null }> {
  let cached = keyCache.get(accessKeyId);
  let bucket: BucketRow | null = null;
  if (cached && cached.until > now) {
    if (bucketName !== null) bucket = await loadBucket(s.db, site.id, bucketName, now);
  } else {
    const found = await findKeyWithBucket(s.db, accessKeyId, site.id, bucketName);
    if (!found) {
      keyCache.delete(accessKeyId);
      throw invalidKey();
    }
    const { key } = found;
    cached = { key, secret: await keySecret(s, key), until: now + KEY_CACHE_MS };
    if (keyCache.size >= 10_000) keyCache.clear();
    keyCache.set(key.id, cached);
    // null when it is gone since it was cached
    bucket = found.bucket;
    if (bucket) rememberBucket(bucket, now);
  }
  // A key of another site does not exist at this endpoint.
  if (cached.key.site_id !== site.id) throw invalidKey();
  return { key: cached.key, secret: cached.secret, bucket };
}

/** "Last used" is written after the response, and at most once a minute per key per isolate. */
function touch(s: Services, id: string, now: number, waitUntil: (p: Promise<unknown>) => void) {
  if (now - (lastTouched.get(id) ?? 0) < TOUCH_EVERY_MS) return;
  lastTouched.set(id, now);
  if (lastTouched.size > 10_000) lastTouched.clear();
  waitUntil(touchKey(s.db, id, now).catch((err) => console.error('last-used update failed', err)));
}

/** For tests: forget cached keys and buckets, as a fresh isolate would. */
export function clearKeyCache() {
  keyCache.clear();
  lastTouched.clear();
  clearBucketCache();
}
