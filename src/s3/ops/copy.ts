import { createChecksum, parseAlgorithm } from '../../checksums';
import { toBase64 } from '../../crypto/encoding';
import { findBucket } from '../../db/buckets';
import { MAX_PART_SIZE, parsePartNumber, storePart } from '../../service/multipart';
import { recordObjectAcl } from '../../service/public-access';
import { objectTags, recordObjectTags } from '../../service/tagging';
import { checkKeyLength, keyCanExist } from '../../service/object-keys';
import { assemble, concatenate, observer } from '../../storage/assemble';
import { storageKey } from '../../storage/layout';
import { CHECKSUM_META, ETAG_META, PARTS_META, quotedEtag, type ObjectMetadata } from '../../storage/metadata';
import { objectEtag } from '../../storage/object-etag';
import { checksumMeta, objectChecksum, type ObjectChecksum } from '../../storage/stored-checksum';
import { requestedAcl } from '../acl-request';
import { checkBucketAccess } from '../authorize';
import { signingKey, type Handler, type S3Call } from '../call';
import { checksumElements } from '../checksum-wire';
import { evaluateConditions } from '../conditions';
import { S3Error, s3Errors } from '../errors';
import { metadataFromHeaders } from '../object-headers';
import { checkVersionId } from '../version-id';
import { xmlResponse } from '../xml';
import { requireUpload } from './multipart';
import { refuseUnsupportedHeaders, writeConditions } from './put';
import { requestedTags } from './tagging';

/** The object named by x-amz-copy-source, authorized like the request's own bucket. */
interface CopySource {
  bucket: string;
  key: string;
  object: R2Object;
}

/**
 * `x-amz-copy-source: [/]bucket/key[?versionId=…]`, URL-encoded. Versions do not exist here: `versionId=null`
 * names the object (clients send it back from ListObjectVersions), any other id is refused (src/s3/version-id.ts).
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html#API_CopyObject_RequestSyntax
 */
async function copySource(call: S3Call): Promise<CopySource> {
  let raw = call.request.headers.get('x-amz-copy-source') ?? '';
  const q = raw.indexOf('?');
  if (q >= 0) {
    checkVersionId(new URLSearchParams(raw.slice(q + 1)).get('versionId'));
    raw = raw.slice(0, q);
  }
  let path: string;
  try {
    path = decodeURIComponent(raw.replace(/^\//, ''));
  } catch {
    throw new S3Error('InvalidArgument', 'Invalid copy source encoding', { ArgumentName: 'x-amz-copy-source' });
  }
  const slash = path.indexOf('/');
  if (slash <= 0 || slash === path.length - 1) {
    throw new S3Error('InvalidArgument', 'Copy Source must mention the source bucket and key: sourcebucket/sourcekey', {
      ArgumentName: 'x-amz-copy-source',
      ArgumentValue: raw,
    });
  }
  const bucket = path.slice(0, slash);
  const key = path.slice(slash + 1);
  checkBucketAccess(
    bucket,
    bucket === call.bucket?.name ? call.bucket : await findBucket(call.s.db, call.site.id, bucket),
    signingKey(call),
    key,
  );
  const object = keyCanExist(bucket, key) ? await call.site.bucket.head(storageKey(bucket, key)) : null;
  if (!object) throw s3Errors.noSuchKey(key);
  const etag = await objectEtag(call.s.db, call.site.id, storageKey(bucket, key), object);
  checkCopyConditions(call.request.headers, object, etag);
  return { bucket, key, object };
}

/** x-amz-copy-source-if-* : like GetObject's preconditions, but every failure is 412. */
function checkCopyConditions(headers: Headers, object: R2Object, etag: string) {
  const mapped = new Headers();
  for (const name of ['If-Match', 'If-None-Match', 'If-Modified-Since', 'If-Unmodified-Since']) {
    const value = headers.get(`x-amz-copy-source-${name.toLowerCase()}`);
    if (value !== null) mapped.set(name, value);
  }
  if (evaluateConditions(mapped, { etag, lastModified: object.uploaded }) !== 'proceed') {
    throw s3Errors.preconditionFailed('x-amz-copy-source-If-Match');
  }
}

/** The source's own metadata, less what described its multipart layout (the copy is one new object). */
function copiedMetadata(object: R2Object): ObjectMetadata {
  const custom = { ...(object.customMetadata ?? {}) };
  delete custom[ETAG_META];
  delete custom[PARTS_META];
  delete custom[CHECKSUM_META];
  return { httpMetadata: object.httpMetadata ?? {}, customMetadata: custom };
}

/**
 * The source's checksum, carried to the copy when it describes the bytes themselves (FULL_OBJECT); a COMPOSITE
 * one describes the source's parts, which the copy (one new object) does not have.
 */
async function copiedChecksum(call: S3Call, source: CopySource): Promise<ObjectChecksum | null> {
  const checksum = await objectChecksum(call.s.db, call.site.id, storageKey(source.bucket, source.key), source.object);
  return checksum?.type === 'FULL_OBJECT' ? checksum : null;
}

/**
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html
 * Within and across buckets of the same project and site, streamed (any size). COPY keeps the source's
 * metadata; REPLACE takes it from this request — the only way to copy an object onto itself.
 */
export const copyObject: Handler<'CopyObject'> = async (call) => {
  const { request, site, op } = call;
  checkKeyLength(op.bucket, op.key);
  refuseUnsupportedHeaders(request.headers);
  const directive = (request.headers.get('x-amz-metadata-directive') ?? 'COPY').toUpperCase();
  if (directive !== 'COPY' && directive !== 'REPLACE') {
    throw new S3Error('InvalidArgument', 'Unknown metadata directive.', {
      ArgumentName: 'x-amz-metadata-directive',
      ArgumentValue: directive,
    });
  }
  const acl = requestedAcl(request.headers, call.bucket);
  const taggingDirective = (request.headers.get('x-amz-tagging-directive') ?? 'COPY').toUpperCase();
  if (taggingDirective !== 'COPY' && taggingDirective !== 'REPLACE') {
    throw new S3Error('InvalidArgument', 'Unknown tagging directive.', {
      ArgumentName: 'x-amz-tagging-directive',
      ArgumentValue: taggingDirective,
    });
  }
  // REPLACE: the request's x-amz-tagging (none without it); COPY: the source's tags, read once it is found.
  const replacedTags = taggingDirective === 'REPLACE' ? (requestedTags(request.headers, call) ?? []) : null;
  const source = await copySource(call);
  if (source.bucket === op.bucket && source.key === op.key && directive === 'COPY') {
    throw new S3Error(
      'InvalidRequest',
      "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
    );
  }
  const metadata = directive === 'REPLACE' ? metadataFromHeaders(request.headers) : copiedMetadata(source.object);
  const checksum = await copiedChecksum(call, source);
  const sourceTags = replacedTags ? null : await objectTags(call.s, site, source.object);
  if (checksum) metadata.customMetadata[CHECKSUM_META] = checksumMeta(checksum.algorithm, checksum.value);
  const target = storageKey(op.bucket, op.key);
  const onlyIf = await writeConditions(call, target);
  const copied = await assemble(
    site.bucket,
    target,
    [{ key: storageKey(source.bucket, source.key), length: source.object.size }],
    { ...metadata, ...(onlyIf && { onlyIf }) },
  );
  if (!copied) throw s3Errors.preconditionFailed();
  await recordObjectAcl(call.s, site, copied, acl);
  await recordObjectTags(call.s, site, op.bucket, copied, replacedTags ?? sourceTags);
  return xmlResponse('CopyObjectResult', [
    ['LastModified', copied.uploaded.toISOString()],
    ['ETag', quotedEtag(copied)],
    ...checksumElements(checksum),
  ]);
};

/**
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_UploadPartCopy.html
 * A part made of (a range of) an existing object, staged like an uploaded part.
 */
export const uploadPartCopy: Handler<'UploadPartCopy'> = async (call) => {
  const { request, s, site, query } = call;
  const partNumber = parsePartNumber(query.get('partNumber'));
  const upload = await requireUpload(call);
  const source = await copySource(call);
  const size = source.object.size;
  let offset = 0;
  let length = size;
  const range = request.headers.get('x-amz-copy-source-range');
  if (range !== null) {
    // Not of the form bytes=first-last (first ≤ last) → InvalidArgument; well-formed but past the source's end →
    // 416 InvalidRange, as AWS answers (ceph/s3-tests test_multipart_copy_invalid_range).
    const m = /^bytes=(\d+)-(\d+)$/.exec(range.trim());
    if (!m || Number(m[2]) < Number(m[1])) {
      throw new S3Error(
        'InvalidArgument',
        'The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy',
        { ArgumentName: 'x-amz-copy-source-range', ArgumentValue: range },
      );
    }
    if (Number(m[2]) >= size) {
      throw new S3Error('InvalidRange', 'The requested range is not satisfiable', {
        RangeRequested: range,
        ActualObjectSize: String(size),
      });
    }
    offset = Number(m[1]);
    length = Number(m[2]) - offset + 1;
  }
  if (length > MAX_PART_SIZE)
    throw new S3Error('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size');
  const sourceKey = storageKey(source.bucket, source.key);
  // An upload created with a checksum algorithm gets each part's checksum, copied parts included: computed on the way.
  const algorithm = parseAlgorithm(upload.checksum_algorithm);
  const sum = algorithm ? createChecksum(algorithm) : null;
  const part = await storePart(
    s,
    site,
    upload,
    partNumber,
    length,
    async (sink) => {
      let body = length === 0 ? null : concatenate(site.bucket, [{ key: sourceKey, offset, length }]);
      if (body && sum)
        body = body.pipeThrough(observer((c) => sum.update(c))).pipeThrough(new FixedLengthStream(length));
      await sink(body);
      return { checksum: sum ? toBase64(await sum.digest()) : null };
    },
    call.waitUntil,
  );
  return xmlResponse('CopyPartResult', [
    ['LastModified', new Date(part.uploaded_at).toISOString()],
    ['ETag', `"${part.etag}"`],
    ...checksumElements(algorithm && part.checksum ? { algorithm, value: part.checksum } : null),
  ]);
};
