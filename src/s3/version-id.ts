import { S3Error } from './errors';

/**
 * `versionId` on a request that names an object (GET, HEAD, DELETE, a copy's source, ACLs, attributes). ROS keeps
 * no versions: every object is its only version, whose id is `null` — as on an AWS bucket that was never
 * versioned, where ListObjectVersions shows `<VersionId>null</VersionId>` and tools send it back. `null` (or no
 * versionId) addresses the object; any other id is refused as AWS refuses it on such a bucket.
 */
export const NULL_VERSION = 'null';

/** Why a versionId cannot name a version here, or null when it names the object. */
export function versionIdProblem(value: string | null): string | null {
  if (value === null || value === NULL_VERSION) return null;
  return value === '' ? 'Version id cannot be the empty string' : 'Invalid version id specified';
}

export function checkVersionId(value: string | null): void {
  const problem = versionIdProblem(value);
  if (problem) throw new S3Error('InvalidArgument', problem, { ArgumentName: 'versionId', ArgumentValue: value ?? '' });
}
