import { bucketPrefix } from '../../storage/layout';
import { listedEtags } from '../../storage/listed-records';
import { decodeToken, encodeToken, listPage, type ListEntry } from '../../storage/listing';
import { s3Etag } from '../../storage/metadata';
import { namedBucket, type Handler, type OpNamed, type S3Call } from '../call';
import { S3Error } from '../errors';
import { listingEncodingType, listingMaxKeys, refuseNegativeMaxKeys, urlEncode } from '../list-params';
import { xmlResponse, type XmlNode } from '../xml';
import { owner } from './bucket';

/**
 * ListObjects (v1) and ListObjectsV2, as AWS answers them:
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjects.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html
 *
 * Paging is exact: a page resumes after its last entry, key or common prefix (see listPage), whether the client
 * sends it back as a v1 marker / NextMarker or as a v2 continuation token. Parameters are read as S3 reads them,
 * the first value when one is repeated; they are checked in S3's order: max-keys' syntax, the other version's
 * parameters, encoding-type, the continuation token, then max-keys' range.
 */
export const listObjects: Handler<'ListObjects'> = (call) => list(call, 1);
export const listObjectsV2: Handler<'ListObjectsV2'> = (call) => list(call, 2);

const MAX_KEYS = 1000;

/** Parameters that belong to the other version are refused, as S3 does (ArgumentName, no ArgumentValue). */
const OTHER_VERSION: Record<1 | 2, [string, string][]> = {
  1: [
    ['continuation-token', 'continuation-token only supported in REST.GET.BUCKET with list-type=2'],
    ['start-after', 'startAfter only supported in REST.GET.BUCKET with list-type=2'],
  ],
  2: [['marker', 'Marker unsupported with REST.GET.BUCKET in list-type=2']],
};

type ListCall = S3Call<OpNamed<'ListObjects'> | OpNamed<'ListObjectsV2'>>;

async function list(call: ListCall, version: 1 | 2): Promise<Response> {
  const q = call.query;
  const bucket = call.op.bucket;

  const maxKeys = listingMaxKeys(q, MAX_KEYS);
  for (const [name, message] of OTHER_VERSION[version]) {
    if (q.has(name)) throw new S3Error('InvalidArgument', message, { ArgumentName: name });
  }
  const encodingType = listingEncodingType(q);
  const token = version === 2 ? q.get('continuation-token') : null;
  // An empty token is no token (AWS lists from the start), but is still echoed.
  const resumeFromToken = token === null || token === '' ? null : decodeToken(token);
  if (token !== null && token !== '' && resumeFromToken === null) {
    throw new S3Error('InvalidArgument', 'The continuation token provided is incorrect', {
      ArgumentName: 'continuation-token',
    });
  }
  refuseNegativeMaxKeys(maxKeys);

  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') ?? '';
  const marker = version === 1 ? (q.get('marker') ?? '') : '';
  const startAfter = version === 2 ? q.get('start-after') : null;
  // A continuation token wins over start-after (which seeds only the first page).
  const after = version === 2 ? (resumeFromToken ?? (startAfter || null)) : marker || null;

  const limit = Math.min(maxKeys, MAX_KEYS);
  // max-keys=0 is an empty page that is not truncated, as on AWS, whatever the bucket holds.
  const { entries, truncated } =
    limit === 0
      ? { entries: [] as ListEntry[], truncated: false }
      : await listPage(call.site.bucket, { base: bucketPrefix(bucket), prefix, delimiter, after, limit });

  const etags = await listedEtags(call.s.db, call.site.id, entries);
  const enc = encodingType === null ? (s: string) => s : urlEncode;
  const baseLength = bucketPrefix(bucket).length;
  const withOwner = version === 1 || q.get('fetch-owner')?.toLowerCase() === 'true';
  const ownerNode: XmlNode = withOwner ? ['Owner', owner(namedBucket(call).project_id)] : null;
  const contents: XmlNode[] = [];
  const commonPrefixes: XmlNode[] = [];
  for (const entry of entries) {
    if (typeof entry === 'string') {
      commonPrefixes.push(['CommonPrefixes', [['Prefix', enc(entry)]]]);
    } else {
      contents.push([
        'Contents',
        [
          ['Key', enc(entry.key.slice(baseLength))],
          ['LastModified', entry.uploaded.toISOString()],
          ['ETag', `"${etags.get(entry.key) ?? s3Etag(entry)}"`],
          ['Size', entry.size],
          ownerNode,
          ['StorageClass', 'STANDARD'],
        ],
      ]);
    }
  }
  const last = entries.length ? entryName(entries[entries.length - 1], baseLength) : null;

  const head: XmlNode[] = [
    ['Name', bucket],
    ['Prefix', enc(prefix)],
  ];
  if (version === 2) {
    head.push(
      // AWS echoes StartAfter whenever it is sent (even empty), also beside a continuation token (which wins).
      startAfter !== null && ['StartAfter', enc(startAfter)],
      token !== null && ['ContinuationToken', token],
      truncated && last !== null && ['NextContinuationToken', encodeToken(last)],
      ['KeyCount', entries.length],
    );
  } else {
    head.push(
      ['Marker', enc(marker)],
      // Only with a delimiter (AWS); without one, clients resume from the last Key.
      truncated && delimiter !== '' && last !== null && ['NextMarker', enc(last)],
    );
  }
  head.push(
    // The value as sent (parsed), even above 1000: AWS echoes it and serves at most 1000.
    ['MaxKeys', maxKeys],
    delimiter !== '' && ['Delimiter', enc(delimiter)],
    encodingType !== null && ['EncodingType', encodingType],
    ['IsTruncated', truncated],
  );
  // Every Contents, then every CommonPrefixes: AWS's document order (not the key order they interleave in).
  return xmlResponse('ListBucketResult', [...head, ...contents, ...commonPrefixes]);
}

function entryName(entry: ListEntry, baseLength: number): string {
  return typeof entry === 'string' ? entry : entry.key.slice(baseLength);
}
