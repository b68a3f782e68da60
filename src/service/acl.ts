import type { BucketRow } from '../db/buckets';
import { ServiceError } from './errors';

/**
 * Canned ACLs and public access, the rules the S3 API enforces and the console shows
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#canned-acl).
 *
 * ROS keeps one canned ACL per bucket and per object. The owner — the project — always has FULL_CONTROL; what an
 * ACL adds is a grant to one of S3's two groups: AllUsers (anyone, unsigned requests included) or
 * AuthenticatedUsers (any valid ROS access key, of any project, as AWS's group is any AWS account).
 * The bucket-owner-* ACLs name the bucket's owner, who in ROS is the object's owner already: they store as private.
 */
export const CANNED_ACLS = [
  'private',
  'public-read',
  'public-read-write',
  'authenticated-read',
  'bucket-owner-read',
  'bucket-owner-full-control',
] as const;
export type CannedAcl = (typeof CANNED_ACLS)[number];

/** What is stored: the ACLs that grant something beyond the owner, or private. */
export type StoredAcl = 'private' | 'public-read' | 'public-read-write' | 'authenticated-read';

export type Grantee = 'AllUsers' | 'AuthenticatedUsers';
export type Permission = 'READ' | 'WRITE';
export interface Grant {
  grantee: Grantee;
  permission: Permission;
}

/** A canned ACL name, or null when the value is none of them (S3's other canned ACLs included). */
export const parseCannedAcl = (value: string): CannedAcl | null =>
  (CANNED_ACLS as readonly string[]).includes(value) ? (value as CannedAcl) : null;

export const storedAcl = (acl: CannedAcl): StoredAcl =>
  acl === 'bucket-owner-read' || acl === 'bucket-owner-full-control' ? 'private' : acl;

/** A stored value read back from D1; anything unknown counts as private, never as a grant. */
export const asStoredAcl = (value: string | null | undefined): StoredAcl =>
  value === 'public-read' || value === 'public-read-write' || value === 'authenticated-read' ? value : 'private';

/** The grants beyond the owner's FULL_CONTROL, in the order S3 lists them. */
export function grantsOf(acl: StoredAcl): Grant[] {
  switch (acl) {
    case 'private':
      return [];
    case 'public-read':
      return [{ grantee: 'AllUsers', permission: 'READ' }];
    case 'public-read-write':
      return [
        { grantee: 'AllUsers', permission: 'READ' },
        { grantee: 'AllUsers', permission: 'WRITE' },
      ];
    case 'authenticated-read':
      return [{ grantee: 'AuthenticatedUsers', permission: 'READ' }];
  }
}

/** The ACLs S3 calls public: they grant to AllUsers or AuthenticatedUsers. */
export const isPublicAcl = (acl: StoredAcl) => acl !== 'private';

/**
 * The four S3 Block Public Access flags (https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html).
 * ROS has no bucket policies, so BlockPublicPolicy and RestrictPublicBuckets are kept and shown but change nothing.
 */
export interface PublicAccessBlock {
  blockPublicAcls: boolean;
  ignorePublicAcls: boolean;
  blockPublicPolicy: boolean;
  restrictPublicBuckets: boolean;
}

const ALL_BLOCKED: PublicAccessBlock = {
  blockPublicAcls: true,
  ignorePublicAcls: true,
  blockPublicPolicy: true,
  restrictPublicBuckets: true,
};
const NONE_BLOCKED: PublicAccessBlock = {
  blockPublicAcls: false,
  ignorePublicAcls: false,
  blockPublicPolicy: false,
  restrictPublicBuckets: false,
};

/** The bucket's own flags as set, or null when none were set (GetPublicAccessBlock then answers 404). */
export function bucketPublicAccessBlock(bucket: Pick<BucketRow, 'public_access_block'>): PublicAccessBlock | null {
  if (!bucket.public_access_block) return null;
  const stored = JSON.parse(bucket.public_access_block) as Partial<PublicAccessBlock>;
  return {
    blockPublicAcls: stored.blockPublicAcls === true,
    ignorePublicAcls: stored.ignorePublicAcls === true,
    blockPublicPolicy: stored.blockPublicPolicy === true,
    restrictPublicBuckets: stored.restrictPublicBuckets === true,
  };
}

/** What public access depends on: the bucket's flags and its project's switch (a bucket about to be created has no flags). */
export type BucketAccess = Pick<BucketRow, 'public_access_block' | 'project_block_public_access'>;

/** What holds for the bucket: its own flags, all of them when the project's admins forbid public access. */
export function effectiveBlock(bucket: BucketAccess): PublicAccessBlock {
  if (bucket.project_block_public_access) return ALL_BLOCKED;
  return bucketPublicAccessBlock(bucket) ?? NONE_BLOCKED;
}

/** BlockPublicAcls: a request that would set a public ACL is refused, and nothing is written. */
export function checkAclMayBeSet(bucket: BucketAccess, acl: StoredAcl): void {
  if (isPublicAcl(acl) && effectiveBlock(bucket).blockPublicAcls) {
    throw new ServiceError(
      'public_access_blocked',
      bucket.project_block_public_access
        ? "Public ACLs are not allowed: the project's admins forbid public access to its buckets."
        : 'Public ACLs are not allowed: the bucket blocks public ACLs (BlockPublicAcls).',
    );
  }
}

/** Who asks, when it is not the owner. */
export type Requester = 'anonymous' | 'authenticated';

/**
 * Whether an ACL grants `permission` to the requester (IgnorePublicAcls: public ACLs then grant nothing).
 * AllUsers includes everyone; AuthenticatedUsers only requests signed with a valid key.
 */
export function aclAllows(acl: StoredAcl, bucket: BucketAccess, who: Requester, permission: Permission): boolean {
  if (acl === 'private' || effectiveBlock(bucket).ignorePublicAcls) return false;
  return grantsOf(acl).some(
    (g) => g.permission === permission && (g.grantee === 'AllUsers' || who === 'authenticated'),
  );
}
