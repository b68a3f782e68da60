import type { BucketRow } from '../db/buckets';
import { findObjectAcl } from '../db/object-records';
import { aclAllows, asStoredAcl, type Permission, type Requester } from '../service/acl';
import type { Services } from '../service/context';
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
 * - A signed request's key must be active. (Its site was checked when it was authenticated: another site's key
 *   is unknown here.)
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
): Promise<Authorization> {
  if (key && key.status !== 'active') throw new S3Error('AccessDenied', 'The access key is inactive.');
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
 * The bucket rule for a copy's source bucket, the one other bucket a request can name: it must exist and be the
 * caller's project's (a copy is the owner's operation on both ends).
 */
export function checkBucketAccess(name: string, bucket: BucketRow | null, key: CallerKey): asserts bucket is BucketRow {
  if (!bucket) throw s3Errors.noSuchBucket(name);
  if (bucket.project_id !== key.project_id) throw denied();
}
