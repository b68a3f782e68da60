import { S3Error } from './errors';

/**
 * Object metadata between S3 headers and R2: the standard HTTP headers map to R2's httpMetadata, `x-amz-meta-*`
 * to customMetadata under the bare name (as R2's own S3 API stores them, so objects stay readable by other R2
 * tools). ROS's own bookkeeping uses names with a ':' — never a valid header name, so never a user's.
 */
export const USER_PREFIX = 'x-amz-meta-';
/** S3 limits user-defined metadata to 2 KB (names and values, in bytes). */
const USER_METADATA_LIMIT = 2048;

export interface ObjectMetadata {
  httpMetadata: R2HTTPMetadata;
  customMetadata: Record<string, string>;
}

export function metadataFromHeaders(headers: Headers): ObjectMetadata {
  const http: R2HTTPMetadata = {};
  const contentType = headers.get('Content-Type');
  if (contentType) http.contentType = contentType;
  const map: [keyof R2HTTPMetadata, string][] = [
    ['contentEncoding', 'Content-Encoding'],
    ['contentDisposition', 'Content-Disposition'],
    ['contentLanguage', 'Content-Language'],
    ['cacheControl', 'Cache-Control'],
  ];
  for (const [field, header] of map) {
    const value = headers.get(header);
    // aws-chunked is a transfer detail of the upload, not the object's encoding.
    const cleaned = header === 'Content-Encoding' ? stripAwsChunked(value) : value;
    if (cleaned) (http as Record<string, string>)[field] = cleaned;
  }
  const expires = headers.get('Expires');
  if (expires) {
    const when = new Date(expires);
    if (!Number.isNaN(when.getTime())) http.cacheExpiry = when;
  }
  const custom: Record<string, string> = {};
  let size = 0;
  for (const [name, value] of headers) {
    if (!name.startsWith(USER_PREFIX)) continue;
    const short = name.slice(USER_PREFIX.length);
    custom[short] = value;
    size += short.length + new TextEncoder().encode(value).length;
  }
  if (size > USER_METADATA_LIMIT) {
    throw new S3Error('MetadataTooLarge', 'Your metadata headers exceed the maximum allowed metadata size.', {
      Size: String(size),
      MaxSizeAllowed: String(USER_METADATA_LIMIT),
    });
  }
  return { httpMetadata: http, customMetadata: custom };
}

function stripAwsChunked(value: string | null): string | null {
  if (!value) return value;
  const rest = value
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v && v.toLowerCase() !== 'aws-chunked');
  return rest.length ? rest.join(', ') : null;
}

/** The headers GetObject/HeadObject return for an object's metadata. */
export function metadataHeaders(object: R2Object, headers: Headers): void {
  const http = object.httpMetadata ?? {};
  headers.set('Content-Type', http.contentType ?? 'binary/octet-stream');
  if (http.contentEncoding) headers.set('Content-Encoding', http.contentEncoding);
  if (http.contentDisposition) headers.set('Content-Disposition', http.contentDisposition);
  if (http.contentLanguage) headers.set('Content-Language', http.contentLanguage);
  if (http.cacheControl) headers.set('Cache-Control', http.cacheControl);
  if (http.cacheExpiry) headers.set('Expires', new Date(http.cacheExpiry).toUTCString());
  for (const [name, value] of Object.entries(object.customMetadata ?? {})) {
    if (!name.includes(':')) headers.set(USER_PREFIX + name, value);
  }
}

/**
 * ROS's own bookkeeping in customMetadata (names with ':' can never be user metadata):
 * - `ros:etag`: the S3 ETag where it is not R2's (multipart objects: MD5 of the part MD5s, then "-N");
 * - `ros:checksum`: the verified x-amz-checksum-* of the upload, returned with x-amz-checksum-mode: ENABLED;
 * - `ros:parts`: the part sizes of a multipart object, run-length encoded ("8388608*12,1048576"), for
 *   GetObject/HeadObject with partNumber.
 */
export const ETAG_META = 'ros:etag';
/** `ros:checksum`: "<ALGORITHM>:<base64>", the flexible checksum the client sent (and ROS verified) at upload. */
export const CHECKSUM_META = 'ros:checksum';
export const PARTS_META = 'ros:parts';

/** The object's S3 ETag, unquoted. */
export const s3Etag = (object: R2Object) => object.customMetadata?.[ETAG_META] ?? object.etag;
export const quotedEtag = (object: R2Object) => `"${s3Etag(object)}"`;

export function encodeParts(sizes: number[]): string {
  const runs: string[] = [];
  for (let i = 0; i < sizes.length; ) {
    let j = i;
    while (j < sizes.length && sizes[j] === sizes[i]) j++;
    runs.push(j - i > 1 ? `${sizes[i]}*${j - i}` : String(sizes[i]));
    i = j;
  }
  return runs.join(',');
}

export function decodeParts(encoded: string | undefined): number[] | null {
  if (!encoded) return null;
  const sizes: number[] = [];
  for (const run of encoded.split(',')) {
    const [size, count = '1'] = run.split('*');
    for (let i = 0; i < Number(count); i++) sizes.push(Number(size));
  }
  return sizes;
}
