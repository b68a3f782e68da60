// What the parts of a bucket's page share: the bucket, where it is (its API path, its console route), the folder shown.
import { seg } from '../../api.js';

/**
 * A bucket as the console API describes it. `urls` are null where the site has no such address.
 * `access` says who besides the project may reach it (docs/api.md).
 * @typedef {{ acl: string, publicAccessBlock: Record<string, boolean> | null, projectBlocksPublicAccess: boolean,
 *   effective: { anyoneCanRead: boolean, anyoneCanWrite: boolean, anyKeyCanRead: boolean } }} BucketAccess
 * @typedef {{ name: string, site: string, siteName: string, endpoint: string | null, createdAt: string,
 *   urls: { pathStyle: string | null, virtualHost: string | null }, access: BucketAccess }} Bucket
 */

/**
 * One render of a bucket's page: `base` is the bucket's API path, `route` its page's address, `folder` the prefix
 * shown (ending in "/", or empty for the top).
 * @typedef {{ project: import('../../app-state.js').Project, bucket: Bucket, base: string, route: string,
 *   folder: string }} BucketView
 */

/**
 * The API path and the console route of the bucket `name` at site `siteId`.
 * @param {string} projectId @param {string} siteId @param {string} name
 */
export function bucketPaths(projectId, siteId, name) {
  return {
    base: `/projects/${seg(projectId)}/buckets/${seg(siteId, name)}`,
    route: `/p/${projectId}/buckets/${encodeURIComponent(siteId)}/${encodeURIComponent(name)}`,
  };
}
