import { keyCanExist } from '../../service/object-keys';
import { storageKey } from '../../storage/layout';
import type { Handler, S3Call } from '../call';
import { evaluateConditions, hasConditions } from '../conditions';
import { quotedEtag, s3Etag } from '../../storage/metadata';
import { partLayout } from '../../storage/part-layout';
import { objectChecksum } from '../../storage/stored-checksum';
import { checksumResponseHeaders } from '../checksum-wire';
import { S3Error, s3Errors } from '../errors';
import { metadataHeaders } from '../object-headers';
import { contentRange, resolveRange, type ByteRange } from '../range';
import { checkVersionId } from '../version-id';

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html — the body streams from R2 untouched. */
export const getObject: Handler<'GetObject'> = (call) => readObject(call, true);

/** https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html — the same headers, no body. */
export const headObject: Handler<'HeadObject'> = (call) => readObject(call, false);

/** `response-*` query parameters override the stored headers in the response (signed requests only, as ours are). */
const OVERRIDES: [string, string][] = [
  ['response-content-type', 'Content-Type'],
  ['response-content-language', 'Content-Language'],
  ['response-expires', 'Expires'],
  ['response-cache-control', 'Cache-Control'],
  ['response-content-disposition', 'Content-Disposition'],
  ['response-content-encoding', 'Content-Encoding'],
];

async function readObject(
  call: S3Call<{ name: 'GetObject' | 'HeadObject'; bucket: string; key: string }>,
  withBody: boolean,
) {
  const { request, site, op, query } = call;
  const r2key = storageKey(op.bucket, op.key);
  const noSuchKey = () => s3Errors.noSuchKey(op.key);
  checkVersionId(query.get('versionId'));
  if (!keyCanExist(op.bucket, op.key)) throw noSuchKey();
  // Readable only through its own ACL (authorize): only the version that ACL is for, not one written since.
  const checkReadable = (o: R2Object) => {
    if (call.readableVersion === undefined || o.version === call.readableVersion) return;
    if ('body' in o) (o as R2ObjectBody).body.cancel();
    throw new S3Error('AccessDenied', 'Access Denied');
  };
  const rangeHeader = request.headers.get('Range');
  const partNumber = query.get('partNumber');

  // The plain GET, by far the most common, is one R2 read. Ranges and preconditions need the object's size and
  // validators first; the body is then read only if that same version is still there.
  let meta: R2Object | null = null;
  if (!withBody || rangeHeader !== null || partNumber !== null || hasConditions(request.headers)) {
    meta = await site.bucket.head(r2key);
    if (!meta) throw noSuchKey();
    checkReadable(meta);
    const outcome = evaluateConditions(request.headers, { etag: s3Etag(meta), lastModified: meta.uploaded });
    if (outcome === 'not-modified') {
      return new Response(null, {
        status: 304,
        headers: { ETag: quotedEtag(meta), 'Last-Modified': meta.uploaded.toUTCString() },
      });
    }
    if (outcome === 'precondition-failed') {
      throw s3Errors.preconditionFailed(request.headers.has('If-Match') ? 'If-Match' : 'If-Unmodified-Since');
    }
  }
  const part = meta && partNumber !== null ? await partRange(meta, partNumber, rangeHeader) : null;
  const range = part ? part.range : meta ? resolveRange(rangeHeader, meta.size) : null;

  let object: R2Object | R2ObjectBody | null = meta;
  if (withBody) {
    object = await site.bucket.get(r2key, {
      ...(range && { range }),
      ...(meta && { onlyIf: { etagMatches: meta.etag } }),
    });
    if (!object) throw noSuchKey();
    checkReadable(object);
    if (!('body' in object)) {
      // Replaced between the two reads: the validators we checked no longer describe it.
      throw new S3Error('PreconditionFailed', 'The object changed while it was being read; please retry');
    }
  }
  const response = objectResponse(object!, range, query, withBody);
  // The whole object's checksum, on request, as S3 does (not for a range: it would not describe those bytes).
  if (!range && request.headers.get('x-amz-checksum-mode')?.toUpperCase() === 'ENABLED') {
    // No I/O unless the object's metadata says its checksum came in a trailer (then one D1 read).
    const checksum = await objectChecksum(call.s.db, site.id, r2key, object!);
    if (checksum)
      for (const [name, value] of Object.entries(checksumResponseHeaders(checksum))) response.headers.set(name, value);
  }
  if (part) response.headers.set('x-amz-mp-parts-count', String(part.count));
  return response;
}

/**
 * GetObject/HeadObject with partNumber: the bytes of one part of a multipart object (a simple object is one part).
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html#API_GetObject_RequestSyntax
 */
async function partRange(
  object: R2Object,
  partNumber: string,
  rangeHeader: string | null,
): Promise<{ range: ByteRange; count: number }> {
  if (rangeHeader !== null)
    throw new S3Error('InvalidRequest', 'Cannot specify both Range header and partNumber query parameter');
  const n = Number(partNumber);
  if (!/^[0-9]+$/.test(partNumber) || !Number.isInteger(n) || n < 1 || n > 10000) {
    throw new S3Error('InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive', {
      ArgumentName: 'partNumber',
      ArgumentValue: partNumber,
    });
  }
  const layout = await partLayout(object);
  // 416, as AWS answers a part number past the object's parts (a range that cannot be satisfied).
  if (n > layout.count) {
    throw new S3Error('InvalidPartNumber', 'The requested partnumber is not satisfiable', {
      PartNumberRequested: String(n),
      ActualPartCount: String(layout.count),
    });
  }
  if (!layout.sizes) {
    throw new S3Error(
      'InvalidRequest',
      'The part sizes of this object were not recorded, so one part cannot be read by number; use a Range instead',
    );
  }
  const offset = layout.sizes.slice(0, n - 1).reduce((a, b) => a + b, 0);
  return { range: { offset, length: layout.sizes[n - 1] }, count: layout.count };
}

function objectResponse(
  object: R2Object | R2ObjectBody,
  range: ByteRange | null,
  query: URLSearchParams,
  withBody: boolean,
) {
  const headers = new Headers();
  metadataHeaders(object, headers);
  headers.set('ETag', quotedEtag(object));
  headers.set('Last-Modified', object.uploaded.toUTCString());
  headers.set('Accept-Ranges', 'bytes');
  headers.set('Content-Length', String(range ? range.length : object.size));
  if (range) headers.set('Content-Range', contentRange(range, object.size));
  for (const [param, header] of OVERRIDES) {
    const value = query.get(param);
    if (value !== null) headers.set(header, value);
  }
  const body = withBody && 'body' in object ? object.body : null;
  // encodeBody "manual": a stored Content-Encoding (e.g. gzip) describes the bytes as they are; the runtime must
  // not compress them again.
  return new Response(body, { status: range ? 206 : 200, headers, encodeBody: 'manual' });
}
