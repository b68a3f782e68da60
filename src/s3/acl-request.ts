import { checkAclMayBeSet, parseCannedAcl, storedAcl, type BucketAccess, type StoredAcl } from '../service/acl';
import { S3Error } from './errors';

const GRANT_HEADERS = [
  'x-amz-grant-read',
  'x-amz-grant-write',
  'x-amz-grant-read-acp',
  'x-amz-grant-write-acp',
  'x-amz-grant-full-control',
];

/** ROS keeps canned ACLs only; an explicit grant to someone else has nothing to name (no AWS accounts here). */
export const onlyCannedAcls = () =>
  new S3Error('NotImplemented', 'ROS supports canned ACLs only (x-amz-acl: private, public-read, ...), not grants.');

/**
 * The canned ACL a request asks for with `x-amz-acl` (CreateBucket, PutObject, CopyObject, CreateMultipartUpload,
 * PutBucketAcl, PutObjectAcl), or null when it asks for none. Refused, with nothing written: a value that is no
 * canned ACL (InvalidArgument, as AWS), explicit x-amz-grant-* headers (NotImplemented), and a public ACL where
 * the bucket blocks public ACLs (AccessDenied).
 */
export function requestedAcl(headers: Headers, bucket: BucketAccess | null): StoredAcl | null {
  if (GRANT_HEADERS.some((h) => headers.has(h))) throw onlyCannedAcls();
  const value = headers.get('x-amz-acl');
  if (value === null) return null;
  const canned = parseCannedAcl(value.trim());
  if (!canned) {
    throw new S3Error('InvalidArgument', `Invalid canned ACL: ${value}`, {
      ArgumentName: 'x-amz-acl',
      ArgumentValue: value,
    });
  }
  const acl = storedAcl(canned);
  if (bucket) checkAclMayBeSet(bucket, acl);
  return acl;
}
