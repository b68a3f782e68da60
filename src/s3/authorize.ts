import type { BucketRow } from '../db/buckets';
import { findObjectAcl } from '../db/object-records';
import { aclAllows, asStoredAcl, type Permission, type Requester } from '../service/acl';
import type { Services } from '../service/context';
import {
  coversProject,
  isExpired,
  isReadOperation,
  reachesBucket,
  reachesListing,
  reachesObject,
} from '../service/key-limits';
import { keyCanExist } from '../service/object-keys';
import type { Site } from '../sites';
import { storageKey } from '../storage/layout';
import type { CallerKey } from './call';
import type { Operation } from './classify';
import { S3Error, s3Errors } from './errors';

/**
 * The permission an operation needs when the caller is not the bucket's owner, as S3's ACL grants map to
 * operations (https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#permissions):
 * READ on the bucket lists it (objects, versions, uploads); WRITE on the bucket creates, overwrites and deletes
 * objects; READ on an object reads it, its attributes included (AWS: "you must have READ access to the object" for
 * GetObjectAttributes). ROS also lets READ on
 * the bucket read its objects (the issue's "public bucket"; on AWS that takes a policy) — see docs/s3.md.
 * Every operation not listed is the owner's alone.
 */
const GRANTABLE: Partial<Record<Operation['name'], Permission>> = {
  HeadBucket: 'READ',
  ListObjects: 'READ',
  ListObjectsV2: 'READ',
  ListObjectVersions: 'READ',
  ListMultipartUploads: 'READ',
  ListParts: 'READ',
  GetObject: 'READ',
  HeadObject: 'READ',
  GetObjectAttributes: 'READ',
  PutObject: 'WRITE',
  PostObject: 'WRITE',
  DeleteObject: 'WRITE',
  DeleteObjects: 'WRITE',
  CreateMultipartUpload: 'WRITE',
  UploadPart: 'WRITE',
  CompleteMultipartUpload: 'WRITE',
  AbortMultipartUpload: 'WRITE',
};

/** What authorize found out on the way, for the handler. */
export interface Authorization {
  /** See S3Call.readableVersion. */
  readableVersion?: string;
}

const denied = () => new S3Error('AccessDenied', 'Access Denied');

/**
 * The one authorization rule of the S3 API, checked before any handler runs.
 * - A signed request's key must be active, unexpired, and the request within the key's limits (checkKeyLimits).
 *   (Its site was checked when it was authenticated: another site's key is unknown here.)
 * - The bucket's owner — a key of the bucket's project — may do everything. ListBuckets and CreateBucket need a
 *   key and name no existing bucket.
 * - Anyone else gets what the ACLs grant (service/acl.ts): the bucket's ACL, or for reading an object the
 *   object's own ACL; AllUsers grants reach unsigned requests, AuthenticatedUsers grants any valid key of any
 *   project. IgnorePublicAcls (or the project's switch) makes them grant nothing.
 * As AWS does: a bucket that does not exist → NoSuchBucket, for anonymous requests too; anything not granted →
 * AccessDenied (bucket names are public, as on AWS; nothing else is revealed).
 */
export async function authorize(
  s: Services,
  site: Site,
  op: Operation,
  key: CallerKey | null,
  bucket: BucketRow | null,
  /** The request's query: a listing's `prefix` is held to a prefix-limited key's. */
  query?: URLSearchParams,
): Promise<Authorization> {
  if (key) checkKeyLimits(key, op, s.now(), query);
  if (op.name === 'ListBuckets' || op.name === 'CreateBucket' || op.name === 'Unsupported') {
    if (!key) throw denied();
    return {};
  }
  if (!bucket) throw s3Errors.noSuchBucket(op.bucket);
  if (key && bucket.project_id === key.project_id) return {};
  const permission = GRANTABLE[op.name];
  if (!permission) throw denied();
  const who: Requester = key ? 'authenticated' : 'anonymous';
  if (aclAllows(asStoredAcl(bucket.acl), bucket, who, permission)) return {};
  if (
    permission === 'READ' &&
    (op.name === 'GetObject' || op.name === 'HeadObject' || op.name === 'GetObjectAttributes')
  ) {
    const version = await objectReadableBy(s, site, bucket, op.key, who);
    if (version !== null) return { readableVersion: version };
  }
  throw denied();
}

/**
 * What a key's owner limited it to (src/service/key-limits.ts), before any ownership or ACL rule: a limit narrows
 * what the key may do in its own project and in buckets other projects' ACLs open to it alike.
 * - inactive or expired: nothing (AccessDenied with a message saying which; a key's holder knows their key);
 * - read-only: operations named Get…/Head…/List… only;
 * - buckets: those buckets only; ListBuckets lists only them (listableBuckets), CreateBucket is refused;
 * - prefix: object operations on keys starting with it; a bucket's listings (ListObjects, ListObjectsV2,
 *   ListObjectVersions, ListMultipartUploads) whose `prefix` starts with it; DeleteObjects' keys, POST Object's form key and a copy's
 *   source are checked by their handlers (objectKeyAllowed, checkObjectKey, checkBucketAccess);
 * - a key limited to buckets or a prefix changes no bucket itself: CreateBucket, DeleteBucket and every
 *   configuration write (PutBucketAcl, PutBucketCors, DeleteBucketCors, PutPublicAccessBlock, …) are refused.
 * Refusals of a limit answer as AWS answers anything not allowed: 403 AccessDenied, "Access Denied".
 * An Unsupported operation passes (it answers 501 and does nothing).
 */
function checkKeyLimits(key: CallerKey, op: Operation, now: number, query: URLSearchParams | undefined) {
  if (key.status !== 'active') throw new S3Error('AccessDenied', 'The access key is inactive.');
  const l = key.limits;
  if (isExpired(l, now)) throw new S3Error('AccessDenied', 'The access key has expired.');
  if (op.name === 'Unsupported') return;
  if (l.readOnly && !isReadOperation(op.name)) throw denied();
  if (op.name === 'ListBuckets') return;
  if (op.name === 'CreateBucket') {
    if (!coversProject(l)) throw denied();
    return;
  }
  if (!reachesBucket(l, op.bucket)) throw denied();
  if ('key' in op) {
    if (!reachesObject(l, op.key)) throw denied();
  } else if (op.name.startsWith('List')) {
    // Every listing of a bucket (ListObjects, ListObjectsV2, ListObjectVersions, ListMultipartUploads) takes
    // `prefix`; one added later is held to it too, and refused to a prefix-limited key if it has none.
    if (!reachesListing(l, query?.get('prefix') ?? '')) throw denied();
  } else if (op.name !== 'DeleteObjects' && op.name !== 'PostObject') {
    // The bucket itself: a key limited to part of the project may look at it, not change it.
    if (!isReadOperation(op.name) && !coversProject(l)) throw denied();
  }
}

/** Whether a key's prefix reaches an object key (DeleteObjects answers AccessDenied for each it does not). */
export const objectKeyAllowed = (key: CallerKey | null, objectKey: string) =>
  key === null || reachesObject(key.limits, objectKey);

/** An object key a request names outside its URL (POST Object's form field), held to the key's prefix. */
export function checkObjectKey(key: CallerKey | null, objectKey: string) {
  if (!objectKeyAllowed(key, objectKey)) throw denied();
}

/** ListBuckets: a bucket-limited key lists only its buckets. */
export const listableBuckets = <B extends { name: string }>(key: CallerKey, buckets: B[]) =>
  buckets.filter((b) => reachesBucket(key.limits, b.name));

/** The version of the object whose own ACL lets `who` read it, or null. */
async function objectReadableBy(s: Services, site: Site, bucket: BucketRow, key: string, who: Requester) {
  if (!keyCanExist(bucket.name, key)) return null;
  const r2key = storageKey(bucket.name, key);
  const object = await site.bucket.head(r2key);
  if (!object) return null;
  const acl = asStoredAcl(await findObjectAcl(s.db, site.id, r2key, object.version));
  return aclAllows(acl, bucket, who, 'READ') ? object.version : null;
}

/**
 * The bucket rule for a copy's source bucket, the one other bucket a request can name: it must be within the key's
 * bucket and prefix limits (checkKeyLimits), exist and be the caller's project's (a copy is the owner's operation
 * on both ends).
 */
export function checkBucketAccess(
  name: string,
  bucket: BucketRow | null,
  key: CallerKey,
  objectKey: string,
): asserts bucket is BucketRow {
  if (!reachesBucket(key.limits, name) || !reachesObject(key.limits, objectKey)) throw denied();
  if (!bucket) throw s3Errors.noSuchBucket(name);
  if (bucket.project_id !== key.project_id) throw denied();
}
