import type { BucketRow } from '../db/buckets';
import type { KeyRow } from '../db/keys';
import type { KeyLimits } from '../service/key-limits';
import type { Services } from '../service/context';
import type { Site } from '../sites';
import type { Operation } from './classify';
import type { SigV2VerifiedAuth } from './auth/sigv2';
import type { VerifiedAuth } from './auth/sigv4';

/**
 * An unsigned request: its body may still carry a SHA-256 to check (x-amz-content-sha256) or come aws-chunked with
 * an unsigned trailer; a signed payload kind is refused (nothing could verify it).
 */
export interface AnonymousAuth {
  kind: 'anonymous';
  payload: 'unsigned' | 'signed' | 'streaming-unsigned-trailer';
  payloadHash: string;
  /** What HeadBucket and GetBucketLocation report for an unsigned request. */
  region: 'us-east-1';
}

export type RequestAuth = VerifiedAuth | SigV2VerifiedAuth | AnonymousAuth;

/**
 * The access key a request was signed with, as the handlers may use it (never the secret), with the limits its
 * owner set at creation (src/service/key-limits.ts), which authorize() enforces.
 */
export type CallerKey = Pick<KeyRow, 'id' | 'project_id' | 'site_id' | 'status'> & { limits: KeyLimits };

/** Everything a handler gets: one authenticated, authorized S3 request. */
export interface S3Call<O extends Operation = Operation> {
  request: Request;
  op: O;
  query: URLSearchParams;
  site: Site;
  s: Services;
  /** The access key the request was signed with; null for an anonymous request the ACLs allow. */
  key: CallerKey | null;
  /** The bucket the request names, when it exists (authorize() has checked the caller may use it). */
  bucket: BucketRow | null;
  auth: RequestAuth;
  /**
   * Set when the caller may read the object only because of the object's own ACL: the version that ACL is for.
   * A handler that reads another version (the object was replaced meanwhile) must refuse (AccessDenied).
   */
  readableVersion?: string;
  requestId: string;
  waitUntil(promise: Promise<unknown>): void;
}

export type OpNamed<N extends Operation['name']> = Extract<Operation, { name: N }>;
export type Handler<N extends Operation['name']> = (call: S3Call<OpNamed<N>>) => Promise<Response>;

/** The bucket of an operation that names one: authorize() has made sure it exists before any handler runs. */
export function namedBucket(call: S3Call): BucketRow {
  if (!call.bucket) throw new Error(`${call.op.name} reached its handler without its bucket`);
  return call.bucket;
}

/** The key of an operation only a key's holder may call (authorize() refuses it to anonymous requests). */
export function signingKey(call: S3Call): CallerKey {
  if (!call.key) throw new Error(`${call.op.name} reached its handler unsigned`);
  return call.key;
}
