import { utf8 } from '../crypto/encoding';
import type { ObjectMetadata } from '../storage/metadata';
import { s3Errors } from './errors';

/**
 * Object metadata between S3 headers and R2 (src/storage/metadata.ts): Content-Type and the other standard
 * headers map to R2's httpMetadata, `x-amz-meta-*` to customMetadata under the bare name.
 */
export const USER_PREFIX = 'x-amz-meta-';
/** S3 limits user-defined metadata to 2 KB (names and values, in bytes). */
const USER_METADATA_LIMIT = 2048;

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
    size += short.length + utf8.encode(value).length;
  }
  if (size > USER_METADATA_LIMIT) {
    throw s3Errors.metadataTooLarge(size, USER_METADATA_LIMIT);
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
