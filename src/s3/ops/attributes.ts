import { keyCanExist } from '../../service/object-keys';
import { storageKey } from '../../storage/layout';
import { s3Etag } from '../../storage/metadata';
import { partLayout } from '../../storage/part-layout';
import { objectChecksum } from '../../storage/stored-checksum';
import type { Handler } from '../call';
import { checksumElements } from '../checksum-wire';
import { S3Error, s3Errors } from '../errors';
import { checkVersionId } from '../version-id';
import { xmlResponse, type XmlNode } from '../xml';

/** The attributes a client may ask for, as AWS names them in `x-amz-object-attributes`. */
const ATTRIBUTES = ['ETag', 'Checksum', 'ObjectParts', 'StorageClass', 'ObjectSize'] as const;
type Attribute = (typeof ATTRIBUTES)[number];

/**
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectAttributes.html — `GET /key?attributes` with the
 * attributes wanted in `x-amz-object-attributes` (comma-separated; missing or empty → InvalidRequest, a name AWS
 * does not know → InvalidArgument). The answer holds what was asked for, in AWS's order:
 * - ETag: unquoted, as AWS writes it here (unlike HeadObject);
 * - Checksum: the object's stored checksum with its type, as HeadObject reports it with x-amz-checksum-mode
 *   (src/storage/stored-checksum.ts); left out when the object has none;
 * - ObjectParts: for an object made by a multipart upload, its part count (`PartsCount`). AWS lists the parts
 *   themselves (with `x-amz-max-parts` / `x-amz-part-number-marker` paging) only for objects that kept a checksum
 *   per part; ROS keeps none once an upload completes, so, as AWS does for such objects, only the count is shown,
 *   whatever paging is asked. A simple object has no ObjectParts.
 * - StorageClass: STANDARD; ObjectSize: the size in bytes.
 * `Last-Modified` comes as a header.
 */
export const getObjectAttributes: Handler<'GetObjectAttributes'> = async (call) => {
  const { site, op, query, request } = call;
  checkVersionId(query.get('versionId'));
  const wanted = requestedAttributes(request.headers.get('x-amz-object-attributes'));
  if (!keyCanExist(op.bucket, op.key)) throw s3Errors.noSuchKey(op.key);
  const r2key = storageKey(op.bucket, op.key);
  const object = await site.bucket.head(r2key);
  if (!object) throw s3Errors.noSuchKey(op.key);
  // Readable only through its own ACL (authorize): only the version that ACL is for.
  if (call.readableVersion !== undefined && object.version !== call.readableVersion) {
    throw new S3Error('AccessDenied', 'Access Denied');
  }

  const nodes: XmlNode[] = [];
  if (wanted.has('ETag')) nodes.push(['ETag', s3Etag(object)]);
  if (wanted.has('Checksum')) {
    const checksum = await objectChecksum(call.s.db, site.id, r2key, object);
    if (checksum) nodes.push(['Checksum', checksumElements(checksum)]);
  }
  if (wanted.has('ObjectParts')) {
    const layout = await partLayout(object);
    if (layout.multipart) nodes.push(['ObjectParts', [['PartsCount', layout.count]]]);
  }
  if (wanted.has('StorageClass')) nodes.push(['StorageClass', 'STANDARD']);
  if (wanted.has('ObjectSize')) nodes.push(['ObjectSize', object.size]);
  return xmlResponse('GetObjectAttributesResponse', nodes, {
    headers: { 'Last-Modified': object.uploaded.toUTCString() },
  });
};

/** `x-amz-object-attributes` as AWS reads it: names separated by commas (repeated headers arrive joined). */
function requestedAttributes(header: string | null): Set<Attribute> {
  const names = (header ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (names.length === 0) {
    throw new S3Error(
      'InvalidRequest',
      'The x-amz-object-attributes header specifying the attributes to be retrieved is either missing or empty',
    );
  }
  const wanted = new Set<Attribute>();
  for (const name of names) {
    if (!(ATTRIBUTES as readonly string[]).includes(name)) {
      throw new S3Error('InvalidArgument', 'Invalid attribute name specified.', {
        ArgumentName: 'x-amz-object-attributes',
        ArgumentValue: name,
      });
    }
    wanted.add(name as Attribute);
  }
  return wanted;
}
