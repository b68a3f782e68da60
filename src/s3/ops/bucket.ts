import { findBucket, listProjectBucketsAtSite, updateBucketAcl } from '../../db/buckets';
import { findProject } from '../../db/projects';
import { checkAclMayBeSet, isPublicAcl } from '../../service/acl';
import { bucketNameProblem } from '../../service/bucket-names';
import { bucketIsEmpty, claimBucket, removeBucket } from '../../service/buckets';
import { listableBuckets } from '../authorize';
import { signingKey, type Handler } from '../call';
import { S3Error, s3Errors } from '../errors';
import { requestedAcl } from '../acl-request';
import { readSmallBody } from '../body/small';
import { parseXml, xmlResponse } from '../xml';

/** The owner S3 shows is the project: buckets and objects belong to it, not to one key. */
export const owner = (projectId: string) =>
  [
    ['ID', projectId],
    ['DisplayName', projectId],
  ] as const;

/**
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListBuckets.html — the key's project's buckets at this site
 * (a bucket-limited key's buckets only).
 */
export const listBuckets: Handler<'ListBuckets'> = async (call) => {
  const { s, site } = call;
  const key = signingKey(call);
  const buckets = listableBuckets(key, await listProjectBucketsAtSite(s.db, key.project_id, site.id));
  return xmlResponse('ListAllMyBucketsResult', [
    ['Owner', [...owner(key.project_id)]],
    [
      'Buckets',
      buckets.map(
        (b) =>
          [
            'Bucket',
            [
              ['Name', b.name],
              ['CreationDate', new Date(b.created_at).toISOString()],
            ],
          ] as const,
      ),
    ],
  ]);
};

/**
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html
 * Names follow S3's rules and are unique per site across projects. A CreateBucketConfiguration body is accepted
 * (any LocationConstraint: the site is the location), but must be well-formed.
 * Creating a bucket the caller's project already owns answers 200, as AWS's default region (us-east-1) does for
 * legacy compatibility — tools create buckets idempotently — and changes nothing. (us-east-1 also resets the
 * bucket's ACL then; ROS does not, so that a tool re-running its "make bucket" step cannot turn a bucket the
 * owner made public private, or the reverse: the ACL changes only through PutBucketAcl or the console.) Another
 * project's name is 409 BucketAlreadyExists. (AWS's other regions answer 409 BucketAlreadyOwnedByYou; the console
 * keeps refusing.)
 */
export const createBucket: Handler<'CreateBucket'> = async (call) => {
  const { s, site, op } = call;
  const key = signingKey(call);
  const problem = bucketNameProblem(op.bucket);
  if (problem)
    throw new S3Error('InvalidBucketName', `The specified bucket is not valid. ${problem}.`, { BucketName: op.bucket });
  const acl = requestedAcl(call.request.headers, null);
  // A new bucket has no flags of its own: only its project's switch can refuse a public ACL (read only then).
  if (acl && isPublicAcl(acl)) {
    const project = await findProject(s.db, key.project_id);
    checkAclMayBeSet(
      { public_access_block: null, project_block_public_access: project?.block_public_access ?? 0 },
      acl,
    );
  }
  const configuration = await readSmallBody(call, 64 << 10);
  if (configuration.trim()) {
    if (!('CreateBucketConfiguration' in parseXml(configuration))) {
      throw s3Errors.malformedXml();
    }
  }
  const taken = () =>
    new S3Error(
      'BucketAlreadyExists',
      'The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.',
      { BucketName: op.bucket },
    );
  // Read afresh, not from the isolate's bucket cache: a create is rare and must see a delete made elsewhere.
  let bucket = await findBucket(s.db, site.id, op.bucket);
  const recreated = () => new Response(null, { status: 200, headers: { Location: `/${op.bucket}` } });
  if (bucket) {
    if (bucket.project_id === key.project_id) return recreated();
    throw taken();
  }
  const outcome = await claimBucket(s, site, {
    site_id: site.id,
    name: op.bucket,
    project_id: key.project_id,
    created_at: s.now(),
  });
  if (outcome === 'settling') {
    // Deleted a moment ago by another project: S3's answer while a deleted name settles.
    throw new S3Error(
      'OperationAborted',
      'A conflicting conditional operation is currently in progress against this resource. Please try again.',
    );
  }
  if (outcome === 'taken') {
    // Lost a race with another CreateBucket: report as AWS would, from the row that won.
    bucket = await findBucket(s.db, site.id, op.bucket);
    if (bucket && bucket.project_id === key.project_id) return recreated();
    throw taken();
  }
  if (acl && acl !== 'private') await updateBucketAcl(s.db, site.id, op.bucket, acl);
  return new Response(null, { status: 200, headers: { Location: `/${op.bucket}` } });
};

/**
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadBucket.html
 * The region header echoes the region the client signed with: every region is valid here, and clients that
 * compare it with their own then have nothing to correct.
 */
export const headBucket: Handler<'HeadBucket'> = async ({ auth }) =>
  new Response(null, { status: 200, headers: { 'x-amz-bucket-region': auth.region } });

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketLocation.html — empty means us-east-1, as on AWS. */
export const getBucketLocation: Handler<'GetBucketLocation'> = async ({ auth }) => {
  const region = auth.region === 'us-east-1' ? '' : auth.region;
  return new Response(
    `<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${region}</LocationConstraint>`,
    { headers: { 'Content-Type': 'application/xml' } },
  );
};

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucket.html — only an empty bucket (no objects, no uploads). */
export const deleteBucket: Handler<'DeleteBucket'> = async ({ s, site, op }) => {
  if (!(await bucketIsEmpty(s, site, op.bucket))) {
    throw new S3Error('BucketNotEmpty', 'The bucket you tried to delete is not empty', { BucketName: op.bucket });
  }
  await removeBucket(s, site.id, op.bucket);
  return new Response(null, { status: 204 });
};
