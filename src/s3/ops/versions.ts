import { bucketPrefix } from '../../storage/layout';
import { listedEtags } from '../../storage/listed-records';
import { listPage, type ListEntry } from '../../storage/listing';
import { s3Etag } from '../../storage/metadata';
import { namedBucket, type Handler } from '../call';
import { S3Error } from '../errors';
import { listingEncodingType, listingMaxKeys, refuseNegativeMaxKeys, urlEncode } from '../list-params';
import { NULL_VERSION } from '../version-id';
import { xmlResponse, type XmlNode } from '../xml';
import { owner } from './bucket';

const MAX_KEYS = 1000;

/**
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectVersions.html — as AWS answers it for a bucket
 * that was never versioned, which every ROS bucket is: each object once, as its only version (`VersionId` null,
 * `IsLatest` true), and no delete markers. Tools that empty a bucket walk this listing (boto3's
 * `bucket.object_versions.delete()`, test suites' teardowns), then delete each key with `versionId=null`.
 *
 * The walk is ListObjects' (src/storage/listing.ts): same key order, prefix, delimiter, common prefixes and exact
 * paging. A page resumes after `key-marker`; `version-id-marker` can only be `null` (the one version of that key),
 * so it resumes at the same place.
 */
export const listObjectVersions: Handler<'ListObjectVersions'> = async (call) => {
  const q = call.query;
  const bucket = call.op.bucket;

  const maxKeys = listingMaxKeys(q, MAX_KEYS);
  const encodingType = listingEncodingType(q);
  const keyMarker = q.get('key-marker') ?? '';
  const versionIdMarker = q.get('version-id-marker') ?? '';
  if (versionIdMarker !== '' && keyMarker === '') {
    throw new S3Error('InvalidArgument', 'A version-id marker cannot be specified without a key marker.', {
      ArgumentName: 'version-id-marker',
      ArgumentValue: versionIdMarker,
    });
  }
  if (versionIdMarker !== '' && versionIdMarker !== NULL_VERSION) {
    throw new S3Error('InvalidArgument', 'Invalid version id specified', {
      ArgumentName: 'version-id-marker',
      ArgumentValue: versionIdMarker,
    });
  }
  refuseNegativeMaxKeys(maxKeys);

  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') ?? '';
  const limit = Math.min(maxKeys, MAX_KEYS);
  const base = bucketPrefix(bucket);
  const { entries, truncated } =
    limit === 0
      ? { entries: [] as ListEntry[], truncated: false }
      : await listPage(call.site.bucket, { base, prefix, delimiter, after: keyMarker || null, limit });

  const etags = await listedEtags(call.s.db, call.site.id, entries);
  const enc = encodingType === null ? (s: string) => s : urlEncode;
  const ownerNode: XmlNode = ['Owner', owner(namedBucket(call).project_id)];
  const versions: XmlNode[] = [];
  const commonPrefixes: XmlNode[] = [];
  for (const entry of entries) {
    if (typeof entry === 'string') {
      commonPrefixes.push(['CommonPrefixes', [['Prefix', enc(entry)]]]);
      continue;
    }
    versions.push([
      'Version',
      [
        ['Key', enc(entry.key.slice(base.length))],
        ['VersionId', NULL_VERSION],
        ['IsLatest', true],
        ['LastModified', entry.uploaded.toISOString()],
        ['ETag', `"${etags.get(entry.key) ?? s3Etag(entry)}"`],
        ['Size', entry.size],
        ['StorageClass', 'STANDARD'],
        ownerNode,
      ],
    ]);
  }
  const last = truncated ? entries[entries.length - 1] : undefined;
  return xmlResponse('ListVersionsResult', [
    ['Name', bucket],
    ['Prefix', enc(prefix)],
    ['KeyMarker', enc(keyMarker)],
    ['VersionIdMarker', versionIdMarker],
    last !== undefined && ['NextKeyMarker', enc(typeof last === 'string' ? last : last.key.slice(base.length))],
    // A page that ends on a key resumes after that key's (only) version; one that ends on a common prefix has no
    // version to name.
    last !== undefined && typeof last !== 'string' && ['NextVersionIdMarker', NULL_VERSION],
    ['MaxKeys', maxKeys],
    delimiter !== '' && ['Delimiter', enc(delimiter)],
    encodingType !== null && ['EncodingType', encodingType],
    ['IsTruncated', truncated],
    ...versions,
    ...commonPrefixes,
  ]);
};
