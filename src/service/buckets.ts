import { sitesWithActiveUserKey } from '../db/keys';
import {
  deleteBucket as deleteBucketRow,
  findBucket,
  insertBucket,
  listBuckets as listBucketRows,
  type BucketRow,
  type NewBucket,
} from '../db/buckets';
import { bucketHasUploads } from '../db/multipart';
import type { Site } from '../sites';
import { bucketHasObjects, sweepBucketPrefix } from '../storage/layout';
import { BUCKET_SETTLE_MS, forgetBucket } from './bucket-cache';
import { CANNED_ACLS, storedAcl, type PublicAccessBlock } from './acl';
import { bucketNameProblem } from './bucket-names';
import { requireSite, type Services } from './context';
import { ServiceError, notFound } from './errors';
import { oneOf, optionalBoolean, text, type Body } from './input';
import type { ProjectScope } from './policy';
import { changeBucketAcl, changePublicAccessBlock } from './public-access';

/**
 * The own-key-at-site rule (from the getting-started guide): a user sees (and manages) a site's buckets in the
 * console only while holding an active access key of their own for that site in the project.
 */
async function sitesWithOwnKey(s: Services, scope: ProjectScope): Promise<Set<string>> {
  return new Set(await sitesWithActiveUserKey(s.db, scope.project.id, scope.user.id, s.now()));
}

async function requireOwnKeyAtSite(s: Services, scope: ProjectScope, siteId: string): Promise<void> {
  if (!(await sitesWithOwnKey(s, scope)).has(siteId)) {
    const site = requireSite(s, siteId);
    throw new ServiceError(
      'no_key_for_site',
      `You need an access key for ${site.name} (${site.id}) in this project to see or manage its buckets`,
    );
  }
}

export async function listBuckets(s: Services, scope: ProjectScope) {
  const visible = await sitesWithOwnKey(s, scope);
  const buckets = await listBucketRows(s.db, scope.project.id, [...visible]);
  const hiddenSites = s.sites.sites.filter((site) => !visible.has(site.id));
  return { buckets, hiddenSites };
}

export async function createBucket(s: Services, scope: ProjectScope, body: Body): Promise<BucketRow> {
  const site = requireSite(s, text(body, 'site', { max: 64 }));
  const name = text(body, 'name', { max: 255 });
  const problem = bucketNameProblem(name);
  if (problem) throw new ServiceError('invalid_bucket_name', problem);
  await requireOwnKeyAtSite(s, scope, site.id);
  const row: NewBucket = { site_id: site.id, name, project_id: scope.project.id, created_at: s.now() };
  const outcome = await claimBucket(s, site, row);
  if (outcome === 'taken')
    throw new ServiceError('bucket_exists', `The bucket name "${name}" is taken at ${site.name}; choose another`);
  if (outcome === 'settling') {
    throw new ServiceError(
      'bucket_name_settling',
      `The bucket name "${name}" was deleted moments ago; it can be created again in a few seconds`,
    );
  }
  // Read back with its settings (defaults) and the project's switch, as every other bucket answer shows it.
  const created = await findBucket(s.db, site.id, name);
  if (!created) throw notFound(`Bucket "${name}"`);
  return created;
}

/**
 * Creates a bucket, for the console and S3 alike: refused when the name is taken, or still reserved for the
 * project that deleted it (BUCKET_SETTLE_MS, see ./bucket-cache.ts). A new bucket starts empty: anything a stale
 * cache let through under its name since an earlier delete is swept.
 */
export async function claimBucket(s: Services, site: Site, row: NewBucket): Promise<'created' | 'taken' | 'settling'> {
  const outcome = await insertBucket(s.db, row, BUCKET_SETTLE_MS);
  if (outcome === 'created') {
    const swept = await sweepBucketPrefix(site, row.name);
    if (swept) console.log(`swept ${swept} objects left under ${site.id}/${row.name} since it was last deleted`);
  }
  return outcome;
}

/** Deletes a bucket's row (the caller checked it is empty), and forgets it in this isolate's cache at once. */
export async function removeBucket(s: Services, siteId: string, name: string): Promise<void> {
  await deleteBucketRow(s.db, siteId, name, s.now());
  forgetBucket(siteId, name);
}

export async function getBucket(s: Services, scope: ProjectScope, siteId: string, name: string): Promise<BucketRow> {
  requireSite(s, siteId);
  await requireOwnKeyAtSite(s, scope, siteId);
  const bucket = await findBucket(s.db, siteId, name);
  // Another project's bucket is reported exactly like a missing one.
  if (!bucket || bucket.project_id !== scope.project.id) throw notFound(`Bucket "${name}"`);
  return bucket;
}

/** The rule for deleting a bucket, for console and S3 alike: no objects, no unfinished multipart uploads. */
export async function bucketIsEmpty(s: Services, site: Site, name: string): Promise<boolean> {
  const [objects, uploads] = await Promise.all([bucketHasObjects(site, name), bucketHasUploads(s.db, site.id, name)]);
  return !objects && !uploads;
}

/** Deletes the bucket if it is empty; 'not_empty' leaves it as it was (for console and S3 alike). */
export async function deleteIfEmpty(s: Services, site: Site, name: string): Promise<'deleted' | 'not_empty'> {
  if (!(await bucketIsEmpty(s, site, name))) return 'not_empty';
  await removeBucket(s, site.id, name);
  return 'deleted';
}

/** Deletes an empty bucket; a bucket with objects is refused and left as it was. */
export async function deleteBucket(s: Services, scope: ProjectScope, siteId: string, name: string): Promise<void> {
  const bucket = await getBucket(s, scope, siteId, name);
  if ((await deleteIfEmpty(s, requireSite(s, siteId), bucket.name)) === 'not_empty') {
    throw new ServiceError(
      'bucket_not_empty',
      `The bucket "${name}" is not empty: delete its objects (and abort unfinished uploads) first`,
    );
  }
}

/** Sets a bucket's canned ACL from the console: `{"acl": "private" | "public-read" | ...}`. */
export async function setBucketAcl(s: Services, scope: ProjectScope, siteId: string, name: string, body: Body) {
  const bucket = await getBucket(s, scope, siteId, name);
  await changeBucketAcl(s, bucket, storedAcl(oneOf(body, 'acl', CANNED_ACLS)));
  return getBucket(s, scope, siteId, name);
}

/** Sets the bucket's four Block Public Access flags from the console (each true or false), or with null removes them. */
export async function setPublicAccessBlock(
  s: Services,
  scope: ProjectScope,
  siteId: string,
  name: string,
  body: Body | null,
) {
  const bucket = await getBucket(s, scope, siteId, name);
  const flags: PublicAccessBlock | null = body && {
    blockPublicAcls: optionalBoolean(body, 'blockPublicAcls'),
    ignorePublicAcls: optionalBoolean(body, 'ignorePublicAcls'),
    blockPublicPolicy: optionalBoolean(body, 'blockPublicPolicy'),
    restrictPublicBuckets: optionalBoolean(body, 'restrictPublicBuckets'),
  };
  await changePublicAccessBlock(s, bucket, flags);
  return getBucket(s, scope, siteId, name);
}
