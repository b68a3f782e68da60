import { updateBucketAcl, updateBucketPublicAccessBlock, type BucketRow } from '../db/buckets';
import { findObjectAcl, putObjectAcl } from '../db/object-records';
import { updateProjectBlockPublicAccess } from '../db/projects';
import type { Site } from '../sites';
import { asStoredAcl, checkAclMayBeSet, type PublicAccessBlock, type StoredAcl } from './acl';
import { forgetBucket, forgetProjectBuckets } from './bucket-cache';
import type { Services } from './context';

/**
 * Changing who may reach a bucket or an object (the rules are in ./acl.ts), for the S3 API and the console alike.
 * Bucket settings live in the bucket row and are cached with it: this isolate forgets it at once, others within
 * the bucket cache's few seconds (./bucket-cache.ts).
 */
export async function changeBucketAcl(s: Services, bucket: BucketRow, acl: StoredAcl): Promise<void> {
  checkAclMayBeSet(bucket, acl);
  await updateBucketAcl(s.db, bucket.site_id, bucket.name, acl);
  forgetBucket(bucket.site_id, bucket.name);
}

/** Sets the bucket's Block Public Access flags, or removes them (null). */
export async function changePublicAccessBlock(s: Services, bucket: BucketRow, flags: PublicAccessBlock | null) {
  await updateBucketPublicAccessBlock(s.db, bucket.site_id, bucket.name, flags && JSON.stringify(flags));
  forgetBucket(bucket.site_id, bucket.name);
}

/** The project admins' switch: public access to none of the project's buckets (all four flags, everywhere). */
export async function changeProjectPublicAccess(s: Services, projectId: string, block: boolean): Promise<void> {
  await updateProjectBlockPublicAccess(s.db, projectId, block);
  forgetProjectBuckets(projectId);
}

/**
 * An object's ACL, kept in D1 by object version (migrations/0006_bucket_access.sql): a new version starts
 * private, as a new S3 object does, so only a non-private ACL asked for at the write is recorded.
 */
export async function recordObjectAcl(s: Services, site: Site, object: R2Object, acl: StoredAcl | null) {
  if (acl && acl !== 'private') await putObjectAcl(s.db, site.id, object.key, object.version, acl);
}

/** Sets the ACL of this version of the object (PutObjectAcl, the console). */
export async function changeObjectAcl(s: Services, site: Site, bucket: BucketRow, object: R2Object, acl: StoredAcl) {
  checkAclMayBeSet(bucket, acl);
  await putObjectAcl(s.db, site.id, object.key, object.version, acl);
}

/** The ACL of this version of the object. */
export const objectAcl = async (s: Services, site: Site, object: R2Object): Promise<StoredAcl> =>
  asStoredAcl(await findObjectAcl(s.db, site.id, object.key, object.version));
