import type { BucketRow } from '../db/buckets';
import type { CallerKey } from './call';
import type { Operation } from './classify';
import { S3Error, s3Errors } from './errors';

/**
 * The one authorization rule of the S3 API, checked before any handler runs:
 * the key is active, and the bucket the request names belongs to the key's project.
 * (The key's site was checked when it was authenticated: another site's key is unknown here.)
 *
 * As AWS does: a bucket that does not exist → NoSuchBucket; a bucket of another project → AccessDenied
 * (its existence is not hidden, just as S3 bucket names are public). CreateBucket is the one operation that may
 * name a bucket that does not exist yet; its handler answers BucketAlreadyExists / BucketAlreadyOwnedByYou.
 */
export function authorize(op: Operation, key: CallerKey, bucket: BucketRow | null): void {
  if (key.status !== 'active') throw new S3Error('AccessDenied', 'The access key is inactive.');
  if (op.name === 'ListBuckets' || op.name === 'Unsupported' || op.name === 'CreateBucket') return;
  checkBucketAccess(op.bucket, bucket, key);
}

/** The bucket rule alone: also applied to a copy's source bucket, the one other bucket a request can name. */
export function checkBucketAccess(name: string, bucket: BucketRow | null, key: CallerKey): asserts bucket is BucketRow {
  if (!bucket) throw s3Errors.noSuchBucket(name);
  if (bucket.project_id !== key.project_id) throw new S3Error('AccessDenied', 'Access Denied');
}
