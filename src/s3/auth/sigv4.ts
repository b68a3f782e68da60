/**
 * AWS Signature Version 4 verification for the S3 API: the Authorization header form and presigned
 * (query-string) URLs. Pure logic plus WebCrypto; no I/O, no D1.
 *
 *   const auth = parseAuth(request);          // sync, cheap: syntax checks, gives auth.accessKeyId
 *   if (auth.kind !== "anonymous") {
 *     const secret = await lookUpSecret(auth.accessKeyId);   // caller's D1 lookup
 *     const verified = await verify(auth, secret, { now });  // time checks + signature
 *   }
 *
 * Every failure throws SigV4Error carrying the exact S3 error code (and the extra XML fields) that
 * AWS returns in the same situation. References:
 * - https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-auth-using-authorization-header.html
 * - https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html
 * - https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
 * - https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html (seed signature, chunk keys)
 * - https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html (error codes)
 */

import {
  type CanonicalRequestOptions,
  type CanonicalRequestParts,
  canonicalRequest,
  parseQuery,
  stringToSign,
} from './canonical';
import { SIGNATURE_MISMATCH, SigV4Error } from './errors';
import { SERVICE, type PayloadKind, type SignedAuth } from './parse';
import { timingSafeEqualStrings } from '../../crypto/compare';
import { sha256Hex } from '../../crypto/encoding';
import { SigningKeyCache, hmacHex } from './signing-key-cache';

export * from './errors';
export * from './parse';
export {
  ALGORITHM,
  EMPTY_SHA256,
  UNSIGNED_PAYLOAD,
  canonicalHeaders,
  canonicalQuery,
  canonicalRequest,
  canonicalUri,
  credentialScope,
  formatAmzDate,
  parseAmzDate,
  stringToSign,
  uriEncode,
  type CanonicalRequestOptions,
  type CanonicalRequestParts,
} from './canonical';
export { SigningKeyCache, deriveSigningKey, hmacHex } from './signing-key-cache';

/** Largest clock difference S3 tolerates for header auth (and for a presigned URL's start). */
export const MAX_SKEW_MS = 15 * 60 * 1000;
/** First line of an aws-chunked chunk's string to sign (then date, scope, previous signature, hashes). */
export const CHUNK_ALGORITHM = 'AWS4-HMAC-SHA256-PAYLOAD';

/** A request whose signature checked out, with what an aws-chunked decoder needs next. */
export interface VerifiedAuth {
  kind: SignedAuth['kind'];
  accessKeyId: string;
  region: string;
  date: string;
  amzDate: string;
  scope: string;
  /** The request signature: the seed ("previous signature") of the first aws-chunked chunk. */
  seedSignature: string;
  /** The derived SigV4 signing key; sign chunk strings to sign with `hmacHex(signingKey, …)`. */
  signingKey: CryptoKey;
  payloadHash: string;
  payload: PayloadKind;
}

export interface VerifyOptions {
  /** Current time (epoch ms or Date); injectable for tests. Default: Date.now(). */
  now?: number | Date;
  /** Signing-key cache; default: one shared per isolate. */
  cache?: SigningKeyCache;
  /** Read a literal `+` in the path as a space, as legacy AWS does. Must match how keys are decoded. */
  plusInPathIsSpace?: boolean;
}

/** Shared per isolate: keys derived for one request are reused by the next (bounded LRU). */
export const defaultSigningKeyCache = new SigningKeyCache(1000);

/** ISO 8601 without milliseconds, as AWS prints ServerTime and Expires. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Header auth (SigV4 or SigV2): at most 15 minutes between the request's time and ours, either way. */
export function checkSkew(requestTime: number, requestTimeText: string, nowMs: number): void {
  if (Math.abs(nowMs - requestTime) <= MAX_SKEW_MS) return;
  throw new SigV4Error(
    'RequestTimeTooSkewed',
    'The difference between the request time and the current time is too large.',
    {
      RequestTime: requestTimeText,
      ServerTime: isoSeconds(nowMs),
      MaxAllowedSkewMilliseconds: String(MAX_SKEW_MS),
    },
  );
}

/**
 * The clock checks, separate so a caller can run them before its D1 lookup (verify runs them too).
 * Header auth: at most 15 minutes either way. Presigned: valid from X-Amz-Date (15 minutes of
 * client clock skew allowed) until X-Amz-Date + X-Amz-Expires inclusive.
 */
export function checkRequestTime(auth: SignedAuth, now: number | Date = Date.now()): void {
  const nowMs = typeof now === 'number' ? now : now.getTime();
  if (auth.kind === 'header') {
    checkSkew(auth.requestTime, auth.requestTimeText, nowMs);
    return;
  }
  const expiresAt = auth.requestTime + auth.expiresSeconds * 1000;
  if (auth.requestTime - nowMs > MAX_SKEW_MS) {
    // AWS really does echo X-Amz-Date here as epoch milliseconds.
    throw new SigV4Error('AccessDenied', 'Request is not yet valid', {
      'X-Amz-Date': String(auth.requestTime),
      Expires: isoSeconds(expiresAt),
      ServerTime: isoSeconds(nowMs),
    });
  }
  // X-Amz-Expires=0 is a URL that has expired already (AWS answers "Request has expired", not a parameter error).
  if (auth.expiresSeconds === 0 || nowMs > expiresAt) {
    throw new SigV4Error('AccessDenied', 'Request has expired', {
      'X-Amz-Expires': String(auth.expiresSeconds),
      Expires: isoSeconds(expiresAt),
      ServerTime: isoSeconds(nowMs),
    });
  }
}

/**
 * The canonicalizations a valid signature may have used, most standard first. The alternatives
 * only differ where two wire forms mean the same thing to the store (`%2F` vs `/` in a key) or
 * where widely used signers (aws4fetch, aws4) follow S3's own habit of signing only the first value
 * of a repeated query parameter; they are tried only when the request contains such a case.
 */
function canonicalVariants(auth: SignedAuth, opts: VerifyOptions): CanonicalRequestOptions[] {
  const base: CanonicalRequestOptions = {
    plusIsSpace: opts.plusInPathIsSpace ?? false,
    ...(auth.kind === 'presigned' ? { omit: 'X-Amz-Signature' } : {}),
  };
  const variants = [base];
  if (/%2f/i.test(auth.request.rawPath)) variants.push({ ...base, keepEncodedSlash: true });
  // Most requests have no query at all (GET/HEAD/PUT of an object): nothing to decode then.
  const names = auth.request.rawQuery === '' ? [] : parseQuery(auth.request.rawQuery).map(([n]) => n);
  if (new Set(names).size !== names.length) {
    for (const v of [...variants]) variants.push({ ...v, firstValueOnly: true });
  }
  return variants;
}

/** The bytes of a string to sign as AWS lists them in StringToSignBytes: two hex digits each, space-separated. */
export const bytesHex = (s: string) =>
  [...new TextEncoder().encode(s)].map((b) => b.toString(16).padStart(2, '0')).join(' ');

/** Checks the clock and the signature; resolves with what later stages (aws-chunked) need. */
export async function verify(
  auth: SignedAuth,
  secretAccessKey: string,
  opts: VerifyOptions = {},
): Promise<VerifiedAuth> {
  const now = opts.now ?? Date.now();
  checkRequestTime(auth, now);
  const signingKey = await (opts.cache ?? defaultSigningKeyCache).get(secretAccessKey, auth.date, auth.region, SERVICE);
  const parts: CanonicalRequestParts = {
    ...auth.request,
    signedHeaders: auth.signedHeaders,
    payloadHash: auth.payloadHash,
  };
  let first: { canonical: string; toSign: string } | undefined;
  const tried = new Set<string>();
  for (const variant of canonicalVariants(auth, opts)) {
    const canonical = canonicalRequest(parts, variant);
    if (tried.has(canonical)) continue;
    tried.add(canonical);
    const toSign = stringToSign(auth.amzDate, auth.scope, await sha256Hex(canonical));
    if (timingSafeEqualStrings(await hmacHex(signingKey, toSign), auth.signature)) {
      return {
        kind: auth.kind,
        accessKeyId: auth.accessKeyId,
        region: auth.region,
        date: auth.date,
        amzDate: auth.amzDate,
        scope: auth.scope,
        seedSignature: auth.signature,
        signingKey,
        payloadHash: auth.payloadHash,
        payload: auth.payload,
      };
    }
    first ??= { canonical, toSign };
  }
  const { canonical, toSign } = first!;
  throw new SigV4Error('SignatureDoesNotMatch', SIGNATURE_MISMATCH, {
    AWSAccessKeyId: auth.accessKeyId,
    StringToSign: toSign,
    SignatureProvided: auth.signature,
    StringToSignBytes: bytesHex(toSign),
    CanonicalRequest: canonical,
    CanonicalRequestBytes: bytesHex(canonical),
  });
}
